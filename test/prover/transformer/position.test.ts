/**
 * Position chunks (docs/decisions.md 6): the gadgets that make a position's circuit
 * independent of the position — masked softmax, RoPE at a one-hot position — agree bit for
 * bit with the integer inference and reject tampered hints; every position's chunk of one kind
 * is the same .r1cs; a whole pass's chunk witnesses are satisfied exactly for the greedy
 * generation, and a wrong token, a moved position bit or a changed cache row is caught.
 */
import { describe, expect, it } from 'vitest';
import { softmaxFixed } from '@zkinfer/prover/arith/softmax.ts';
import { promptCommitment, randomSalt } from '@zkinfer/prover/commit/commit.ts';
import { buildChunk } from '@zkinfer/prover/chunks/build.ts';
import { chunkDomain } from '@zkinfer/prover/chunks/plan.ts';
import { defaultChunkPower, layerMajorComparison, planPositionChunks, planStages, totalDomain } from '@zkinfer/prover/chunks/position.ts';
import { DEFAULT_RANGE_BACKEND, rangePlanOptions } from '@zkinfer/prover/circuit/range-backend.ts';
import { chunkWitnesses, freshProofWitness } from '@zkinfer/prover/chunks/witness.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { toSigned } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { oneHot } from '@zkinfer/prover/circuit/transformer/embed.ts';
import { positionStages, visibleSlots } from '@zkinfer/prover/circuit/transformer/position-stages.ts';
import { forwardStages } from '@zkinfer/prover/circuit/transformer/stages.ts';
import { normPairBounds, ropeFusedAt } from '@zkinfer/prover/circuit/transformer/rope.ts';
import { normProducts } from '@zkinfer/prover/circuit/transformer/norm.ts';
import { probabilities, softmax } from '@zkinfer/prover/circuit/transformer/softmax.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { normProducts as normProductsInt, ropeRescale } from '@zkinfer/prover/infer/int-ops.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cheatingFails } from '../circuit/gadgets/tamper.ts';
import { DEFAULT_MODEL, quantized, tamper, wiresNamed } from './helpers.ts';

const SCORE_BOUNDS = { min: -(1n << 14n), max: 1n << 14n };
const MODEL_ID = 'ab'.repeat(32);

/** A constrained one-hot of position p over T (as chunks/position.ts makes it from chunkIndex). */
function positionWires(cs: ConstraintSystem, T: number, p: number): LinearCombination[] {
  return oneHot(cs, cs.privateInput('p', BigInt(p)), T);
}

describe('masked softmax (hidden key slots)', () => {
  const scores = [700, -3000, 2500, 16000, 2400, -16384];
  for (const [p, window] of [[0, Infinity], [3, Infinity], [5, Infinity], [4, 2], [5, 3]] as const) {
    it(`equals softmaxFixed over the slots visible from position ${p} (window ${window}); hidden slots get 0`, () => {
      const cs = new ConstraintSystem({ witness: true });
      const at = positionWires(cs, scores.length, p);
      const wires = scores.map((s, i) => cs.privateInput(`s${i}`, BigInt(s)));
      const probs = probabilities(cs, softmax(cs, wires, SCORE_BOUNDS, 40000, 20, visibleSlots(at, window)));
      expect(findUnsatisfied(cs)).toBeNull();
      const first = Number.isFinite(window) ? Math.max(0, p - window + 1) : 0;
      const expected = scores.map(() => 0);
      softmaxFixed(scores.slice(first, p + 1), 40000, 20).forEach((v, j) => (expected[first + j] = v));
      expect(probs.map((x) => Number(toSigned(cs.valueOf(x))))).toEqual(expected);
    });
  }

  it('rejects a max taken from a hidden slot and tampered masked exps or probabilities', () => {
    const cs = new ConstraintSystem({ witness: true });
    const at = positionWires(cs, scores.length, 2); // slot 3 (16000) is hidden and larger than every visible score
    const wires = scores.map((s, i) => cs.privateInput(`s${i}`, BigInt(s)));
    probabilities(cs, softmax(cs, wires, SCORE_BOUNDS, 40000, 20, visibleSlots(at, Infinity)));
    expect(findUnsatisfied(cs)).toBeNull();
    const [max] = wiresNamed(cs, /maximum\/max$/);
    expect(tamper(cs, max, 16000n - 2500n)).not.toBeNull();
    expect(tamper(cs, max, 2400n - 2500n)).not.toBeNull(); // a smaller visible score
    for (const re of [/maximum\/d\d+$/, /e\d+\/masked$/, /p\d+\/rshift\/q$/]) {
      const ws = wiresNamed(cs, re);
      expect(ws.length, String(re)).toBeGreaterThan(0);
      for (const w of ws) expect(tamper(cs, w, 1n), cs.wireNames[w]).not.toBeNull();
    }
  });
});

