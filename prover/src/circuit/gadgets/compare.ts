import { inv } from '../field.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { checkWidth, toBits } from './bits.ts';

/**
 * Comparisons of values with a known bit bound (circomlib comparators.circom style) and
 * equality tests.
 *
 * Precondition of the bounded comparisons (not checked here; it is what the operands' own
 * range checks guarantee): |a − b| < 2^n as integers, e.g. both in [0, 2^n) or both in
 * [−2^(n−1), 2^(n−1)). Outside it the result is meaningless.
 */

/**
 * isLessThan(a, b, n) = 1 if a < b else 0, constrained. circomlib LessThan(n): the n+1 bits of
 * d = a − b + 2^n ∈ (0, 2^(n+1)); d's top bit is 1 exactly when a ≥ b. Cost: n + 1 constraints.
 */
export function isLessThan(cs: ConstraintSystem, a: LinearCombination, b: LinearCombination, n: number): LinearCombination {
  checkWidth('isLessThan', n + 1);
  const bits = cs.scope('isLessThan', () => toBits(cs, a.sub(b).add(1n << BigInt(n)), n + 1));
  return LinearCombination.constant(1).sub(bits[n]);
}

/**
 * assertLessOrEqual(a, b, n): fails unless a ≤ b, by range-checking b − a to n bits (a > b
 * makes b − a wrap to ≥ r − 2^n). Returns the bits of b − a. Cost: n constraints.
 */
export function assertLessOrEqual(cs: ConstraintSystem, a: LinearCombination, b: LinearCombination, n: number): LinearCombination[] {
  return cs.scope('assertLessOrEqual', () => toBits(cs, b.sub(a), n));
}

/**
 * isZero(x) = 1 if x = 0 else 0, for any field element (circomlib IsZero). Hints inv and out:
 * x·inv = 1 − out and x·out = 0. If x ≠ 0 the second forces out = 0 and then inv = 1/x; if x = 0
 * the first forces out = 1 and inv is free (any value satisfies: it is not part of the result).
 * Cost: 2 constraints, 2 hint wires.
 */
export function isZero(cs: ConstraintSystem, x: LinearCombination): LinearCombination {
  return cs.scope('isZero', () => {
    const xInv = cs.hint('inv', () => {
      const v = cs.valueOf(x);
      return v === 0n ? 0n : inv(v);
    });
    const out = cs.hint('out', () => (cs.valueOf(x) === 0n ? 1n : 0n));
    cs.assertR1(x, xInv, LinearCombination.constant(1).sub(out), 'inverse');
    cs.assertR1(x, out, LinearCombination.constant(0), 'zero');
    return out;
  });
}

/** isEqual(a, b) = isZero(a − b). Cost: 2 constraints. */
export function isEqual(cs: ConstraintSystem, a: LinearCombination, b: LinearCombination): LinearCombination {
  return isZero(cs, a.sub(b));
}
