import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { R } from '../circuit/field.ts';
import { commitmentSections, readCommitmentSections, type CommitmentKey } from './zkey-commitment.ts';

/**
 * A Groth16 proving key in snarkjs's .zkey layout (iden3 binfile "zkey", version 1, 10
 * sections; learnt from snarkjs 0.7.6's zkey files and its reader, written here from that
 * layout). All points affine, little-endian Montgomery (LEM):
 *  1 protocol (u32 1 = groth16);
 *  2 header: n8q, q, n8r, r, nVars, nPublic, domainSize, α₁, β₁, β₂, γ₂, δ₁, δ₂;
 *  3 IC (wires 0…nPublic); 4 the A and B coefficients the prover evaluates, as
 *    (u32 matrix, u32 row, u32 wire, 32-byte c·R² mod r) after a u32 count;
 *  5 A, 6 B1, 7 B2 (per wire); 8 L = C points of the private wires / δ; 9 H (domainSize);
 *  10 MPC parameters: the 64-byte circuit hash and the contribution records;
 *  11–15 (ours, only for a circuit with a BSB22 commitment): zkey-commitment.ts.
 */
export interface Groth16Key {
  nVars: number;
  nPublic: number;
  domainSize: number;
  alpha1: Uint8Array;
  beta1: Uint8Array;
  beta2: Uint8Array;
  gamma2: Uint8Array;
  delta1: Uint8Array;
  delta2: Uint8Array;
  ic: Uint8Array;
  coefs: Uint8Array;
  a: Uint8Array;
  b1: Uint8Array;
  b2: Uint8Array;
  l: Uint8Array;
  h: Uint8Array;
  csHash: Uint8Array;
  contributions: ContributionRecord[];
  /** The commitment's sections (zkey-commitment.ts); absent for circuits without one. */
  commitment?: CommitmentKey;
}

/** One phase-2 contribution (snarkjs's record): δ after it and the proof of knowledge of its factor. */
export interface ContributionRecord {
  /** δ₁ after this contribution (G1). */
  deltaAfter: Uint8Array;
  /** s and s·x in G1, s·x·… in G2: x is this contribution's factor (G2 base: hash of the transcript). */
  g1S: Uint8Array;
  g1Sx: Uint8Array;
  g2Spx: Uint8Array;
  /** blake2b-512 of the circuit hash, the previous records and g1S, g1Sx. */
  transcript: Uint8Array;
  /** 0: random entropy; 1: beacon. */
  type: 0 | 1;
  name?: string;
  numIterationsExp?: number;
  beaconHash?: Uint8Array;
}

/** BN254 base field prime q (EIP-196). */
export const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

