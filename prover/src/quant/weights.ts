import type { Tensor } from '../model/types.ts';
import type { QMatrix } from './types.ts';

/**
 * Symmetric per-output-channel int8 quantization of a row-major [rows, cols] matrix:
 * scale_r = max_c |W[r][c]| / 127 (1 for an all-zero row), q = clamp(round(W/scale_r), −127, 127).
 * −128 is never used, so the range is symmetric.
 */
export function quantizeRows(t: Tensor): QMatrix {
  if (t.shape.length !== 2) throw new TypeError(`${t.name}: expected a matrix, got shape [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape;
  const w = new Int8Array(rows * cols);
  const scale = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mx = 0;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, Math.abs(t.data[r * cols + c]));
    const s = mx > 0 ? mx / 127 : 1;
    scale[r] = s;
    for (let c = 0; c < cols; c++) w[r * cols + c] = Math.max(-127, Math.min(127, Math.round(t.data[r * cols + c] / s)));
  }
  return { rows, cols, w, scale };
}
