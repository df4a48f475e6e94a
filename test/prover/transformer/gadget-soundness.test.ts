/**
 * Cheating-prover and tampered-hint tests of gadgets that had none of their own (issue 14,
 * "Soundness tests that are missing"): the position one-hot against a wrong chunkIndex
 * (adaptive: the lie is the one-hot of another position, dependent hints follow it), the
 * gating of the absent first input / last output boundary, assertGeneratedNonEmpty, embedRow,
 * floorShiftUnsigned and rmsNorm. Each honest witness passes; each lie fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { requantize } from '@zkinfer/prover/arith/fixed.ts';
import { commitOutBoundary, openInBoundary } from '@zkinfer/prover/chunks/boundary.ts';
import { positionOneHot } from '@zkinfer/prover/chunks/position.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { mod } from '@zkinfer/prover/circuit/field.ts';
import { signedBounds } from '@zkinfer/prover/circuit/gadgets/requant.ts';
import type { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { embedRow } from '@zkinfer/prover/circuit/transformer/embed.ts';
import { assertGeneratedNonEmpty } from '@zkinfer/prover/circuit/transformer/logits.ts';
import { rmsNorm } from '@zkinfer/prover/circuit/transformer/norm.ts';
import { floorShiftUnsigned } from '@zkinfer/prover/circuit/transformer/softmax.ts';
import { normInt } from '@zkinfer/prover/infer/int-ops.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { build, cheatingFails, cheatingOutcome, expectEveryHintTamperFails } from '../circuit/gadgets/tamper.ts';
import { DEFAULT_MODEL, existsSync, quantized } from './helpers.ts';

/** True when no assignment of `wires` among `assignments` (all else honest) satisfies the system. */
function noAssignmentSatisfies(cs: ConstraintSystem, wires: number[], assignments: bigint[][]): boolean {
  return assignments.every((a) => {
    const values = [...cs.values];
    wires.forEach((w, i) => (values[w] = mod(a[i])));
    return findUnsatisfied(cs, values) !== null;
  });
}

/** Every 0/1 vector of length n. */
const booleanVectors = (n: number): bigint[][] => Array.from({ length: 1 << n }, (_, b) => Array.from({ length: n }, (_, i) => BigInt((b >> i) & 1)));

describe('positionOneHot (position chunks: p from chunkIndex = p·K + kind)', () => {
  const T = 5;
  const K = 3;
  const unit = (p: number) => Array.from({ length: T }, (_, j) => (j === p ? 1n : 0n));
  const setup = (chunkIndex: number) => (cs: ConstraintSystem) => cs.publicInput('chunkIndex', BigInt(chunkIndex));
  const gadget = (kind: number) => (cs: ConstraintSystem, c: LinearCombination) => positionOneHot(cs, c, T, K, kind);

  it('is the one-hot of p for every honest chunkIndex', () => {
    for (let p = 0; p < T; p++) {
      for (let kind = 0; kind < K; kind++) {
        const { satisfied, out } = cheatingOutcome(setup(p * K + kind), gadget(kind), {});
        expect(satisfied, `p ${p} kind ${kind}`).toBe(true);
        expect(out).toHaveLength(T);
      }
    }
  });

  it('rejects the one-hot of any other position, and of none or two, for every chunkIndex (adaptive lie on the hint)', () => {
    let lies = 0;
    for (let p = 0; p < T; p++) {
      for (let kind = 0; kind < K; kind++) {
        for (const lie of booleanVectors(T)) {
          if (lie.every((v, j) => v === unit(p)[j])) continue;
          expect(cheatingFails(setup(p * K + kind), gadget(kind), { o: () => lie }), `p ${p} kind ${kind} o = [${lie}]`).toBe(true);
          lies++;
        }
      }
    }
    expect(lies).toBe(T * K * ((1 << T) - 1));
  });

  it('is unsatisfiable for a chunkIndex of another kind or past the last position, whatever the hint', () => {
    for (const [chunkIndex, kind] of [[1, 0], [2, 0], [3 * 2 + 2, 1], [T * K, 0], [T * K + 1, 1], [-1, 0]] as const) {
      expect(cheatingFails(setup(chunkIndex), gadget(kind), {}), `chunkIndex ${chunkIndex} kind ${kind}, honest hint`).toBe(true);
      for (const lie of booleanVectors(T)) {
        expect(cheatingFails(setup(chunkIndex), gadget(kind), { o: () => lie }), `chunkIndex ${chunkIndex} kind ${kind} o = [${lie}]`).toBe(true);
      }
    }
  });
});

