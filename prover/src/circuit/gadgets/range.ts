import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { toBits } from './bits.ts';

/**
 * Range checks (one per value; the bits are returned for reuse as sign, comparison or table
 * input — docs/architecture.md "Arithmetic").
 */

/**
 * assertUnsigned(x, bits): fails unless x ∈ [0, 2^bits). Returns x's bits, little-endian.
 * Cost: `bits` constraints (toBits).
 */
export function assertUnsigned(cs: ConstraintSystem, x: LinearCombination, bits: number): LinearCombination[] {
  return cs.scope('unsigned', () => toBits(cs, x, bits));
}

/** checkUnsigned(x, bits): x ∈ [0, 2^bits), for a caller that does not need the bits (cs.ranges.check). */
export function checkUnsigned(cs: ConstraintSystem, x: LinearCombination, bits: number): void {
  cs.scope('unsigned', () => cs.ranges.check(x, bits));
}

/** A signed range check's result: the bits of the offset value and the sign (made when first read: assertSigned). */
export interface SignedBits {
  /** The width of the check: x ∈ [−2^(bits−1), 2^(bits−1)). */
  bits: number;
  /** u = x + 2^(bits−1) ∈ [0, 2^bits), range-checked (the table index of x). */
  offset: LinearCombination;
  /** Bits of u, little-endian. */
  offsetBits: LinearCombination[];
  /** offsetBits as made on demand (cs.ranges.lookupAt takes it). */
  bitsOnDemand: () => LinearCombination[];
  /** 1 when x < 0, else 0: 1 − (top bit of u). No extra constraint. */
  isNegative: LinearCombination;
}

/**
 * assertSigned(x, bits): fails unless x ∈ [−2^(bits−1), 2^(bits−1)) (two's-complement range),
 * by range-checking u = x + 2^(bits−1) to `bits` bits. Cost: `bits` constraints.
 */
export function assertSigned(cs: ConstraintSystem, x: LinearCombination, bits: number): SignedBits {
  if (!Number.isInteger(bits) || bits < 2) throw new RangeError(`assertSigned: bit width ${bits} must be an integer ≥ 2`);
  // The bits on demand (cs.ranges.checkWithBits): most requantized values are never a table
  // index or a sign, and a lookup backend then makes a range check instead of the bits.
  const offset = x.add(1n << BigInt(bits - 1));
  return signedBits(offset, bits, cs.scope('signed', () => cs.ranges.checkWithBits(offset, bits)));
}

/** The SignedBits of u = x + 2^(bits−1) whose bits `get` makes (at most once: the getter memoizes or the backend does). */
function signedBits(offset: LinearCombination, bits: number, get: () => LinearCombination[]): SignedBits {
  return {
    bits,
    offset,
    bitsOnDemand: get,
    get offsetBits() {
      return get();
    },
    get isNegative() {
      return LinearCombination.constant(1).sub(get()[bits - 1]);
    },
  };
}

/** checkSigned(x, bits): x ∈ [−2^(bits−1), 2^(bits−1)) without the bits (cs.ranges.check of x + 2^(bits−1)). */
export function checkSigned(cs: ConstraintSystem, x: LinearCombination, bits: number): void {
  if (!Number.isInteger(bits) || bits < 2) throw new RangeError(`checkSigned: bit width ${bits} must be an integer ≥ 2`);
  cs.scope('signed', () => cs.ranges.check(x.add(1n << BigInt(bits - 1)), bits));
}

/**
 * knownSigned(x, bits): the SignedBits of an x already known to lie in [−2^(bits−1), 2^(bits−1))
 * (a clamp table's value: clamp-table.ts), without a check of its own. The bits, when a caller
 * first reads them, are a decomposition (cs.ranges.bits), which checks the range again.
 */
export function knownSigned(cs: ConstraintSystem, x: LinearCombination, bits: number): SignedBits {
  if (!Number.isInteger(bits) || bits < 2) throw new RangeError(`knownSigned: bit width ${bits} must be an integer ≥ 2`);
  const offset = x.add(1n << BigInt(bits - 1));
  let made: LinearCombination[] | undefined;
  return signedBits(offset, bits, () => (made ??= cs.scope('signed', () => cs.ranges.bits(offset, bits))));
}
