/**
 * Deferred terms (lc.ts, docs/decisions.md 25): the same gadget code on a lean system (wires
 * whose combinations defer their terms) and on a recording one gives the same terms when they
 * are read, the same values (the float path of ValueSum included, and its bigint fallback for
 * large values and coefficients), the same constness; a value that was never computed (a late
 * public input) fails loudly; lowZeroBits and shiftedDown (requantization's known-zero low
 * bits) answer from deferred parts as from the flattened terms, without flattening them.
 */
import { describe, expect, it } from 'vitest';
import { mod, R, toSigned } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';

/** A few layers of sums, scalings and products over inputs of every size class. */
function expression(cs: ConstraintSystem): LinearCombination[] {
  const xs = [5n, -7n, 2n ** 60n, R - 3n, 2n ** 52n - 1n, -(2n ** 52n)].map((v, i) => cs.privateInput(`x${i}`, v));
  const weights = [3, -1, 2 ** 26, 0, 1n << 200n, -(2 ** 30)];
  const a = LinearCombination.dot(xs, weights);
  let acc = LinearCombination.constant(0);
  for (let i = 0; i < 50; i++) acc = acc.add(xs[i % xs.length].scale(2 ** 26 + i)).sub(i);
  const p = cs.mul(a, acc.add(xs[0]));
  const k = cs.mul(LinearCombination.constant(4), a.sub(a)); // a product with a constant: linear, no wire
  const big = LinearCombination.sum(Array.from({ length: 300 }, () => xs[4].scale(2 ** 26)));
  cs.assertEqual(p, cs.hint('p2', () => cs.valueOf(p)));
  return [a, acc, p, k, big, a.sub(a), xs[1].neg()];
}

