/**
 * RMSNorm and the residual adds (infer/int-ops.ts `normFactor`, `normInt`, `normResidualAdd`,
 * `residualAddVec`), bit for bit.
 *
 * v = Σ x_i² + epsInt (n products), r = rsqrtFixed(v, f) as a hint proven by the rsqrt gadget
 * (two range checks), then x_i·r (n products) requantized. |x_i·r| ≤ 2^f is a theorem
 * (x_i² ≤ v and r ≤ 2^f/√v), so those bounds keep the requantization's checks narrow.
 */
import type { NormFactor, QNorm, Rescale } from '../../quant/types.ts';
import { rsqrt } from '../gadgets/reciprocal.ts';
import { requantize, residualAdd, type Requantized } from '../gadgets/requant.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { bitLength, type Bounds } from './bounds.ts';
import { mAt, type BoundedVec } from './linear.ts';

/** r = ⌊2^f/√(Σ x_i² + epsInt)⌋ over x[off .. off+n), every x_i ∈ xb. Cost: n + rsqrt. */
export function normFactor(cs: ConstraintSystem, x: readonly LinearCombination[], off: number, xb: Bounds, norm: NormFactor): LinearCombination {
  if (!Number.isInteger(norm.epsInt) || norm.epsInt < 1) throw new RangeError(`norm: epsInt ${norm.epsInt} must be ≥ 1 (rsqrt needs v ≥ 1)`);
  const squares: LinearCombination[] = [];
  for (let i = 0; i < norm.n; i++) squares.push(cs.mul(x[off + i], x[off + i], `sq${i}`));
  const v = LinearCombination.sum(squares).add(norm.epsInt);
  const maxSq = xb.min * xb.min > xb.max * xb.max ? xb.min * xb.min : xb.max * xb.max;
  const vMax = BigInt(norm.n) * maxSq + BigInt(norm.epsInt);
  return rsqrt(cs, v, bitLength(vMax), norm.rsqrtFrac).y;
}

/** Bounds of x_i·r inside a norm (see the module comment). */
function normProductBounds(norm: QNorm): Bounds {
  const one = 1n << BigInt(norm.rsqrtFrac);
  return { min: -one, max: one };
}

/**
 * A bound on ‖y‖₂ for y = rmsNorm(x) over one slice of n: ‖x∘r‖₂ = r·‖x‖₂ ≤ 2^f·‖x‖₂/√v ≤ 2^f,
 * each y_i = saturate(round(x_i·r·m_i/2^s)) has |y_i| ≤ |x_i·r|·|m_i|/2^s + 1/2, so by Minkowski
 * ‖y‖₂ ≤ 2^f·max|m_i|/2^s + √n/2; also ‖y‖₂ ≤ √n·2^(bits−1). (A float upper bound, rounded up
 * with margin by its users.)
 */
export function normOutputL2(norm: QNorm): number {
  let mMax = 0;
  for (let i = 0; i < norm.out.m.length; i++) mMax = Math.max(mMax, Math.abs(norm.out.m[i]));
  const viaScale = 2 ** (norm.rsqrtFrac - norm.out.s) * mMax + Math.sqrt(norm.n) / 2;
  const viaRange = Math.sqrt(norm.n) * 2 ** (norm.out.bits - 1);
  return Math.min(viaScale, viaRange) * (1 + 1e-9);
}

/**
 * The products z_i = x_i·r of every n-slice (int-ops `normProducts`), left unrounded for the fused
 * RoPE rescale. Per slice ‖z‖₂ = r·‖x‖₂ ≤ 2^f (see normOutputL2), so every z_i ∈ ±2^f too.
 */
export function normProducts(cs: ConstraintSystem, x: readonly LinearCombination[], xb: Bounds, norm: NormFactor): LinearCombination[] {
  if (x.length % norm.n !== 0) throw new RangeError(`normProducts: length ${x.length} is not a multiple of the norm size ${norm.n}`);
  const out: LinearCombination[] = [];
  for (let off = 0; off < x.length; off += norm.n) {
    cs.scope(`norm${off / norm.n}`, () => {
      const r = normFactor(cs, x, off, xb, norm);
      for (let i = 0; i < norm.n; i++) out.push(cs.mul(x[off + i], r, `xr${i}`));
    });
  }
  return out;
}

/** RMSNorm of every n-slice of x to the norm's output site (int-ops `normInt`). */
export function rmsNorm(cs: ConstraintSystem, x: readonly LinearCombination[], xb: Bounds, norm: QNorm): Requantized[] {
  if (x.length % norm.n !== 0) throw new RangeError(`rmsNorm: length ${x.length} is not a multiple of the norm size ${norm.n}`);
  const out: Requantized[] = [];
  const pb = normProductBounds(norm);
  for (let off = 0; off < x.length; off += norm.n) {
    cs.scope(`norm${off / norm.n}`, () => {
      const r = normFactor(cs, x, off, xb, norm);
      for (let i = 0; i < norm.n; i++) {
        const p = cs.mul(x[off + i], r, `xr${i}`);
        out.push(requantize(cs, p, pb, mAt(norm.out, i), norm.out.s, norm.out.bits));
      }
    });
  }
  return out;
}

/** Gemma post-norm into the residual: x_i ← residualAdd(x_i, y_i·r, m_i, s, bits), r = norm factor of y. */
export function normResidualAdd(
  cs: ConstraintSystem, x: readonly LinearCombination[], xb: Bounds, y: readonly LinearCombination[], yb: Bounds, norm: QNorm,
): Requantized[] {
  if (x.length !== norm.n || y.length !== norm.n) throw new RangeError(`normResidualAdd: lengths ${x.length}, ${y.length} differ from the norm size ${norm.n}`);
  return cs.scope('postNorm', () => {
    const r = normFactor(cs, y, 0, yb, norm);
    const pb = normProductBounds(norm);
    return x.map((xi, i) => residualAdd(cs, xi, xb, cs.mul(y[i], r, `yr${i}`), pb, mAt(norm.out, i), norm.out.s, norm.out.bits));
  });
}

/** Llama residual: x_i ← residualAdd(x_i, acc_i, m_i, s, bits). */
export function residualAddVec(cs: ConstraintSystem, x: readonly LinearCombination[], xb: Bounds, acc: BoundedVec, r: Rescale): Requantized[] {
  return x.map((xi, i) => residualAdd(cs, xi, xb, acc.lcs[i], acc.bounds[i], mAt(r, i), r.s, r.bits));
}
