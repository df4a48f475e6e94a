/**
 * The attention sublayer's per-position pieces (infer/int.ts `qkv`, `attnResidual`):
 * projections of the normed residual (Gemma 3: QK-norm per head) with RoPE at the position
 * fused into q's and k's rescale, and the output projection added back into the residual stream.
 */
import type { NormFactor, QLayer, QMatrix, QuantModel, Rescale, RopeRescale } from '../../quant/types.ts';
import type { Requantized } from '../gadgets/requant.ts';
import type { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { signedBounds, type Bounds } from './bounds.ts';
import { matAcc, rescale } from './linear.ts';
import { normOutputL2, normProducts, normResidualAdd, residualAddVec, rmsNorm } from './norm.ts';
import { matPairBounds, normPairBounds, ropeFused, ropeFusedAt, type PairBounds } from './rope.ts';

export interface QkvRow {
  q: Requantized[];
  k: Requantized[];
  v: Requantized[];
}

/**
 * q, k (rotated) and v of one position. q and k have one rounding each, RoPE fused into it
 * (rope.ts): llama rotates the exact accumulators W·h (zero constraints), Gemma 3 the QK-norm
 * products x·r of the int16 projections. `pos` is a constant, or a constrained one-hot over the
 * positions (position chunks: RoPE constants chosen in the circuit, rope.ts ropeFusedAt).
 */
export function qkvRow(cs: ConstraintSystem, qm: QuantModel, L: QLayer, x: readonly LinearCombination[], xb: Bounds, pos: number | readonly LinearCombination[]): QkvRow {
  const c = qm.config;
  const table = L.rope === 'local' && qm.rope.local ? qm.rope.local : qm.rope.global;
  return cs.scope('qkv', () => {
    const h = rmsNorm(cs, x, xb, L.attnNorm).map((r) => r.y);
    const hb = signedBounds(L.attnNorm.out.bits);
    const hn = L.attnNorm.n === x.length ? normOutputL2(L.attnNorm) : undefined;
    const rot = (v: LinearCombination[], b: PairBounds, nHeads: number, r: RopeRescale): Requantized[] =>
      typeof pos === 'number'
        ? ropeFused(cs, v, b, nHeads, c.headDim, c.ropeStyle, pos, table, r)
        : ropeFusedAt(cs, v, b, nHeads, c.headDim, c.ropeStyle, pos, table, r);
    const rotated = (W: QMatrix, proj: Rescale | undefined, norm: NormFactor | undefined, r: RopeRescale, nHeads: number, name: string): Requantized[] => {
      if ((proj === undefined) !== (norm === undefined)) throw new TypeError(`qkvRow: layer's ${name}-norm and int16 ${name} projection must come together`);
      if (proj && norm) {
        const pre = rescale(cs, matAcc(W, h, hb, hn), proj).map((v) => v.y);
        const z = cs.scope(`${name}Norm`, () => normProducts(cs, pre, signedBounds(proj.bits), norm));
        return rot(z, normPairBounds(norm.rsqrtFrac), nHeads, r);
      }
      return rot(matAcc(W, h, hb, hn).lcs, matPairBounds(W, hb, hn), nHeads, r);
    };
    return {
      q: rotated(L.wq, L.qProj, L.qNorm, L.qRope, c.nHeads, 'q'),
      k: rotated(L.wk, L.kProj, L.kNorm, L.kRope, c.nKvHeads, 'k'),
      v: rescale(cs, matAcc(L.wv, h, hb, hn), L.vProj),
    };
  });
}

/** x ← x + Wo·att (llama residual add) or x + postNorm(rq(Wo·att)) (Gemma 3). */
export function attnResidual(cs: ConstraintSystem, L: QLayer, x: readonly LinearCombination[], xb: Bounds, att: readonly LinearCombination[]): Requantized[] {
  return cs.scope('wo', () => {
    const acc = matAcc(L.wo, att, signedBounds(L.attnOut.bits));
    if (L.postAttnNorm) {
      const y = rescale(cs, acc, L.oProj).map((r) => r.y);
      return normResidualAdd(cs, x, xb, y, signedBounds(L.oProj.bits), L.postAttnNorm);
    }
    return residualAddVec(cs, x, xb, acc, L.oProj);
  });
}
