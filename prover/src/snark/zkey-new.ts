import { blake2b } from '@noble/hashes/blake2.js';
import { assertCommitmentSpec, type CommitmentSpec } from '../circuit/commitment-spec.ts';
import { R } from '../circuit/field.ts';
import { getCurve, type Curve } from './curve.ts';
import { requiredPtauPower } from './ptau.ts';
import { TWO_ADICITY } from './ptau-scalars.ts';
import { openPtau, type PtauReader } from './ptau-reader.ts';
import { readPtauSecrets, type PtauSecrets } from './ptau-secrets.ts';
import { readR1csTerms, type R1csTerms } from './r1cs-terms.ts';
import { ALPHA_G1, BETA_G1, SOURCE_SHIFT, TAU_G1, TAU_G2 } from './zkey-compose-core.ts';
import type { ProverEngine } from './engine.ts';
import { startSetupPool, type SetupPool } from './setup-engine.ts';
import { wireSetSection } from './zkey-commitment.ts';
import { writeZkey, type Groth16Key } from './zkey-file.ts';
import { directPoints, hScalars, rememberScalars } from './zkey-direct.ts';
import { hashedHDifferences } from './zkey-h-term.ts';

/**
 * Groth16 key generation for one circuit from a prepared powers-of-tau file, before any
 * contribution (δ = γ = 1): the key `snarkjs groth16 setup` (zkey new) writes, computed here
 * from the format. With L_i the Lagrange basis of the domain of N = 2^k rows at τ:
 *  - A_j = Σ_i a_ij·[L_i]₁, B1_j = Σ_i b_ij·[L_i]₁, B2_j = Σ_i b_ij·[L_i]₂;
 *  - C_j = Σ_i (a_ij·[βL_i]₁ + b_ij·[αL_i]₁ + c_ij·[L_i]₁), IC for public wires, C for the rest;
 *  - the rows are the r1cs constraints, then one row per public wire s (ONE included) with
 *    a_{row,s} = 1: snarkjs's "input · 0 = 0" rows that bind every public input;
 *  - H_i = the odd entries of the ptau's level-2N Lagrange tauG1 points: snarkjs computes H on
 *    the odd coset, where these are the quotient's bases;
 *  - circuit hash: blake2b-512 over α₁, β₁, β₂, γ₂, δ₁, δ₂, then per section a big-endian u32
 *    count and the points uncompressed: IC, the H term (τ^i·(τ^N − 1), i < N − 1, from the
 *    ptau's tauG1 powers, as bellman hashes it), C, A, B1, B2.
 * With a BSB22 commitment (zkey-commitment.ts) the committed wires' C points become P_j = K_j/γ
 * (= their C point here: γ = δ = 1) and σ·P_j (σ = 1 until contributions) in sections 12–13,
 * and their L entries the point at infinity; the circuit hash then absorbs those L entries as
 * 64 zero bytes and, after everything above, section 11's bytes and the P_j uncompressed.
 * ptau sections (snarkjs layout): 2 τ^i·G1, 4 α·τ^i·G1, 5 β·τ^i·G1, 6 β·G2, 12–15 the Lagrange
 * forms of τG1, τG2, ατG1, βτG1, level 2^p at offset 2^p − 1 points.
 * Two ways to the same points: the sums above over the ptau's points (any ptau, either engine),
 * or, for a local insecure ptau whose secrets the cache kept, each point from its scalar by
 * one fixed-base product on the native engine (zkey-direct.ts).
 */

/** Per-output term lists (CSR): counts per output and two words per term, in file order. */
interface Program {
  counts: Uint32Array;
  terms: Uint32Array;
}

