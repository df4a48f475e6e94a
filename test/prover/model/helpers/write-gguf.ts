/**
 * Minimal GGUF v3 writer for tests (ggml docs/gguf.md): lets tests build small valid and
 * deliberately broken files. Tensor data is given already encoded (see encodeTensor).
 */
import { f32ToBf16, f32ToF16 } from '@zkinfer/prover/model/bytes.ts';
import { GGML_TYPE, GGUF_VALUE } from '@zkinfer/prover/model/gguf.ts';

export type MetaValue =
  | { type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64'; value: number }
  | { type: 'u64' | 'i64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: 'u8' | 'i32' | 'f32' | 'string'; value: (number | string)[] };

export interface GgufTensorSpec { name: string; dims: number[]; type: number; bytes: Uint8Array }

const TYPE_ID: Record<string, number> = {
  u8: GGUF_VALUE.UINT8, i8: GGUF_VALUE.INT8, u16: GGUF_VALUE.UINT16, i16: GGUF_VALUE.INT16, u32: GGUF_VALUE.UINT32,
  i32: GGUF_VALUE.INT32, f32: GGUF_VALUE.FLOAT32, bool: GGUF_VALUE.BOOL, string: GGUF_VALUE.STRING, array: GGUF_VALUE.ARRAY,
  u64: GGUF_VALUE.UINT64, i64: GGUF_VALUE.INT64, f64: GGUF_VALUE.FLOAT64,
};

class Out {
  chunks: number[] = [];
  private dv = new DataView(new ArrayBuffer(8));
  private push(n: number) { for (let i = 0; i < n; i++) this.chunks.push(this.dv.getUint8(i)); }
  u8(v: number) { this.chunks.push(v & 0xff); }
  u16(v: number) { this.dv.setUint16(0, v, true); this.push(2); }
  i16(v: number) { this.dv.setInt16(0, v, true); this.push(2); }
  u32(v: number) { this.dv.setUint32(0, v, true); this.push(4); }
  i32(v: number) { this.dv.setInt32(0, v, true); this.push(4); }
  f32(v: number) { this.dv.setFloat32(0, v, true); this.push(4); }
  f64(v: number) { this.dv.setFloat64(0, v, true); this.push(8); }
  u64(v: bigint | number) { this.dv.setBigUint64(0, BigInt(v), true); this.push(8); }
  i64(v: bigint) { this.dv.setBigInt64(0, v, true); this.push(8); }
  str(s: string) { const b = new TextEncoder().encode(s); this.u64(b.length); for (const x of b) this.chunks.push(x); }
  bytes(b: Uint8Array) { for (const x of b) this.chunks.push(x); }
}

function writeScalar(o: Out, type: string, v: number | bigint | boolean | string): void {
  switch (type) {
    case 'u8': case 'i8': o.u8(v as number); break;
    case 'u16': o.u16(v as number); break;
    case 'i16': o.i16(v as number); break;
    case 'u32': o.u32(v as number); break;
    case 'i32': o.i32(v as number); break;
    case 'f32': o.f32(v as number); break;
    case 'f64': o.f64(v as number); break;
    case 'u64': o.u64(v as bigint); break;
    case 'i64': o.i64(v as bigint); break;
    case 'bool': o.u8(v ? 1 : 0); break;
    case 'string': o.str(v as string); break;
  }
}

export function writeGguf(meta: [string, MetaValue][], tensors: GgufTensorSpec[], opts: { alignment?: number; version?: number; magic?: number } = {}): Uint8Array {
  const alignment = opts.alignment ?? 32;
  const o = new Out();
  o.u32(opts.magic ?? 0x46554747);
  o.u32(opts.version ?? 3);
  o.u64(tensors.length);
  o.u64(meta.length);
  for (const [key, v] of meta) {
    o.str(key);
    o.u32(TYPE_ID[v.type]);
    if (v.type === 'array') {
      o.u32(TYPE_ID[v.itemType]);
      o.u64(v.value.length);
      for (const x of v.value) writeScalar(o, v.itemType, x);
    } else writeScalar(o, v.type, v.value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    offsets.push(offset);
    offset = Math.ceil((offset + t.bytes.length) / alignment) * alignment;
  }
  tensors.forEach((t, i) => {
    o.str(t.name);
    o.u32(t.dims.length);
    for (const d of t.dims) o.u64(d);
    o.u32(t.type);
    o.u64(offsets[i]);
  });
  while (o.chunks.length % alignment) o.u8(0);
  const dataStart = o.chunks.length;
  tensors.forEach((t, i) => {
    while (o.chunks.length < dataStart + offsets[i]) o.u8(0);
    o.bytes(t.bytes);
  });
  return Uint8Array.from(o.chunks);
}

/** Encodes float values as a ggml tensor of `type` (F32, F16, BF16 or Q8_0 with ggml's rounding). */
export function encodeTensor(values: ArrayLike<number>, type: number): Uint8Array {
  const n = values.length;
  if (type === GGML_TYPE.F32) {
    const b = new Uint8Array(n * 4); const dv = new DataView(b.buffer);
    for (let i = 0; i < n; i++) dv.setFloat32(i * 4, values[i], true);
    return b;
  }
  if (type === GGML_TYPE.F16 || type === GGML_TYPE.BF16) {
    const b = new Uint8Array(n * 2); const dv = new DataView(b.buffer);
    for (let i = 0; i < n; i++) dv.setUint16(i * 2, type === GGML_TYPE.F16 ? f32ToF16(values[i]) : f32ToBf16(values[i]), true);
    return b;
  }
  if (type === GGML_TYPE.Q8_0) {
    // ggml quantize_row_q8_0_ref: d = amax / 127, q = round(x / d).
    const b = new Uint8Array((n / 32) * 34); const dv = new DataView(b.buffer);
    for (let blk = 0; blk < n / 32; blk++) {
      let amax = 0;
      for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(values[blk * 32 + j]));
      const d = amax / 127;
      const id = d ? 1 / d : 0;
      dv.setUint16(blk * 34, f32ToF16(d), true);
      for (let j = 0; j < 32; j++) dv.setInt8(blk * 34 + 2 + j, Math.round(values[blk * 32 + j] * id));
    }
    return b;
  }
  throw new TypeError(`encodeTensor: type ${type} not supported by the test writer`);
}