describe('gating of the absent first input and last output boundary (position chunks)', () => {
  const specs = [{ name: 'x', rows: 1, cols: 3, bits: 8 }];
  const values = [[[5n, -7n, 100n]]];

  /** The out-boundary commitment with public outCommitment `claimed` and gate `absent` (0/1). */
  function outChunk(claimed: (c: bigint) => bigint, absent: bigint): string | null {
    const probe = new ConstraintSystem({ witness: true });
    const wiresP = [values[0][0].map((v) => probe.privateInput('x', v))];
    const c = probe.valueOf(commitOutBoundary(probe, specs, [{ wires: wiresP }], probe.privateInput('pub', 0n), 11n));
    const cs = new ConstraintSystem({ witness: true });
    const pub = cs.publicInput('outCommitment', claimed(c));
    const gate = cs.privateInput('absentWhen', absent);
    const wires = [values[0][0].map((v) => cs.privateInput('x', v))];
    commitOutBoundary(cs, specs, [{ wires }], pub, 11n, gate);
    return findUnsatisfied(cs)?.label ?? null;
  }

  it('output: present binds the commitment, absent forces 0 — in both cheating directions', () => {
    expect(outChunk((c) => c, 0n)).toBeNull(); // present and bound
    expect(outChunk(() => 0n, 1n)).toBeNull(); // absent (last position) and 0
    expect(outChunk(() => 0n, 0n)).toMatch(/outCommitment:present/); // a present boundary claimed absent
    expect(outChunk((c) => c + 1n, 0n)).toMatch(/outCommitment:present/);
    expect(outChunk((c) => c, 1n)).toMatch(/outCommitment:absent=0/); // the last chunk cannot publish a boundary
    expect(outChunk(() => 12345n, 1n)).toMatch(/outCommitment:absent=0/);
  });

  it('input: an absent first input must be 0 and a present one must open to the commitment', () => {
    const inChunk = (claimed: (c: bigint) => bigint, absent: bigint): string | null => {
      const probe = new ConstraintSystem({ witness: true });
      const wiresP = [values[0][0].map((v) => probe.privateInput('x', v))];
      const c = probe.valueOf(commitOutBoundary(probe, specs, [{ wires: wiresP }], probe.privateInput('pub', 0n), 13n));
      const cs = new ConstraintSystem({ witness: true });
      const pub = cs.publicInput('inCommitment', claimed(c));
      const gate = cs.privateInput('absentWhen', absent);
      openInBoundary(cs, specs, pub, new Set(['x']), { values, salt: 13n }, gate);
      return findUnsatisfied(cs)?.label ?? null;
    };
    expect(inChunk((c) => c, 0n)).toBeNull();
    expect(inChunk(() => 0n, 1n)).toBeNull();
    expect(inChunk(() => 0n, 0n)).toMatch(/inCommitment:present/); // a later chunk cannot drop its input
    expect(inChunk((c) => c, 1n)).toMatch(/inCommitment:absent=0/); // the first chunk cannot claim an input
  });
});

describe('assertGeneratedNonEmpty', () => {
  const T = 6;
  it('accepts nGenerated = 1..T and rejects 0 under every assignment of its bits', () => {
    for (let n = 1; n <= T; n++) {
      const cs = new ConstraintSystem({ witness: true });
      assertGeneratedNonEmpty(cs, cs.publicInput('nGenerated', BigInt(n)), T);
      expect(findUnsatisfied(cs), `nGenerated ${n}`).toBeNull();
    }
    const b = build((cs) => cs.publicInput('nGenerated', 0n), (cs, n) => assertGeneratedNonEmpty(cs, n, T));
    expect(findUnsatisfied(b.cs)).not.toBeNull();
    const hints = Array.from({ length: b.end - b.first }, (_, i) => b.first + i);
    expect(noAssignmentSatisfies(b.cs, hints, booleanVectors(hints.length))).toBe(true);
  });
});

