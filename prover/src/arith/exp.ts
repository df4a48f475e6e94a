/**
 * exp(−x·unit − offset) in fixed point by a digit-split table product (exp(a+b) = exp(a)·exp(b)).
 *
 * Input: an integer x ≥ 0; `unit` is the exponent one step of x stands for and `offset` is
 * added to every exponent (softmax: x = ⌊z / 2^k⌋ of a score difference z, unit = c·2^k for
 * the exponent c per score unit, offset = c·(2^k − 1)/2 — the middle of x's floor interval,
 * so the floor has no bias; see arith/softmax.ts `softmaxSpec`). The low digitBits·nDigits
 * bits of x are split into nDigits digits d_k of digitBits bits each (little-endian:
 * x = Σ d_k·2^(digitBits·k)). Table k (2^digitBits entries, constants) holds
 *   T_k[j] = round(2^tableFrac · exp(−j·2^(digitBits·k)·unit − [k = 0]·offset))
 * (Math.round of the float; derived once, the circuit uses the same integers: `expTables(spec)`).
 * Output: the exact product Π_k T_k[d_k] — no rounding between the factors, so the result has
 * nDigits·tableFrac fraction bits (`expOutFrac`) and lies in [0, 2^expOutFrac].
 * If x ≥ 2^(digitBits·nDigits) the result is 0 (softmax picks unit so that this is exp(−16) or
 * below, under 2^−23).
 * Circuit: the digits are the bits of x's range check; each T_k[d_k] is a lookup on a constant
 * table, each further factor one product (nothing range-checked: every wire is a product of
 * forced values); "x ≥ 2^(digitBits·nDigits)" is the non-zero test of x's high part.
 * Why no rounding: a rounded product costs a remainder and a quotient range check (35
 * constraints for 16 bits); the wide product is normalised once anyway (softmax's 1/Σe).
 */
export interface ExpSpec {
  /** Exponent per step of the input. */
  unit: number;
  /** Exponent added to every input (in T_0). */
  offset: number;
  digitBits: number;
  nDigits: number;
  /** Fraction bits of each table entry. */
  tableFrac: number;
}

/** Default layout: 2 digits of 6 bits (x < 2^12), tables with 16 fraction bits. */
export const EXP_DIGITS = { digitBits: 6, nDigits: 2, tableFrac: 16 } as const;

/** A reference spec: x in units of 2^−8 at the middle of its interval (exp(−(x + ½)/256), x < 16.0). */
export const EXP_SPEC: ExpSpec = { unit: 2 ** -8, offset: 2 ** -9, ...EXP_DIGITS };

/** Fraction bits of expNegFixed's output: nDigits·tableFrac (32 for the default spec). */
export function expOutFrac(spec: ExpSpec = EXP_SPEC): number {
  return spec.nDigits * spec.tableFrac;
}

const tableCache = new Map<string, number[][]>();

/** The constant tables T_k of `spec` (see above), cached. */
export function expTables(spec: ExpSpec = EXP_SPEC): number[][] {
  const key = `${spec.unit}/${spec.offset}/${spec.digitBits}/${spec.nDigits}/${spec.tableFrac}`;
  let t = tableCache.get(key);
  if (!t) {
    if (expOutFrac(spec) > 52) throw new RangeError(`expTables: ${expOutFrac(spec)} output fraction bits exceed a safe integer`);
    t = [];
    for (let k = 0; k < spec.nDigits; k++) {
      const row: number[] = [];
      const offset = k === 0 ? spec.offset : 0;
      for (let j = 0; j < 2 ** spec.digitBits; j++) {
        row.push(Math.round(2 ** spec.tableFrac * Math.exp(-(j * 2 ** (spec.digitBits * k)) * spec.unit - offset)));
      }
      t.push(row);
    }
    tableCache.set(key, t);
  }
  return t;
}

/** The largest output, at x = 0: Π_k T_k[0] (≤ 2^expOutFrac). */
export function expMax(spec: ExpSpec = EXP_SPEC): number {
  return expTables(spec).reduce((acc, row) => acc * row[0], 1);
}

/** expNegFixed(x) ≈ 2^expOutFrac · exp(−x·unit − offset) for an integer x ≥ 0 (contract above). */
export function expNegFixed(x: number, spec: ExpSpec = EXP_SPEC): number {
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`expNegFixed input must be a non-negative safe integer, got ${x}`);
  const width = spec.digitBits * spec.nDigits;
  if (x >= 2 ** width) return 0;
  const tables = expTables(spec);
  const base = 2 ** spec.digitBits;
  let rest = x;
  let acc = 1;
  for (let k = 0; k < spec.nDigits; k++) {
    const d = rest % base;
    rest = (rest - d) / base;
    acc *= tables[k][d];
  }
  return acc;
}
