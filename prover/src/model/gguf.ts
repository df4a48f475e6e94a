/**
 * GGUF container reader (ggml docs/gguf.md, versions 2 and 3): header, metadata key/values
 * of every value type, tensor infos, `general.alignment`, and tensor data dequantized to
 * Float32Array for the types F32, F16, BF16 and Q8_0.
 *
 * This module knows nothing about architectures; gguf-model.ts maps metadata to ModelConfig.
 */
import { ByteReader, bf16ToF32, f16ToF32 } from './bytes.ts';
import { ZkinferError } from '../errors.ts';

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian u32

/** gguf_metadata_value_type (gguf.md). */
export const GGUF_VALUE = {
  UINT8: 0, INT8: 1, UINT16: 2, INT16: 3, UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7,
  STRING: 8, ARRAY: 9, UINT64: 10, INT64: 11, FLOAT64: 12,
} as const;

/** ggml_type ids (ggml.h) of the tensor types this reader dequantizes. */
export const GGML_TYPE = { F32: 0, F16: 1, Q8_0: 8, BF16: 30 } as const;

/** Names of all ggml types, for error messages about unsupported ones. */
const GGML_TYPE_NAMES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 9: 'Q8_1',
  10: 'Q2_K', 11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K', 16: 'IQ2_XXS',
  17: 'IQ2_XS', 18: 'IQ3_XXS', 19: 'IQ1_S', 20: 'IQ4_NL', 21: 'IQ3_S', 22: 'IQ2_S',
  23: 'IQ4_XS', 24: 'I8', 25: 'I16', 26: 'I32', 27: 'I64', 28: 'F64', 29: 'IQ1_M', 30: 'BF16',
};

export function ggmlTypeName(type: number): string {
  return GGML_TYPE_NAMES[type] ?? `type ${type}`;
}

/** Q8_0 block: f16 scale d then 32 int8 quants; value = d * q (ggml-common.h block_q8_0). */
const Q8_0_BLOCK = 32;
const Q8_0_BYTES = 2 + Q8_0_BLOCK;

export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufTensorInfo {
  name: string;
  /** GGUF order: dims[0] is the contiguous (innermost) dimension. */
  dims: number[];
  type: number;
  /** Offset relative to the start of the tensor data section. */
  offset: number;
}

export interface GgufFile {
  file: string;
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  dataOffset: number;
  bytes: Uint8Array;
}

function readString(r: ByteReader, field: string): string {
  const n = r.u64(`${field} length`);
  return r.utf8(n, field);
}

