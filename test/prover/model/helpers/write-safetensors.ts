/** Minimal safetensors writer for tests (8-byte LE header length, JSON header, data). */
import { f32ToBf16, f32ToF16 } from '@zkinfer/prover/model/bytes.ts';

export interface StTensor { name: string; shape: number[]; data: ArrayLike<number>; dtype: 'F32' | 'F16' | 'BF16' }

export function writeSafetensors(tensors: StTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const parts: Uint8Array[] = [];
  let off = 0;
  for (const t of tensors) {
    const width = t.dtype === 'F32' ? 4 : 2;
    const b = new Uint8Array(t.data.length * width);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < t.data.length; i++) {
      if (t.dtype === 'F32') dv.setFloat32(i * 4, t.data[i], true);
      else dv.setUint16(i * 2, t.dtype === 'F16' ? f32ToF16(t.data[i]) : f32ToBf16(t.data[i]), true);
    }
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + b.length] };
    parts.push(b);
    off += b.length;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += ' ';
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const b of parts) { out.set(b, p); p += b.length; }
  return out;
}
