/**
 * Calibration by error (QuantOptions.calibration = 'mse'; issue 17): the clip c of a symmetric
 * b-bit site (scale c/(2^(b−1) − 1)) that minimises the total squared error — rounding inside
 * [−c, c], clipping outside — over the values calibration saw, instead of c = their maximum.
 * A narrow site with a long tail trades a few clipped outliers for a finer step for the rest
 * (the classic MSE-optimal clipping of post-training quantization, e.g. Banner et al., "Post
 * training 4-bit quantization of convolutional networks for rapid-deployment", NeurIPS 2019).
 * Candidates: c = max·k/100 for k = 30..100 (the maximum itself is one: never worse than 'max'),
 * scored on a histogram of |value| (BINS bins over [0, max]) rather than every value.
 */

/** Bins of the |value| histogram the candidates are scored on (bin centres: exact to a 1/4096 of the maximum). */
const BINS = 4096;

/** The MSE-optimal clip of |values| (chunks of absolute values) for a signed `bits`-bit site whose maximum is maxAbs. */
export function mseClip(values: readonly Float32Array[], maxAbs: number, bits: number): number {
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return maxAbs;
  const count = new Float64Array(BINS);
  for (const chunk of values) for (let i = 0; i < chunk.length; i++) count[Math.min(BINS - 1, Math.floor((chunk[i] / maxAbs) * BINS))]++;
  const q = 2 ** (bits - 1) - 1;
  const sqError = (c: number): number => {
    const s = c / q;
    let e = 0;
    for (let b = 0; b < BINS; b++) {
      if (count[b] === 0) continue;
      const x = ((b + 0.5) / BINS) * maxAbs;
      const d = x - Math.min(q, Math.round(x / s)) * s;
      e += count[b] * d * d;
    }
    return e;
  };
  let best = maxAbs;
  let bestErr = sqError(maxAbs);
  for (let k = 30; k < 100; k++) {
    const c = (maxAbs * k) / 100;
    const e = sqError(c);
    if (e < bestErr) {
      bestErr = e;
      best = c;
    }
  }
  return best;
}
