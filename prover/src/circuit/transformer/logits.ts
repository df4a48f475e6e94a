/**
 * Final norm, logits and the greedy check (infer/int.ts `logitsInt`, arith `argmaxLowest`,
 * docs/proof-format.md: for nPrompt−1 ≤ t < nPrompt+nGenerated−1, token[t+1] = argmax(logits[t]),
 * lowest index on ties).
 */
import type { QuantModel } from '../../quant/types.ts';
import { argmaxLowest, type Argmax } from '../gadgets/max.ts';
import { assertUnsigned } from '../gadgets/range.ts';
import type { Requantized } from '../gadgets/requant.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { bitLength, diffWidth, signedBounds, type Bounds } from './bounds.ts';
import { matAcc, rescale } from './linear.ts';
import { normOutputL2, rmsNorm } from './norm.ts';

/** Integer logits of one position: rq(W_out·RMSNorm(x)) (the embedding when tied). */
export function logitsRow(cs: ConstraintSystem, q: QuantModel, x: readonly LinearCombination[], xb: Bounds): Requantized[] {
  return cs.scope('logits', () => {
    const h = rmsNorm(cs, x, xb, q.finalNorm).map((r) => r.y);
    return rescale(cs, matAcc(q.output ?? q.embed, h, signedBounds(q.finalNorm.out.bits), q.finalNorm.n === x.length ? normOutputL2(q.finalNorm) : undefined), q.logitOut);
  });
}

/**
 * The argmax of one position's logits is proven unconditionally; it must equal `next`
 * (the public posTokens[t+1]) when `active` (= isGenerated[t+1], i.e. t is a greedy position):
 * (argmax − next)·active = 0. Cost: argmaxLowest + 1.
 */
export function greedyCheck(cs: ConstraintSystem, logits: readonly LinearCombination[], logitBits: number, next: LinearCombination, active: LinearCombination): Argmax {
  return cs.scope('greedy', () => {
    const am = argmaxLowest(cs, logits, diffWidth(signedBounds(logitBits)));
    cs.assertR1(am.index.sub(next), active, LinearCombination.constant(0), 'next=argmax');
    return am;
  });
}

/**
 * nGenerated ≥ 1 (docs/proof-format.md). The position masks already force nPrompt ≥ 1 and
 * nPrompt + nGenerated ≤ T, so nGenerated − 1 ∈ [0, T) is a range check. Cost: bitLength(T − 1) or 1.
 */
export function assertGeneratedNonEmpty(cs: ConstraintSystem, nGenerated: LinearCombination, T: number): void {
  cs.scope('nGenerated>=1', () => assertUnsigned(cs, nGenerated.sub(1), Math.max(1, bitLength(BigInt(T - 1)))));
}
