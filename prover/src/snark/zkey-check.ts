import { concatBytes } from '@noble/hashes/utils.js';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { CommitmentSpec } from '../circuit/commitment-spec.ts';
import { R } from '../circuit/field.ts';
import { getCurve, type Curve } from './curve.ts';
import type { ProverEngine } from './engine.ts';
import { NativeSetup } from './native-setup.ts';
import { requiredPtauPower } from './ptau.ts';
import { setupEngine } from './setup-engine.ts';
import { beaconRng, sigmaTranscriptG2, transcriptBefore, transcriptG2 } from './zkey-contribute.ts';
import { readZkey, type Groth16Key } from './zkey-file.ts';

/**
 * The compile-time check of a Groth16 key against its .r1cs and prepared .ptau, independent
 * of the code that made the key (zkey-new.ts composes each point from its terms; this never
 * recomputes a point). Randomised, one multi-exponentiation per side instead of per point
 * (the batch check of e.g. Bellare–Garay–Rabin, "Fast batch verification", 1998):
 *
 * For random ρ_j (128 bits each, drawn after the key is fixed) and the key's points P_j that
 * should be Σ_i m_ij·S_i (S: ptau Lagrange points, m: r1cs coefficients),
 *   Σ_j ρ_j·P_j = Σ_i (Σ_j ρ_j·m_ij)·S_i.
 * If some P_j is wrong, the difference vector D ≠ 0 and Σ_j ρ_j·D_j = 0 for at most one
 * value of the ρ_j of a non-zero D_j once the others are fixed (the group has prime order
 * r > 2^128): the check passes a wrong key with probability ≤ 2^-128.
 *  - G1: A, B1 and IC together (A_j over [L_i]₁, B1_j over [L_i]₁, IC_j over [βL]₁, [αL]₁, [L]₁);
 *  - G2: B2 over [L_i]₂;
 *  - L and H with δ: e(Σ ρ_j·L_j + Σ ρ'_i·H_i, δ₂) = e(Σ (…)·S_i + Σ ρ'_i·[L^{2N}_{2i+1}]₁, g₂).
 *    With e(δ₁, g₂) = e(g₁, δ₂) this is δ·(Σ ρ_j L_j + …) = Σ …, so L_j = C_j/δ, H_i = H⁰_i/δ.
 * Plus: the header against the .r1cs and the ptau (α₁, β₁, β₂ copied, γ₂ = g₂, domain), and
 * the contribution chain (snarkjs's records: transcripts, proofs of knowledge by pairings,
 * the beacon recomputed, the last δ₁ after = δ₁), at least one contribution.
 * With a BSB22 commitment (zkey-commitment.ts): the key's wire set is the circuit's; the
 * committed wires' L points are the point at infinity and their P_j join the IC check (P_j is
 * a C point over γ = 1); the σ records as δ's (proof of knowledge on each record's own G2 base,
 * [σ]₁ chain, the beacon's y recomputed), [σ]₁ and [σ]₂ the same σ ≠ 1, and every σ·P_j = σ·P_j
 * by one random combination: e(Σ ρ_j·σP_j, g₂) = e(Σ ρ_j·P_j, σ₂). A key without the commitment
 * the circuit declares, or with one it does not, fails.
 * Not checked: the circuit hash in section 10 (it needs every C point before /δ) and the
 * coefficient section 4 (what the prover evaluates; snarkjs's `zkey verify` checks both:
 * tests run it on our keys).
 */

export class KeyCheckError extends Error {
  override name = 'KeyCheckError';
}

function fail(msg: string): never {
  throw new KeyCheckError(msg);
}

/** A .ptau's sections, read on their own here (not through the key generator's reader). */
function ptauSections(path: string): { fd: number; get(id: number, offset: number, length: number): Uint8Array; power: number } {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(12);
  readSync(fd, b, 0, 12, 0);
  if (b.toString('latin1', 0, 4) !== 'ptau') fail(`${path}: not a .ptau file`);
  const table = new Map<number, [number, number]>();
  let pos = 12;
  for (let i = 0, n = b.readUInt32LE(8); i < n; i++) {
    readSync(fd, b, 0, 12, pos);
    const id = b.readUInt32LE(0);
    const size = b.readUInt32LE(4) + b.readUInt32LE(8) * 2 ** 32;
    if (!table.has(id)) table.set(id, [pos + 12, size]);
    pos += 12 + size;
  }
  const get = (id: number, offset: number, length: number) => {
    const s = table.get(id);
    if (!s || offset + length > s[1]) fail(`${path}: section ${id} lacks bytes ${offset}…${offset + length}`);
    const out = Buffer.alloc(length);
    for (let done = 0; done < length; ) done += readSync(fd, out, done, Math.min(length - done, 1 << 30), s[0] + offset + done);
    return new Uint8Array(out.buffer, out.byteOffset, length);
  };
  const header = get(1, 0, 44);
  return { fd, get, power: new DataView(header.buffer, header.byteOffset).getUint32(36, true) };
}

