import { pippenger } from '@noble/curves/abstract/curve.js';
import { bn254 } from '@noble/curves/bn254.js';
import { commitmentChallenge, g1ToJson, parseVerificationKey, vkeyHash, type G1Point, type ProofCommitment } from '@zkinfer/verifier';
import type { ChallengeOracle } from '../circuit/commitment-spec.ts';
import { Q, readZkeyCommitment } from './zkey-file.ts';
import type { CommitmentKey } from './zkey-commitment.ts';

/**
 * The prover's side of the BSB22 commitment (docs/lookups-design.md "The commitment"):
 * D = Σ_{j∈J} w_j·P_j and π = Σ_{j∈J} w_j·σ·P_j from the key's sections 12–13, and the
 * challenge oracle of witness mode — D under the proving key, hashed with the other public
 * values and the key's hash exactly as the verifier will (verifier/src/commitment.ts), so the
 * circuit's challenge wire gets the value the verifier recomputes.
 *
 * Here on @noble/curves (synchronous: the oracle is called while a circuit's witness is being
 * built); the native prover computes the same two sums (prover/native/src/groth16.cpp), and
 * tests check both against each other.
 */

const G1 = bn254.G1.Point;
const R_INV = (() => {
  // 2^-256 mod q: LEM coordinates are x·2^256 mod q, little-endian.
  const r = (1n << 256n) % Q;
  let [a, b, x0, x1] = [r, Q, 1n, 0n];
  while (b !== 0n) {
    const t = a / b;
    [a, b, x0, x1] = [b, a - t * b, x1, x0 - t * x1];
  }
  return ((x0 % Q) + Q) % Q;
})();

function leBigint(bytes: Uint8Array, offset: number): bigint {
  let v = 0n;
  for (let k = 31; k >= 0; k--) v = (v << 8n) | BigInt(bytes[offset + k]);
  return v;
}

/** An affine LEM G1 point (the .zkey encoding; all zero bytes: infinity) as a noble point. */
export function g1FromLem(bytes: Uint8Array, offset = 0): G1Point {
  const xm = leBigint(bytes, offset);
  const ym = leBigint(bytes, offset + 32);
  if (xm === 0n && ym === 0n) return G1.ZERO;
  const p = G1.fromAffine({ x: (xm * R_INV) % Q, y: (ym * R_INV) % Q });
  p.assertValidity();
  return p;
}

function points(lem: Uint8Array): G1Point[] {
  return Array.from({ length: lem.length / 64 }, (_, k) => g1FromLem(lem, 64 * k));
}

/** A key's P_j and σ·P_j as noble points, decoded once per key. */
export interface CommitmentBases {
  p: G1Point[];
  sigmaP: G1Point[];
}

export function commitmentBases(c: CommitmentKey): CommitmentBases {
  return { p: points(c.p), sigmaP: points(c.sigmaP) };
}

const SMALL_BITS = 64;

/**
 * Σ k_i·P_i (0 ≤ k_i < r). A lookup's committed values are mostly small (limbs, multiplicities)
 * with a few full-width ones (the blinding wire): noble's pippenger walks all 254 bits for every
 * point, so the small scalars go through buckets over only the bits the largest of them has
 * (w-bit windows, zero digits skipped; Pippenger's bucket method) and the others through
 * noble's pippenger on their own.
 */
export function multiExp(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  const small: number[] = [];
  const big: number[] = [];
  let bits = 0;
  scalars.forEach((k, i) => {
    if (k === 0n) return;
    const b = k.toString(2).length;
    if (b <= SMALL_BITS) {
      small.push(i);
      bits = Math.max(bits, b);
    } else big.push(i);
  });
  let acc = big.length ? pippenger(G1, big.map((i) => points[i]), big.map((i) => scalars[i])) : G1.ZERO;
  if (small.length === 0) return acc;
  const w = Math.max(2, Math.min(bits, Math.floor(Math.log2(small.length)) - 1));
  const mask = (1n << BigInt(w)) - 1n;
  let sum = G1.ZERO;
  for (let shift = Math.ceil(bits / w) * w - w; shift >= 0; shift -= w) {
    for (let d = 0; d < w; d++) sum = sum.double();
    const buckets: (G1Point | undefined)[] = new Array(1 << w);
    for (const i of small) {
      const digit = Number((scalars[i] >> BigInt(shift)) & mask);
      if (digit !== 0) buckets[digit] = buckets[digit] ? buckets[digit]!.add(points[i]) : points[i];
    }
    // Σ_d d·bucket_d as a running sum from the top bucket down.
    let running = G1.ZERO;
    let window = G1.ZERO;
    for (let d = buckets.length - 1; d > 0; d--) {
      if (buckets[d]) running = running.add(buckets[d]!);
      window = window.add(running);
    }
    sum = sum.add(window);
  }
  return acc.add(sum);
}

/** D and π for the committed values (in the order of the key's wire set). */
export function commitmentPoints(bases: CommitmentBases, committed: readonly bigint[]): ProofCommitment {
  if (committed.length !== bases.p.length) throw new RangeError(`commitment: ${committed.length} values for ${bases.p.length} committed wires`);
  return { d: multiExp(bases.p, committed), pok: multiExp(bases.sigmaP, committed) };
}

/**
 * The challenge oracle for witness mode under a key: c = H(tag, D, publics, keyHash) with D of
 * the committed values (commitment-spec.ts ChallengeOracle; `publics` without c's own slot).
 */
export function challengeOracle(c: CommitmentKey, keyHash: string): ChallengeOracle {
  const bases = commitmentBases(c);
  return (committed, publics) => commitmentChallenge(commitmentPoints(bases, committed).d, publics, keyHash);
}

/**
 * The oracle for the circuit whose proving key is at `zkeyPath` and verification key (JSON) is
 * `vkey`: what a lookup circuit is given in witness mode. Throws for a key without a commitment.
 */
export function challengeOracleForKey(zkeyPath: string, vkey: unknown): ChallengeOracle {
  const c = readZkeyCommitment(zkeyPath);
  if (!c) throw new RangeError(`${zkeyPath}: the key has no commitment, so its circuit has no challenge`);
  return challengeOracle(c, vkeyHash(parseVerificationKey(vkey)));
}

/** The proof JSON fields of a commitment: `commitment` (D) and `commitmentPok` (π). */
export function commitmentJson(pc: ProofCommitment): { commitment: string[]; commitmentPok: string[] } {
  return { commitment: g1ToJson(pc.d), commitmentPok: g1ToJson(pc.pok) };
}
