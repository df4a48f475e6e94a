import { createHash, randomBytes } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { ChaCha } from 'ffjavascript';
import type { Curve } from './curve.ts';
import type { ContributionRecord, Groth16Key } from './zkey-file.ts';
import { scaleFromScalars } from './zkey-direct.ts';
import type { SetupPool } from './setup-engine.ts';

/** ffjavascript's ChaCha20 generator (untyped module). */
type Rng = unknown;

/**
 * Phase-2 contributions to a Groth16 key, as snarkjs records them (`zkey contribute`,
 * `zkey beacon`; the record layout and transcript learnt from snarkjs 0.7.6's files and
 * verifier, written here from that description):
 *  - a contribution multiplies δ by a secret x: δ₁, δ₂ become x·δ₁, x·δ₂, and every L and H
 *    point is divided by x;
 *  - its record proves knowledge of x: a random G1 point s, s·x, and x·g₂ₛ where g₂ₛ is a
 *    G2 point derived from the transcript (blake2b-512 of the circuit hash, every earlier
 *    record — δ₁ after, s, s·x, x·g₂ₛ uncompressed, transcript — then this s and s·x):
 *    ChaCha20 seeded with the transcript's first 32 bytes as 8 big-endian u32 words, then
 *    ffjavascript's G2.fromRng;
 *  - a beacon's x and s come from ChaCha20 seeded with SHA-256 iterated 2^e times over the
 *    public beacon hash (x = Fr.fromRng, s = G1.fromRng, in that order), so anyone can
 *    recompute them: the last factor is public, and a key is as good as its best secret one.
 * All of a setup's factors are applied to L and H in one pass (one scalar multiplication per
 * point by 1/(x₁·…·x_n·x_beacon)): the same points as one pass per contribution.
 *
 * A key with a BSB22 commitment (zkey-commitment.ts) has a second secret σ, contributed the
 * same way: each contribution also draws y (after x and s from the same generator, so a
 * beacon's y is public too), multiplies [σ]₁, [σ]₂ and every σ·P_j by y, and records [σ]₁
 * after it, s·y and y·g₂ₛ' with g₂ₛ' = G2.fromRng(ChaCha20(blake2b-512(transcript ‖ s·y
 * uncompressed))): the same proof of knowledge as δ's, on its own G2 base. Keys without a
 * commitment draw nothing more: their contributions are snarkjs's, byte for byte.
 */

export interface BeaconParams {
  name?: string;
  /** Hex; 1–255 bytes. */
  hash: string;
  /** 10 ≤ e ≤ 63 (snarkjs's bounds); 2^e SHA-256 iterations. */
  numIterationsExp: number;
}

function uG1(curve: Curve, p: unknown): Uint8Array {
  const b = new Uint8Array(64);
  curve.G1.toRprUncompressed(b, 0, p);
  return b;
}

function uG2(curve: Curve, p: unknown): Uint8Array {
  const b = new Uint8Array(128);
  curve.G2.toRprUncompressed(b, 0, p);
  return b;
}

function lemG1(curve: Curve, p: unknown): Uint8Array {
  const b = new Uint8Array(64);
  curve.G1.toRprLEM(b, 0, curve.G1.toAffine(p));
  return b;
}

function lemG2(curve: Curve, p: unknown): Uint8Array {
  const b = new Uint8Array(128);
  curve.G2.toRprLEM(b, 0, curve.G2.toAffine(p));
  return b;
}

/** ChaCha20 seeded with the first 32 bytes of `seed` as 8 big-endian u32 words. */
export function chachaFrom(seed: Uint8Array): Rng {
  const v = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
  return new ChaCha(Array.from({ length: 8 }, (_, i) => v.getUint32(4 * i, false)));
}

/** One contribution's secret factors: x for δ, y for σ (keys with a commitment only). */
export interface ContributionFactors {
  delta: unknown;
  sigma?: unknown;
}

/** The G2 base of a contribution's σ proof of knowledge: from its transcript and s·y (uncompressed). */
export function sigmaTranscriptG2(curve: Curve, transcript: Uint8Array, g1SyUncompressed: Uint8Array): unknown {
  return transcriptG2(curve, blake2b.create({ dkLen: 64 }).update(transcript).update(g1SyUncompressed).digest());
}

/** The G2 base of a contribution's proof of knowledge, from its transcript. */
export function transcriptG2(curve: Curve, transcript: Uint8Array): unknown {
  return curve.G2.fromRng(chachaFrom(transcript));
}

/** What a record contributes to later transcripts: δ₁ after, s, s·x, x·g₂ₛ (uncompressed), transcript. */
export function hashRecord(h: ReturnType<typeof blake2b.create>, curve: Curve, c: ContributionRecord): void {
  const g1 = (b: Uint8Array) => uG1(curve, curve.G1.fromRprLEM(b, 0));
  h.update(g1(c.deltaAfter)).update(g1(c.g1S)).update(g1(c.g1Sx)).update(uG2(curve, curve.G2.fromRprLEM(c.g2Spx, 0))).update(c.transcript);
}

/** The transcript hasher up to (not including) a new record's s and s·x. */
export function transcriptBefore(curve: Curve, csHash: Uint8Array, records: readonly ContributionRecord[]): ReturnType<typeof blake2b.create> {
  const h = blake2b.create({ dkLen: 64 });
  h.update(csHash);
  for (const c of records) hashRecord(h, curve, c);
  return h;
}