/** Builds a program over outputs 0…n−1 from the terms `pick` assigns (output, source), plus extras. */
function program(r: R1csTerms, n: number, pick: (t: number) => [number, number] | undefined, extra: [number, number, number, number][] = []): Program {
  const counts = new Uint32Array(n);
  const total = r.matrix.length;
  const chosen = new Int32Array(total).fill(-1);
  const source = new Uint8Array(total);
  for (let t = 0; t < total; t++) {
    const p = pick(t);
    if (!p) continue;
    chosen[t] = p[0];
    source[t] = p[1];
    counts[p[0]]++;
  }
  for (const [out] of extra) counts[out]++;
  const start = new Uint32Array(n + 1);
  for (let j = 0; j < n; j++) start[j + 1] = start[j] + counts[j];
  const terms = new Uint32Array(2 * start[n]);
  const fill = start.slice(0, n);
  for (let t = 0; t < total; t++) {
    const out = chosen[t];
    if (out < 0) continue;
    const k = fill[out]++;
    terms[2 * k] = (source[t] << SOURCE_SHIFT) | r.row[t];
    terms[2 * k + 1] = r.coef[t];
  }
  for (const [out, src, row, coef] of extra) {
    const k = fill[out]++;
    terms[2 * k] = (src << SOURCE_SHIFT) | row;
    terms[2 * k + 1] = coef;
  }
  return { counts, terms };
}

/** Section 4: the A and B terms in file order, then the public rows, each c·R² mod r (R = 2^256). */
function coefficientSection(r: R1csTerms): Uint8Array {
  const R2 = ((1n << 256n) % R) ** 2n % R;
  const cache = new Map<number, Uint8Array>();
  const encoded = (id: number) => {
    let b = cache.get(id);
    if (!b) {
      let v = (r.coefs.values[id] * R2) % R;
      b = new Uint8Array(32);
      for (let k = 0; k < 32; k++, v >>= 8n) b[k] = Number(v & 0xffn);
      cache.set(id, b);
    }
    return b;
  };
  let n = r.nPublic + 1;
  for (let t = 0; t < r.matrix.length; t++) if (r.matrix[t] < 2) n++;
  const out = new Uint8Array(4 + 44 * n);
  const v = new DataView(out.buffer);
  v.setUint32(0, n, true);
  let o = 4;
  const entry = (m: number, row: number, wire: number, id: number) => {
    v.setUint32(o, m, true);
    v.setUint32(o + 4, row, true);
    v.setUint32(o + 8, wire, true);
    out.set(encoded(id), o + 12);
    o += 44;
  };
  for (let t = 0; t < r.matrix.length; t++) if (r.matrix[t] < 2) entry(r.matrix[t], r.row[t], r.wire[t], r.coef[t]);
  for (let s = 0; s <= r.nPublic; s++) entry(0, r.nConstraints + s, s, r.coefs.one);
  return out;
}

/** The key's points as sparse sums of the ptau's Lagrange points over each wire's terms, on the pool. */
async function sparsePoints(r: R1csTerms, pool: SetupPool) {
  const publicRows = (src: number): [number, number, number, number][] => Array.from({ length: r.nPublic + 1 }, (_, s) => [s, src, r.nConstraints + s, r.coefs.one]);
  const progA = program(r, r.nVars, (t) => (r.matrix[t] === 0 ? [r.wire[t], TAU_G1] : undefined), publicRows(TAU_G1));
  const progB1 = program(r, r.nVars, (t) => (r.matrix[t] === 1 ? [r.wire[t], TAU_G1] : undefined));
  const progB2 = { counts: progB1.counts, terms: progB1.terms.slice() };
  for (let k = 0; k < progB2.terms.length; k += 2) progB2.terms[k] = (progB2.terms[k] & ((1 << SOURCE_SHIFT) - 1)) | (TAU_G2 << SOURCE_SHIFT);
  const cSource = [BETA_G1, ALPHA_G1, TAU_G1];
  const progC = program(r, r.nVars, (t) => [r.wire[t], cSource[r.matrix[t]]], publicRows(BETA_G1));
  const [a, b1, b2, c] = await Promise.all([pool.compose('G1', progA.counts, progA.terms), pool.compose('G1', progB1.counts, progB1.terms), pool.compose('G2', progB2.counts, progB2.terms), pool.compose('G1', progC.counts, progC.terms)]);
  return { a, b1, b2, c };
}

