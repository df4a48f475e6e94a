import type { Tensor } from '../model/types.ts';
import type { QMatrix } from './types.ts';

/**
 * Symmetric per-output-channel quantization of a row-major [rows, cols] matrix to `bits` bits
 * (QuantOptions.weightBits; int8 by default): with Q = 2^(bits−1) − 1, scale_r = max_c |W[r][c]| / Q
 * (1 for an all-zero row), q = clamp(round(W/scale_r), −Q, Q). −Q − 1 is never used, so the range
 * is symmetric. Stored as Int8Array up to 8 bits, Int16Array above.
 */
export function quantizeRows(t: Tensor, bits = 8): QMatrix {
  return quantizeRowsAt(t, rowScales(t, bits), bits);
}

const qMax = (bits: number): number => 2 ** (bits - 1) - 1;

/** The scales quantizeRows uses: max_c |W[r][c]| / (2^(bits−1) − 1) per row (1 for an all-zero row). */
export function rowScales(t: Tensor, bits = 8): Float64Array {
  const [rows, cols] = matrixShape(t);
  const scale = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mx = 0;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, Math.abs(t.data[r * cols + c]));
    scale[r] = mx > 0 ? mx / qMax(bits) : 1;
  }
  return scale;
}

/**
 * Quantization at given row scales, q = clamp(round(W/scale_r), −Q, Q). Scales at least
 * rowScales(t, bits) clip nothing (the clamp only absorbs float rounding at the edge).
 */
export function quantizeRowsAt(t: Tensor, scale: Float64Array, bits = 8): QMatrix {
  const [rows, cols] = matrixShape(t);
  if (scale.length !== rows) throw new RangeError(`${t.name}: ${scale.length} row scales for ${rows} rows`);
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw new RangeError(`${t.name}: weight bits ${bits} not an integer in [2, 16]`);
  const Q = qMax(bits);
  const w = bits <= 8 ? new Int8Array(rows * cols) : new Int16Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scale[r];
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`${t.name}: row ${r} scale ${s} is not a positive finite number`);
    for (let c = 0; c < cols; c++) w[r * cols + c] = Math.max(-Q, Math.min(Q, Math.round(t.data[r * cols + c] / s)));
  }
  return { rows, cols, w, scale: Float64Array.from(scale) };
}

function matrixShape(t: Tensor): [number, number] {
  if (t.shape.length !== 2) throw new TypeError(`${t.name}: expected a matrix, got shape [${t.shape.join(', ')}]`);
  return [t.shape[0], t.shape[1]];
}
