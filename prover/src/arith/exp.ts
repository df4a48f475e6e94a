import { roundShift } from './fixed.ts';

/**
 * exp(−x) in fixed point by a digit-split table product (exp(a+b) = exp(a)·exp(b)).
 *
 * Input: an integer x ≥ 0 meaning x / 2^inFrac. Its low digitBits·nDigits bits are split into
 * nDigits digits d_k of digitBits bits each (little-endian: x = Σ d_k·2^(digitBits·k)).
 * Table k (2^digitBits entries, constants) holds
 *   T_k[j] = round(2^outFrac · exp(−j·2^(digitBits·k) / 2^inFrac))   (Math.round of the float;
 * derived once, the circuit uses the same integers: `expTables(spec)`).
 * Output: acc_0 = T_0[d_0]; acc_k = roundShift(acc_{k−1}·T_k[d_k], outFrac) for k ≥ 1;
 * result acc_{n−1} ∈ [0, 2^outFrac]. If x ≥ 2^(digitBits·nDigits) the result is 0
 * (exp(−xMax) is below the output resolution for the default spec).
 * Circuit: the digits are the bits of x's range check; each T_k[d_k] is a mux-tree lookup
 * on a constant table, each product one constraint plus a roundShift (outFrac-bit range check);
 * "x ≥ 2^(digitBits·nDigits)" is the non-zero test of x's high part.
 */
export interface ExpSpec {
  inFrac: number;
  digitBits: number;
  nDigits: number;
  outFrac: number;
}

/** Default: x in units of 2^−8, 3 digits of 4 bits (x < 16.0), output with 16 fraction bits. */
export const EXP_SPEC: ExpSpec = { inFrac: 8, digitBits: 4, nDigits: 3, outFrac: 16 };

const tableCache = new Map<string, number[][]>();

/** The constant tables T_k of `spec` (see above), cached. */
export function expTables(spec: ExpSpec = EXP_SPEC): number[][] {
  const key = `${spec.inFrac}/${spec.digitBits}/${spec.nDigits}/${spec.outFrac}`;
  let t = tableCache.get(key);
  if (!t) {
    t = [];
    for (let k = 0; k < spec.nDigits; k++) {
      const row: number[] = [];
      for (let j = 0; j < 2 ** spec.digitBits; j++) {
        row.push(Math.round(2 ** spec.outFrac * Math.exp(-(j * 2 ** (spec.digitBits * k)) / 2 ** spec.inFrac)));
      }
      t.push(row);
    }
    tableCache.set(key, t);
  }
  return t;
}

/** expNegFixed(x) ≈ 2^outFrac · exp(−x / 2^inFrac) for an integer x ≥ 0 (contract above). */
export function expNegFixed(x: number, spec: ExpSpec = EXP_SPEC): number {
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`expNegFixed input must be a non-negative safe integer, got ${x}`);
  const width = spec.digitBits * spec.nDigits;
  if (x >= 2 ** width) return 0;
  const tables = expTables(spec);
  const base = 2 ** spec.digitBits;
  let rest = x;
  let acc = 0;
  for (let k = 0; k < spec.nDigits; k++) {
    const d = rest % base;
    rest = (rest - d) / base;
    acc = k === 0 ? tables[0][d] : roundShift(acc * tables[k][d], spec.outFrac);
  }
  return acc;
}
