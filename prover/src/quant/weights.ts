import type { Tensor } from '../model/types.ts';
import type { QMatrix } from './types.ts';

/**
 * Symmetric per-output-channel int8 quantization of a row-major [rows, cols] matrix:
 * scale_r = max_c |W[r][c]| / 127 (1 for an all-zero row), q = clamp(round(W/scale_r), −127, 127).
 * −128 is never used, so the range is symmetric.
 */
export function quantizeRows(t: Tensor): QMatrix {
  return quantizeRowsAt(t, rowScales(t));
}

/** The scales quantizeRows uses: max_c |W[r][c]| / 127 per row (1 for an all-zero row). */
export function rowScales(t: Tensor): Float64Array {
  const [rows, cols] = matrixShape(t);
  const scale = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mx = 0;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, Math.abs(t.data[r * cols + c]));
    scale[r] = mx > 0 ? mx / 127 : 1;
  }
  return scale;
}

/**
 * int8 quantization at given row scales, q = clamp(round(W/scale_r), −127, 127). Scales at least
 * rowScales(t) clip nothing (the clamp only absorbs float rounding at the edge).
 */
export function quantizeRowsAt(t: Tensor, scale: Float64Array): QMatrix {
  const [rows, cols] = matrixShape(t);
  if (scale.length !== rows) throw new RangeError(`${t.name}: ${scale.length} row scales for ${rows} rows`);
  const w = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scale[r];
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`${t.name}: row ${r} scale ${s} is not a positive finite number`);
    for (let c = 0; c < cols; c++) w[r * cols + c] = Math.max(-127, Math.min(127, Math.round(t.data[r * cols + c] / s)));
  }
  return { rows, cols, w, scale: Float64Array.from(scale) };
}

function matrixShape(t: Tensor): [number, number] {
  if (t.shape.length !== 2) throw new TypeError(`${t.name}: expected a matrix, got shape [${t.shape.join(', ')}]`);
  return [t.shape[0], t.shape[1]];
}
