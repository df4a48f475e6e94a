import { describe, expect, it } from 'vitest';
import { attendNormalised, softmaxExps, softmaxFixed } from '@zkinfer/prover/arith/softmax.ts';
import { attend } from '@zkinfer/prover/circuit/transformer/attention.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { toSigned } from '@zkinfer/prover/circuit/field.ts';
import type { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { oneHot } from '@zkinfer/prover/circuit/transformer/embed.ts';
import { probabilities, softmax } from '@zkinfer/prover/circuit/transformer/softmax.ts';
import { attendInt, matAcc as matAccInt, normProducts as normProductsInt, ropeRescale } from '@zkinfer/prover/infer/int-ops.ts';
import { matAcc } from '@zkinfer/prover/circuit/transformer/linear.ts';
import { normProducts } from '@zkinfer/prover/circuit/transformer/norm.ts';
import { matPairBounds, normPairBounds, ropeFused } from '@zkinfer/prover/circuit/transformer/rope.ts';
import { signedBounds } from '@zkinfer/prover/circuit/transformer/bounds.ts';
import { ropeTable } from '@zkinfer/prover/quant/rope.ts';
import type { QMatrix, RopeRescale } from '@zkinfer/prover/quant/types.ts';
import type { Requantized } from '@zkinfer/prover/circuit/gadgets/requant.ts';
import { build as buildGadget, cheatingFails, expectEveryHintTamperFails } from '../circuit/gadgets/tamper.ts';
import { tamper, wiresNamed } from './helpers.ts';

/** Scores within [−2^14, 2^14] (as from int8 q·k over a small head). */
const SCORE_BOUNDS = { min: -(1n << 14n), max: 1n << 14n };

function softmaxCircuit(scores: number[], m: number, sh: number) {
  const cs = new ConstraintSystem({ witness: true });
  const wires = scores.map((s, i) => cs.privateInput(`s${i}`, BigInt(s)));
  const r = softmax(cs, wires, SCORE_BOUNDS, m, sh);
  const p = probabilities(cs, r);
  return { cs, r, p: p.map((x) => Number(toSigned(cs.valueOf(x)))) };
}

describe('softmax op (arith/softmax.ts softmaxFixed)', () => {
  const cases: [number[], number, number][] = [
    [[5], 40000, 20],
    [[100, -3000, 2500, 2500, 16384], 40000, 20],
    [[-16384, 16384, 0, 7], 52000, 16], // saturates x for the far scores: e = 0
    [[3, 3, 3], 1, 0],
    [[100, -3000, 2500, 2400, 16000, 15990], 3075, 12], // x = ⌊3z/4⌋
  ];
  for (const [scores, m, sh] of cases) {
    it(`equals softmaxFixed on [${scores}] (m ${m}, s ${sh}) and is satisfied`, () => {
      const { cs, r, p } = softmaxCircuit(scores, m, sh);
      expect(findUnsatisfied(cs)).toBeNull();
      const ref = softmaxExps(scores, m, sh);
      expect(r.e.map((x) => Number(cs.valueOf(x)))).toEqual(ref.e);
      expect(Number(cs.valueOf(r.r))).toBe(ref.r);
      expect(p).toEqual(softmaxFixed(scores, m, sh));
    });
  }

  it('rejects a tampered max, exp input, exp, reciprocal or probability', () => {
    const { cs } = softmaxCircuit([100, -3000, 2500, 2400, 16000], 40000, 20);
    for (const re of [/maximum\/max$/, /e\d+\/rshift\/q$/, /expNeg\/acc1$/, /reciprocal\/q$/, /p\d+\/rshift\/q$/, /p\d+\/er$/]) {
      const ws = wiresNamed(cs, re);
      expect(ws.length, String(re)).toBeGreaterThan(0);
      for (const w of ws.slice(0, 3)) {
        expect(tamper(cs, w, 1n), `${re} wire ${cs.wireNames[w]}`).not.toBeNull();
        expect(tamper(cs, w, -1n), `${re} wire ${cs.wireNames[w]}`).not.toBeNull();
      }
    }
  });
});

describe('softmax: the max is proven by the exp input\'s range checks (no own range check)', () => {
  const scores = [100, -3000, 2500, 2400, 16000];
  const setup = (cs: ConstraintSystem) => scores.map((s, i) => cs.privateInput(`s${i}`, BigInt(s)));
  // m < 2^(sh−1) (40000 < 2^19): a rounded x = roundShift(z·m) would admit z = −1, the floor does not
  for (const [m, sh] of [[40000, 20], [3389, 10], [3075, 12], [1, 0]]) { // (3075, 12): x = ⌊3z/4⌋
    const gadget = (cs: ConstraintSystem, w: LinearCombination[]) => softmax(cs, w, SCORE_BOUNDS, m, sh);
    it(`rejects an attained but smaller max (m ${m}, s ${sh}) even when every other hint follows it`, () => {
      expect(cheatingFails(setup, gadget, {})).toBe(false);
      for (const fake of [2500n, 2400n, 16000n - 1n, -3000n]) expect(cheatingFails(setup, gadget, { max: () => fake }), String(fake)).toBe(true);
    });
  }
  it('costs z\'s own range check and ≤ 22 per exp per score; no probability is rounded (stories260K-like m, s)', () => {
    const cs = new ConstraintSystem({ witness: false });
    const w = Array.from({ length: 16 }, (_, i) => cs.privateInput(`s${i}`));
    softmax(cs, w, { min: -(1n << 17n), max: 1n << 17n }, 3389, 10);
    // per score: z's 19 bits (x = z: k = 0 for c = 3389/2^18 ≥ 2^−8), exp 18 lookups (T_1 is 0
    // from j = 15 on: three mux steps are linear) + 1 product + 3 (x ≥ 2^12 → 0)
    // per row: the max's product chain (15), 1/Σe (r ≤ 2^18: 19 + 1 + 2·37)
    expect(cs.nConstraints).toBe(16 * (19 + 18 + 1 + 3) + 15 + 19 + 1 + 2 * 37);
  });
});

describe('attention with deferred normalisation (infer attendInt, arith attendNormalised)', () => {
  const shape = { nHeads: 2, nKvHeads: 1, hd: 4 };
  const n = 6;
  const rnd = (i: number) => (((i * 2_654_435_761) >>> 7) % 255) - 127;
  const q = Int32Array.from({ length: 8 }, (_, i) => rnd(i + 1));
  const keys = Array.from({ length: n }, (_, j) => Int32Array.from({ length: 4 }, (_, i) => rnd(100 + 4 * j + i)));
  const values = Array.from({ length: n }, (_, j) => Int32Array.from({ length: 4 }, (_, i) => rnd(300 + 4 * j + i)));
  values[2][1] = -128;
  const bounds = { q: signedBounds(8), k: signedBounds(8), v: signedBounds(8) };
  const sm = { m: 3389, s: 10 };
  for (const outR of [{ m: Int32Array.of(2900), s: 27, bits: 8 }, { m: Int32Array.of(3100), s: 22, bits: 8 }]) {
    it(`equals attendInt bit for bit (attnOut ${outR.m[0]}/2^${outR.s}${outR.s < 25 ? ', saturating' : ''}) and every product and rounding is forced`, () => {
      const cs = new ConstraintSystem({ witness: true });
      const w = (xs: Int32Array, name: string) => Array.from(xs, (v, i) => cs.privateInput(`${name}${i}`, BigInt(v)));
      const att = attend(cs, w(q, 'q'), keys.map((k, j) => w(k, `k${j}_`)), values.map((v, j) => w(v, `v${j}_`)), shape, bounds, sm, outR);
      expect(findUnsatisfied(cs)).toBeNull();
      const ref = attendInt(q, keys, values, 0, n - 1, shape, sm, outR);
      expect(att.out.map((o) => Number(toSigned(cs.valueOf(o.y))))).toEqual(Array.from(ref));
      for (const re of [/pv\d+$/, /ur\d+$/, /head\d+\/requant\/q$/]) {
        const ws = wiresNamed(cs, re);
        expect(ws.length, String(re)).toBeGreaterThan(0);
        for (const x of ws.slice(0, 4)) expect(tamper(cs, x, 1n), cs.wireNames[x]).not.toBeNull();
      }
    });
  }
  it('attendNormalised rounds half up once, saturates and is exact beyond 2^53', () => {
    // t = s + 34; u·r·m = 3·2^(t−1) rounds up to 2
    expect(attendNormalised(3, 2 ** 33, 1, 0, 8)).toBe(2);
    expect(attendNormalised(-3, 2 ** 33, 1, 0, 8)).toBe(-1);
    expect(attendNormalised(10n ** 12n, 2 ** 18, 2 ** 11, 0, 8)).toBe(127);
    expect(attendNormalised(-(10n ** 12n), 2 ** 18, 2 ** 11, 0, 8)).toBe(-128);
    const u = 2 ** 40 + 12345;
    expect(attendNormalised(u, 2 ** 18 + 7, 4093, 20, 24)).toBe(Number((BigInt(u) * BigInt(2 ** 18 + 7) * 4093n + (1n << 53n)) >> 54n));
  });
});

describe('one-hot token (embedding selector)', () => {
  function build(token: number, V: number) {
    const cs = new ConstraintSystem({ witness: true });
    const t = cs.privateInput('token', BigInt(token));
    const o = oneHot(cs, t, V);
    return { cs, o };
  }

  it('selects the token with V + 2 constraints', () => {
    const { cs, o } = build(5, 9);
    expect(findUnsatisfied(cs)).toBeNull();
    expect(cs.nConstraints).toBe(11);
    expect(o.map((b) => cs.valueOf(b))).toEqual([0n, 0n, 0n, 0n, 0n, 1n, 0n, 0n, 0n]);
  });

  it('is unsatisfiable for a token outside the vocabulary', () => {
    expect(findUnsatisfied(build(9, 9).cs)).not.toBeNull();
  });

  it('rejects a moved or doubled selection bit', () => {
    const { cs, o } = build(5, 9);
    const values = [...cs.values];
    values[o[5].variable!] = 0n;
    values[o[4].variable!] = 1n; // Σ = 1 still holds, t = Σ v·o_v does not
    expect(findUnsatisfied(cs, values)?.label).toMatch(/token/);
    expect(tamper(cs, o[2].variable!, 1n)).not.toBeNull(); // two-hot
  });
});

describe('RoPE fused into the rescale (infer/int-ops.ts ropeRescale)', () => {
  const hd = 4;
  const nHeads = 2;
  const table = ropeTable(8, hd, 10000, 14);
  let seed = 5;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), (seed % (2 * n + 1)) - n);
  const cols = 6;
  const W: QMatrix = { rows: nHeads * hd, cols, w: Int8Array.from({ length: nHeads * hd * cols }, () => rnd(127)), scale: new Float64Array(nHeads * hd) };
  // llama-like: one multiplier per W row, coefficients K = roundShift(m·C, 12)
  const rowR: RopeRescale = { m: Int32Array.from({ length: nHeads * hd }, () => 1500 + rnd(500)), s: 20, bits: 8, coefShift: 12 };
  const values = (cs: ConstraintSystem, ys: Requantized[]) => ys.map((r) => Number(toSigned(cs.valueOf(r.y))));

  function fromAcc(h: number[], pos: number, style: 'interleaved' | 'half', r = rowR) {
    return buildGadget(
      (cs) => h.map((v, i) => cs.privateInput(`h${i}`, BigInt(v))),
      (cs, hw) => ropeFused(cs, matAcc(W, hw, signedBounds(8)).lcs, matPairBounds(W, signedBounds(8)), nHeads, hd, style, pos, table, r),
    );
  }

  it('from exact accumulators (llama): equals ropeRescale bit for bit, every hint tamper fails', () => {
    for (const style of ['interleaved', 'half'] as const) {
      for (const pos of [0, 3, 7]) {
        const h = Array.from({ length: cols }, () => rnd(127));
        const b = fromAcc(h, pos, style);
        expect(values(b.cs, b.out), `${style} pos ${pos}`).toEqual(Array.from(ropeRescale(matAccInt(W, h), nHeads, hd, style, pos, table, rowR)));
        expect(expectEveryHintTamperFails(b)).toBeGreaterThan(0);
      }
    }
  });

  it('is satisfied at the worst case of its pair bounds (h = ±127 aligned with a combined row)', () => {
    const pos = 5;
    const half = hd / 2;
    const C = table.cos[pos * half];
    const S = table.sin[pos * half];
    // output 0 = K(m0, C)·acc_0 + K(m1, −S)·acc_1 (interleaved pair (0, 1)): push it to its maximum
    const ka = Math.floor((rowR.m[0] * C + 2 ** 11) / 2 ** 12);
    const kb = Math.floor((rowR.m[1] * -S + 2 ** 11) / 2 ** 12);
    const h = Array.from({ length: cols }, (_, c) => (ka * W.w[c] + kb * W.w[cols + c] >= 0 ? 127 : -128));
    const acc = matAccInt(W, h);
    expect(BigInt(ka * acc[0] + kb * acc[1])).toBe(matPairBounds(W, signedBounds(8))(0, 1, ka, kb).max); // exactly at the bound
    const r = { ...rowR, s: 14 }; // small shift: the maximum saturates, so the overshoot check is exercised
    const b = fromAcc(h, pos, 'interleaved', r);
    expect(findUnsatisfied(b.cs)).toBeNull();
    expect(values(b.cs, b.out)[0]).toBe(127);
    expect(values(b.cs, b.out)).toEqual(Array.from(ropeRescale(acc, nHeads, hd, 'interleaved', pos, table, r)));
    expectEveryHintTamperFails(b);
  });

  // Gemma-like: QK-norm products z = x·r of int16 inputs, one multiplier per head dimension
  const f = 32;
  const normR: RopeRescale = { m: Int32Array.of(3000, 2500, 3400, 2900), s: 41, bits: 8, coefShift: 12 };
  const norm = { n: hd, epsInt: 3, rsqrtFrac: f };
  function fromNorm(x: number[], pos: number, r: RopeRescale) {
    return buildGadget(
      (cs) => x.map((v, i) => cs.privateInput(`x${i}`, BigInt(v))),
      (cs, xw) => ropeFused(cs, normProducts(cs, xw, signedBounds(16), norm), normPairBounds(f), nHeads, hd, 'half', pos, table, r),
    );
  }

  it('from QK-norm products (Gemma 3): equals ropeRescale bit for bit, tampered quotients and remainders fail', () => {
    const cases = [
      [1200, -300, 5, 32767, -32768, 0, 0, 0], // a one-hot head: |z| = 2^32-ish, the bound's worst case
      Array.from({ length: nHeads * hd }, () => rnd(32767)),
      [7, 7, 7, 7, -7, -7, -7, -7],
    ];
    // s = 41: no saturation possible; s = 36: the one-hot head saturates far beyond int8, so a
    // pair bound too tight for that worst case would make its overshoot check unsatisfiable
    for (const [k, x] of cases.entries()) {
      for (const [pos, r] of [[0, normR], [6, normR], [6, { ...normR, s: 36 }]] as const) {
        const b = fromNorm(x, pos, r);
        expect(findUnsatisfied(b.cs), `case ${k} pos ${pos}`).toBeNull();
        expect(values(b.cs, b.out), `case ${k} pos ${pos}`).toEqual(Array.from(ropeRescale(normProductsInt(x, norm), nHeads, hd, 'half', pos, table, r)));
        for (const re of [/rope\/requant\/q$/, /rope\/requant\/toBits\d+/]) {
          const ws = wiresNamed(b.cs, re);
          expect(ws.length, String(re)).toBeGreaterThan(0);
          for (const w of ws.slice(0, 4)) {
            expect(tamper(b.cs, w, 1n), b.cs.wireNames[w]).not.toBeNull();
            expect(tamper(b.cs, w, -1n), b.cs.wireNames[w]).not.toBeNull();
          }
        }
      }
    }
  });
});
