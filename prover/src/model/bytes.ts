/**
 * Bounds-checked little-endian reader over a file's bytes, plus half-precision decoders.
 * Every read past the end throws a RangeError naming the file and the field being read,
 * so a truncated model file never surfaces as a stack trace from DataView.
 */
import { ZkinferError } from '../errors.ts';
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly file: string;
  pos = 0;
  private readonly view: DataView;
  private static readonly utf8 = new TextDecoder('utf-8', { fatal: false });

  constructor(bytes: Uint8Array, file: string) {
    this.bytes = bytes;
    this.file = file;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws unless `n` more bytes are available for `field`. */
  need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw new ZkinferError('bad_model_file', 
        `${this.file}: truncated file: reading ${field} needs ${n} bytes at offset ${this.pos}, file has ${this.bytes.length}`,
      );
    }
  }

  u8(field: string): number { this.need(1, field); return this.view.getUint8(this.pos++); }
  i8(field: string): number { this.need(1, field); return this.view.getInt8(this.pos++); }
  u16(field: string): number { this.need(2, field); const v = this.view.getUint16(this.pos, true); this.pos += 2; return v; }
  i16(field: string): number { this.need(2, field); const v = this.view.getInt16(this.pos, true); this.pos += 2; return v; }
  u32(field: string): number { this.need(4, field); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  i32(field: string): number { this.need(4, field); const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  f32(field: string): number { this.need(4, field); const v = this.view.getFloat32(this.pos, true); this.pos += 4; return v; }
  f64(field: string): number { this.need(8, field); const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  i64(field: string): bigint { this.need(8, field); const v = this.view.getBigInt64(this.pos, true); this.pos += 8; return v; }
  u64big(field: string): bigint { this.need(8, field); const v = this.view.getBigUint64(this.pos, true); this.pos += 8; return v; }

  /** A u64 that must fit a JS number (counts, lengths, offsets). */
  u64(field: string): number {
    const v = this.u64big(field);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZkinferError('bad_model_file', `${this.file}: ${field} = ${v} is too large`);
    return Number(v);
  }

  utf8(n: number, field: string): string {
    this.need(n, field);
    const s = ByteReader.utf8.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}

const f16Table = (() => {
  // All 65536 half-precision values, decoded once (IEEE 754 binary16).
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return t;
})();

/** IEEE binary16 bits → number. */
export function f16ToF32(bits: number): number {
  return f16Table[bits & 0xffff];
}

const bf16Scratch = new DataView(new ArrayBuffer(4));
/** bfloat16 bits (the top half of a binary32) → number. */
export function bf16ToF32(bits: number): number {
  bf16Scratch.setUint32(0, (bits & 0xffff) << 16);
  return bf16Scratch.getFloat32(0);
}

/** number → IEEE binary16 bits, round to nearest even (used by tests that write files). */
export function f32ToF16(x: number): number {
  const f = new DataView(new ArrayBuffer(4));
  f.setFloat32(0, x);
  const b = f.getUint32(0);
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 255) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** number → bfloat16 bits, round to nearest even. */
export function f32ToBf16(x: number): number {
  bf16Scratch.setFloat32(0, x);
  const b = bf16Scratch.getUint32(0);
  if (Number.isNaN(x)) return 0x7fc0;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}
