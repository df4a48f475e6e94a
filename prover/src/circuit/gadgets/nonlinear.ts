import { expTables, EXP_SPEC, type ExpSpec } from '../../arith/exp.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { fromBits } from './bits.ts';
import { isZero } from './compare.ts';
import type { SignedBits } from './range.ts';
import { roundShiftSaturate } from './requant.ts';
import { lookup, lookupCost } from './table.ts';

/**
 * The nonlinear functions of integer inference, bit for bit equal to prover/src/arith:
 * activations (SiLU, tanh-GELU) as 256-entry tables over an int8 input (arith/activation.ts)
 * and exp(−x) by digit-split tables (arith/exp.ts). Reciprocal and 1/√ are in reciprocal.ts.
 */

/**
 * activation(xBits, table) = table[x + 128] for an int8 x given by its signed range check
 * (the table from arith `activationTable`, i.e. siluFixed / geluTanhFixed).
 * Cost: at most lookupCost(8) = 26 constraints (fewer when the table makes a mux step linear).
 */
export function activation(cs: ConstraintSystem, xBits: SignedBits, table: ArrayLike<number>): LinearCombination {
  if (xBits.offsetBits.length !== 8 || table.length !== 256) {
    throw new RangeError(`activation: needs an int8 input and a 256-entry table, got ${xBits.offsetBits.length} bits and ${table.length} entries`);
  }
  return cs.scope('activation', () => lookup(cs, xBits.offsetBits, table));
}

/**
 * expNeg(xBits, spec) = arith `expNegFixed(x, spec)` ≈ 2^outFrac·exp(−x/2^inFrac), for x ≥ 0
 * given by its unsigned range-check bits (any width; bits above digitBits·nDigits make the
 * result 0). Digits are the bits' consecutive groups; acc_0 = T_0[d_0] and
 * acc_k = roundShift(acc_{k−1}·T_k[d_k], outFrac) (one product, then the rounding of
 * roundShiftSaturate with an output wide enough never to saturate: outFrac + 2 bits).
 * Cost: nDigits·lookupCost(digitBits) + (nDigits − 1)·(1 + 2·outFrac + 2), plus 3 when x has
 * high bits (isZero of the high part and the product with it). Default spec: 82 (+3).
 */
export function expNeg(cs: ConstraintSystem, xBits: readonly LinearCombination[], spec: ExpSpec = EXP_SPEC): LinearCombination {
  const width = spec.digitBits * spec.nDigits;
  if (xBits.length < width) throw new RangeError(`expNeg: input has ${xBits.length} bits, the spec reads ${width}`);
  const tables = expTables(spec);
  const one = 1n << BigInt(spec.outFrac);
  return cs.scope('expNeg', () => {
    let acc = LinearCombination.constant(0);
    for (let k = 0; k < spec.nDigits; k++) {
      const digit = xBits.slice(k * spec.digitBits, (k + 1) * spec.digitBits);
      const t = lookup(cs, digit, tables[k]);
      if (k === 0) {
        acc = t;
        continue;
      }
      const product = cs.mul(acc, t, `acc${k}`);
      // acc, t ∈ [0, 2^outFrac] so the product is in [0, 2^(2·outFrac)] and the result in [0, 2^outFrac].
      acc = roundShiftSaturate(cs, product, { min: 0n, max: one * one }, spec.outFrac, spec.outFrac + 2).y;
    }
    if (xBits.length === width) return acc;
    const inRange = isZero(cs, fromBits(xBits.slice(width)));
    return cs.mul(acc, inRange, 'inRange');
  });
}

/** Constraints of expNeg for `spec` and an input of `inputBits` bits. */
export function expNegCost(spec: ExpSpec = EXP_SPEC, inputBits = spec.digitBits * spec.nDigits): number {
  const high = inputBits > spec.digitBits * spec.nDigits ? 3 : 0;
  return spec.nDigits * lookupCost(spec.digitBits) + (spec.nDigits - 1) * (1 + 2 * spec.outFrac + 2) + high;
}
