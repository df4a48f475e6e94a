import { readFileSync } from 'node:fs';
import { R } from '../circuit/field.ts';

/**
 * An .r1cs file (iden3 r1cs format v1, https://github.com/iden3/r1csfile/blob/master/doc/r1cs_bin_format.md)
 * read for phase-2 setup: its header and every term of its constraints as flat typed arrays,
 * with the coefficients deduplicated into a small table. Our circuits use few distinct
 * coefficients (±1, powers of two, int8 weights, multipliers), so the table is short and
 * every later step works on coefficient ids.
 */
export interface R1csTerms {
  nVars: number;
  /** Public inputs and outputs, not counting wire 0 (ONE). */
  nPublic: number;
  nConstraints: number;
  /** Per term, in file order: matrix (0 = A, 1 = B, 2 = C), constraint row, wire, coefficient id. */
  matrix: Uint8Array;
  row: Uint32Array;
  wire: Uint32Array;
  coef: Uint32Array;
  coefs: CoefficientTable;
}

/**
 * Distinct coefficients c. Each is stored as sign and magnitude, |c| being the smaller of
 * c and r − c, so that c·P = ±|c|·P is a scalar multiplication by a short scalar.
 */
export interface CoefficientTable {
  /** c in [0, r). */
  values: bigint[];
  negative: Uint8Array;
  /** Bytes of |c| without leading zeros (0 for c = 0). */
  length: Uint8Array;
  /** |c| as 32 little-endian bytes per id. */
  magnitude: Uint8Array;
  /** Id of the coefficient 1 (snarkjs's extra public-input rows use it). */
  one: number;
}

const HEADER_MAGIC = 'r1cs';

class CoefficientBuilder {
  readonly values: bigint[] = [];
  private readonly small = new Map<number, number>();
  private readonly big = new Map<bigint, number>();

  /** Id of the coefficient in 32 little-endian bytes at buf[off…]. */
  idOf(buf: Buffer, off: number): number {
    // Fast path: a value below 2^48 (bytes 6…31 zero) needs no bigint.
    let high = 0;
    for (let k = 6; k < 32; k++) high |= buf[off + k];
    if (high === 0) {
      const v = buf.readUIntLE(off, 6);
      const id = this.small.get(v);
      if (id !== undefined) return id;
      const nid = this.add(BigInt(v));
      this.small.set(v, nid);
      return nid;
    }
    const v = buf.readBigUInt64LE(off) | (buf.readBigUInt64LE(off + 8) << 64n) | (buf.readBigUInt64LE(off + 16) << 128n) | (buf.readBigUInt64LE(off + 24) << 192n);
    if (v >= R) throw new RangeError(`r1cs coefficient ${v} is not below the field prime`);
    const id = this.big.get(v);
    if (id !== undefined) return id;
    const nid = this.add(v);
    this.big.set(v, nid);
    return nid;
  }

  private add(v: bigint): number {
    this.values.push(v);
    return this.values.length - 1;
  }

  table(): CoefficientTable {
    const one = this.big.get(1n) ?? this.small.get(1) ?? this.add(1n);
    const n = this.values.length;
    const negative = new Uint8Array(n);
    const length = new Uint8Array(n);
    const magnitude = new Uint8Array(32 * n);
    for (let i = 0; i < n; i++) {
      const v = this.values[i];
      const neg = R - v < v;
      let m = neg ? R - v : v;
      negative[i] = neg ? 1 : 0;
      let len = 0;
      for (let k = 0; m > 0n; k++, m >>= 8n) {
        magnitude[32 * i + k] = Number(m & 0xffn);
        len = k + 1;
      }
      length[i] = len;
    }
    return { values: this.values, negative, length, magnitude, one };
  }
}

/** Reads the header and constraints of an .r1cs file (BN254 only). */
export function readR1csTerms(path: string): R1csTerms {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 0, 4) !== HEADER_MAGIC) throw new TypeError(`${path}: not an .r1cs file`);
  const sections = new Map<number, [number, number]>();
  let pos = 12;
  for (let i = 0, n = buf.readUInt32LE(8); i < n; i++) {
    const id = buf.readUInt32LE(pos);
    const size = buf.readUInt32LE(pos + 4) + buf.readUInt32LE(pos + 8) * 2 ** 32;
    if (!sections.has(id)) sections.set(id, [pos + 12, size]);
    pos += 12 + size;
  }
  const header = sections.get(1);
  const body = sections.get(2);
  if (!header || !body) throw new TypeError(`${path}: no header or constraints section`);
  let h = header[0];
  const n8 = buf.readUInt32LE(h);
  if (n8 !== 32) throw new TypeError(`${path}: field of ${n8} bytes, not BN254`);
  let prime = 0n;
  for (let k = 31; k >= 0; k--) prime = (prime << 8n) | BigInt(buf[h + 4 + k]);
  if (prime !== R) throw new TypeError(`${path}: the r1cs prime is not BN254's r`);
  h += 4 + n8;
  const nVars = buf.readUInt32LE(h);
  const nPublic = buf.readUInt32LE(h + 4) + buf.readUInt32LE(h + 8);
  const nConstraints = buf.readUInt32LE(h + 24);

  const [start, size] = body;
  const end = start + size;
  // Each term is 36 bytes (u32 wire + 32-byte coefficient) and each row has 3 counts.
  const cap = Math.max(0, Math.floor((size - 12 * nConstraints) / 36));
  const matrix = new Uint8Array(cap);
  const row = new Uint32Array(cap);
  const wire = new Uint32Array(cap);
  const coef = new Uint32Array(cap);
  const coefs = new CoefficientBuilder();
  let t = 0;
  pos = start;
  for (let c = 0; c < nConstraints; c++) {
    for (let m = 0; m < 3; m++) {
      if (pos + 4 > end) throw new TypeError(`${path}: constraints section truncated at row ${c}`);
      const n = buf.readUInt32LE(pos);
      pos += 4;
      if (pos + 36 * n > end) throw new TypeError(`${path}: constraints section truncated at row ${c}`);
      for (let i = 0; i < n; i++, t++, pos += 36) {
        const w = buf.readUInt32LE(pos);
        if (w >= nVars) throw new RangeError(`${path}: row ${c} names wire ${w} of ${nVars}`);
        matrix[t] = m;
        row[t] = c;
        wire[t] = w;
        coef[t] = coefs.idOf(buf, pos + 4);
      }
    }
  }
  if (pos !== end) throw new TypeError(`${path}: ${end - pos} bytes after the last constraint`);
  return { nVars, nPublic, nConstraints, matrix, row, wire, coef, coefs: coefs.table() };
}
