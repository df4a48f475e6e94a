/**
 * The attention sublayer's per-position pieces (infer/int.ts `qkv`, `attnResidual`):
 * projections of the normed residual (Gemma 3: QK-norm per head), RoPE at the position, and
 * the output projection added back into the residual stream.
 */
import type { QLayer, QuantModel } from '../../quant/types.ts';
import type { Requantized } from '../gadgets/requant.ts';
import type { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { signedBounds, type Bounds } from './bounds.ts';
import { matAcc, rescale } from './linear.ts';
import { normOutputL2, normResidualAdd, residualAddVec, rmsNorm } from './norm.ts';
import { rope, ropeAt } from './rope.ts';

export interface QkvRow {
  q: Requantized[];
  k: Requantized[];
  v: Requantized[];
}

/**
 * q, k (rotated) and v of one position: `pos` a constant, or a constrained one-hot over the
 * positions (position chunks: RoPE constants chosen in the circuit, rope.ts ropeAt).
 */
export function qkvRow(cs: ConstraintSystem, qm: QuantModel, L: QLayer, x: readonly LinearCombination[], xb: Bounds, pos: number | readonly LinearCombination[]): QkvRow {
  const c = qm.config;
  const table = L.rope === 'local' && qm.rope.local ? qm.rope.local : qm.rope.global;
  return cs.scope('qkv', () => {
    const h = rmsNorm(cs, x, xb, L.attnNorm).map((r) => r.y);
    const hb = signedBounds(L.attnNorm.out.bits);
    const hn = L.attnNorm.n === x.length ? normOutputL2(L.attnNorm) : undefined;
    let qPre = rescale(cs, matAcc(L.wq, h, hb, hn), L.qProj);
    let kPre = rescale(cs, matAcc(L.wk, h, hb, hn), L.kProj);
    const v = rescale(cs, matAcc(L.wv, h, hb, hn), L.vProj);
    let qBits = L.qProj.bits;
    let kBits = L.kProj.bits;
    if (L.qNorm) {
      qPre = cs.scope('qNorm', () => rmsNorm(cs, qPre.map((r) => r.y), signedBounds(qBits), L.qNorm!));
      qBits = L.qNorm.out.bits;
    }
    if (L.kNorm) {
      kPre = cs.scope('kNorm', () => rmsNorm(cs, kPre.map((r) => r.y), signedBounds(kBits), L.kNorm!));
      kBits = L.kNorm.out.bits;
    }
    const rot = (vs: Requantized[], bits: number, heads: number, r: QLayer['qRope']): Requantized[] =>
      typeof pos === 'number'
        ? rope(cs, vs.map((e) => e.y), signedBounds(bits), heads, c.headDim, c.ropeStyle, pos, table, r)
        : ropeAt(cs, vs.map((e) => e.y), signedBounds(bits), heads, c.headDim, c.ropeStyle, pos, table, r);
    return { q: rot(qPre, qBits, c.nHeads, L.qRope), k: rot(kPre, kBits, c.nKvHeads, L.kRope), v };
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
