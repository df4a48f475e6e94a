import { closeSync, openSync, writeSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * Buffered, hashed, little-endian writer for the iden3 binary container ("binfile"):
 * 4-byte magic, u32 version, u32 section count, then sections as u32 id, u64 byte size,
 * payload (https://github.com/iden3/binfileutils). Section sizes are computed up front so
 * the file is written strictly sequentially and its SHA-256 is computed while streaming.
 */
export class BinFileWriter {
  private readonly fd: number;
  private readonly buf: Buffer;
  private pos = 0;
  private readonly hash = sha256.create();

  constructor(path: string, bufferBytes = 1 << 20) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(bufferBytes);
  }

  header(magic: string, version: number, nSections: number): void {
    if (magic.length !== 4) throw new RangeError(`binfile magic ${JSON.stringify(magic)} must be 4 characters`);
    this.room(12);
    this.pos += this.buf.write(magic, this.pos, 'latin1');
    this.u32(version);
    this.u32(nSections);
  }

  section(id: number, size: number): void {
    this.u32(id);
    this.u64(size);
  }

  u32(v: number): void {
    this.room(4);
    this.pos = this.buf.writeUInt32LE(v, this.pos);
  }

  u64(v: number): void {
    this.room(8);
    this.buf.writeUInt32LE(v % 2 ** 32, this.pos);
    this.buf.writeUInt32LE(Math.floor(v / 2 ** 32), this.pos + 4);
    this.pos += 8;
  }

  /** A field element 0 ≤ v < 2^256 as 32 bytes little-endian (standard, non-Montgomery form). */
  fieldElement(v: bigint): void {
    this.room(32);
    for (let i = 0; i < 4; i++) {
      this.buf.writeBigUInt64LE(v & MASK64, this.pos);
      v >>= 64n;
      this.pos += 8;
    }
  }

  /**
   * The field element of a signed safe integer s (r + s when negative), without bigints:
   * the common path for small R1CS coefficients. `rLimbs` is r as eight u32 limbs.
   */
  smallFieldElement(s: number, rLimbs: Uint32Array): void {
    this.room(32);
    const b = this.buf;
    if (s >= 0) {
      b.writeUInt32LE(s % 2 ** 32, this.pos);
      b.writeUInt32LE(Math.floor(s / 2 ** 32), this.pos + 4);
      b.fill(0, this.pos + 8, this.pos + 32);
    } else {
      // r − |s|, limb by limb with borrow; |s| < 2^53 spans the two lowest limbs.
      const m = -s;
      const sub0 = m % 2 ** 32;
      const sub1 = Math.floor(m / 2 ** 32);
      let borrow = 0;
      for (let i = 0; i < 8; i++) {
        const d = rLimbs[i] - (i === 0 ? sub0 : i === 1 ? sub1 : 0) - borrow;
        borrow = d < 0 ? 1 : 0;
        b.writeUInt32LE(d < 0 ? d + 2 ** 32 : d, this.pos + 4 * i);
      }
    }
    this.pos += 32;
  }

  /** Raw bytes (e.g. curve points already encoded by ffjavascript). */
  bytes(data: Uint8Array): void {
    if (data.length > this.buf.length) {
      this.flush();
      this.hash.update(data);
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
      return;
    }
    this.room(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Flushes, closes and returns the SHA-256 of everything written. */
  close(): Uint8Array {
    this.flush();
    closeSync(this.fd);
    return this.hash.digest();
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  private flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.hash.update(chunk);
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    this.pos = 0;
  }
}

const MASK64 = (1n << 64n) - 1n;

/** r as eight little-endian u32 limbs. */
export function limbs32(v: bigint): Uint32Array {
  const out = new Uint32Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