describe('floorShiftUnsigned', () => {
  const vMax = 1000n;
  const s = 4;
  const at = (v: bigint) => build((cs) => cs.privateInput('v', v), (cs, x) => floorShiftUnsigned(cs, x, vMax, s));
  it('is ⌊v/2^s⌋ for v in [0, vMax]; every tampered hint fails', () => {
    for (const v of [0n, 1n, 15n, 16n, 17n, 999n, 1000n]) {
      const b = at(v);
      expect(b.cs.valueOf(b.out.q)).toBe(v >> BigInt(s));
      expectEveryHintTamperFails(b);
    }
  });
  it('rejects a quotient off by one (with its bits following the lie) and a negative v', () => {
    for (const delta of [1n, -1n]) {
      expect(cheatingFails((cs) => cs.privateInput('v', 500n), (cs, x) => floorShiftUnsigned(cs, x, vMax, s), { q: (h) => (h() as bigint) + delta })).toBe(true);
    }
    expect(findUnsatisfied(at(-1n).cs)).not.toBeNull();
    expect(cheatingFails((cs) => cs.privateInput('v', -16n), (cs, x) => floorShiftUnsigned(cs, x, vMax, s), { q: () => -1n })).toBe(true);
  });
});

describe.skipIf(!existsSync(DEFAULT_MODEL))('embedRow and rmsNorm on the default model (needs prover/models/default)', () => {
  let q: QuantModel;
  beforeAll(() => {
    q = quantized(DEFAULT_MODEL);
  });

  it('embedRow is the requantized embedding row of the token; tampered hints and another token\'s one-hot fail', () => {
    const d = q.config.dModel;
    for (const token of [0, 65, q.config.vocabSize - 1]) {
      const b = build((cs) => cs.privateInput('token', token), (cs, t) => embedRow(cs, q, t));
      const expected = Array.from({ length: d }, (_, i) => requantize(q.embed.w[token * d + i], q.embedOut.m[token], q.embedOut.s, q.embedOut.bits));
      expect(b.out.map((r) => Number(toSignedValue(b.cs.valueOf(r.y))))).toEqual(expected);
      expect(expectEveryHintTamperFails(b, { stride: token === 65 ? 1 : 7 })).toBeGreaterThan(token === 65 ? q.config.vocabSize : 10);
      const other = (token + 1) % q.config.vocabSize;
      const lie = Array.from({ length: q.config.vocabSize }, (_, v) => (v === other ? 1n : 0n));
      expect(cheatingFails((cs) => cs.privateInput('token', token), (cs, t) => embedRow(cs, q, t), { o: () => lie })).toBe(true);
    }
    // A token id outside the vocabulary has no one-hot at all.
    expect(cheatingFails((cs) => cs.privateInput('token', q.config.vocabSize), (cs, t) => embedRow(cs, q, t), {})).toBe(true);
  });

  it('rmsNorm equals normInt bit for bit; every tampered hint fails', () => {
    const norm = q.layers[0].attnNorm;
    const bits = q.options.resBits;
    const xb = signedBounds(bits);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const scale of [1, 300, 2 ** (bits - 1) - 1]) {
      const x = Array.from({ length: norm.n }, () => Math.round((rand() * 2 - 1) * scale));
      const b = build((cs) => x.map((v) => cs.privateInput('x', BigInt(v))), (cs, xs) => rmsNorm(cs, xs, xb, norm));
      expect(b.out.map((r) => Number(toSignedValue(b.cs.valueOf(r.y)))), `scale ${scale}`).toEqual(Array.from(normInt(x, norm)));
      expect(expectEveryHintTamperFails(b, { stride: 3 })).toBeGreaterThan(norm.n);
    }
  });
});

/** A field element read as a signed integer (values above r/2 are negative). */
function toSignedValue(v: bigint): bigint {
  const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  return v > R / 2n ? v - R : v;
}
