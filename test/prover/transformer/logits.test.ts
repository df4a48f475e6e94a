import { describe, expect, it } from 'vitest';
import { argmaxLowest as argmaxReference } from '@zkinfer/prover/arith/argmax.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { R } from '@zkinfer/prover/circuit/field.ts';
import type { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { scaleBounds, signedBounds } from '@zkinfer/prover/circuit/transformer/bounds.ts';
import { matAcc, type BoundedVec } from '@zkinfer/prover/circuit/transformer/linear.ts';
import { greedyCheck, logitDiffWidth } from '@zkinfer/prover/circuit/transformer/logits.ts';
import { build, cheatingFails, expectEveryHintTamperFails } from '../circuit/gadgets/tamper.ts';

/**
 * The greedy check on logits that are linear combinations L_j = acc_j·m_j (no wire of their
 * own, as in logitsRow): h is the final norm's int8 output, W a constant int8 matrix, m_j the
 * per-row multipliers (quant/types.ts LogitMultipliers).
 */
const W = { rows: 5, cols: 3, w: Int8Array.from([3, -1, 2, 3, -1, 2, -127, 127, 5, 0, 0, 1, 127, 127, 127]), scale: new Float64Array(5) };
const M = [3000, 3000, 4095, -2048, 1];
const H_BITS = 8;

function logitsOf(cs: ConstraintSystem, h: readonly LinearCombination[]): BoundedVec {
  const acc = matAcc(W, h, signedBounds(H_BITS));
  return { lcs: acc.lcs.map((a, j) => a.scale(BigInt(M[j]))), bounds: acc.bounds.map((b, j) => scaleBounds(b, M[j])) };
}

function reference(h: number[]): number[] {
  return M.map((m, j) => m * h.reduce((s, x, c) => s + W.w[j * W.cols + c] * x, 0));
}

/** Inputs h, the public next token and the active flag; the gadget under test builds on them. */
const inputs = (h: number[], next: number, active: 0 | 1) => (cs: ConstraintSystem) => ({
  h: h.map((v, i) => cs.privateInput(`h${i}`, BigInt(v))),
  next: cs.privateInput('next', BigInt(next)),
  active: cs.privateInput('active', BigInt(active)),
});
type Inputs = ReturnType<ReturnType<typeof inputs>>;
const greedy = (cs: ConstraintSystem, i: Inputs) => greedyCheck(cs, logitsOf(cs, i.h), i.next, i.active);

describe('greedyCheck on acc·m logits (no rescale)', () => {
  // Rows 0 and 1 are equal (ties: the lowest index must win); [−128, 127, 127] and
  // [127, −128, −128] put row 2 at the top and bottom of its bounds.
  const TIE = [2, -1, 0];
  const cases = [TIE, [1, 2, 3], [-128, 127, 127], [127, -128, -128], [0, 0, 0], [10, 10, -128], [127, 127, 127]];
  const N = 29; // row 2: acc ∈ [−33025, 33020] times 4095, so its own span is 270,454,275 ≥ 2^28

  it('sizes the difference checks from the static bounds: every reachable difference fits', () => {
    const cs = new ConstraintSystem({ witness: false });
    expect(logitDiffWidth(logitsOf(cs, [0, 1, 2].map((i) => cs.privateInput(`h${i}`))).bounds)).toBe(N);
    expect(4095 * 33020 + 4095 * 33025).toBeGreaterThanOrEqual(2 ** (N - 1));
    for (const h of cases) {
      const L = reference(h);
      expect(Math.max(...L) - Math.min(...L)).toBeLessThan(2 ** N);
    }
  });

  it('accepts the honest argmax (lowest index on ties) and forces every hint', () => {
    for (const h of cases) {
      const expected = argmaxReference(reference(h));
      const built = build(inputs(h, expected, 1), greedy);
      expect(Number(built.out.index.value)).toBe(expected);
      expectEveryHintTamperFails(built);
    }
    // the tie: rows 0 and 1 are the maximum, row 0 wins
    expect(argmaxReference(reference(TIE))).toBe(0);
  });

  it('rejects a wrong next token when active, ignores it when not', () => {
    const h = [1, 2, 3];
    const j = argmaxReference(reference(h));
    const bad = build(inputs(h, j + 1, 1), greedy);
    expect(findUnsatisfied(bad.cs)?.label).toMatch(/greedy\/next=argmax/);
    expect(findUnsatisfied(build(inputs(h, j + 1, 0), greedy).cs)).toBeNull();
  });

  it('rejects a tie broken to the higher index, a non-maximal index and a tampered one-hot (adaptive cheating prover)', () => {
    const h = TIE;
    const L = reference(h);
    expect(L[0]).toBe(L[1]);
    expect(Math.max(...L)).toBe(L[0]);
    const lie = (k: number) => ({ onehot: () => L.map((_, i) => (i === k ? 1n : 0n)), max: () => BigInt(L[k]) });
    // next = the lie's index, so only the argmax constraints can catch it
    expect(cheatingFails(inputs(h, 1, 1), greedy, lie(1))).toBe(true); // tie to the higher index
    for (const k of [2, 3, 4]) expect(cheatingFails(inputs(h, k, 1), greedy, lie(k))).toBe(true);
    expect(cheatingFails(inputs(h, 0, 1), greedy, lie(0))).toBe(false); // the honest choice
    // a one-hot that is not one-hot, and one whose max is not the selected logit
    expect(cheatingFails(inputs(h, 0, 1), greedy, { onehot: () => [1n, 1n, 0n, 0n, R - 1n] })).toBe(true);
    expect(cheatingFails(inputs(h, 0, 1), greedy, { max: () => BigInt(L[0] + 1) })).toBe(true);
    // with the greedy position inactive the argmax is still proven (a lie still fails)
    expect(cheatingFails(inputs(h, 1, 0), greedy, lie(1))).toBe(true);
  });

  it('costs k·(n + 2) + 2 for k logits of difference width n (the logits themselves are free)', () => {
    const built = build(inputs([1, 2, 3], 0, 1), greedy);
    expect(built.cs.nConstraints).toBe(5 * (N + 2) + 2);
  });

  it('refuses an empty vocabulary', () => {
    expect(() => logitDiffWidth([])).toThrow(RangeError);
    expect(() => build(inputs([1, 2, 3], 0, 1), (cs, i) => greedyCheck(cs, { lcs: [], bounds: [] }, i.next, i.active))).toThrow(RangeError);
  });
});