describe('masked softmax: an adaptive prover cannot claim a smaller or hidden max', () => {
  const scores = [700, -3000, 2500, 16000, 2400, -16384];
  const setup = (cs: ConstraintSystem) => ({ at: positionWires(cs, scores.length, 4), w: scores.map((s, i) => cs.privateInput(`s${i}`, BigInt(s))) });
  const gadget = (cs: ConstraintSystem, { at, w }: ReturnType<typeof setup>) => softmax(cs, w, SCORE_BOUNDS, 40000, 20, visibleSlots(at, 3));
  it('honest passes; 700 (visible, not the max), 16000 (visible max is 16000: honest) and -16384 (hidden) are checked', () => {
    expect(cheatingFails(setup, gadget, {})).toBe(false);
    // visible from position 4 with window 3: slots 2, 3, 4 → max 16000
    for (const fake of [2500n, 2400n, 700n, 16001n, -16384n]) expect(cheatingFails(setup, gadget, { max: () => fake }), String(fake)).toBe(true);
  });
});

describe('fused QK-norm + RoPE at a one-hot position', () => {
  const q = quantized(DEFAULT_MODEL);
  const c = q.config;
  const L = q.layers[0];
  const table = q.rope.global;
  const T = 6;
  // int16 pre-norm q (Gemma 3: the fused RoPE rounds the QK-norm products x·r once)
  const x = Int32Array.from({ length: c.nHeads * c.headDim }, (_, i) => ((i * 7919) % 65535) - 32767);
  for (let p = 0; p < T; p++) {
    it(`equals ropeRescale at position ${p}`, () => {
      const cs = new ConstraintSystem({ witness: true });
      const at = positionWires(cs, T, p);
      const wires = Array.from(x, (v, i) => cs.privateInput(`x${i}`, BigInt(v)));
      const z = normProducts(cs, wires, { min: -32768n, max: 32767n }, L.qNorm!);
      const out = ropeFusedAt(cs, z, normPairBounds(L.qNorm!.rsqrtFrac), c.nHeads, c.headDim, c.ropeStyle, at, table, L.qRope);
      expect(findUnsatisfied(cs)).toBeNull();
      const ref = ropeRescale(normProductsInt(x, L.qNorm!), c.nHeads, c.headDim, c.ropeStyle, p, table, L.qRope);
      expect(out.map((r) => Number(toSigned(cs.valueOf(r.y))))).toEqual(Array.from(ref));
      const [bit] = wiresNamed(cs, new RegExp(`onehot/o\\[${p}\\]$`));
      expect(tamper(cs, bit, -1n)).not.toBeNull(); // the position cannot be dropped
      for (const re of [/rope\/xK$/, /rope\/requant\/q$/]) {
        const ws = wiresNamed(cs, re);
        expect(ws.length, String(re)).toBeGreaterThan(0);
        for (const w of [ws[0], ws[ws.length - 1]]) expect(tamper(cs, w, 1n), cs.wireNames[w]).not.toBeNull();
      }
    });
  }
});