describe('deferred terms', () => {
  it('read the same terms, values and constness as eager ones; the lean rows check', () => {
    const eager = new ConstraintSystem({ witness: true });
    const lean = new ConstraintSystem({ witness: true, lean: true });
    const e = expression(eager);
    const l = expression(lean);
    expect(l.every((x) => x.deferred || x.isConstant())).toBe(true);
    for (let i = 0; i < e.length; i++) {
      expect(l[i].value, `#${i}`).toBe(e[i].value);
      expect(l[i].isConstant(), `#${i}`).toBe(e[i].isConstant());
      expect([...l[i].vars], `#${i}`).toEqual([...e[i].vars]);
      expect([...l[i].coeffs], `#${i}`).toEqual([...e[i].coeffs]);
    }
    expect(lean.values).toEqual(eager.values);
    expect(findUnsatisfied(eager)).toBeNull();
    expect(findUnsatisfied(lean)).toBeNull();
  });

  it('the float path sums exactly (a sum past 2^53 folds into the bigint)', () => {
    const cs = new ConstraintSystem({ witness: true, lean: true });
    const x = cs.privateInput('x', 2n ** 52n - 1n);
    const y = cs.privateInput('y', -(2n ** 52n - 1n));
    const s = LinearCombination.dot([x, x, x, y, x], [1, 1, 1, -1, 3]);
    expect(s.value).toBe(mod(7n * (2n ** 52n - 1n)));
    // past 2^53 a double's spacing is 2: unfolded, the ones after 2x would be rounded away
    const one = cs.privateInput('one', 1n);
    const t = LinearCombination.sum([x, x, one, one, one, one, one]);
    expect(t.value).toBe(2n ** 53n + 3n);
    const u = LinearCombination.dot([y, y, one, one, one], [1, 1, -1, -1, -1]);
    expect(u.value).toBe(mod(-(2n ** 53n) - 1n));
  });

  it('a tampered hint fails the lean check; a value never computed fails loudly', () => {
    const cs = new ConstraintSystem({ witness: true, lean: true });
    const x = cs.privateInput('x', 3n);
    const sq = cs.hint('sq', () => 10n); // not x·x
    cs.assertR1(x.add(1).sub(1), x, sq, 'sq');
    expect(findUnsatisfied(cs)?.label).toBe('sq');
    const cs2 = new ConstraintSystem({ witness: true, lean: true });
    const out = cs2.latePublicInput('out');
    const y = cs2.privateInput('y', 2n);
    const dependent = y.add(out);
    expect(dependent.value).toBeUndefined();
    expect(() => cs2.valueOf(dependent)).toThrow(/no value/);
    expect(() => cs2.mul(dependent, y)).toThrow(/no value/);
  });

  /** Reference: the least 2-adic valuation of the flattened terms' signed coefficients, capped. */
  const lowZeroBitsOfTerms = (lc: LinearCombination, cap: number): number => {
    let t = cap;
    for (const c of lc.coeffs) {
      let a = toSigned(c);
      if (a === 0n) continue;
      if (a < 0n) a = -a;
      let z = 0;
      while ((a & 1n) === 0n && z < t) { a >>= 1n; z++; }
      t = Math.min(t, z);
    }
    return t;
  };

  /** Combinations with many factors of two, shared parts, reduced (r − c) coefficients and huge ones. */
  function twosExpression(cs: ConstraintSystem, seed: number): LinearCombination[] {
    let st = seed;
    const rnd = (n: number) => ((st = (st * 1103515245 + 12345) % 2 ** 31), st % n);
    const xs = [3n, -4n, 2n ** 40n, R - 8n, 1n, 0n].map((v, i) => cs.privateInput(`x${i}`, v));
    const out: LinearCombination[] = [...xs];
    for (let i = 0; i < 40; i++) {
      const n = 1 + rnd(4);
      const parts = Array.from({ length: n }, () => out[rnd(out.length)]);
      const ks = parts.map(() => [2 ** rnd(20), -(2 ** rnd(30)) * 3, 12, 1n << BigInt(100 + rnd(150)), R - 2n ** BigInt(rnd(9)), 0][rnd(6)]);
      let lc = LinearCombination.dot(parts, ks).add(rnd(3) === 0 ? 2 ** rnd(12) : 0);
      if (rnd(3) === 0) lc = lc.shiftedDown(rnd(3));
      out.push(lc);
    }
    return out.slice(xs.length);
  }

  it('lowZeroBits and shiftedDown answer alike on deferred and eager terms, without flattening', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const eager = twosExpression(new ConstraintSystem({ witness: true }), seed);
      const lean = twosExpression(new ConstraintSystem({ witness: true, lean: true }), seed);
      for (let i = 0; i < eager.length; i++) {
        const at = `seed ${seed} #${i}`;
        for (const cap of [0, 1, 7, 40, 200]) {
          const want = lowZeroBitsOfTerms(eager[i], cap);
          expect(eager[i].lowZeroBits(cap), at).toBe(want);
          expect(lean[i].lowZeroBits(cap), at).toBe(want);
        }
        const k = eager[i].lowZeroBits(30);
        for (const shift of [k, k + 1]) {
          const e = eager[i].shiftedDown(shift);
          const l = lean[i].shiftedDown(shift);
          expect(l.value, at).toBe(e.value);
          expect(l.lowZeroBits(200), at).toBe(lowZeroBitsOfTerms(e, 200));
          expect([...l.coeffs], at).toEqual([...e.coeffs]);
          expect([...l.vars], at).toEqual([...e.vars]);
        }
      }
    }
    // A deferred sum whose valuation is read keeps its terms unbuilt.
    const cs = new ConstraintSystem({ witness: true, lean: true });
    const x = cs.privateInput('x', 5n);
    const v = LinearCombination.dot([x, x.scale(8), cs.privateInput('y', 1n)], [4, 2, 16]);
    expect(v.lowZeroBits(10)).toBe(2);
    expect((v as unknown as { termVars?: unknown }).termVars).toBeUndefined();
    expect(v.shiftedDown(2).value).toBe(5n + 20n + 4n);
    // Coefficients ≡ 0 mod r (signed value 0) impose nothing, as for the flattened terms; a huge k falls back to them.
    for (const system of [new ConstraintSystem({ witness: true }), new ConstraintSystem({ witness: true, lean: true })]) {
      const y = system.privateInput('y', 3n);
      const z = LinearCombination.dot([y, y.scale(4), y], [R, 2, R * 8n]);
      expect(z.lowZeroBits(9)).toBe(3);
      expect(LinearCombination.dot([y], [R]).lowZeroBits(9)).toBe(9);
    }
  });
});
