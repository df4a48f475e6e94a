import { ropeAngles } from '../reference/rope.ts';
import type { RopeTable } from './types.ts';

/**
 * RoPE cos/sin as fixed-point constants per position: C = round(cos(pos·θ^(−2p/hd))·2^frac),
 * S likewise, for pos < positions and pair p < hd/2 (angles from reference/rope.ts, the same
 * float64 values the float reference uses). In the circuit position t is fixed per slot, so
 * C and S are constants and the rotation is linear (free) before its rescale.
 */
export function ropeTable(positions: number, headDim: number, theta: number, frac: number): RopeTable {
  const half = headDim / 2;
  const cos = new Int32Array(positions * half);
  const sin = new Int32Array(positions * half);
  const one = 2 ** frac;
  for (let pos = 0; pos < positions; pos++) {
    const a = ropeAngles(pos, headDim, theta);
    for (let p = 0; p < half; p++) {
      cos[pos * half + p] = Math.round(a.cos[p] * one);
      sin[pos * half + p] = Math.round(a.sin[p] * one);
    }
  }
  return { cos, sin };
}