/** 128-bit random scalars: as 16-byte little-endian words for the MSM, and as bigints. */
function randomScalars(n: number): { bytes: Uint8Array; values: bigint[] } {
  const bytes = new Uint8Array(randomBytes(16 * n));
  const v = new DataView(bytes.buffer);
  const values = new Array<bigint>(n);
  for (let j = 0; j < n; j++) values[j] = v.getBigUint64(16 * j, true) | (v.getBigUint64(16 * j + 8, true) << 64n);
  return { bytes, values };
}

/** Σ accumulators per row, as 32-byte little-endian scalars mod r. */
function scalarBytes(acc: bigint[], n: number): Uint8Array {
  const out = new Uint8Array(32 * n);
  const v = new DataView(out.buffer);
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < n; i++) {
    let x = acc[i] ?? 0n;
    if (x === 0n) continue;
    x %= R;
    if (x < 0n) x += R;
    for (let k = 0; k < 4; k++, x >>= 64n) v.setBigUint64(32 * i + 8 * k, x & mask, true);
  }
  return out;
}

/**
 * Σ scalar_i·base_i over the non-zero bases only: ffjavascript's multiExpAffine takes the
 * all-zero encoding of the point at infinity for the (non-)point (0, 0) and returns garbage
 * (measured). Dropping a zero base changes nothing in the sum.
 */
async function msmOfNonZero(G: Curve['G1'], bases: Uint8Array, scalars: Uint8Array, pointSize: number): Promise<unknown> {
  const n = bases.length / pointSize;
  const scalarSize = scalars.length / n;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let b = i * pointSize; b < (i + 1) * pointSize; b++) {
      if (bases[b] !== 0) {
        keep.push(i);
        break;
      }
    }
  }
  if (keep.length === 0) return G.zero;
  if (keep.length === n) return G.multiExpAffine(bases, scalars);
  const kb = new Uint8Array(keep.length * pointSize);
  const ks = new Uint8Array(keep.length * scalarSize);
  keep.forEach((i, k) => {
    kb.set(bases.subarray(i * pointSize, (i + 1) * pointSize), k * pointSize);
    ks.set(scalars.subarray(i * scalarSize, (i + 1) * scalarSize), k * scalarSize);
  });
  return G.multiExpAffine(kb, ks);
}

/**
 * Σ scalar_i·base_i (LEM bases, little-endian standard scalars of equal size) as an ffjavascript
 * point: on the native MSM (which takes the point at infinity as a base) when given, else on
 * ffjavascript's. The MSM is the one primitive the check shares with the prover, not with
 * the key's maker (zkey-new.ts sums each point from its own terms).
 */
