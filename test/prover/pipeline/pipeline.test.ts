/**
 * Soundness of the chunked pipeline on the synthetic model (synthetic.ts: real Groth16 keys,
 * ptau 2^11, three chunks): tampered bundles fail the strict verifier, a tampered boundary
 * witness is unsatisfiable, commitments are salted. And the whole pipeline on both engines
 * (issue 15: "CI tests both"): snarkjs from .wtns files, native from witness bytes in memory,
 * on 2 workers and sequentially, with the profile (pipeline-profile.ts) of every chunk.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, verifyBundle, SIGNAL } from '@zkinfer/verifier';
import { buildChunk } from '@zkinfer/prover/chunks/build.ts';
import { planChunks } from '@zkinfer/prover/chunks/plan.ts';
import { chunkWitnesses, freshProofWitness } from '@zkinfer/prover/chunks/witness.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { checkOpening } from '@zkinfer/prover/bundle/opening.ts';
import { promptCommitment, randomSalt } from '@zkinfer/prover/commit/commit.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { circuitCodeFingerprint } from '@zkinfer/prover/package/code-fingerprint.ts';
import { summarizeProfile } from '@zkinfer/prover/bundle/pipeline-profile.ts';
import { nativeSkipReason } from '../native/helpers.ts';
import { compileSynthetic, proveSynthetic, TEST_POWER, type CompiledSynthetic } from './helpers.ts';
import { syntheticGenerate } from './synthetic.ts';

type Json = Record<string, unknown> & { chunks: { proof: unknown; publicSignals: string[] }[]; statement: Record<string, unknown> };
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

let a: CompiledSynthetic;
let other: CompiledSynthetic;
let good: Json;

function verdict(c: CompiledSynthetic, bundle: unknown) {
  return verifyBundle(c.pkg.manifest, parseBundle(bundle));
}

beforeAll(async () => {
  a = await compileSynthetic();
  other = await compileSynthetic({ variant: 1 });
  good = (await proveSynthetic(a, [1, 4], 2)).bundle as Json;
}, 600_000);
afterAll(async () => {
  await shutdownProver();
  for (const c of [a, other]) if (c) rmSync(c.pkg.dir, { recursive: true, force: true });
});

describe('chunked proof bundle (synthetic model, real keys)', () => {
  it('has three chunks chained by commitments and verifies', () => {
    expect(a.pkg.manifest.chunks.length).toBe(3);
    expect(good.chunks[0].publicSignals[SIGNAL.inCommitment]).toBe('0');
    expect(good.chunks[0].publicSignals[SIGNAL.outCommitment]).toBe(good.chunks[1].publicSignals[SIGNAL.inCommitment]);
    expect(good.chunks[2].publicSignals[SIGNAL.outCommitment]).toBe('0');
    expect(verdict(a, good)).toEqual({ valid: true });
    expect(good.statement.generated).toEqual(syntheticGenerate(a.model, [1, 4], 2));
  });

  it('rejects a changed generated token (statement and every chunk signal changed alike: the proofs fail)', () => {
    const b = clone(good);
    const gen = b.statement.generated as number[];
    gen[0] = (gen[0] + 1) % a.model.vocab;
    for (const c of b.chunks) c.publicSignals[7 + 2] = String(gen[0]);
    const v = verdict(a, b);
    expect(v.valid).toBe(false);
    expect(v.reason).toMatch(/Groth16/);
    const onlyStatement = clone(good);
    (onlyStatement.statement.generated as number[])[1] = ((good.statement.generated as number[])[1] + 1) % a.model.vocab;
    expect(verdict(a, onlyStatement).valid).toBe(false);
  });

  it('rejects a changed prompt commitment', () => {
    const b = clone(good);
    const c = String(promptCommitment([1, 3], a.model.ctx, randomSalt()));
    b.statement.promptCommitment = c;
    for (const ch of b.chunks) ch.publicSignals[SIGNAL.promptCommitment] = c;
    expect(verdict(a, b)).toMatchObject({ valid: false, reason: expect.stringMatching(/Groth16/) });
  });

  it('rejects a broken or reordered chain', () => {
    const swapped = clone(good);
    [swapped.chunks[1], swapped.chunks[2]] = [swapped.chunks[2], swapped.chunks[1]];
    expect(verdict(a, swapped).valid).toBe(false);
    // Chunk 1 from another proof of the same statement shape: its commitments do not chain.
    return proveSynthetic(a, [1, 4], 2).then(({ bundle }) => {
      const mixed = clone(good);
      mixed.chunks[1] = clone((bundle as Json).chunks[1]);
      // (its own salts: neither its prompt commitment nor its boundary commitments fit)
      expect(verdict(a, mixed).valid).toBe(false);
      // ... and relabelling it with our chunk's signals (so the chain holds) makes its proof fail.
      const relabelled = clone(mixed);
      relabelled.chunks[1].publicSignals = [...good.chunks[1].publicSignals];
      expect(verdict(a, relabelled)).toMatchObject({ valid: false, reason: expect.stringMatching(/Groth16/) });
    });
  }, 120_000);

  it('rejects a chunk proven for another model', async () => {
    const { bundle } = await proveSynthetic(other, [1, 4], 2);
    const b = clone(good);
    b.chunks[2] = clone((bundle as Json).chunks[2]);
    expect(verdict(a, b).valid).toBe(false);
    // with our chunk's signals (our modelTag, chain and statement), its proof does not verify
    b.chunks[2].publicSignals = [...good.chunks[2].publicSignals];
    const v = verdict(a, b);
    expect(v.valid).toBe(false);
    expect(v.reason).toMatch(/Groth16/);
  }, 120_000);
});

describe('packages compiled by other circuit code', () => {
  it('are refused by prove before any witness is built, naming the reason', async () => {
    expect(a.pkg.info.codeFingerprint).toBe(circuitCodeFingerprint());
    const stale = { ...a, pkg: { ...a.pkg, info: { ...a.pkg.info, codeFingerprint: '0'.repeat(64) } } };
    await expect(proveSynthetic(stale, [1, 4], 2)).rejects.toThrow(/compiled by other circuit code \(fingerprint 000000000000….*recompile it/);
    const old = { ...a, pkg: { ...a.pkg, info: { ...a.pkg.info, codeFingerprint: undefined } } };
    await expect(proveSynthetic(old, [1, 4], 2)).rejects.toThrow(/did not record its circuit code/);
  });
});

describe('chunk witnesses (synthetic model)', () => {
  const setup = () => {
    const plans = planChunks(a.stages, { ctx: a.model.ctx, power: TEST_POWER });
    const prompt = [2, 5];
    const generated = syntheticGenerate(a.model, prompt, 3);
    const salt = randomSalt();
    const statement = { promptCommitment: promptCommitment(prompt, a.model.ctx, salt), nPrompt: 2, nGenerated: 3, generated };
    return { plans, prompt, generated, salt, statement };
  };

  it('an honest pass satisfies every chunk; one changed boundary activation does not', () => {
    const { plans, prompt, salt, statement } = setup();
    const proof = freshProofWitness(statement, prompt, salt, plans.length);
    const built = [...chunkWitnesses({ modelId: a.model.modelId, ctx: a.model.ctx, q: a.model.q, stages: a.stages, plans, proof })];
    expect(built.length).toBe(3);
    const c1 = built[1];
    // The input boundary's private wires follow the public ones: change the first activation.
    const wire = 1 + c1.cs.nPublic;
    expect(c1.cs.wireNames[wire]).toMatch(/^in\/x\[0\]\[0\]/);
    const tampered = [...c1.cs.values];
    tampered[wire] = tampered[wire] + 1n;
    expect(findUnsatisfied(c1.cs, tampered)).not.toBeNull();
    // A consistent-looking witness with a changed activation recomputed through the chunk
    // (same in/out commitments claimed) is unsatisfiable too.
    const values = built[0].outValues!;
    const changed = values.map((t) => t.map((r) => [...r]));
    changed[0][0][0] += 1n;
    const rebuilt = buildChunk({ modelId: a.model.modelId, ctx: a.model.ctx, q: a.model.q, stages: a.stages, plans, index: 1, witness: { proof, inCommitment: built[0].outCommitment!, inValues: changed } });
    expect(findUnsatisfied(rebuilt.cs)?.label).toMatch(/inCommitment/);
  });

  it('a tensor passing through a chunk is carried packed, unchecked, and cannot be changed on the way', () => {
    const { plans, prompt, salt, statement } = setup();
    const proof = freshProofWitness(statement, prompt, salt, plans.length);
    const built = [...chunkWitnesses({ modelId: a.model.modelId, ctx: a.model.ctx, q: a.model.q, stages: a.stages, plans, proof })];
    // Chunk 1 holds mixing stages only: "e" (read by logits) crosses it packed.
    expect(plans[1].stages.map((s) => a.stages[s].name).every((n) => n.startsWith('mix'))).toBe(true);
    expect(plans[1].inputs.map((s) => s.name)).toContain('e');
    const c1 = built[1].cs;
    const eWire = c1.wireNames.findIndex((n) => n === 'in/e#0');
    expect(eWire).toBeGreaterThan(0);
    expect(c1.wireNames.some((n) => n.startsWith('in/e['))).toBe(false); // not unpacked, so no range checks
    // The packed element is bound by the input commitment…
    const tampered = [...c1.values];
    tampered[eWire] += 1n;
    expect(findUnsatisfied(c1, tampered)?.label).toMatch(/^in\/(commit\/|inCommitment)/);
    // …and a changed value of e fed into the chunk does not match the commitment either.
    const k = plans[1].inputs.findIndex((s) => s.name === 'e');
    const changed = built[0].outValues!.map((t) => t.map((r) => [...r]));
    changed[k][0][0] += 1n;
    const rebuilt = buildChunk({ modelId: a.model.modelId, ctx: a.model.ctx, q: a.model.q, stages: a.stages, plans, index: 1, witness: { proof, inCommitment: built[0].outCommitment!, inValues: changed } });
    expect(findUnsatisfied(rebuilt.cs)?.label).toMatch(/inCommitment/);
    // The chunk that reads e (logits) unpacks it with range checks.
    const reader = built.findIndex((_, i) => plans[i].stages.some((s) => a.stages[s].name === 'logits'));
    expect(built[reader].cs.wireNames.some((n) => n.startsWith('in/e[0][0]'))).toBe(true);
  });

  it('a wrong greedy token or a wrong prompt salt is unsatisfiable', () => {
    const { plans, prompt, salt, statement } = setup();
    const wrongToken = { ...statement, generated: statement.generated.map((t, i) => (i === 1 ? (t + 1) % a.model.vocab : t)) };
    const gen = chunkWitnesses({ modelId: a.model.modelId, ctx: a.model.ctx, q: a.model.q, stages: a.stages, plans, proof: freshProofWitness(wrongToken, prompt, salt, plans.length) });
    expect(() => [...gen]).toThrow(/chunk \d: witness does not satisfy constraint .*(greedy|embed)/);
    const wrongSalt = freshProofWitness(statement, prompt, salt + 1n, plans.length);
    expect(() => [...chunkWitnesses({ modelId: a.model.modelId, ctx: a.model.ctx, q: a.model.q, stages: a.stages, plans, proof: wrongSalt })]).toThrow(/chunk 0: .*promptCommitment/);
  });
});

describe('prompt commitments and openings', () => {
  it('are salted: the same prompt twice differs, different prompts are unlinkable; the opening checks', async () => {
    const p1 = await proveSynthetic(a, [1, 4], 1);
    const p2 = await proveSynthetic(a, [1, 4], 1);
    const p3 = await proveSynthetic(a, [3, 0], 1);
    const c = [p1, p2, p3].map((p) => (p.bundle as Json).statement.promptCommitment);
    expect(new Set(c).size).toBe(3);
    // boundary commitments are salted too
    expect((p1.bundle as Json).chunks[0].publicSignals[SIGNAL.outCommitment]).not.toBe((p2.bundle as Json).chunks[0].publicSignals[SIGNAL.outCommitment]);
    const b1 = parseBundle(p1.bundle);
    expect(checkOpening({ ...p1.opening, prompt: '' }, b1)).toEqual({ ok: true });
    expect(checkOpening({ ...p2.opening, prompt: '' }, b1).ok).toBe(false);
    expect(checkOpening({ ...p1.opening, promptTokens: [1, 5], prompt: '' }, b1).ok).toBe(false);
  }, 120_000);
});

const engines = nativeSkipReason === undefined ? (['native', 'snarkjs'] as const) : (['snarkjs'] as const);

describe.each(engines)('proveBundle on %s', (engine) => {
  it.each([2, 0])('proves a bundle that verifies (threads %i), with a profile of every chunk', async (threads) => {
    const r = await proveSynthetic(a, [1, 4], 2, threads, engine);
    expect(verifyBundle(a.pkg.manifest, parseBundle(r.bundle))).toEqual({ valid: true });
    const p = r.profile;
    expect(p.chunks.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(p.workers).toHaveLength(threads);
    for (const c of p.chunks) {
      const t = c.proof!;
      // One time line across processes: built, queued, sent, received, done, replied, in order.
      expect(c.witnessStartAt).toBeLessThanOrEqual(c.witnessEndAt);
      expect(c.witnessEndAt).toBeLessThanOrEqual(t.sentAt);
      // Another process's reading of the same clock: each within a millisecond of Date.now() (pipeline-profile.ts epochMs).
      expect(t.sentAt).toBeLessThanOrEqual(t.receivedAt + 2);
      expect(t.receivedAt).toBeLessThan(t.doneAt);
      expect(t.doneAt).toBeLessThanOrEqual(t.repliedAt + 2);
      expect(t.worker).toBeLessThan(Math.max(threads, 1));
      if (threads > 0 && process.platform === 'linux') expect(t.proverCpuMs).toBeGreaterThan(0);
      expect(t.phases !== undefined).toBe(engine === 'native' && threads > 0);
    }
    const s = summarizeProfile(p);
    expect(s.chunks).toBe(3);
    expect(s.lastWitnessMs).toBeLessThanOrEqual(s.wallMs);
    expect(s.verifyMs).toBeGreaterThan(0);
    if (threads > 0) expect(s.workersReadyMs).toBeGreaterThan(0);
  }, 300_000);
});