describe('position chunks of the default model', () => {
  const q = quantized(DEFAULT_MODEL);
  const T = 5;
  const stages = positionStages(q, T);
  const plans = planPositionChunks(stages, { ctx: T, power: 16 });
  const K = plans[0].position!.kinds;

  it('are the same circuit at every position (one .r1cs per kind), built exactly as planned', () => {
    expect(plans).toHaveLength(T * K);
    const dir = mkdtempSync(join(tmpdir(), 'zkinfer-pos-'));
    try {
      const hashes = plans.map((p) => {
        const { cs } = buildChunk({ modelId: MODEL_ID, ctx: T, q, stages, plans, index: p.index });
        expect(cs.nConstraints, `chunk ${p.index}`).toBe(p.constraints);
        expect(cs.nConstraints + cs.nPublic + 1).toBeLessThanOrEqual(2 ** 16);
        return writeR1cs(cs, join(dir, `c${p.index}.r1cs`)).sha256;
      });
      for (let i = 0; i < plans.length; i++) expect(hashes[i], `chunk ${i}`).toBe(hashes[i % K]);
      expect(new Set(hashes).size).toBe(K);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pick, by default, the chunk power with the least total proving domain within the chunk limit', () => {
    // Σ snarkjs domains of the plan at 2^p, or null when a stage does not fit.
    const domain = (p: number, plans = fits(p)) => (plans ? plans.reduce((d, c) => d + chunkDomain(c.constraints, T), 0) : null);
    const fits = (power: number) => {
      try {
        return planPositionChunks(stages, { ctx: T, power });
      } catch {
        return null;
      }
    };
    const power = defaultChunkPower(stages, T, { from: 10, to: 20 });
    const n = fits(power)!.length;
    const best = domain(power)!;
    for (let p = 10; p <= 20; p++) {
      const d = domain(p);
      if (d !== null) expect(d, `2^${p}`).toBeGreaterThanOrEqual(best);
    }
    // one power lower is worse: it does not fit, costs more domain, or ties it with more chunks (the tie rule)
    const below = fits(power - 1);
    expect(below === null || domain(power - 1, below)! > best || (domain(power - 1, below) === best && below.length > n)).toBe(true);
    expect(defaultChunkPower(stages, T, { from: power + 2 })).toBeGreaterThanOrEqual(power + 2); // never below `from`
    // the manifest's chunk limit: with room for fewer chunks than this plan, a plan within it
    // (a position is at least one chunk: with one kind per position no plan has fewer than T)
    if (n > T) {
      const limited = defaultChunkPower(stages, T, { from: 10, to: 20, maxChunks: n - 1 });
      expect(planPositionChunks(stages, { ctx: T, power: limited, maxChunks: n - 1 }).length).toBeLessThanOrEqual(n - 1);
    } else expect(() => defaultChunkPower(stages, T, { from: 10, to: 20, maxChunks: T - 1 })).toThrow(/a manifest holds at most/);
    const fewest = planPositionChunks(stages, { ctx: T, power, maxChunks: T }).length; // one kind at most: the fewest-chunks plan
    expect(fewest).toBeLessThanOrEqual(n);
    expect(() => defaultChunkPower(stages, T, { from: power, to: power, maxChunks: fewest - 1 })).toThrow(/a manifest holds at most/);
    let smallest = 10;
    while (fits(smallest) === null) smallest++;
    expect(() => defaultChunkPower(stages, T, { from: 8, to: smallest - 1 })).toThrow(/does not fit/);
  });

  it('compare with the layer-major plan: proving domain per bundle, keys and their setup domain', () => {
    const plans = planPositionChunks(stages, { ctx: T, power: defaultChunkPower(stages, T) });
    const c = layerMajorComparison(q, T, plans)!;
    const kinds = plans[0].position!.kinds;
    expect(c.positions.keys).toBe(kinds);
    expect(c.positions.domain).toBe(T * c.positions.setupDomain); // every position proves the same kinds
    expect(c.positions.setupDomain).toBe(plans.slice(0, kinds).reduce((d, p) => d + chunkDomain(p.constraints, T), 0));
    expect(c.layers.setupDomain).toBe(c.layers.domain); // one key per chunk
    // each layer-major chunk's domain holds its rows: the layer-major pass costs at least its stages
    expect(c.layers.domain).toBeGreaterThan(forwardStages(q, T).reduce((n, s) => n + s.constraints, 0));
  });

  it('compares a LogUp position plan with LogUp layer-major chunks, not plain ones', () => {
    const ranges = DEFAULT_RANGE_BACKEND;
    const rows = rangePlanOptions(ranges);
    const logUpStages = positionStages(q, T, ranges);
    const plans = planPositionChunks(logUpStages, { ctx: T, power: defaultChunkPower(logUpStages, T, rows), ...rows });
    const c = layerMajorComparison(q, T, plans, ranges)!;
    const layerStages = forwardStages(q, T, { ranges });
    const layerPlans = planStages(layerStages, { ctx: T, power: defaultChunkPower(layerStages, T, rows), ...rows });
    expect(c.layers.domain).toBe(totalDomain(layerPlans, T));
    expect(c.layers.keys).toBe(layerPlans.length);
    // the plain comparison of the same model plans larger layer-major chunks
    const plain = layerMajorComparison(q, T, plans)!;
    expect(plain.layers.domain).toBeGreaterThan(c.layers.domain);
  });

  const prompt = [82, 79];
  const generated = generateInt(q, prompt, T - prompt.length);
  const salt = randomSalt();
  const statementFor = (gen: number[]) => ({ promptCommitment: promptCommitment(prompt, T, salt), nPrompt: prompt.length, nGenerated: gen.length, generated: gen });
  const witnesses = (gen: number[]) => chunkWitnesses({ modelId: MODEL_ID, ctx: T, q, stages, plans, proof: freshProofWitness(statementFor(gen), prompt, salt, plans.length) });

  it('have satisfied witnesses for the greedy generation, chained, with the first input and last output absent', () => {
    const outs: bigint[] = [];
    const ins: bigint[] = [];
    for (const c of witnesses(generated)) {
      outs.push(c.outCommitment!);
      ins.push(BigInt(c.publicSignals![2]));
    }
    expect(ins[0]).toBe(0n);
    expect(outs[outs.length - 1]).toBe(0n);
    for (let i = 1; i < plans.length; i++) expect(ins[i]).toBe(outs[i - 1]);
  });

  it('are the same witnesses when built lean (as prove does): values, signals, commitments; a lie fails the same way', () => {
    const ids = [0, 1, K, plans.length - 1]; // first/last kinds and positions: the absent boundaries
    const proof = freshProofWitness(statementFor(generated), prompt, salt, plans.length);
    const recording = [...chunkWitnesses({ modelId: MODEL_ID, ctx: T, q, stages, plans, proof })];
    const lean = [...chunkWitnesses({ modelId: MODEL_ID, ctx: T, q, stages, plans, proof, lean: true })];
    for (const i of ids) {
      expect(lean[i].cs.lean).toBe(true);
      expect(lean[i].cs.values, `chunk ${i}`).toEqual(recording[i].cs.values);
      expect(lean[i].cs.nConstraints).toBe(recording[i].cs.nConstraints);
      expect(lean[i].publicSignals).toEqual(recording[i].publicSignals);
      expect(lean[i].outCommitment).toBe(recording[i].outCommitment);
    }
    const bad = [...generated];
    bad[1] = (bad[1] + 1) % q.config.vocabSize;
    const lie = (leanMode: boolean) => () => [...chunkWitnesses({ modelId: MODEL_ID, ctx: T, q, stages, plans, proof: freshProofWitness(statementFor(bad), prompt, salt, plans.length), lean: leanMode })];
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(message(lie(true))).toMatch(/greedy\/next=argmax/);
    expect(message(lie(true))).toBe(message(lie(false)));
  });

  it('reject a generated token that is not the argmax', () => {
    const bad = [...generated];
    bad[1] = (bad[1] + 1) % q.config.vocabSize;
    expect(() => [...witnesses(bad)]).toThrow(/greedy\/next=argmax/);
  });

  it('reject a moved position bit, a changed cache row and a changed boundary value', () => {
    // Chunk 2K + 0 (position 2, first kind): take its real inputs from the chain.
    const target = 2 * K;
    let prev: ReturnType<typeof buildChunk> | undefined;
    for (const c of witnesses(generated)) {
      if (c.index === target - 1) prev = c;
      if (c.index === target) {
        const bits = wiresNamed(c.cs, /^position\/onehot\/o\[\d+\]$/);
        expect(bits).toHaveLength(T);
        expect(tamper(c.cs, bits[2], -1n)).not.toBeNull();
        expect(tamper(c.cs, bits[3], 1n)).not.toBeNull();
        break;
      }
    }
    // Rebuild the chunk with one cache value changed (a cheating previous chunk): the input
    // commitment no longer opens.
    const values = prev!.outValues!.map((t) => t.map((r) => [...r]));
    const k = plans[target].inputs.findIndex((s) => s.name === 'L0.K');
    values[k][0][0] += 1n;
    const proof = freshProofWitness(statementFor(generated), prompt, salt, plans.length);
    const rebuilt = buildChunk({ modelId: MODEL_ID, ctx: T, q, stages, plans, index: target, witness: { proof, inCommitment: prev!.outCommitment!, inValues: values } });
    expect(findUnsatisfied(rebuilt.cs)?.label).toMatch(/inCommitment/);
  });
});
