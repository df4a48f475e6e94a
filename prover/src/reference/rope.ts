/**
 * Rotary position embedding (Su et al., RoFormer) in the two layouts used in practice.
 * Pair p of a head (p = 0 .. hd/2-1) is rotated by angle pos * theta^(-2p/hd):
 * - 'interleaved': the pair is (2p, 2p+1) — llama2.c, llama.cpp LLAMA_ROPE_TYPE_NORM;
 * - 'half': the pair is (p, p + hd/2) — HF rotate_half, llama.cpp NEOX.
 */
export type RopeStyle = 'interleaved' | 'half';

/** cos/sin of every pair's angle at `pos` (float64, then rounded once into the tables). */
export function ropeAngles(pos: number, headDim: number, theta: number): { cos: Float64Array; sin: Float64Array } {
  const half = headDim / 2;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let p = 0; p < half; p++) {
    const angle = pos * Math.pow(theta, (-2 * p) / headDim);
    cos[p] = Math.cos(angle);
    sin[p] = Math.sin(angle);
  }
  return { cos, sin };
}

/** Rotates `nHeads` consecutive heads of `v` (length nHeads*headDim) in place. */
export function applyRope(
  v: Float32Array, nHeads: number, headDim: number, style: RopeStyle, angles: { cos: Float64Array; sin: Float64Array },
): void {
  const half = headDim / 2;
  for (let h = 0; h < nHeads; h++) {
    const base = h * headDim;
    for (let p = 0; p < half; p++) {
      const i = style === 'interleaved' ? base + 2 * p : base + p;
      const j = style === 'interleaved' ? i + 1 : i + half;
      const a = v[i];
      const b = v[j];
      v[i] = a * angles.cos[p] - b * angles.sin[p];
      v[j] = a * angles.sin[p] + b * angles.cos[p];
    }
  }
}
