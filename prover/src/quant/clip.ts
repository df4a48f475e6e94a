/**
 * Calibration by error (QuantOptions.calibration = 'mse'; issue 17): the clip c of a symmetric
 * b-bit site (scale c/(2^(b−1) − 1)) that minimises the total squared error — rounding inside
 * [−c, c], clipping outside — over the values calibration saw, instead of c = their maximum.
 * A narrow site with a long tail trades a few clipped outliers for a finer step for the rest
 * (the classic MSE-optimal clipping of post-training quantization, e.g. Banner et al., "Post
 * training 4-bit quantization of convolutional networks for rapid-deployment", NeurIPS 2019).
 * Candidates: c = max·k/100 for k = 30..100 (the maximum itself is one: never worse than 'max').
 */

/** Squared error of quantizing |x| ∈ values at scale s with clip q·s. */
function sqError(values: readonly Float32Array[], s: number, q: number): number {
  let e = 0;
  for (const chunk of values) {
    for (let i = 0; i < chunk.length; i++) {
      const x = chunk[i];
      const d = x - Math.min(q, Math.round(x / s)) * s;
      e += d * d;
    }
  }
  return e;
}

/** The MSE-optimal clip of |values| (chunks of absolute values) for a signed `bits`-bit site whose maximum is maxAbs. */
export function mseClip(values: readonly Float32Array[], maxAbs: number, bits: number): number {
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return maxAbs;
  const q = 2 ** (bits - 1) - 1;
  let best = maxAbs;
  let bestErr = sqError(values, maxAbs / q, q);
  for (let k = 30; k < 100; k++) {
    const c = (maxAbs * k) / 100;
    const e = sqError(values, c / q, q);
    if (e < bestErr) {
      bestErr = e;
      best = c;
    }
  }
  return best;
}
