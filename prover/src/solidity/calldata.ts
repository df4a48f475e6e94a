import { expectedPublicSignals, parseBundle, SIGNAL, type Bundle } from '@zkinfer/verifier';
import type { VerifierCall } from './abi.ts';
import { g1Words, g2Words } from './words.ts';

/**
 * A bundle (docs/proof-format.md) as ZkinferVerifier's call: the statement, the boundary
 * commitments (chunk k's out = chunk k + 1's in) and every proof in EIP-197 words. The
 * contract rebuilds every chunk's public signals from these, so only a bundle whose signals
 * are exactly the ones its statement and chain imply can be encoded; any other is refused
 * here with the reason (the API's verifier refuses it for the same reason: bundle.ts).
 */
export function bundleToCall(bundleJson: unknown): { modelId: string; ctx: number; call: VerifierCall } {
  const bundle: Bundle = parseBundle(bundleJson); // strict: field elements < r, coordinates < p, points in their groups
  const last = bundle.chunks.length - 1;
  // Only the model's last chunk outputs 0: a bundle that ends elsewhere proves a position prefix
  // (docs/proof-format.md "Position prefixes"), which the API takes and the contract does not.
  if (bundle.chunks[last].publicSignals[SIGNAL.outCommitment] !== 0n) {
    throw new RangeError(`the bundle proves only the first ${bundle.chunks.length} chunks (a position prefix, its last outCommitment is not 0); the contract checks whole bundles: prove with \`zkinfer prove --all-positions\``);
  }
  bundle.chunks.forEach((c, i) => {
    const s = c.publicSignals;
    const expected = expectedPublicSignals({
      modelId: bundle.modelId,
      ctx: bundle.ctx,
      chunkIndex: i,
      inCommitment: i === 0 ? 0n : bundle.chunks[i - 1].publicSignals[SIGNAL.outCommitment],
      outCommitment: i === last ? 0n : s[SIGNAL.outCommitment],
      statement: bundle.statement,
    });
    const j = expected.findIndex((e, k) => e !== s[k]);
    if (j >= 0) throw new RangeError(`chunks[${i}].publicSignals[${j}] is ${s[j]}, the statement and chain imply ${expected[j]}: not a bundle the contract (or the API) accepts`);
  });
  const call: VerifierCall = {
    promptCommitment: bundle.statement.promptCommitment,
    nPrompt: BigInt(bundle.statement.nPrompt),
    generated: bundle.statement.generated.map(BigInt),
    boundaries: bundle.chunks.slice(0, last).map((c) => c.publicSignals[SIGNAL.outCommitment]),
    proofs: bundle.chunks.map((c) => [...g1Words(c.proof.a), ...g2Words(c.proof.b), ...g1Words(c.proof.c)]),
  };
  // A LogUp bundle's (D, π) per chunk (its keys have commitments); a plain bundle has none.
  const withCommitment = bundle.chunks.filter((c) => c.proof.commitment !== undefined).length;
  if (withCommitment !== 0 && withCommitment !== bundle.chunks.length) throw new RangeError(`${withCommitment} of ${bundle.chunks.length} chunks carry a commitment: no contract takes such a bundle`);
  if (withCommitment > 0) call.commitments = bundle.chunks.map((c) => [...g1Words(c.proof.commitment!.d), ...g1Words(c.proof.commitment!.pok)]);
  return { modelId: bundle.modelId, ctx: bundle.ctx, call };
}
