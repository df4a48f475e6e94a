import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeToyModel } from '../../helpers/toy-model.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { parseBundle, parseManifest, verifyBundle } from '@zkinfer/verifier';
import { promptCommitment } from '@zkinfer/prover/commit/commit.ts';


// A private cache so the test measures the cold path once; later calls hit the cache.
const cacheDir = mkdtempSync(join(tmpdir(), 'zkinfer-toy-'));
afterAll(async () => {
  rmSync(cacheDir, { recursive: true, force: true });
  await shutdownProver();
});

describe('toy model fixture (test/helpers/toy-model.ts)', () => {
  it('makes a manifest and bundle that the strict verifier accepts, with a valid opening', async () => {
    const { manifest, bundle, opening } = await makeToyModel({ chunks: 2, ctx: 6, cacheDir });
    const m = parseManifest(manifest);
    const b = parseBundle(bundle);
    expect(m.chunks).toHaveLength(2);
    expect(verifyBundle(m, b).valid).toBe(true);
    const o = opening as { salt: string; promptTokens: number[]; promptCommitment: string };
    expect(promptCommitment(o.promptTokens, 6, BigInt(o.salt)).toString()).toBe(o.promptCommitment);

    // Same keys from the cache, a fresh statement: still valid; chain commitments differ.
    const again = await makeToyModel({ chunks: 2, ctx: 6, cacheDir, generated: [65, 66] });
    expect(again.manifest).toEqual(manifest);
    expect(verifyBundle(m, parseBundle(again.bundle)).valid).toBe(true);

    // A bundle whose chain is broken (chunk 1 from another run) is rejected.
    const mixed = structuredClone(bundle) as { chunks: unknown[] };
    mixed.chunks[1] = (again.bundle as { chunks: unknown[] }).chunks[1];
    expect(verifyBundle(m, parseBundle(mixed)).valid).toBe(false);
  });

  it('a single-chunk model has in = out = 0', async () => {
    const { manifest, bundle } = await makeToyModel({ chunks: 1, ctx: 3, cacheDir });
    const signals = (bundle as { chunks: { publicSignals: string[] }[] }).chunks[0].publicSignals;
    expect(signals.slice(1, 4)).toEqual(['0', '0', '0']);
    expect(verifyBundle(parseManifest(manifest), parseBundle(bundle)).valid).toBe(true);
  });
});
