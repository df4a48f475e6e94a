import { P } from './fields.ts';

/** Fp2 = Fp[u]/(u² + 1) on plain bigint pairs [re, im], both in [0, p): no objects, one division per output coefficient. */
export type Fp2 = [bigint, bigint];

export function red(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}
export const add = (a: Fp2, b: Fp2): Fp2 => [red(a[0] + b[0]), red(a[1] + b[1])];
export const sub = (a: Fp2, b: Fp2): Fp2 => [red(a[0] - b[0]), red(a[1] - b[1])];
export const neg = (a: Fp2): Fp2 => [red(-a[0]), red(-a[1])];
export const scale = (a: Fp2, k: bigint): Fp2 => [red(a[0] * k), red(a[1] * k)];
export function mul(a: Fp2, b: Fp2): Fp2 {
  const m0 = a[0] * b[0];
  const m1 = a[1] * b[1];
  return [red(m0 - m1), red((a[0] + a[1]) * (b[0] + b[1]) - m0 - m1)];
}
export const sqr = (a: Fp2): Fp2 => [red((a[0] + a[1]) * (a[0] - a[1])), red(2n * a[0] * a[1])];
