/**
 * Integer square roots and reciprocals as HINTS: the prover computes them outside the
 * constraints and the circuit checks them with two range checks (a lower and an upper
 * bound), so each function is the unique integer satisfying the two stated inequalities.
 * Computed with BigInt: exact for any safe-integer input.
 */

function checkNonNegSafe(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${v}`);
}

/** Exact ⌊√n⌋ of a non-negative BigInt (Newton's method). */
export function isqrtBig(n: bigint): bigint {
  if (n < 0n) throw new RangeError(`isqrt of negative ${n}`);
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n)))) + 1n; // float guess, corrected below
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/**
 * isqrtHint(n) = r = ⌊√n⌋ for a safe integer n ≥ 0.
 * Circuit checks: n − r² ≥ 0 and (r+1)² − n − 1 ≥ 0 (two range checks).
 */
export function isqrtHint(n: number): number {
  checkNonNegSafe('isqrtHint input', n);
  return Number(isqrtBig(BigInt(n)));
}

/**
 * rsqrtFixed(v, f) = y = ⌊2^f / √v⌋ for an integer v ≥ 1 (safe) and f ∈ [0, 40], i.e. the
 * unique y ≥ 0 with y²·v ≤ 2^(2f) < (y+1)²·v.
 * Output range: 1 ≤ y ≤ 2^f (y = 2^f when v = 1); for any x with x² ≤ v, |x·y| ≤ 2^f.
 * Circuit checks (y and v are private): 2^(2f) − y·y·v ≥ 0 and (y+1)·(y+1)·v − 2^(2f) − 1 ≥ 0
 * (two range checks; the second difference is < (2y+1)·v ≤ 2^(f+2)·√v).
 */
export function rsqrtFixed(v: number, f: number): number {
  checkNonNegSafe('rsqrtFixed input', v);
  if (v < 1) throw new RangeError(`rsqrtFixed input must be ≥ 1, got ${v}`);
  if (!Number.isInteger(f) || f < 0 || f > 40) throw new RangeError(`rsqrtFixed fraction bits must be in [0, 40], got ${f}`);
  // y = ⌊2^f/√v⌋ = ⌊√(2^(2f)/v)⌋ = ⌊√⌊2^(2f)/v⌋⌋ (floor of a floor of a square root is exact).
  const q = (1n << BigInt(2 * f)) / BigInt(v);
  return Number(isqrtBig(q));
}

/**
 * reciprocalFixed(d, f) = q = ⌊2^f / d⌋ for a safe integer d ≥ 1 and f ∈ [0, 52]: the unique
 * q ≥ 0 with q·d ≤ 2^f < (q+1)·d.
 * Circuit checks: 2^f − q·d ≥ 0 and q·d + d − 2^f − 1 ≥ 0 (two range checks, one product).
 */
export function reciprocalFixed(d: number, f: number): number {
  checkNonNegSafe('reciprocalFixed input', d);
  if (d < 1) throw new RangeError(`reciprocalFixed input must be ≥ 1, got ${d}`);
  if (!Number.isInteger(f) || f < 0 || f > 52) throw new RangeError(`reciprocalFixed fraction bits must be in [0, 52], got ${f}`);
  // Exact: the true quotient 2^f/d is at least 1/d away from the next integer above it, and
  // for f ≤ 52 that exceeds half an ulp of the quotient, so the rounded division never
  // crosses an integer (the tests compare against BigInt division).
  return Math.floor(2 ** f / d);
}
