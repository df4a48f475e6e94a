/**
 * safetensors container reader (huggingface/safetensors README "Format"): an 8-byte
 * little-endian header length N, N bytes of JSON { name: { dtype, shape, data_offsets:
 * [begin, end] } , "__metadata__"?: {...} }, then the data; offsets are relative to the
 * end of the header. Tensors of dtype F32, F16 and BF16 are converted to Float32Array.
 */
import { ByteReader, bf16ToF32, f16ToF32 } from './bytes.ts';
import type { Tensor } from './types.ts';
import { ZkinferError } from '../errors.ts';

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };
/** A header larger than this is not a plausible model header (the format caps it at 100 MB). */
const MAX_HEADER = 100_000_000;

export interface SafetensorsFile {
  file: string;
  tensors: Map<string, Tensor>;
  dtypes: Map<string, string>;
  metadata: Record<string, string>;
}

interface Entry { dtype: string; shape: number[]; data_offsets: [number, number] }

function isEntry(v: unknown): v is Entry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.dtype === 'string' && Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0)
    && Array.isArray(e.data_offsets) && e.data_offsets.length === 2 && e.data_offsets.every((d) => Number.isInteger(d) && d >= 0);
}

export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const r = new ByteReader(bytes, file);
  const n = r.u64('header length');
  if (n > MAX_HEADER) throw new ZkinferError('bad_model_file', `${file}: safetensors header length ${n} is implausible (not a safetensors file?)`);
  const json = r.utf8(n, 'header JSON');
  let header: unknown;
  try {
    header = JSON.parse(json);
  } catch {
    throw new ZkinferError('bad_model_file', `${file}: safetensors header is not valid JSON`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new ZkinferError('bad_model_file', `${file}: safetensors header is not a JSON object`);
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const tensors = new Map<string, Tensor>();
  const dtypes = new Map<string, string>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    if (!isEntry(value)) throw new ZkinferError('bad_model_file', `${file}: tensor ${name}: header entry needs dtype, shape and data_offsets`);
    const width = DTYPE_BYTES[value.dtype];
    if (width === undefined) throw new ZkinferError('bad_model_file', `${file}: tensor ${name}: unsupported dtype ${value.dtype} (supported: F32, F16, BF16)`);
    const count = value.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = value.data_offsets;
    if (end - begin !== count * width) {
      throw new ZkinferError('bad_model_file', `${file}: tensor ${name}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, ${value.dtype} shape [${value.shape}] needs ${count * width}`);
    }
    if (end > dataLen) throw new ZkinferError('bad_model_file', `${file}: truncated file: tensor ${name} ends at data offset ${end}, data section has ${dataLen} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
    const data = new Float32Array(count);
    if (value.dtype === 'F32') for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
    else if (value.dtype === 'F16') for (let i = 0; i < count; i++) data[i] = f16ToF32(view.getUint16(i * 2, true));
    else for (let i = 0; i < count; i++) data[i] = bf16ToF32(view.getUint16(i * 2, true));
    tensors.set(name, { name, shape: value.shape.slice(), data });
    dtypes.set(name, value.dtype);
  }
  return { file, tensors, dtypes, metadata };
}
