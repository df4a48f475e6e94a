import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { expectedPublicSignals, nPublicForCtx, vkeyHash, type Statement } from '@zkinfer/verifier';
import { proofJson, scalar, simulateProof, toyKey, vkJson, type Trapdoor } from './toy-groth16.ts';

/**
 * A manifest whose chunk keys have known toxic waste, and bundles whose proofs are made with
 * it: valid Groth16 proofs for whatever the test wants to claim, so bundle-level rules
 * (layout, statement, chain) are tested without a prover. Like snarkjs keys from one ptau,
 * the chunk keys share α and β, have γ = g2, and differ in δ and IC.
 */

export const MODEL_ID = bytesToHex(sha256(utf8ToBytes('toy model')));

export interface ToyModel {
  manifest: Record<string, any>;
  trapdoors: Trapdoor[];
}

export function toyModel(ctx: number, nChunks: number, seed = 'toy'): ToyModel {
  const trapdoors: Trapdoor[] = [];
  const chunks = Array.from({ length: nChunks }, (_, i) => {
    const { vk, trapdoor } = toyKey(nPublicForCtx(ctx), `${seed}/chunk${i}`, { phase1: seed, gammaIsGenerator: true });
    trapdoors.push(trapdoor);
    return {
      index: i,
      constraints: 1000 + i,
      circuitHash: bytesToHex(sha256(utf8ToBytes(`circuit ${i}`))),
      vkeyHash: vkeyHash(vk),
      vkey: vkJson(vk),
    };
  });
  const manifest = {
    version: 1,
    modelId: MODEL_ID,
    name: 'toy-model',
    architecture: { family: 'llama', vocabSize: 256, dModel: 8, nLayers: 1, nHeads: 2, nKvHeads: 1, headDim: 4, ffnDim: 16, parameters: 4096 },
    ctx,
    detokenizer: { kind: 'bytes' },
    ptau: { power: 8, sha256: bytesToHex(sha256(utf8ToBytes('ptau'))), insecure: true },
    chunks,
  };
  return { manifest, trapdoors };
}

/**
 * A position-chunk manifest (docs/proof-format.md "Position prefixes"): ctx positions × `kinds`
 * chunks, kind k's key shared by every position (written once, at its first chunk).
 */
export function toyPositionModel(ctx: number, kinds: number, seed = 'toy-positions'): ToyModel {
  const keys = Array.from({ length: kinds }, (_, k) => toyKey(nPublicForCtx(ctx), `${seed}/kind${k}`, { phase1: seed, gammaIsGenerator: true }));
  const trapdoors: Trapdoor[] = [];
  const chunks = Array.from({ length: ctx * kinds }, (_, i) => {
    const { vk, trapdoor } = keys[i % kinds];
    trapdoors.push(trapdoor);
    return {
      index: i,
      constraints: 1000 + (i % kinds),
      circuitHash: bytesToHex(sha256(utf8ToBytes(`kind ${i % kinds}`))),
      vkeyHash: vkeyHash(vk),
      ...(i < kinds ? { vkey: vkJson(vk) } : {}),
    };
  });
  const { manifest } = toyModel(ctx, 1, seed);
  return { manifest: { ...manifest, chunksPerPosition: kinds, chunks }, trapdoors };
}

export const STATEMENT: Statement = { promptCommitment: scalar('prompt'), nPrompt: 2, nGenerated: 3, generated: [104, 105, 33] };

/** Chain commitments: in[0] = 0, out[i] = in[i+1], out[last] = 0 (`count` < nChunks: a prefix, whose last out is not 0). */
export function chainCommitments(nChunks: number, count = nChunks): { in: bigint; out: bigint }[] {
  return Array.from({ length: count }, (_, i) => ({
    in: i === 0 ? 0n : scalar(`boundary${i}`),
    out: i === nChunks - 1 ? 0n : scalar(`boundary${i + 1}`),
  }));
}

/**
 * A bundle for `model`, with `edit` applied to the signals before proving: the proofs are
 * valid for whatever signals the edit leaves, so only the bundle rules can reject them.
 * `count`: the first `count` chunks only (a position prefix).
 */
export function toyBundle(
  model: ToyModel,
  statement: Statement = STATEMENT,
  editSignals: (chunk: number, signals: bigint[]) => void = () => {},
  count = model.trapdoors.length,
): Record<string, any> {
  const ctx = model.manifest.ctx as number;
  const chain = chainCommitments(model.trapdoors.length, count);
  const chunks = model.trapdoors.slice(0, count).map((t, i) => {
    const signals = expectedPublicSignals({ modelId: MODEL_ID, ctx, chunkIndex: i, inCommitment: chain[i].in, outCommitment: chain[i].out, statement });
    editSignals(i, signals);
    return { proof: proofJson(simulateProof(t, signals, `chunk${i}`)), publicSignals: signals.map(String) };
  });
  return {
    version: 1,
    modelId: MODEL_ID,
    ctx,
    statement: { ...statement, promptCommitment: statement.promptCommitment.toString(), generated: [...statement.generated] },
    chunks,
  };
}
