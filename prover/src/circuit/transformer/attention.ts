/**
 * Attention of one query position (infer/int-ops.ts `attendInt`), bit for bit: per query
 * head h (kv head ⌊h/(nHeads/nKvHeads)⌋, grouped-query attention), scores s_j = Σ_i q_i·k_{j,i}
 * over the visible keys (one constraint per product), (e, r) = softmax(s) (softmax.ts), and
 * out_i = requantize(u_i·r, m, s + RECIP_FRAC − PROB_FRAC, bits) with u_i = Σ_j e_j·v_{j,i}
 * (arith `attendNormalised`; one constraint per product e_j·v_{j,i}, one for u_i·r): the
 * normalisation is paid per output (headDim per head) instead of per probability (n per head).
 * The causal and sliding-window masks are structural: only the visible keys are passed in.
 */
import { PROB_FRAC, RECIP_FRAC } from '../../arith/softmax.ts';
import type { Rescale } from '../../quant/types.ts';
import { requantize, type Requantized } from '../gadgets/requant.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { mulBounds, type Bounds } from './bounds.ts';
import { mAt } from './linear.ts';
import { normalisedSumBounds, softmax } from './softmax.ts';

export interface AttentionShape {
  nHeads: number;
  nKvHeads: number;
  hd: number;
}

export interface AttentionBounds {
  q: Bounds;
  k: Bounds;
  v: Bounds;
}

export interface AttentionResult {
  out: Requantized[];
  /** Per head: the exps e_j and proven max (exposed for tamper tests). */
  exps: LinearCombination[][];
  maxes: LinearCombination[];
}

/**
 * `keys` and `values` are the visible positions only (first..last of attendInt), each row
 * nKvHeads·hd wide — or, with `visible` (position chunks), every key slot with a 0/1 mask
 * per slot (softmax.ts): hidden slots get e = 0, the result is the same bit for bit.
 */
export function attend(
  cs: ConstraintSystem, q: readonly LinearCombination[], keys: readonly (readonly LinearCombination[])[],
  values: readonly (readonly LinearCombination[])[], shape: AttentionShape, b: AttentionBounds,
  softmaxMul: { m: number; s: number }, outR: Rescale, visible?: readonly LinearCombination[],
): AttentionResult {
  const { nHeads, nKvHeads, hd } = shape;
  if (nHeads % nKvHeads !== 0) throw new RangeError(`attend: ${nHeads} query heads not a multiple of ${nKvHeads} kv heads`);
  if (keys.length === 0 || keys.length !== values.length) throw new RangeError(`attend: ${keys.length} keys and ${values.length} values`);
  const group = nHeads / nKvHeads;
  const n = keys.length;
  const prod = mulBounds(b.q, b.k);
  const scoreBounds: Bounds = { min: prod.min * BigInt(hd), max: prod.max * BigInt(hd) };
  const urBounds = normalisedSumBounds(b.v);
  const shift = outR.s + RECIP_FRAC - PROB_FRAC;
  const out: Requantized[] = new Array(nHeads * hd);
  const exps: LinearCombination[][] = [];
  const maxes: LinearCombination[] = [];
  for (let h = 0; h < nHeads; h++) {
    cs.scope(`head${h}`, () => {
      const kvOff = Math.floor(h / group) * hd;
      const scores = keys.map((k, j) =>
        LinearCombination.sum(Array.from({ length: hd }, (_, i) => cs.mul(q[h * hd + i], k[kvOff + i], `qk${j}`))),
      );
      const { e, r, max } = softmax(cs, scores, scoreBounds, softmaxMul.m, softmaxMul.s, visible);
      exps.push(e);
      maxes.push(max);
      for (let i = 0; i < hd; i++) {
        const u = LinearCombination.sum(e.map((ej, j) => cs.mul(ej, values[j][kvOff + i], `pv${i}`)));
        out[h * hd + i] = requantize(cs, cs.mul(u, r, `ur${i}`), urBounds, mAt(outR, 0), shift, outR.bits);
      }
    });
  }
  return { out, exps, maxes };
}
