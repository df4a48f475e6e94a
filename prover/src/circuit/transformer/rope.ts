/**
 * Integer RoPE (infer/int-ops.ts `ropeInt`): for each pair (a, b) — (2p, 2p+1) for
 * `interleaved` (llama.cpp), (p, p + hd/2) for `half` (HF / Gemma 3) —
 * a' = requantize(a·C − b·S, m, s, bits), b' = requantize(a·S + b·C, m, s, bits) with the
 * position's constants C, S: linear in (a, b), so only the requantization's checks cost.
 */
import type { Rescale, RopeTable } from '../../quant/types.ts';
import { requantize, type Requantized } from '../gadgets/requant.ts';
import type { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { addBounds, scaleBounds, type Bounds } from './bounds.ts';

export function rope(
  cs: ConstraintSystem, v: readonly LinearCombination[], vb: Bounds, nHeads: number, hd: number,
  style: 'interleaved' | 'half', pos: number, table: RopeTable, r: Rescale,
): Requantized[] {
  if (v.length !== nHeads * hd) throw new RangeError(`rope: vector of ${v.length} entries for ${nHeads} heads of ${hd}`);
  const half = hd / 2;
  if ((pos + 1) * half > table.cos.length) throw new RangeError(`rope: position ${pos} beyond the RoPE table (${table.cos.length / half} positions)`);
  const out: Requantized[] = new Array(v.length);
  const m = r.m[0];
  return cs.scope('rope', () => {
    for (let h = 0; h < nHeads; h++) {
      const base = h * hd;
      for (let p = 0; p < half; p++) {
        const i = style === 'interleaved' ? base + 2 * p : base + p;
        const j = style === 'interleaved' ? i + 1 : i + half;
        const C = table.cos[pos * half + p];
        const S = table.sin[pos * half + p];
        const a = v[i].scale(C).sub(v[j].scale(S));
        const b = v[i].scale(S).add(v[j].scale(C));
        out[i] = requantize(cs, a, addBounds(scaleBounds(vb, C), scaleBounds(vb, -S)), m, r.s, r.bits);
        out[j] = requantize(cs, b, addBounds(scaleBounds(vb, S), scaleBounds(vb, C)), m, r.s, r.bits);
      }
    }
    return out;
  });
}
