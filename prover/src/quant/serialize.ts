/**
 * Canonical serialization of a QuantModel; its SHA-256 (@noble/hashes) is the model id
 * (docs/architecture.md "Model commitment").
 *
 * Layout: ASCII magic "ZKQM" + u32 LE format version (QUANT_FORMAT_VERSION) + u32 LE header length H + H bytes
 * of UTF-8 JSON header + the binary arrays, concatenated in header order. The header is the
 * QuantModel with every typed array replaced by {"$array": index, "type": "i8"|"i32"|"f64",
 * "length": n}; arrays are little-endian. Object keys keep the order quantizeModel builds
 * them in, so the same model always gives the same bytes. Infinity (a global layer's window)
 * is written as the string "Infinity".
 *
 * Versions: 1 first; 2 RoPE fused into the q/k rescale (RopeRescale) — or, on another
 * branch, integer logits as acc·m; 3 both: logits acc·m with no rescale (QuantModel.logitOut
 * is LogitMultipliers, option logitMultiplierBits replaces logitBits) and the fused RoPE; 4 short
 * multipliers (options shortMultiplierBits, shortSiteMultiplierBits; docs/quantization.md). Still 4:
 * arrays of type "i16" (weights of weightBits > 8) and the optional options weightBits, siteBits
 * and calibration only appear in models quantized with them, so older files read unchanged.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { QuantModel } from './types.ts';

const MAGIC = [0x5a, 0x4b, 0x51, 0x4d]; // "ZKQM"
export const QUANT_FORMAT_VERSION = 4;

type Arr = Int8Array | Int16Array | Int32Array | Float64Array;
/** Typed arrays use the host byte order; on little-endian hosts (all current ones) bytes copy as they are. */
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TYPE_OF = (a: Arr): 'i8' | 'i16' | 'i32' | 'f64' => (a instanceof Int8Array ? 'i8' : a instanceof Int16Array ? 'i16' : a instanceof Int32Array ? 'i32' : 'f64');

export function serializeQuantModel(q: QuantModel): Uint8Array {
  const arrays: Arr[] = [];
  const header = JSON.stringify(q, (key, value: unknown) => {
    if (key === 'textTokenizer') return undefined;
    if (value instanceof Int8Array || value instanceof Int16Array || value instanceof Int32Array || value instanceof Float64Array) {
      arrays.push(value);
      return { $array: arrays.length - 1, type: TYPE_OF(value), length: value.length };
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return value;
  });
  const headerBytes = new TextEncoder().encode(header);
  let total = 12 + headerBytes.length;
  for (const a of arrays) total += a.byteLength;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint32(4, QUANT_FORMAT_VERSION, true);
  dv.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  let off = 12 + headerBytes.length;
  for (const a of arrays) {
    if (a instanceof Int8Array || HOST_LE) out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    else if (a instanceof Int16Array) for (let i = 0; i < a.length; i++) dv.setInt16(off + 2 * i, a[i], true);
    else if (a instanceof Int32Array) for (let i = 0; i < a.length; i++) dv.setInt32(off + 4 * i, a[i], true);
    else for (let i = 0; i < a.length; i++) dv.setFloat64(off + 8 * i, a[i], true);
    off += a.byteLength;
  }
  return out;
}

/** Inverse of serializeQuantModel (for the cache and for circuit builders). */
export function deserializeQuantModel(bytes: Uint8Array, file = 'quantized model'): QuantModel {
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) throw new TypeError(`${file}: not a zkinfer quantized model (bad magic)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  if (version !== QUANT_FORMAT_VERSION) throw new RangeError(`${file}: format version ${version} unsupported (expected ${QUANT_FORMAT_VERSION})`);
  const hlen = dv.getUint32(8, true);
  if (12 + hlen > bytes.length) throw new RangeError(`${file}: header length ${hlen} exceeds the file`);
  const refs: { $array: number; type: string; length: number }[] = [];
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)), (_k, v: unknown) => {
    if (v && typeof v === 'object' && '$array' in v) refs.push(v as unknown as { $array: number; type: string; length: number });
    return v;
  }) as unknown;
  // Arrays were written in JSON.stringify visit order, which JSON.parse's reviver (post-order,
  // same key order) reproduces; the $array indices check it.
  const decoded: Arr[] = [];
  let off = 12 + hlen;
  for (const [i, r] of refs.entries()) {
    if (r.$array !== i) throw new TypeError(`${file}: array reference ${r.$array} out of order (expected ${i})`);
    const n = r.length;
    const size = r.type === 'i8' ? 1 : r.type === 'i16' ? 2 : r.type === 'i32' ? 4 : 8;
    if (off + n * size > bytes.length) throw new RangeError(`${file}: array data truncated`);
    let a: Arr;
    if (r.type === 'i8') a = new Int8Array(bytes.slice(off, off + n).buffer);
    else if (HOST_LE && r.type === 'i16') a = new Int16Array(bytes.slice(off, off + 2 * n).buffer);
    else if (HOST_LE && r.type === 'i32') a = new Int32Array(bytes.slice(off, off + 4 * n).buffer);
    else if (HOST_LE && r.type === 'f64') a = new Float64Array(bytes.slice(off, off + 8 * n).buffer);
    else if (r.type === 'i16') a = Int16Array.from({ length: n }, (_, i) => dv.getInt16(off + 2 * i, true));
    else if (r.type === 'i32') a = Int32Array.from({ length: n }, (_, i) => dv.getInt32(off + 4 * i, true));
    else if (r.type === 'f64') a = Float64Array.from({ length: n }, (_, i) => dv.getFloat64(off + 8 * i, true));
    else throw new TypeError(`${file}: unknown array type ${r.type}`);
    decoded.push(a);
    off += n * size;
  }
  if (off !== bytes.length) throw new RangeError(`${file}: ${bytes.length - off} trailing bytes`);
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ('$array' in o) return decoded[o.$array as number];
      for (const k of Object.keys(o)) o[k] = revive(o[k]);
      return o;
    }
    return v === 'Infinity' ? Infinity : v;
  };
  return revive(header) as QuantModel;
}

/** Model id: lowercase hex SHA-256 of the canonical serialization. */
export function quantModelId(q: QuantModel): string {
  return bytesToHex(sha256(serializeQuantModel(q)));
}