function field(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  for (let k = 0; k < 32; k++, v >>= 8n) b[k] = Number(v & 0xffn);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function headerSection(k: Groth16Key): Uint8Array {
  return concat([u32(32), field(Q), u32(32), field(R), u32(k.nVars), u32(k.nPublic), u32(k.domainSize), k.alpha1, k.beta1, k.beta2, k.gamma2, k.delta1, k.delta2]);
}

/** A contribution's parameters: sorted (type byte, value) entries — 1 name, 2 iterations exponent, 3 beacon hash. */
function contributionBytes(c: ContributionRecord): Uint8Array {
  const params: number[] = [];
  if (c.name) {
    const name = new TextEncoder().encode(c.name.substring(0, 64));
    params.push(1, name.length, ...name);
  }
  if (c.type === 1) {
    if (c.numIterationsExp === undefined || !c.beaconHash) throw new TypeError('beacon contribution without its iterations or hash');
    params.push(2, c.numIterationsExp, 3, c.beaconHash.length, ...c.beaconHash);
  }
  return concat([c.deltaAfter, c.g1S, c.g1Sx, c.g2Spx, c.transcript, u32(c.type), u32(params.length), new Uint8Array(params)]);
}

function mpcSection(k: Groth16Key): Uint8Array {
  return concat([k.csHash, u32(k.contributions.length), ...k.contributions.map(contributionBytes)]);
}

/**
 * Writes the key. `order` 'new' is the section order of snarkjs's `zkey new`
 * (1, 2, 4, 3, 9, 8, 5, 6, 7, 10: tests compare our initial key with it byte for byte);
 * 'final' is 1…10, the order `zkey contribute` and `zkey beacon` write.
 */
export function writeZkey(path: string, k: Groth16Key, order: 'new' | 'final' = 'final'): void {
  const body: Record<number, () => Uint8Array> = {
    1: () => u32(1),
    2: () => headerSection(k),
    3: () => k.ic,
    4: () => k.coefs,
    5: () => k.a,
    6: () => k.b1,
    7: () => k.b2,
    8: () => k.l,
    9: () => k.h,
    10: () => mpcSection(k),
  };
  const extra = k.commitment ? commitmentSections(k.commitment) : {};
  Object.assign(body, Object.fromEntries(Object.entries(extra).map(([id, b]) => [id, () => b])));
  const ids = [...(order === 'new' ? [1, 2, 4, 3, 9, 8, 5, 6, 7, 10] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), ...Object.keys(extra).map(Number)];
  const fd = openSync(path, 'w');
  try {
    const write = (b: Uint8Array) => {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    };
    write(concat([new TextEncoder().encode('zkey'), u32(1), u32(ids.length)]));
    for (const id of ids) {
      const data = body[id]();
      const head = new Uint8Array(12);
      const v = new DataView(head.buffer);
      v.setUint32(0, id, true);
      v.setUint32(4, data.length % 2 ** 32, true);
      v.setUint32(8, Math.floor(data.length / 2 ** 32), true);
      write(head);
      write(data);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads a groth16 .zkey (BN254) into memory, whatever its section order. */
export function readZkey(path: string): Groth16Key {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 0, 4) !== 'zkey') throw new TypeError(`${path}: not a .zkey file`);
  const sections = new Map<number, Uint8Array>();
  let pos = 12;
  for (let i = 0, n = buf.readUInt32LE(8); i < n; i++) {
    const id = buf.readUInt32LE(pos);
    const size = buf.readUInt32LE(pos + 4) + buf.readUInt32LE(pos + 8) * 2 ** 32;
    if (pos + 12 + size > buf.length) throw new TypeError(`${path}: section ${id} truncated`);
    if (sections.has(id)) throw new TypeError(`${path}: section ${id} appears twice`);
    sections.set(id, new Uint8Array(buf.buffer, buf.byteOffset + pos + 12, size));
    pos += 12 + size;
  }
  const sec = (id: number) => {
    const s = sections.get(id);
    if (!s) throw new TypeError(`${path}: no section ${id}`);
    return s;
  };
  const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv(sec(1)).getUint32(0, true) !== 1) throw new TypeError(`${path}: not a groth16 key`);
  const h = sec(2);
  const hv = dv(h);
  if (hv.getUint32(0, true) !== 32 || hv.getUint32(36, true) !== 32) throw new TypeError(`${path}: not a BN254 key`);
  const readField = (off: number) => {
    let v = 0n;
    for (let k = 31; k >= 0; k--) v = (v << 8n) | BigInt(h[off + k]);
    return v;
  };
  if (readField(4) !== Q || readField(40) !== R) throw new TypeError(`${path}: not a BN254 key`);
  let o = 72;
  const nVars = hv.getUint32(o, true);
  const nPublic = hv.getUint32(o + 4, true);
  const domainSize = hv.getUint32(o + 8, true);
  o += 12;
  const take = (n: number) => h.slice(o, (o += n));
  const alpha1 = take(64);
  const beta1 = take(64);
  const beta2 = take(128);
  const gamma2 = take(128);
  const delta1 = take(64);
  const delta2 = take(128);
  if (o !== h.length) throw new TypeError(`${path}: header section of ${h.length} bytes`);
  const sizes: [number, number][] = [
    [3, (nPublic + 1) * 64],
    [5, nVars * 64],
    [6, nVars * 64],
    [7, nVars * 128],
    [8, (nVars - nPublic - 1) * 64],
    [9, domainSize * 64],
  ];
  for (const [id, n] of sizes) if (sec(id).length !== n) throw new TypeError(`${path}: section ${id} has ${sec(id).length} bytes, ${n} expected`);
  const { csHash, contributions } = readMpc(sec(10), path);
  const key: Groth16Key = { nVars, nPublic, domainSize, alpha1, beta1, beta2, gamma2, delta1, delta2, ic: sec(3), coefs: sec(4), a: sec(5), b1: sec(6), b2: sec(7), l: sec(8), h: sec(9), csHash, contributions };
  const commitment = readCommitmentSections(sections, nPublic, nVars, contributions.length, path);
  if (commitment) key.commitment = commitment;
  return key;
}

function readMpc(s: Uint8Array, path: string): { csHash: Uint8Array; contributions: ContributionRecord[] } {
  const v = new DataView(s.buffer, s.byteOffset, s.byteLength);
  let o = 0;
  const take = (n: number) => {
    if (o + n > s.length) throw new TypeError(`${path}: MPC section truncated`);
    return s.slice(o, (o += n));
  };
  const readU32 = () => {
    take(4);
    return v.getUint32(o - 4, true);
  };
  const csHash = take(64);
  const n = readU32();
  const contributions: ContributionRecord[] = [];
  for (let i = 0; i < n; i++) {
    const c: ContributionRecord = { deltaAfter: take(64), g1S: take(64), g1Sx: take(64), g2Spx: take(128), transcript: take(64), type: 0 };
    const type = readU32();
    if (type !== 0 && type !== 1) throw new TypeError(`${path}: contribution ${i} of unknown type ${type}`);
    c.type = type;
    const len = readU32();
    const params = take(len);
    let last = 0;
    for (let p = 0; p < params.length; ) {
      const t = params[p++];
      if (t <= last) throw new TypeError(`${path}: contribution ${i}: parameters not sorted`);
      last = t;
      if (t === 1) {
        const l = params[p++];
        c.name = new TextDecoder().decode(params.subarray(p, (p += l)));
      } else if (t === 2) {
        c.numIterationsExp = params[p++];
      } else if (t === 3) {
        const l = params[p++];
        c.beaconHash = params.slice(p, (p += l));
      } else {
        throw new TypeError(`${path}: contribution ${i}: unknown parameter ${t}`);
      }
      if (p > params.length) throw new TypeError(`${path}: contribution ${i}: parameters truncated`);
    }
    contributions.push(c);
  }
  if (o !== s.length) throw new TypeError(`${path}: ${s.length - o} bytes after the contributions`);
  return { csHash, contributions };
}

/**
 * The commitment part of the key at `path` (sections 11–15, with what validates them from
 * sections 2 and 10), reading only those sections: cheap on a large key.
 */
export function readZkeyCommitment(path: string): CommitmentKey | undefined {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    if (head.toString('latin1', 0, 4) !== 'zkey') throw new TypeError(`${path}: not a .zkey file`);
    const wanted = new Set([2, 10, 11, 12, 13, 14, 15]);
    const sections = new Map<number, Uint8Array>();
    let pos = 12;
    for (let i = 0, n = head.readUInt32LE(8); i < n; i++) {
      readSync(fd, head, 0, 12, pos);
      const id = head.readUInt32LE(0);
      const size = head.readUInt32LE(4) + head.readUInt32LE(8) * 2 ** 32;
      if (wanted.has(id)) {
        if (sections.has(id)) throw new TypeError(`${path}: section ${id} appears twice`);
        const b = Buffer.alloc(size);
        if (readSync(fd, b, 0, size, pos + 12) !== size) throw new TypeError(`${path}: section ${id} truncated`);
        sections.set(id, new Uint8Array(b.buffer, b.byteOffset, size));
      }
      pos += 12 + size;
    }
    const h = sections.get(2);
    const mpc = sections.get(10);
    if (!h || !mpc) throw new TypeError(`${path}: no header or MPC section`);
    const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    return readCommitmentSections(sections, hv.getUint32(76, true), hv.getUint32(72, true), readMpc(mpc, path).contributions.length, path);
  } finally {
    closeSync(fd);
  }
}
