import { expTables, EXP_SPEC, type ExpSpec } from '../../arith/exp.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { fromBits } from './bits.ts';
import { isZero } from './compare.ts';
import type { SignedBits } from './range.ts';
import { lookup, lookupCost } from './table.ts';

/**
 * The nonlinear functions of integer inference, bit for bit equal to prover/src/arith:
 * activations (SiLU, tanh-GELU) as 2^b-entry tables over a b-bit input, int8 by default (arith/activation.ts)
 * and exp(−x) by digit-split tables (arith/exp.ts). Reciprocal and 1/√ are in reciprocal.ts.
 */

/**
 * activation(xBits, table) = table[x + 2^(b−1)] for a b-bit x given by its signed range check
 * (the table from arith `activationTable`: b = 8 by default, i.e. siluFixed / geluTanhFixed).
 * Cost: at most lookupCost(b) constraints (26 for b = 8, 41 for 9, 57 for 10; fewer when the
 * table makes a mux step linear).
 */
export function activation(cs: ConstraintSystem, xBits: SignedBits, table: ArrayLike<number>): LinearCombination {
  if (table.length !== 2 ** xBits.bits) {
    throw new RangeError(`activation: a ${xBits.bits}-bit input needs a ${2 ** xBits.bits}-entry table, got ${table.length} entries`);
  }
  // The index is x + 2^(b−1), range-checked to b bits by x's signed check (so a LogUp value
  // table of 2^b entries cannot alias); its bits only if the backend asks.
  return cs.scope('activation', () => cs.ranges.lookupAt(xBits.offset, () => {
    const bits = xBits.bitsOnDemand();
    if (bits.length !== xBits.bits) throw new RangeError(`activation: expected ${xBits.bits} index bits, got ${bits.length}`);
    return bits;
  }, table));
}

/**
 * expNeg(xBits, spec) = arith `expNegFixed(x, spec)` = Π_k T_k[d_k] ≈ 2^expOutFrac·exp(−x·unit − offset),
 * for x ≥ 0 given by its unsigned range-check bits (any width; bits above digitBits·nDigits
 * make the result 0). Digits are the bits' consecutive groups; each T_k[d_k] is a lookup and
 * the factors are multiplied exactly (one product each, no rounding: the product of forced
 * values is forced, so nothing needs a range check).
 * Cost: at most nDigits·lookupCost(digitBits) + (nDigits − 1), plus 3 when x has high bits
 * (isZero of the high part and the product with it). Default spec (2 × 6 bits): 22 (+3), one
 * mux step of T_1 being linear.
 */
export function expNeg(cs: ConstraintSystem, xBits: readonly LinearCombination[], spec: ExpSpec = EXP_SPEC): LinearCombination {
  const width = spec.digitBits * spec.nDigits;
  if (xBits.length < width) throw new RangeError(`expNeg: input has ${xBits.length} bits, the spec reads ${width}`);
  const tables = expTables(spec);
  return cs.scope('expNeg', () => {
    const values = tables.map((t, k) => lookup(cs, xBits.slice(k * spec.digitBits, (k + 1) * spec.digitBits), t));
    return expProduct(cs, values, xBits.length === width ? undefined : fromBits(xBits.slice(width)));
  });
}

/**
 * expNeg of an integer x ∈ [0, 2^width) given as a combination (softmax's shifted score
 * difference): x's range check and digit lookups through the seam (`cs.ranges.lookupDigits`:
 * bits and split muxes as expNeg above, or a lookup backend's digit pairs), then the same exact
 * products. Constrains x's range; the result equals expNegFixed(x, spec).
 */
export function expNegOf(cs: ConstraintSystem, x: LinearCombination, width: number, spec: ExpSpec = EXP_SPEC): LinearCombination {
  const tables = expTables(spec);
  return cs.scope('expNeg', () => {
    const { values, high } = cs.ranges.lookupDigits(x, width, spec.digitBits, tables);
    return expProduct(cs, values, high);
  });
}

/** Π_k values[k] (exact products), times [high = 0] when x has a part above the digits. */
function expProduct(cs: ConstraintSystem, values: readonly LinearCombination[], high: LinearCombination | undefined): LinearCombination {
  let acc = values[0];
  for (let k = 1; k < values.length; k++) acc = cs.mul(acc, values[k], `acc${k}`);
  if (!high) return acc;
  return cs.mul(acc, isZero(cs, high), 'inRange');
}

/** Constraints of expNeg for `spec` and an input of `inputBits` bits (an upper bound: see lookup). */
export function expNegCost(spec: ExpSpec = EXP_SPEC, inputBits = spec.digitBits * spec.nDigits): number {
  const high = inputBits > spec.digitBits * spec.nDigits ? 3 : 0;
  return spec.nDigits * lookupCost(spec.digitBits) + (spec.nDigits - 1) + high;
}
