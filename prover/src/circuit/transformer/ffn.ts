/**
 * The FFN branch of one position (infer/int.ts `ffnResidual`): h = RMSNorm(x),
 * gate = rq(W_gate·h) [int8, or gateProj.bits], up = rq(W_up·h), a_i = T[gate_i] (activation table looked up on
 * gate's own range-check bits: no second range check), hid_i = requantize(a_i·up_i, m_i, s, bits)
 * (one product), acc = W_down·hid, then the residual add (llama) or the post-FFN norm (Gemma 3).
 */
import type { QLayer } from '../../quant/types.ts';
import { activation } from '../gadgets/nonlinear.ts';
import { requantize, type Requantized } from '../gadgets/requant.ts';
import type { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { mulBounds, signedBounds, tableBounds, type Bounds } from './bounds.ts';
import { mAt, matAcc, rescale, rescaleBits } from './linear.ts';
import { normOutputL2, normResidualAdd, residualAddVec, rmsNorm } from './norm.ts';

export interface FfnResult {
  x: Requantized[];
  /** The activation table outputs (exposed for tamper tests). */
  act: LinearCombination[];
}

/** x ← x + FFN(x) for one position, x ∈ xb entrywise. */
export function ffnResidual(cs: ConstraintSystem, L: QLayer, x: readonly LinearCombination[], xb: Bounds): FfnResult {
  if (L.actTable.length !== 2 ** L.gateProj.bits) throw new RangeError(`ffn: gate output has ${L.gateProj.bits} bits, the activation table ${L.actTable.length} entries`);
  return cs.scope('ffn', () => {
    const h = rmsNorm(cs, x, xb, L.ffnNorm).map((r) => r.y);
    const hb = signedBounds(L.ffnNorm.out.bits);
    const hn = L.ffnNorm.n === x.length ? normOutputL2(L.ffnNorm) : undefined;
    const gate = rescaleBits(cs, matAcc(L.wGate, h, hb, hn), L.gateProj);
    const up = rescale(cs, matAcc(L.wUp, h, hb, hn), L.upProj);
    const prodBounds = mulBounds(tableBounds(L.actTable), signedBounds(L.upProj.bits));
    const act: LinearCombination[] = [];
    const hid = gate.map((g, i) => {
      const a = activation(cs, g.yBits, L.actTable);
      act.push(a);
      return requantize(cs, cs.mul(a, up[i].y, `au${i}`), prodBounds, mAt(L.hidden, i), L.hidden.s, L.hidden.bits).y;
    });
    const acc = matAcc(L.wDown, hid, signedBounds(L.hidden.bits));
    if (L.postFfwNorm) {
      const y = rescale(cs, acc, L.downProj).map((r) => r.y);
      return { x: normResidualAdd(cs, x, xb, y, signedBounds(L.downProj.bits), L.postFfwNorm), act };
    }
    return { x: residualAddVec(cs, x, xb, acc, L.downProj), act };
  });
}
