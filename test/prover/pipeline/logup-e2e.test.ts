/**
 * A LogUp package end to end (issue 16): compile with the default `ranges` (logup8c10: 8-bit
 * limbs and the clamp table of docs/decisions.md 32; setup makes each
 * chunk kind's BSB22 commitment key from the circuit's cs.commitment), prove (witnesses get
 * each key's challenge oracle; the native prover adds D and π), verify through the library,
 * `zkinfer verify` and `zkinfer verify-groth16` (the verifier appends the challenge it
 * computes; a bundle never carries it). Tampered commitments and proofs of knowledge fail.
 * Micro model of test/helpers/logup-package.ts at ctx 4; keys from the zkinfer cache.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nPublicForCtx, parseBundle, verifyBundle, VerifyInputError } from '@zkinfer/verifier';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { commitmentBases, commitmentPoints } from '@zkinfer/prover/snark/commitment-prove.ts';
import { nativeCommitmentD } from '@zkinfer/prover/snark/commitment-native.ts';
import { readZkeyCommitment } from '@zkinfer/prover/snark/zkey-file.ts';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { buildChunk } from '@zkinfer/prover/chunks/build.ts';
import { planStages, stagesForLayout } from '@zkinfer/prover/chunks/position.ts';
import { rangePlanOptions } from '@zkinfer/prover/circuit/range-backend.ts';
import { cli } from '../../helpers/cli.ts';
import { compileMicro, LOGUP_DEFAULT, type MicroPackage } from '../../helpers/logup-package.ts';

type ChunkJson = { proof: Record<string, unknown> & { commitment: string[]; commitmentPok: string[] }; publicSignals: string[] };
type BundleJson = { chunks: ChunkJson[] } & Record<string, unknown>;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const T = 4;
let micro: MicroPackage;
let good: BundleJson;
let other: BundleJson;
const work = mkdtempSync(join(tmpdir(), 'zkinfer-logup-'));

beforeAll(async () => {
  micro = await compileMicro(LOGUP_DEFAULT, T);
  good = (await micro.prove([84, 111], 2)).bundle as unknown as BundleJson;
  other = (await micro.prove([84, 111], 2)).bundle as unknown as BundleJson; // same statement shape, fresh salts and blinding
}, 600_000);
afterAll(async () => {
  await shutdownProver();
  rmSync(work, { recursive: true, force: true });
  micro?.dispose();
});

const verdict = (b: unknown) => verifyBundle(micro.pkg.manifest, parseBundle(b, micro.pkg.manifest));

describe('LogUp package: compile → prove → verify (micro transformer, ctx 4)', () => {
  it('records the backend, and every chunk key commits with the challenge as its last public input', () => {
    expect(micro.pkg.info.ranges).toEqual(LOGUP_DEFAULT);
    // the proofs below exercise the clamp table: the micro model's circuits saturate int8 outputs through it
    const stages = stagesForLayout('positions', micro.model.q, T, LOGUP_DEFAULT);
    const plans = planStages(stages, { ctx: T, power: micro.pkg.info.chunkPower, ...rangePlanOptions(LOGUP_DEFAULT) });
    const clampLookups = plans.reduce((n, _, i) => {
      const { cs } = buildChunk({ modelId: '0'.repeat(64), ctx: T, q: micro.model.q, stages, plans, index: i, ranges: LOGUP_DEFAULT });
      return n + Array.from({ length: cs.nConstraints }, (_, k) => cs.store.labelOf(k)).filter((l) => l === 'logup/clamp/query').length;
    }, 0);
    expect(clampLookups).toBeGreaterThan(0);
    for (const c of micro.pkg.manifest.chunks) {
      expect(c.vkey.nPublic).toBe(nPublicForCtx(T) + 1);
      expect(c.vkey.commitment?.publicIndex).toBe(nPublicForCtx(T) + 1);
    }
  });

  it('proves a bundle with the layout signals only and a commitment per chunk, which verifies', () => {
    for (const c of good.chunks) {
      expect(c.publicSignals).toHaveLength(nPublicForCtx(T));
      expect(c.proof.commitment).toHaveLength(3);
      expect(c.proof.commitmentPok).toHaveLength(3);
    }
    expect(verdict(good)).toEqual({ valid: true });
    expect(verdict(other)).toEqual({ valid: true });
  });

  it('the witness oracle’s native D equals the TypeScript D under each chunk kind’s key (limbs, multiplicities, a blinding wire)', () => {
    for (const zkey of new Set(micro.pkg.info.chunks.map((c) => join(micro.pkg.dir, c.zkey)))) {
      const c = readZkeyCommitment(zkey)!;
      const n = c.spec.wires.length;
      const values = Array.from({ length: n }, (_, i) => (i === n - 1 ? R / 7n : [0n, 1n, BigInt(i % 256), R - BigInt(i % 5) - 1n][i % 4]));
      expect(nativeCommitmentD(zkey, values).equals(commitmentPoints(commitmentBases(c), values).d)).toBe(true);
    }
  });

  it('refuses a changed commitment, a changed proof of knowledge, another proof’s pair, a missing one, and a carried challenge', () => {
    const d = clone(good);
    d.chunks[1].proof.commitment = good.chunks[2].proof.commitment; // a real point, not this chunk's D
    expect(verdict(d)).toMatchObject({ valid: false, reason: expect.stringMatching(/Groth16/) });
    const pok = clone(good);
    pok.chunks[0].proof.commitmentPok = good.chunks[1].proof.commitmentPok;
    expect(verdict(pok).valid).toBe(false);
    // (D, π) of another honest proof of the same chunk: a valid knowledge pair, but the
    // challenge it gives is not the one this proof's witness used.
    const pair = clone(good);
    pair.chunks[0].proof.commitment = other.chunks[0].proof.commitment;
    pair.chunks[0].proof.commitmentPok = other.chunks[0].proof.commitmentPok;
    expect(verdict(pair).valid).toBe(false);
    const missing = clone(good) as unknown as { chunks: { proof: Record<string, unknown> }[] };
    delete missing.chunks[2].proof.commitment;
    delete missing.chunks[2].proof.commitmentPok;
    expect(() => parseBundle(missing, micro.pkg.manifest)).toThrow(VerifyInputError);
    const carried = clone(good);
    carried.chunks[0].publicSignals.push('1');
    expect(() => parseBundle(carried, micro.pkg.manifest)).toThrow(/public signals/);
  });

  it('zkinfer verify accepts the bundle and refuses a tampered commitment', async () => {
    const path = join(work, 'proof.json');
    writeFileSync(path, JSON.stringify(good));
    const v = await cli(['verify', '--package', micro.pkg.dir, path, '--json']);
    expect(v.code, v.err).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({ valid: true });
    const bad = clone(good);
    bad.chunks[bad.chunks.length - 1].proof.commitment = good.chunks[0].proof.commitment;
    writeFileSync(path, JSON.stringify(bad));
    expect((await cli(['verify', '--package', micro.pkg.dir, path])).code).toBe(1);
  }, 120_000);

  it('zkinfer verify-groth16 checks one chunk from the bundle’s signals (challenge computed) and refuses a wrong challenge', async () => {
    const vkey = join(work, 'vkey.json');
    const proof = join(work, 'chunk.json');
    const publics = join(work, 'public.json');
    writeFileSync(vkey, JSON.stringify((micro.pkg.manifestJson.chunks as { vkey: unknown }[])[0].vkey));
    writeFileSync(proof, JSON.stringify(good.chunks[0].proof));
    writeFileSync(publics, JSON.stringify(good.chunks[0].publicSignals));
    const ok = await cli(['verify-groth16', '--vkey', vkey, '--proof', proof, '--public', publics]);
    expect(ok.code, ok.err).toBe(0);
    // All nPublic signals with a challenge that is not H(D, …): invalid, not corrected.
    writeFileSync(publics, JSON.stringify([...good.chunks[0].publicSignals, '5']));
    expect((await cli(['verify-groth16', '--vkey', vkey, '--proof', proof, '--public', publics])).code).toBe(1);
    writeFileSync(publics, JSON.stringify(good.chunks[0].publicSignals));
    writeFileSync(proof, JSON.stringify({ ...good.chunks[0].proof, commitment: good.chunks[1].proof.commitment }));
    expect((await cli(['verify-groth16', '--vkey', vkey, '--proof', proof, '--public', publics])).code).toBe(1);
  }, 120_000);

  it('zkinfer compile --ranges logup makes the same package (keys from the cache); --plain with --ranges logup is a usage error', async () => {
    const out = join(work, 'cli-pkg');
    const model = micro.pkg.info.model!.path;
    const c = await cli(['compile', '--model', model, '--ctx', String(T), '--out', out, '--chunk-power', '15', '--ranges', 'logup', '--json']);
    expect(c.code, c.err).toBe(0);
    const info = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { ranges?: unknown; chunks: { circuitHash: string }[] };
    expect(info.ranges).toEqual(LOGUP_DEFAULT);
    expect(info.chunks.map((ch) => ch.circuitHash)).toEqual(micro.pkg.info.chunks.map((ch) => ch.circuitHash));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { chunks: { vkeyHash: string }[] };
    expect(manifest.chunks.map((ch) => ch.vkeyHash)).toEqual(micro.pkg.manifest.chunks.map((ch) => ch.vkeyHash));
    const both = await cli(['compile', '--model', model, '--ctx', String(T), '--out', join(work, 'x'), '--plain', '--ranges', 'logup']);
    expect(both.code).toBe(2);
    expect((await cli(['compile', '--model', model, '--ctx', String(T), '--out', join(work, 'x'), '--ranges', 'logup:99'])).code).toBe(2);
  }, 300_000);
});
