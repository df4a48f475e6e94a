import { toSigned } from '../field.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { assertBoolean } from './bits.ts';

/**
 * Proven maximum (softmax's max subtraction) and greedy argmax (docs/proof-format.md: the
 * next token is the lowest index of the maximal logit).
 *
 * Precondition for both: the inputs are integers with |x_i − x_j| < 2^n for all i, j (e.g. all
 * range-checked signed (n−1)... n-bit values with n the width of the differences). The
 * differences are range-checked to n bits and returned for reuse (exp(x_i − m) takes them
 * as its table input).
 */

export interface Maximum {
  /** m = max_i x_i (a hint wire). */
  max: LinearCombination;
  /** diffBits[i] = the n bits of m − x_i ≥ 0, little-endian (made when first read: cs.ranges.checkWithBits). */
  diffBits: LinearCombination[][];
}

function signedValues(cs: ConstraintSystem, xs: readonly LinearCombination[]): bigint[] {
  return xs.map((x) => toSigned(cs.valueOf(x)));
}

/** Π_i f_i = 0, so some f_i is 0 (the field has no zero divisors). Cost: max(k − 1, 1) for k factors. */
function assertSomeZero(cs: ConstraintSystem, f: readonly LinearCombination[]): void {
  if (f.length === 1) {
    cs.assertEqual(f[0], 0, 'equalsOne');
    return;
  }
  let product = f[0];
  for (let i = 1; i < f.length - 1; i++) product = cs.mul(product, f[i], `prod${i}`);
  cs.assertR1(product, f[f.length - 1], LinearCombination.constant(0), 'equalsOne');
}

/**
 * maximum(xs, n): m ≥ x_i for every i (m − x_i range-checked to n bits) and m equals some x_i
 * (Π_i (m − x_i) = 0: the field has no zero divisors, so one factor is 0).
 * Cost: k·n + max(k − 1, 1) constraints for k inputs.
 */
export function maximum(cs: ConstraintSystem, xs: readonly LinearCombination[], n: number): Maximum {
  if (xs.length === 0) throw new RangeError('maximum: empty vector');
  return cs.scope('maximum', () => {
    const max = cs.hint('max', () => signedValues(cs, xs).reduce((a, b) => (b > a ? b : a)));
    const diffs = xs.map((x) => max.sub(x));
    const diffBits = diffs.map((d, i) => cs.scope(`ge${i}`, () => cs.ranges.checkWithBits(d, n)));
    assertSomeZero(cs, diffs);
    return { max, get diffBits() {
      return diffBits.map((get) => get());
    } };
  });
}

/**
 * maximumUnchecked(xs, visible?): the hinted maximum m of the (visible) x_i, proven only to EQUAL
 * one of them — Π_i (m − x_i) = 0, or with a mask Π_i (d_i + 1 − visible_i) = 0 with
 * d_i = visible_i·(m − x_i) (one product per entry). m ≥ x_i is NOT proven here: the caller
 * must prove d_i ≥ 0 itself. Softmax does, for free: the range checks of its exp input
 * x_i = ⌊d_i·mul/2^s⌋ (quotient and remainder non-negative) already imply d_i ≥ 0, so the
 * n-bit range check of maximum() would be a second decomposition of the same quantity.
 * Preconditions with a mask: every visible_i is 0 or 1 (e.g. a sum of disjoint one-hot entries)
 * and at least one is 1; hidden entries may hold anything. Returns d_i (m − x_i unmasked).
 * Cost: max(k − 1, 1) constraints unmasked, 2k − 1 masked (k ≥ 2 inputs).
 */
export function maximumUnchecked(cs: ConstraintSystem, xs: readonly LinearCombination[], visible?: readonly LinearCombination[]): { max: LinearCombination; diffs: LinearCombination[] } {
  if (xs.length === 0) throw new RangeError('maximumUnchecked: empty vector');
  if (visible && visible.length !== xs.length) throw new RangeError(`maximumUnchecked: ${visible.length} mask entries for ${xs.length} values`);
  return cs.scope('maximum', () => {
    const max = cs.hint('max', () => {
      const v = signedValues(cs, xs);
      let best: bigint | undefined;
      v.forEach((x, i) => {
        if ((!visible || cs.valueOf(visible[i]) === 1n) && (best === undefined || x > best)) best = x;
      });
      return best ?? 0n;
    });
    if (!visible) {
      const diffs = xs.map((x) => max.sub(x));
      assertSomeZero(cs, diffs);
      return { max, diffs };
    }
    const diffs = xs.map((x, i) => cs.mul(visible[i], max.sub(x), `d${i}`));
    assertSomeZero(cs, diffs.map((d, i) => d.add(1).sub(visible[i])));
    return { max, diffs };
  });
}

export interface Argmax extends Maximum {
  /** j = the lowest index with x_j = max (Σ i·s_i). */
  index: LinearCombination;
  /** One-hot selector s_i = [i = j]. */
  selector: LinearCombination[];
}

/**
 * argmaxLowest(xs, n): index j with x_j > x_i for i < j and x_j ≥ x_i for i > j (greedy
 * decoding, ties to the lowest index; arith/argmax.ts argmaxLowest).
 * Hints: one-hot s (boolean, Σ s_i = 1, s_i·(m − x_i) = 0 so m = x_j) and m. With
 * L_i = Σ_{l>i} s_l (1 exactly when i < j, linear), m − x_i − L_i is range-checked to n bits:
 * strict for i < j, non-strict for i ≥ j. Its bits are returned as diffBits (they are the bits
 * of m − x_i except below j, where they are of m − x_i − 1).
 * Cost: k·(n + 2) + 1 constraints for k inputs.
 */
export function argmaxLowest(cs: ConstraintSystem, xs: readonly LinearCombination[], n: number): Argmax {
  const k = xs.length;
  if (k === 0) throw new RangeError('argmaxLowest: empty vector');
  return cs.scope('argmax', () => {
    const best = (): number => {
      const v = signedValues(cs, xs);
      let j = 0;
      for (let i = 1; i < k; i++) if (v[i] > v[j]) j = i;
      return j;
    };
    const selector = cs.hints('onehot', k, () => {
      const j = best();
      return xs.map((_, i) => (i === j ? 1n : 0n));
    });
    const max = cs.hint('max', () => signedValues(cs, xs)[best()]);
    selector.forEach((s, i) => assertBoolean(cs, s, `bool${i}`));
    cs.assertEqual(LinearCombination.sum(selector), 1, 'oneHot');
    selector.forEach((s, i) => cs.assertR1(s, max.sub(xs[i]), LinearCombination.constant(0), `selects${i}`));
    const diffBits: (() => LinearCombination[])[] = [];
    let after = LinearCombination.constant(0); // L_i = Σ_{l>i} s_l, built from the end
    const afters: LinearCombination[] = new Array(k);
    for (let i = k - 1; i >= 0; i--) {
      afters[i] = after;
      after = after.add(selector[i]);
    }
    for (let i = 0; i < k; i++) diffBits.push(cs.scope(`ge${i}`, () => cs.ranges.checkWithBits(max.sub(xs[i]).sub(afters[i]), n)));
    const index = LinearCombination.dot(selector, selector.map((_, i) => i));
    return { max, get diffBits() {
      return diffBits.map((get) => get());
    }, index, selector };
  });
}
