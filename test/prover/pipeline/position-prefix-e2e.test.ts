/**
 * Position prefixes with real circuits and keys (docs/proof-format.md "Position prefixes"): a
 * bundle proves the first nPrompt + nGenerated − 1 positions of the package's ctx by default,
 * every position with positions: 'all'. Both verify; the prefix's last proven position carries
 * the last token's greedy check, so a wrong last token cannot be proven in either. The Solidity
 * calldata takes whole bundles only and says so. Micro LogUp package of test/helpers/logup-package.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNAL, parseBundle, positionsRead, verifyBundle } from '@zkinfer/verifier';
import { proveBundle, type ProveBundleResult } from '@zkinfer/prover/bundle/prove-bundle.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { bundleToCall } from '@zkinfer/prover/solidity/calldata.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { compileMicro, LOGUP_DEFAULT, type MicroPackage } from '../../helpers/logup-package.ts';

const T = 4;
const PROMPT = [84, 111];
const N = 1; // reads positions 0 and 1 of 4
let micro: MicroPackage;
let k: number;
let prefix: ProveBundleResult;
let whole: ProveBundleResult;

beforeAll(async () => {
  micro = await compileMicro(LOGUP_DEFAULT, T);
  k = micro.pkg.manifest.chunksPerPosition!;
  prefix = await micro.prove(PROMPT, N);
  whole = await micro.prove(PROMPT, N, 'all');
}, 600_000);
afterAll(async () => {
  await shutdownProver();
  micro?.dispose();
});

const verdict = (b: unknown) => verifyBundle(micro.pkg.manifest, parseBundle(b, micro.pkg.manifest));
const outOfLast = (r: ProveBundleResult) => BigInt(r.bundle.chunks.at(-1)!.publicSignals[SIGNAL.outCommitment]);

describe('position prefixes (micro LogUp package, ctx 4)', () => {
  it('compile declares position chunks: ctx × K chunks, one key per kind', () => {
    expect(k).toBeGreaterThanOrEqual(1);
    expect(micro.pkg.manifestJson.chunksPerPosition).toBe(k);
    expect(micro.pkg.manifest.chunks).toHaveLength(T * k);
  });

  it('proves only the positions the statement reads by default; that bundle verifies', () => {
    const read = positionsRead({ nPrompt: PROMPT.length, nGenerated: N });
    expect(read).toBe(2);
    expect(prefix.bundle.chunks).toHaveLength(read * k);
    expect(outOfLast(prefix)).not.toBe(0n); // the caches after position 1, which nothing reads
    expect(verdict(prefix.bundle)).toEqual({ valid: true });
  });

  it('proves every position with positions: all, which verifies too and ends the chain at 0', () => {
    expect(whole.bundle.chunks).toHaveLength(T * k);
    expect(outOfLast(whole)).toBe(0n);
    expect(verdict(whole.bundle)).toEqual({ valid: true });
    expect(whole.bundle.statement).toMatchObject({ nPrompt: PROMPT.length, nGenerated: N, generated: prefix.bundle.statement.generated });
  });

  it('a prefix without its last position is refused', () => {
    const short = { ...prefix.bundle, chunks: prefix.bundle.chunks.slice(0, k) };
    expect(verifyBundle(micro.pkg.manifest, parseBundle(short))).toMatchObject({ valid: false, reason: expect.stringMatching(/positions the statement reads/) });
  });

  it('a wrong last token cannot be proven: the last position proven checks it', async () => {
    const honest = generateInt(micro.model.q, PROMPT, N);
    const wrong = [(honest[0] + 1) % 256];
    const run = proveBundle({ pkg: micro.pkg, q: micro.model.q, promptTokens: PROMPT, generated: wrong, threads: 2 });
    // Chunk indices of position 1 (the last one proven) are k … 2k − 1.
    await expect(run).rejects.toThrow(new RegExp(`chunk (${Array.from({ length: k }, (_, i) => k + i).join('|')}): witness does not satisfy`));
  });

  it('the Solidity calldata takes the whole bundle and refuses the prefix, naming --all-positions', () => {
    expect(bundleToCall(whole.bundle).call.proofs).toHaveLength(T * k);
    expect(() => bundleToCall(prefix.bundle)).toThrow(/position prefix.*--all-positions/);
  });
});
