import { closeSync, openSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';

/**
 * Buffered, hashed, little-endian writer for the iden3 binary container ("binfile"):
 * 4-byte magic, u32 version, u32 section count, then sections as u32 id, u64 byte size,
 * payload (https://github.com/iden3/binfileutils). Section sizes are computed up front so
 * the file is written strictly sequentially and its SHA-256 is computed while streaming.
 *
 * Every write is a multiple of 4 bytes, so the buffer stays 4-byte aligned and hot loops
 * (one R1CS term = 9 words) can fill `words` directly after `reserveWords`.
 */
export class BinFileWriter {
  private readonly fd: number;
  private readonly bytesView: Uint8Array;
  /** The buffer as little-endian u32 words (all supported hosts are little-endian). */
  readonly words: Uint32Array;
  private readonly view: DataView;
  /** Write position in bytes (always a multiple of 4). */
  private pos = 0;
  // SHA-256 (FIPS 180-4) by node:crypto: the same digest as @noble/hashes (the tests check
  // it against noble), but native — a 10^7-term .r1cs is ~360 MB, which noble hashes
  // ~10× slower than writing it.
  private readonly hash = createHash('sha256');

  constructor(path: string, bufferBytes = 1 << 20) {
    if (bufferBytes % 4 !== 0) throw new RangeError(`BinFileWriter: buffer size ${bufferBytes} not a multiple of 4`);
    const ab = new ArrayBuffer(bufferBytes);
    this.bytesView = new Uint8Array(ab);
    this.words = new Uint32Array(ab);
    this.view = new DataView(ab);
    this.fd = openSync(path, 'w');
  }

  header(magic: string, version: number, nSections: number): void {
    if (magic.length !== 4) throw new RangeError(`binfile magic ${JSON.stringify(magic)} must be 4 characters`);
    const i = this.reserveWords(1);
    for (let k = 0; k < 4; k++) this.bytesView[4 * i + k] = magic.charCodeAt(k);
    this.u32(version);
    this.u32(nSections);
  }

  section(id: number, size: number): void {
    this.u32(id);
    this.u64(size);
  }

  /** Makes room for n words and returns the index of the first in `words`. */
  reserveWords(n: number): number {
    if (this.pos + 4 * n > this.bytesView.length) this.flush();
    const i = this.pos >>> 2;
    this.pos += 4 * n;
    return i;
  }

  u32(v: number): void {
    this.words[this.reserveWords(1)] = v;
  }

  u64(v: number): void {
    const i = this.reserveWords(2);
    this.words[i] = v % 2 ** 32;
    this.words[i + 1] = Math.floor(v / 2 ** 32);
  }

  /** A field element 0 ≤ v < 2^256 as 32 bytes little-endian (standard, non-Montgomery form). */
  fieldElement(v: bigint): void {
    const i = this.reserveWords(8);
    for (let k = 0; k < 4; k++, v >>= 64n) this.view.setBigUint64(4 * i + 8 * k, v & MASK64, true);
  }

  /** Raw bytes (e.g. curve points already encoded by ffjavascript); length a multiple of 4. */
  bytes(data: Uint8Array): void {
    if (data.length % 4 !== 0) throw new RangeError(`BinFileWriter.bytes: length ${data.length} not a multiple of 4`);
    if (data.length > this.bytesView.length) {
      this.flush();
      this.hash.update(data);
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
      return;
    }
    const i = this.reserveWords(data.length / 4);
    this.bytesView.set(data, 4 * i);
  }

  /** Flushes, closes and returns the SHA-256 of everything written. */
  close(): Uint8Array {
    this.flush();
    closeSync(this.fd);
    return new Uint8Array(this.hash.digest());
  }

  private flush(): void {
    if (this.pos === 0) return;
    const chunk = this.bytesView.subarray(0, this.pos);
    this.hash.update(chunk);
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    this.pos = 0;
  }
}

const MASK64 = (1n << 64n) - 1n;

/** v as eight little-endian u32 limbs. */
export function limbs32(v: bigint): Uint32Array {
  const out = new Uint32Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
  return out;
}

/**
 * Writes the field element of a signed safe integer s (r + s when negative) as 8 words at
 * words[i…], without bigints: the common path for small R1CS coefficients.
 */
export function writeSmallFieldElement(words: Uint32Array, i: number, s: number, rLimbs: Uint32Array): void {
  if (s >= 0) {
    words[i] = s % 2 ** 32;
    words[i + 1] = Math.floor(s / 2 ** 32);
    words[i + 2] = words[i + 3] = words[i + 4] = words[i + 5] = words[i + 6] = words[i + 7] = 0;
    return;
  }
  // r − |s|, limb by limb with borrow; |s| < 2^53 spans the two lowest limbs.
  const m = -s;
  let d = rLimbs[0] - (m % 2 ** 32);
  let borrow = d < 0 ? 1 : 0;
  words[i] = d + borrow * 2 ** 32;
  d = rLimbs[1] - Math.floor(m / 2 ** 32) - borrow;
  borrow = d < 0 ? 1 : 0;
  words[i + 1] = d + borrow * 2 ** 32;
  for (let k = 2; k < 8; k++) {
    d = rLimbs[k] - borrow;
    borrow = d < 0 ? 1 : 0;
    words[i + k] = d + borrow * 2 ** 32;
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