async function msmOn(native: NativeSetup | undefined, G: Curve['G1'], group: 'G1' | 'G2', bases: Uint8Array, scalars: Uint8Array): Promise<unknown> {
  const pointSize = group === 'G1' ? 64 : 128;
  if (!native) return msmOfNonZero(G, bases, scalars, pointSize);
  const n = bases.length / pointSize;
  if (n === 0) return G.zero;
  return G.fromRprLEM(await native.msm(group, bases, scalars, scalars.length / n), 0);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sameRatio(curve: Curve, g1a: unknown, g1b: unknown, g2a: unknown, g2b: unknown): Promise<boolean> {
  const { G1, G2 } = curve;
  if (G1.isZero(g1a) || G1.isZero(g1b) || G2.isZero(g2a) || G2.isZero(g2b)) return false;
  return curve.pairingEq(g1a, g2b, G1.neg(g1b), g2a);
}

/** The contribution records: transcripts, proofs of knowledge, the beacon's factor, the δ chain. */
async function checkContributions(curve: Curve, key: Groth16Key): Promise<void> {
  const { G1, G2, Fr } = curve;
  if (key.contributions.length === 0) fail('the key has no phase-2 contribution: proofs would be forgeable');
  let prev = G1.g;
  for (let i = 0; i < key.contributions.length; i++) {
    const c = key.contributions[i];
    const h = transcriptBefore(curve, key.csHash, key.contributions.slice(0, i));
    const u = (p: Uint8Array) => {
      const b = new Uint8Array(64);
      G1.toRprUncompressed(b, 0, G1.fromRprLEM(p, 0));
      return b;
    };
    h.update(u(c.g1S)).update(u(c.g1Sx));
    if (!sameBytes(h.digest(), c.transcript)) fail(`contribution ${i}: transcript does not match the records before it`);
    const sp = transcriptG2(curve, c.transcript);
    const spx = G2.fromRprLEM(c.g2Spx, 0);
    if (!(await sameRatio(curve, G1.fromRprLEM(c.g1S, 0), G1.fromRprLEM(c.g1Sx, 0), sp, spx))) fail(`contribution ${i}: its proof of knowledge does not hold`);
    const after = G1.fromRprLEM(c.deltaAfter, 0);
    if (!(await sameRatio(curve, prev, after, sp, spx))) fail(`contribution ${i}: δ after it is not δ before it times its factor`);
    if (c.type === 1) {
      if (!c.beaconHash || c.numIterationsExp === undefined) fail(`contribution ${i}: beacon without its parameters`);
      const rng = beaconRng(c.beaconHash, c.numIterationsExp);
      const x = Fr.fromRng(rng);
      const s = G1.toAffine(G1.fromRng(rng));
      if (!G1.eq(s, G1.fromRprLEM(c.g1S, 0)) || !G1.eq(G1.timesFr(s, x), G1.fromRprLEM(c.g1Sx, 0))) fail(`contribution ${i}: the beacon's key is not the one its hash gives`);
    }
    prev = after;
  }
  if (!G1.eq(prev, G1.fromRprLEM(key.delta1, 0))) fail('δ₁ is not the last contribution’s δ after');
}

/** The σ records of a key with a commitment, and [σ]₁ against [σ]₂ (see the module comment). */
async function checkSigma(curve: Curve, key: Groth16Key): Promise<void> {
  const { G1, G2, Fr } = curve;
  const c = key.commitment;
  if (!c) return;
  const u = (p: unknown) => {
    const b = new Uint8Array(64);
    G1.toRprUncompressed(b, 0, p);
    return b;
  };
  let prev = G1.g;
  for (let i = 0; i < c.records.length; i++) {
    const r = c.records[i];
    const d = key.contributions[i];
    const s = G1.fromRprLEM(d.g1S, 0);
    const sy = G1.fromRprLEM(r.g1Sy, 0);
    const base = sigmaTranscriptG2(curve, d.transcript, u(sy));
    const spy = G2.fromRprLEM(r.g2Spy, 0);
    if (!(await sameRatio(curve, s, sy, base, spy))) fail(`contribution ${i}: its σ proof of knowledge does not hold`);
    const after = G1.fromRprLEM(r.sigmaAfter, 0);
    if (!(await sameRatio(curve, prev, after, base, spy))) fail(`contribution ${i}: σ after it is not σ before it times its factor`);
    if (d.type === 1 && d.beaconHash && d.numIterationsExp !== undefined) {
      const rng = beaconRng(d.beaconHash, d.numIterationsExp);
      Fr.fromRng(rng); // x, then s, then y: the order contributions draw them
      G1.fromRng(rng);
      if (!G1.eq(G1.timesFr(s, Fr.fromRng(rng)), sy)) fail(`contribution ${i}: the beacon's σ factor is not the one its hash gives`);
    }
    prev = after;
  }
  const sigma1 = G1.fromRprLEM(c.sigma1, 0);
  const sigma2 = G2.fromRprLEM(c.sigma2, 0);
  if (!G1.eq(prev, sigma1)) fail('σ₁ is not the last contribution’s σ after');
  if (G2.eq(sigma2, G2.g)) fail('σ₂ is the G2 generator: no contribution to σ, commitments would be forgeable');
  if (!(await sameRatio(curve, G1.g, sigma1, G2.g, sigma2))) fail('σ₁ and σ₂ are not the same σ');
}

/**
 * Checks the key at `zkeyPath` against the circuit and the ptau (see the module comment);
 * throws KeyCheckError naming the first failed check.
 */
export async function checkZkey(r1csPath: string, ptauPath: string, zkeyPath: string, onProgress: (msg: string) => void = () => {}, engine: ProverEngine = setupEngine(), commitment?: CommitmentSpec): Promise<void> {
  const curve = await getCurve();
  const { G1, G2 } = curve;
  const key = readZkey(zkeyPath);
  const spec = key.commitment?.spec;
  if (!commitment !== !spec) fail(commitment ? 'the circuit commits to wires, the key has no commitment' : 'the key has a commitment the circuit does not declare');
  if (commitment && spec && (spec.challengeWire !== commitment.challengeWire || spec.wires.length !== commitment.wires.length || spec.wires.some((w, i) => w !== commitment.wires[i]))) fail('the key’s committed wires or challenge wire are not the circuit’s');
  // Committed wire j → its index in P (−1 for the others).
  const committedAt = new Int32Array(key.nVars).fill(-1);
  spec?.wires.forEach((w, k) => (committedAt[w] = k));
  const r1cs = readFileSync(r1csPath);
  if (r1cs.toString('latin1', 0, 4) !== 'r1cs') fail(`${r1csPath}: not an .r1cs file`);
  // r1cs header (section 1) and constraints (section 2), read here on their own.
  const sections = new Map<number, [number, number]>();
  for (let i = 0, pos = 12, n = r1cs.readUInt32LE(8); i < n; i++) {
    const id = r1cs.readUInt32LE(pos);
    const size = r1cs.readUInt32LE(pos + 4) + r1cs.readUInt32LE(pos + 8) * 2 ** 32;
    sections.set(id, [pos + 12, size]);
    pos += 12 + size;
  }
  const [h0] = sections.get(1) ?? fail(`${r1csPath}: no header`);
  if (r1cs.readUInt32LE(h0) !== 32) fail(`${r1csPath}: not a BN254 circuit`);
  const nVars = r1cs.readUInt32LE(h0 + 36);
  const nPub = r1cs.readUInt32LE(h0 + 40) + r1cs.readUInt32LE(h0 + 44);
  const nC = r1cs.readUInt32LE(h0 + 60);
  const power = requiredPtauPower(nC, nPub);
  const N = 2 ** power;
  if (key.nVars !== nVars || key.nPublic !== nPub || key.domainSize !== N) fail(`key for ${key.nVars} wires, ${key.nPublic} public, domain ${key.domainSize}; the circuit has ${nVars}, ${nPub}, ${N}`);

  const ptau = ptauSections(ptauPath);
  const native = engine === 'native' ? new NativeSetup() : undefined;
  try {
    if (ptau.power < power) fail(`${ptauPath}: power ${ptau.power} < 2^${power}`);
    const g2 = new Uint8Array(128);
    G2.toRprLEM(g2, 0, G2.g);
    if (!sameBytes(key.alpha1, ptau.get(4, 0, 64)) || !sameBytes(key.beta1, ptau.get(5, 0, 64)) || !sameBytes(key.beta2, ptau.get(6, 0, 128))) fail('α₁, β₁ or β₂ is not the ptau’s');
    if (!sameBytes(key.gamma2, g2)) fail('γ₂ is not the G2 generator');
    const delta1 = G1.fromRprLEM(key.delta1, 0);
    const delta2 = G2.fromRprLEM(key.delta2, 0);
    if (G2.eq(delta2, G2.g)) fail('δ₂ is the G2 generator: no phase-2 contribution, proofs would be forgeable');
    if (!(await sameRatio(curve, G1.g, delta1, G2.g, delta2))) fail('δ₁ and δ₂ are not the same δ');
    await checkContributions(curve, key);
    await checkSigma(curve, key);

    onProgress('zkey check: random combinations of the r1cs');
    const rA = randomScalars(nVars);
    const rB1 = randomScalars(nVars);
    const rB2 = randomScalars(nVars);
    const rIC = randomScalars(nPub + 1);
    const rL = randomScalars(nVars - nPub - 1);
    const rH = randomScalars(N);
    const nCommitted = spec?.wires.length ?? 0;
    const rP = randomScalars(nCommitted);
    for (const w of spec?.wires ?? []) {
      if (key.l.subarray(64 * (w - nPub - 1), 64 * (w - nPub)).some((b) => b !== 0)) fail(`committed wire ${w} still has an L point`);
    }
    // Per row i: tau (A, B1, IC's C terms), alpha / beta (IC's B / A terms), G2, and L's three.
    const tau: bigint[] = new Array(N);
    const alphaIC: bigint[] = new Array(N);
    const betaIC: bigint[] = new Array(N);
    const tauG2: bigint[] = new Array(N);
    const tauL: bigint[] = new Array(N);
    const alphaL: bigint[] = new Array(N);
    const betaL: bigint[] = new Array(N);
    const addTo = (arr: bigint[], i: number, v: bigint) => {
      arr[i] = (arr[i] ?? 0n) + v;
    };
    const [c0, cSize] = sections.get(2) ?? fail(`${r1csPath}: no constraints`);
    let pos = c0;
    for (let row = 0; row < nC; row++) {
      for (let m = 0; m < 3; m++) {
        const n = r1cs.readUInt32LE(pos);
        pos += 4;
        for (let t = 0; t < n; t++, pos += 36) {
          const j = r1cs.readUInt32LE(pos);
          if (j >= nVars) fail(`${r1csPath}: wire ${j} out of range`);
          let c = r1cs.readBigUInt64LE(pos + 4) | (r1cs.readBigUInt64LE(pos + 12) << 64n) | (r1cs.readBigUInt64LE(pos + 20) << 128n) | (r1cs.readBigUInt64LE(pos + 28) << 192n);
          if (c > R / 2n) c -= R; // small negatives stay small products
          // Public wires and committed ones (P_j = K_j/γ, γ = 1) against the IC side, the rest against L.
          const k = committedAt[j];
          const pub = j <= nPub || k >= 0;
          const rPub = j <= nPub ? rIC.values[j] : k >= 0 ? rP.values[k] : 0n;
          if (m === 0) {
            addTo(tau, row, rA.values[j] * c);
            if (pub) addTo(betaIC, row, rPub * c);
            else addTo(betaL, row, rL.values[j - nPub - 1] * c);
          } else if (m === 1) {
            addTo(tau, row, rB1.values[j] * c);
            addTo(tauG2, row, rB2.values[j] * c);
            if (pub) addTo(alphaIC, row, rPub * c);
            else addTo(alphaL, row, rL.values[j - nPub - 1] * c);
          } else {
            if (pub) addTo(tau, row, rPub * c);
            else addTo(tauL, row, rL.values[j - nPub - 1] * c);
          }
        }
      }
    }
    if (pos !== c0 + cSize) fail(`${r1csPath}: constraints section size`);
    for (let s = 0; s <= nPub; s++) {
      addTo(tau, nC + s, rA.values[s]);
      addTo(betaIC, nC + s, rIC.values[s]);
    }

    const lag = (id: number, size: number) => ptau.get(id, (N - 1) * size, N * size);
    const lagTau = lag(12, 64);
    const lagAlpha = lag(14, 64);
    const lagBeta = lag(15, 64);
    const level2 = ptau.get(12, (2 * N - 1) * 64, 2 * N * 64);
    const hOdd = new Uint8Array(N * 64);
    for (let i = 0; i < N; i++) hOdd.set(level2.subarray((2 * i + 1) * 64, (2 * i + 2) * 64), i * 64);

    onProgress('zkey check: A, B1, IC');
    const pPoints = key.commitment?.p ?? new Uint8Array(0);
    const lhs1 = await msmOn(native, G1, 'G1', concatBytes(key.a, key.b1, key.ic, pPoints), concatBytes(rA.bytes, rB1.bytes, rIC.bytes, rP.bytes));
    const rhs1 = await msmOn(native, G1, 'G1', concatBytes(lagTau, lagAlpha, lagBeta), concatBytes(scalarBytes(tau, N), scalarBytes(alphaIC, N), scalarBytes(betaIC, N)));
    if (!G1.eq(lhs1, rhs1)) fail(`the A, B1 or IC points are not the circuit’s${key.commitment ? ' (or the commitment’s P points)' : ''}`);
    if (key.commitment) {
      const sp = await msmOn(native, G1, 'G1', key.commitment.sigmaP, rP.bytes);
      const pp = await msmOn(native, G1, 'G1', pPoints, rP.bytes);
      if (G1.isZero(pp) || !(await curve.pairingEq(sp, G2.g, G1.neg(pp), G2.fromRprLEM(key.commitment.sigma2, 0)))) fail('the σ·P points are not σ times the P points');
    }
    onProgress('zkey check: B2');
    const lhs2 = await msmOn(native, G2, 'G2', key.b2, rB2.bytes);
    const rhs2 = await msmOn(native, G2, 'G2', lag(13, 128), scalarBytes(tauG2, N));
    if (!G2.eq(lhs2, rhs2)) fail('the B2 points are not the circuit’s');
    onProgress('zkey check: L and H with δ');
    const lhs3 = await msmOn(native, G1, 'G1', concatBytes(key.l, key.h), concatBytes(rL.bytes, rH.bytes));
    const rhsH = scalarBytes(rH.values, N);
    const rhs3 = await msmOn(native, G1, 'G1', concatBytes(lagTau, lagAlpha, lagBeta, hOdd), concatBytes(scalarBytes(tauL, N), scalarBytes(alphaL, N), scalarBytes(betaL, N), rhsH));
    if (G1.isZero(lhs3) || !(await curve.pairingEq(lhs3, delta2, G1.neg(rhs3), G2.g))) fail('the L or H points are not the circuit’s divided by δ');
  } finally {
    closeSync(ptau.fd);
    await native?.close();
  }
}