function readValue(r: ByteReader, type: number, field: string): GgufValue {
  switch (type) {
    case GGUF_VALUE.UINT8: return r.u8(field);
    case GGUF_VALUE.INT8: return r.i8(field);
    case GGUF_VALUE.UINT16: return r.u16(field);
    case GGUF_VALUE.INT16: return r.i16(field);
    case GGUF_VALUE.UINT32: return r.u32(field);
    case GGUF_VALUE.INT32: return r.i32(field);
    case GGUF_VALUE.FLOAT32: return r.f32(field);
    case GGUF_VALUE.BOOL: {
      const b = r.u8(field);
      if (b > 1) throw new ZkinferError('bad_model_file', `${r.file}: metadata ${field}: bool byte is ${b}, expected 0 or 1`);
      return b === 1;
    }
    case GGUF_VALUE.STRING: return readString(r, field);
    case GGUF_VALUE.UINT64: {
      const v = r.u64big(field);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case GGUF_VALUE.INT64: {
      const v = r.i64(field);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
    }
    case GGUF_VALUE.FLOAT64: return r.f64(field);
    case GGUF_VALUE.ARRAY: {
      const itemType = r.u32(`${field} array item type`);
      const n = r.u64(`${field} array length`);
      // Each item needs at least one byte: reject absurd lengths before allocating.
      r.need(Math.min(n, r.bytes.length), `${field} array of ${n} items`);
      const out: GgufValue[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(r, itemType, `${field}[${i}]`);
      return out;
    }
    default:
      throw new ZkinferError('bad_model_file', `${r.file}: metadata ${field}: unknown GGUF value type ${type}`);
  }
}

/** Parses header, metadata and tensor infos; tensor data is read lazily by readGgufTensor. */
export function parseGguf(bytes: Uint8Array, file: string): GgufFile {
  const r = new ByteReader(bytes, file);
  const magic = r.u32('magic');
  if (magic !== GGUF_MAGIC) {
    throw new ZkinferError('bad_model_file', `${file}: bad magic 0x${magic.toString(16).padStart(8, '0')}, expected "GGUF" (0x${GGUF_MAGIC.toString(16)})`);
  }
  const version = r.u32('version');
  if (version !== 2 && version !== 3) throw new ZkinferError('bad_model_file', `${file}: unsupported GGUF version ${version} (supported: 2, 3)`);
  const nTensors = r.u64('tensor_count');
  const nKv = r.u64('metadata_kv_count');
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < nKv; i++) {
    const key = readString(r, `metadata key #${i}`);
    const type = r.u32(`metadata ${key} type`);
    metadata.set(key, readValue(r, type, key));
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = readString(r, `tensor #${i} name`);
    const nDims = r.u32(`tensor ${name} n_dims`);
    if (nDims < 1 || nDims > 4) throw new ZkinferError('bad_model_file', `${file}: tensor ${name}: n_dims ${nDims} outside 1..4`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(r.u64(`tensor ${name} dim ${d}`));
    const type = r.u32(`tensor ${name} type`);
    const offset = r.u64(`tensor ${name} offset`);
    tensors.push({ name, dims, type, offset });
  }
  const alignmentValue = metadata.get('general.alignment') ?? 32;
  if (typeof alignmentValue !== 'number' || alignmentValue <= 0 || alignmentValue % 8 !== 0) {
    throw new ZkinferError('bad_model_file', `${file}: general.alignment = ${String(alignmentValue)} must be a positive multiple of 8`);
  }
  const alignment = alignmentValue;
  const dataOffset = Math.ceil(r.pos / alignment) * alignment;
  return { file, version, metadata, tensors, alignment, dataOffset, bytes };
}

/** Byte size of a tensor's data, or a TypeError for a type this reader cannot dequantize. */
export function ggufTensorByteSize(g: GgufFile, t: GgufTensorInfo): number {
  const n = t.dims.reduce((a, b) => a * b, 1);
  switch (t.type) {
    case GGML_TYPE.F32: return n * 4;
    case GGML_TYPE.F16:
    case GGML_TYPE.BF16: return n * 2;
    case GGML_TYPE.Q8_0:
      if (t.dims[0] % Q8_0_BLOCK !== 0) {
        throw new ZkinferError('bad_model_file', `${g.file}: tensor ${t.name}: Q8_0 row length ${t.dims[0]} is not a multiple of ${Q8_0_BLOCK}`);
      }
      return (n / Q8_0_BLOCK) * Q8_0_BYTES;
    default:
      throw new ZkinferError('bad_model_file', 
        `${g.file}: tensor ${t.name}: unsupported tensor type ${ggmlTypeName(t.type)} (supported: F32, F16, BF16, Q8_0)`,
      );
  }
}

/** Dequantizes one tensor to float32, in GGUF element order (dims[0] fastest). */
export function readGgufTensor(g: GgufFile, t: GgufTensorInfo): Float32Array {
  const size = ggufTensorByteSize(g, t);
  if (t.offset % g.alignment !== 0) {
    throw new ZkinferError('bad_model_file', `${g.file}: tensor ${t.name}: offset ${t.offset} not aligned to ${g.alignment}`);
  }
  const r = new ByteReader(g.bytes, g.file);
  r.pos = g.dataOffset + t.offset;
  r.need(size, `tensor ${t.name} data (${ggmlTypeName(t.type)})`);
  const n = t.dims.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const view = new DataView(g.bytes.buffer, g.bytes.byteOffset + r.pos, size);
  switch (t.type) {
    case GGML_TYPE.F32:
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case GGML_TYPE.F16:
      for (let i = 0; i < n; i++) out[i] = f16ToF32(view.getUint16(i * 2, true));
      break;
    case GGML_TYPE.BF16:
      for (let i = 0; i < n; i++) out[i] = bf16ToF32(view.getUint16(i * 2, true));
      break;
    case GGML_TYPE.Q8_0:
      for (let b = 0; b < n / Q8_0_BLOCK; b++) {
        const d = f16ToF32(view.getUint16(b * Q8_0_BYTES, true));
        for (let j = 0; j < Q8_0_BLOCK; j++) out[b * Q8_0_BLOCK + j] = d * view.getInt8(b * Q8_0_BYTES + 2 + j);
      }
      break;
  }
  return out;
}
