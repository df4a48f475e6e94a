/**
 * Integer RoPE (infer/int-ops.ts `ropeInt`): for each pair (a, b) — (2p, 2p+1) for
 * `interleaved` (llama.cpp), (p, p + hd/2) for `half` (HF / Gemma 3) —
 * a' = requantize(a·C − b·S, m, s, bits), b' = requantize(a·S + b·C, m, s, bits) with the
 * position's constants C, S: linear in (a, b), so only the requantization's checks cost.
 */
import type { Rescale, RopeTable } from '../../quant/types.ts';
import { requantize, type Requantized } from '../gadgets/requant.ts';
import { LinearCombination } from '../lc.ts';
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

/** Bounds of v·c over v ∈ vb and every c in cs (a constant chosen by a one-hot). */
function choiceBounds(vb: Bounds, consts: readonly number[]): Bounds {
  const bs = consts.map((c) => scaleBounds(vb, c));
  return { min: bs.reduce((a, b) => (b.min < a ? b.min : a), bs[0].min), max: bs.reduce((a, b) => (b.max > a ? b.max : a), bs[0].max) };
}

/**
 * RoPE at a position known only through a constrained one-hot `at` over the table's first
 * at.length positions (position chunks, chunks/position.ts): C = Σ_t at_t·cos[t][p] is a
 * linear combination, so each of a·C, b·S, a·S, b·C costs one product, and the rounding is
 * `rope`'s bit for bit. Bounds are the worst case over the positions. Cost: rope's + 4 per pair.
 */
export function ropeAt(
  cs: ConstraintSystem, v: readonly LinearCombination[], vb: Bounds, nHeads: number, hd: number,
  style: 'interleaved' | 'half', at: readonly LinearCombination[], table: RopeTable, r: Rescale,
): Requantized[] {
  if (v.length !== nHeads * hd) throw new RangeError(`ropeAt: vector of ${v.length} entries for ${nHeads} heads of ${hd}`);
  const half = hd / 2;
  const T = at.length;
  if (T * half > table.cos.length) throw new RangeError(`ropeAt: ${T} positions beyond the RoPE table (${table.cos.length / half} positions)`);
  const m = r.m[0];
  const pick = (t: Int32Array, p: number): LinearCombination => LinearCombination.sum(at.map((b, pos) => b.scale(t[pos * half + p])));
  const column = (t: Int32Array, p: number): number[] => Array.from({ length: T }, (_, pos) => t[pos * half + p]);
  const out: Requantized[] = new Array(v.length);
  return cs.scope('rope', () => {
    for (let p = 0; p < half; p++) {
      const C = pick(table.cos, p);
      const S = pick(table.sin, p);
      const cb = choiceBounds(vb, column(table.cos, p));
      const sb = choiceBounds(vb, column(table.sin, p));
      const nsb = choiceBounds(vb, column(table.sin, p).map((x) => -x));
      for (let h = 0; h < nHeads; h++) {
        const base = h * hd;
        const i = style === 'interleaved' ? base + 2 * p : base + p;
        const j = style === 'interleaved' ? i + 1 : i + half;
        const aC = cs.mul(v[i], C, 'aC');
        const bS = cs.mul(v[j], S, 'bS');
        const aS = cs.mul(v[i], S, 'aS');
        const bC = cs.mul(v[j], C, 'bC');
        out[i] = requantize(cs, aC.sub(bS), addBounds(cb, nsb), m, r.s, r.bits);
        out[j] = requantize(cs, aS.add(bC), addBounds(sb, cb), m, r.s, r.bits);
      }
    }
    return out;
  });
}
