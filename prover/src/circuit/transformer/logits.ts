/**
 * Final norm, logits and the greedy check (infer/int.ts `logitsInt`, arith `argmaxLowest`,
 * docs/proof-format.md: for nPrompt−1 ≤ t < nPrompt+nGenerated−1, token[t+1] = argmax(logits[t]),
 * lowest index on ties).
 *
 * The logits are L_j = acc_j·m_j with constant m_j (quant/types.ts `LogitMultipliers`): linear
 * combinations of the final norm's outputs, so they cost nothing; the greedy check compares
 * them directly, with difference range checks as wide as their static bounds need.
 */
import type { QuantModel } from '../../quant/types.ts';
import { argmaxLowest, type Argmax } from '../gadgets/max.ts';
import { checkUnsigned } from '../gadgets/range.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { bitLength, diffWidth, scaleBounds, signedBounds, type Bounds } from './bounds.ts';
import { matAcc, type BoundedVec } from './linear.ts';
import { normOutputL2, rmsNorm } from './norm.ts';

/**
 * Integer logits of one position: L_j = (W_out·RMSNorm(x))_j·m_j (the embedding when tied).
 * Bounds: acc_j's (entrywise ∩ Cauchy–Schwarz with the norm's output L2 bound) times m_j.
 * Cost: the final norm only.
 */
export function logitsRow(cs: ConstraintSystem, q: QuantModel, x: readonly LinearCombination[], xb: Bounds): BoundedVec {
  const W = q.output ?? q.embed;
  const m = q.logitOut.m;
  if (m.length !== W.rows) throw new RangeError(`logitsRow: logitOut has ${m.length} multipliers for ${W.rows} vocabulary rows`);
  return cs.scope('logits', () => {
    const h = rmsNorm(cs, x, xb, q.finalNorm).map((r) => r.y);
    const acc = matAcc(W, h, signedBounds(q.finalNorm.out.bits), q.finalNorm.n === x.length ? normOutputL2(q.finalNorm) : undefined);
    return { lcs: acc.lcs.map((a, j) => a.scale(BigInt(m[j]))), bounds: acc.bounds.map((b, j) => scaleBounds(b, m[j])) };
  });
}

/** Width n with |L_i − L_j| < 2^n for every pair of entries (argmaxLowest's precondition). */
export function logitDiffWidth(bounds: readonly Bounds[]): number {
  if (bounds.length === 0) throw new RangeError('logitDiffWidth: no logits');
  let min = bounds[0].min;
  let max = bounds[0].max;
  for (const b of bounds) {
    if (b.min < min) min = b.min;
    if (b.max > max) max = b.max;
  }
  return diffWidth({ min, max });
}

/**
 * The argmax of one position's logits is proven unconditionally; it must equal `next`
 * (the public posTokens[t+1]) when `active` (= isGenerated[t+1], i.e. t is a greedy position):
 * (argmax − next)·active = 0. Cost: argmaxLowest (k·(n + 2) + 1 for k logits, n =
 * logitDiffWidth) + 1.
 */
export function greedyCheck(cs: ConstraintSystem, logits: BoundedVec, next: LinearCombination, active: LinearCombination): Argmax {
  return cs.scope('greedy', () => {
    const am = argmaxLowest(cs, logits.lcs, logitDiffWidth(logits.bounds));
    cs.assertR1(am.index.sub(next), active, LinearCombination.constant(0), 'next=argmax');
    return am;
  });
}

/**
 * nGenerated ≥ 1 (docs/proof-format.md). The position masks already force nPrompt ≥ 1 and
 * nPrompt + nGenerated ≤ T, so nGenerated − 1 ∈ [0, T) is a range check. Cost: bitLength(T − 1) or 1.
 */
export function assertGeneratedNonEmpty(cs: ConstraintSystem, nGenerated: LinearCombination, T: number): void {
  cs.scope('nGenerated>=1', () => checkUnsigned(cs, nGenerated.sub(1), Math.max(1, bitLength(BigInt(T - 1)))));
}