/** The beacon's randomness: SHA-256 applied 2^e times to the hash, as a ChaCha20 seed. */
export function beaconRng(hash: Uint8Array, numIterationsExp: number): Rng {
  let cur: Uint8Array = hash;
  const n = 2 ** numIterationsExp;
  for (let i = 0; i < n; i++) cur = createHash('sha256').update(cur).digest();
  return chachaFrom(cur);
}

function hexBytes(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new RangeError(`beacon hash ${JSON.stringify(hex)} is not hexadecimal bytes`);
  const b = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (b.length > 255) throw new RangeError('beacon hash longer than 255 bytes');
  return b;
}

/**
 * Appends one contribution record to `key` (updating δ₁, δ₂, and σ₁, σ₂ with its σ record for
 * a key with a commitment) with factors and proof base s drawn from `rng`, and returns the
 * factors (Fr elements, Montgomery form). L, H and σ·P are not touched: see applyFactors.
 */
function contributeWith(curve: Curve, key: Groth16Key, rng: Rng, type: 0 | 1, extra: Partial<ContributionRecord>): ContributionFactors {
  const { G1, G2, Fr } = curve;
  const x = Fr.fromRng(rng);
  if (Fr.isZero(x)) throw new RangeError('contribution factor is zero');
  const s = G1.toAffine(G1.fromRng(rng));
  const sx = G1.toAffine(G1.timesFr(s, x));
  const h = transcriptBefore(curve, key.csHash, key.contributions);
  h.update(uG1(curve, s)).update(uG1(curve, sx));
  const transcript = h.digest();
  const spx = G2.timesFr(transcriptG2(curve, transcript), x);
  const delta1 = G1.timesFr(G1.fromRprLEM(key.delta1, 0), x);
  const delta2 = G2.timesFr(G2.fromRprLEM(key.delta2, 0), x);
  key.delta1 = lemG1(curve, delta1);
  key.delta2 = lemG2(curve, delta2);
  key.contributions.push({ deltaAfter: key.delta1, g1S: lemG1(curve, s), g1Sx: lemG1(curve, sx), g2Spx: lemG2(curve, spx), transcript, type, ...extra });
  const c = key.commitment;
  if (!c) return { delta: x };
  const y = Fr.fromRng(rng);
  if (Fr.isZero(y)) throw new RangeError('contribution factor is zero');
  const sy = G1.toAffine(G1.timesFr(s, y));
  const spy = G2.timesFr(sigmaTranscriptG2(curve, transcript, uG1(curve, sy)), y);
  c.sigma1 = lemG1(curve, G1.timesFr(G1.fromRprLEM(c.sigma1, 0), y));
  c.sigma2 = lemG2(curve, G2.timesFr(G2.fromRprLEM(c.sigma2, 0), y));
  c.records.push({ sigmaAfter: c.sigma1, g1Sy: lemG1(curve, sy), g2Spy: lemG2(curve, spy) });
  return { delta: x, sigma: y };
}

/** A contribution from fresh OS randomness (32 bytes seed ChaCha20); returns its factors. */
export function contributeRandom(curve: Curve, key: Groth16Key, name?: string): ContributionFactors {
  return contributeWith(curve, key, chachaFrom(randomBytes(32)), 0, name ? { name } : {});
}

/** The beacon contribution; returns its (public) factors. */
export function contributeBeacon(curve: Curve, key: Groth16Key, beacon: BeaconParams): ContributionFactors {
  const e = beacon.numIterationsExp;
  if (!Number.isInteger(e) || e < 10 || e > 63) throw new RangeError(`beacon iterations exponent ${e} not in [10, 63]`);
  const hash = hexBytes(beacon.hash);
  return contributeWith(curve, key, beaconRng(hash, e), 1, { numIterationsExp: e, beaconHash: hash, ...(beacon.name ? { name: beacon.name } : {}) });
}

/**
 * Divides every L and H point by the product of the δ factors and multiplies every σ·P_j by
 * the product of the σ factors (one scalar multiplication each).
 */
export async function applyFactors(curve: Curve, pool: SetupPool, key: Groth16Key, factors: readonly ContributionFactors[]): Promise<void> {
  const { Fr } = curve;
  let prod = Fr.one;
  let sigma = Fr.one;
  for (const f of factors) {
    prod = Fr.mul(prod, f.delta);
    if (f.sigma !== undefined) sigma = Fr.mul(sigma, f.sigma);
  }
  const inv = new Uint8Array(32);
  Fr.toRprLE(inv, 0, Fr.inv(prod));
  // Keys made from the local ptau's secrets: L and H from their scalars, one comb product per point.
  const g1 = new Uint8Array(64);
  curve.G1.toRprLEM(g1, 0, curve.G1.g);
  const c = key.commitment;
  const sigmaBytes = new Uint8Array(32);
  Fr.toRprLE(sigmaBytes, 0, sigma);
  const direct = await scaleFromScalars(key, pool, BigInt(Fr.toString(Fr.inv(prod))), g1);
  if (direct) [key.l, key.h] = [direct.l, direct.h];
  else [key.l, key.h] = await Promise.all([pool.scale(key.l, inv), pool.scale(key.h, inv)]);
  if (c) c.sigmaP = await pool.scale(c.sigmaP, sigmaBytes);
}