/** The secrets kept beside the ptau (ptau-secrets.ts) if they give its τ·G1, α·G1 and β·G1 points; else undefined. */
function trustedSecrets(ptauPath: string, ptau: PtauReader, curve: Curve): PtauSecrets | undefined {
  const s = readPtauSecrets(ptauPath);
  if (!s) return undefined;
  const gives = (k: bigint, section: number, index: number) => {
    const p = new Uint8Array(64);
    curve.G1.toRprLEM(p, 0, curve.G1.toAffine(curve.G1.timesScalar(curve.G1.g, k)));
    return Buffer.from(p).equals(Buffer.from(ptau.read(section, index * 64, 64)));
  };
  return gives(s.tau, 2, 1) && gives(s.alpha, 4, 0) && gives(s.beta, 5, 0) ? s : undefined;
}

let smallCurve: Promise<Curve> | undefined;
/** A single-threaded curve for the few single-point conversions (no worker threads). */
export function pointCurve(): Promise<Curve> {
  smallCurve ??= getCurve(true);
  return smallCurve;
}

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

/**
 * The initial key (no contribution) of the circuit in `r1csPath` from the prepared ptau at
 * `ptauPath`, with the pool's threads on `engine` (default: setup-engine.ts's choice, native
 * where built). The pool is the caller's (contributions reuse it).
 */
