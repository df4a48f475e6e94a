// Trapdoor-keyed "shapes" of a model for the Solidity gas benches: keys with known toxic waste
// (test/verify/helpers/toy-groth16.ts: valid proofs, made without a prover) with the chunk/key
// structure of a layout. The verifier's gas depends only on that structure, the statement's
// token counts and the calldata's zero bytes, not on which circuit a key belongs to.
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { expectedPublicSignals, nPublicForCtx, parseManifest, vkeyHash, type Manifest } from '@zkinfer/verifier';
import { proofJson, scalar, simulateProof, toyKey, vkJson } from '../test/verify/helpers/toy-groth16.ts';

/** A trapdoor-keyed model and bundle: chunk i uses key kindOf(i); nPrompt prompt tokens, `generated` after them. */
export function shape(ctx: number, nChunks: number, nKinds: number, nPrompt: number, generated: number[]): { manifest: Manifest; bundle: unknown } {
  const modelId = bytesToHex(sha256(utf8ToBytes(`shape ${ctx}/${nChunks}/${nKinds}`)));
  const keys = Array.from({ length: nKinds }, (_, k) => toyKey(nPublicForCtx(ctx), `shape/${nKinds}/kind${k}`, { phase1: 'shape', gammaIsGenerator: true }));
  const kindOf = (i: number) => i % nKinds;
  const written = new Set<number>();
  const manifestJson = {
    version: 1,
    modelId,
    name: `shape-${nChunks}x${nKinds}`,
    architecture: { family: 'llama', vocabSize: 512, dModel: 8, nLayers: 1, nHeads: 1, nKvHeads: 1, headDim: 8, ffnDim: 8, parameters: 1 },
    ctx,
    ptau: { power: 8, sha256: bytesToHex(sha256(utf8ToBytes('ptau'))), insecure: true },
    chunks: Array.from({ length: nChunks }, (_, i) => {
      const k = kindOf(i);
      const entry: Record<string, unknown> = { index: i, constraints: 1000, circuitHash: bytesToHex(sha256(utf8ToBytes(`kind ${k}`))), vkeyHash: vkeyHash(keys[k].vk) };
      if (!written.has(k)) entry.vkey = vkJson(keys[k].vk);
      written.add(k);
      return entry;
    }),
  };
  const statement = { promptCommitment: scalar('prompt'), nPrompt, nGenerated: generated.length, generated };
  const chunks = Array.from({ length: nChunks }, (_, i) => {
    const signals = expectedPublicSignals({
      modelId,
      ctx,
      chunkIndex: i,
      inCommitment: i === 0 ? 0n : scalar(`b${i}`),
      outCommitment: i === nChunks - 1 ? 0n : scalar(`b${i + 1}`),
      statement,
    });
    return { proof: proofJson(simulateProof(keys[kindOf(i)].trapdoor, signals, `c${i}`)), publicSignals: signals.map(String) };
  });
  const bundle = { version: 1, modelId, ctx, statement: { ...statement, promptCommitment: String(statement.promptCommitment) }, chunks };
  return { manifest: parseManifest(manifestJson), bundle };
}