export async function composeInitialKey(r1csPath: string, ptauPath: string, threads?: number, onProgress: (msg: string) => void = () => {}, engine?: ProverEngine, commitment?: CommitmentSpec): Promise<{ key: Groth16Key; pool: SetupPool }> {
  const r = readR1csTerms(r1csPath);
  if (commitment) assertCommitmentSpec(commitment, r.nPublic, r.nVars);
  const power = requiredPtauPower(r.nConstraints, r.nPublic);
  const ptau = openPtau(ptauPath);
  let pool: SetupPool | undefined;
  try {
    if (power > ptau.power) throw new RangeError(`${ptauPath}: power ${ptau.power} is too small for a circuit of domain 2^${power}`);
    if (power >= TWO_ADICITY) throw new RangeError(`a circuit of domain 2^${power} is too large for BN254`);
    const N = 2 ** power;
    if (r.nConstraints + r.nPublic + 1 > N) throw new RangeError('r1cs rows exceed the domain');
    const curve = await pointCurve();
    const level = (section: number, size: number) => ptau.read(section, (N - 1) * size, N * size);
    onProgress(`zkey new: ${r.nConstraints} constraints, ${r.nVars} wires, ${r.matrix.length} terms, domain 2^${power}`);
    pool = await startSetupPool({ sources: [level(12, 64), level(13, 128), level(14, 64), level(15, 64)], magnitude: r.coefs.magnitude, length: r.coefs.length, negative: r.coefs.negative }, threads, engine);

    const nPub = r.nPublic;
    const g1 = new Uint8Array(64);
    curve.G1.toRprLEM(g1, 0, curve.G1.g);
    const g2 = new Uint8Array(128);
    curve.G2.toRprLEM(g2, 0, curve.G2.g);
    const secrets = pool.comb ? trustedSecrets(ptauPath, ptau, curve) : undefined;
    onProgress(`zkey new: A, B1, B2, C points (${secrets ? "from the local ptau's secrets, one fixed-base product per point" : 'sparse sums of ptau points'})`);
    const { a, b1, b2, c, cScalars } = secrets && pool.comb ? await directPoints(r, power, secrets, { comb: pool.comb.bind(pool) }, { g1, g2 }) : { ...(await sparsePoints(r, pool)), cScalars: undefined };
    const icEnd = (nPub + 1) * 64;

    // H: odd entries of level 2N of section 12; its hash term from the tauG1 powers.
    const level2 = ptau.read(12, (2 * N - 1) * 64, 2 * N * 64);
    const h = new Uint8Array(N * 64);
    for (let i = 0; i < N; i++) h.set(level2.subarray((2 * i + 1) * 64, (2 * i + 2) * 64), i * 64);
    const hHash = await hashedHDifferences(ptau, N, pool);

    // The committed wires' points move from L to P (zkey-commitment.ts); hashed L entries are zero.
    const l = c.lem.slice(icEnd);
    const lHashed = c.u.slice(icEnd);
    const committed = commitment?.wires ?? [];
    const p = new Uint8Array(64 * committed.length);
    const pHashed = new Uint8Array(64 * committed.length);
    committed.forEach((j, k) => {
      p.set(c.lem.subarray(64 * j, 64 * (j + 1)), 64 * k);
      pHashed.set(c.u.subarray(64 * j, 64 * (j + 1)), 64 * k);
      const at = 64 * (j - nPub - 1);
      l.fill(0, at, at + 64);
      lHashed.fill(0, at, at + 64);
    });
    const key: Groth16Key = {
      nVars: r.nVars,
      nPublic: nPub,
      domainSize: N,
      alpha1: ptau.read(4, 0, 64),
      beta1: ptau.read(5, 0, 64),
      beta2: ptau.read(6, 0, 128),
      gamma2: g2,
      delta1: g1,
      delta2: g2.slice(),
      ic: c.lem.slice(0, icEnd),
      coefs: coefficientSection(r),
      a: a.lem,
      b1: b1.lem,
      b2: b2.lem,
      l,
      h,
      csHash: new Uint8Array(64),
      contributions: [],
    };
    if (commitment) key.commitment = { spec: { wires: [...commitment.wires], challengeWire: commitment.challengeWire }, p, sigmaP: p.slice(), sigma1: g1.slice(), sigma2: g2.slice(), records: [] };
    const hasher = blake2b.create({ dkLen: 64 });
    const uG1 = (p: Uint8Array) => curve.G1.toUncompressed(curve.G1.fromRprLEM(p, 0)) as Uint8Array;
    const uG2 = (p: Uint8Array) => curve.G2.toUncompressed(curve.G2.fromRprLEM(p, 0)) as Uint8Array;
    for (const p of [uG1(key.alpha1), uG1(key.beta1), uG2(key.beta2), uG2(key.gamma2), uG1(key.delta1), uG2(key.delta2)]) hasher.update(p);
    hasher.update(u32be(nPub + 1)).update(c.u.subarray(0, icEnd));
    hasher.update(u32be(N - 1)).update(hHash);
    hasher.update(u32be(r.nVars - nPub - 1)).update(lHashed);
    hasher.update(u32be(r.nVars)).update(a.u);
    hasher.update(u32be(r.nVars)).update(b1.u);
    hasher.update(u32be(r.nVars)).update(b2.u);
    if (commitment) hasher.update(wireSetSection(commitment)).update(pHashed);
    key.csHash = hasher.digest();
    if (secrets && cScalars) {
      // The contribution rewrites L from these scalars: committed wires' L entries stay the identity.
      const lScalars = cScalars.slice(nPub + 1);
      for (const j of committed) lScalars[j - nPub - 1] = 0n;
      rememberScalars(key, lScalars, hScalars(secrets.tau, power, ptau.power));
    }
    return { key, pool };
  } catch (err) {
    await pool?.close();
    throw err;
  } finally {
    ptau.close();
  }
}

/** The initial key alone, written in `zkey new`'s section order (the reference for tests and benches). */
export async function writeInitialZkey(r1csPath: string, ptauPath: string, zkeyPath: string, threads?: number, engine?: ProverEngine, commitment?: CommitmentSpec): Promise<Groth16Key> {
  const { key, pool } = await composeInitialKey(r1csPath, ptauPath, threads, undefined, engine, commitment);
  await pool.close();
  writeZkey(zkeyPath, key, 'new');
  return key;
}
