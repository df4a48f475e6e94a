import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { R } from './fields.ts';
import type { G1Point, G2Point } from './points.ts';

/**
 * The BSB22 commitment inside a Groth16 proof (Belling–Soleimanian–Bégassat, ePrint 2022/1072;
 * docs/lookups-design.md "The commitment", docs/proof-format.md "Commitment"): the verifier's
 * side of it, shared with the prover (which must derive the same challenge in witness mode).
 *
 * A key with a commitment carries `[σ]₂` and the IC slot of the challenge wire; a proof under
 * it carries D = Σ_{j∈J} w_j·P_j (P_j = K_j/γ, so D joins the public-input sum) and
 * π = Σ_{j∈J} w_j·σ·P_j (the proof of knowledge, e(D, [σ]₂) = e(π, [1]₂)). Exactly one
 * commitment per key and per proof (gnark's CVE-2024-45039, GHSA-q3hw-3gm4-w5cr: with several,
 * a prover chooses the later ones after seeing earlier challenges).
 */

/** A verification key's commitment part. */
export interface KeyCommitment {
  /** The IC slot (1 … nPublic) of the challenge wire: public signal `publicIndex − 1`. */
  publicIndex: number;
  /** [σ]₂: σ is made and contributed in phase 2 like δ. */
  sigmaG2: G2Point;
}

/** A proof's commitment part. */
export interface ProofCommitment {
  /** D = Σ_{j∈J} w_j·P_j. */
  d: G1Point;
  /** π = Σ_{j∈J} w_j·σ·P_j. */
  pok: G1Point;
}

/** Domain-separation tag of the challenge hash (version 1 of this encoding). */
export const CHALLENGE_TAG = 'zkinfer/bsb22-challenge/v1';

function be32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let k = 31; k >= 0; k--, v >>= 8n) out[k] = Number(v & 0xffn);
  return out;
}

function hexBytes(hex: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError('challenge: key hash must be 64 lowercase hex digits (the manifest’s vkeyHash)');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * c = H(tag, D, x_1 … x_n, keyHash) mod r, where x are the public signals with the challenge's
 * own slot left out and keyHash is the key's vkeyHash (SHA-256 of its canonical JSON, which
 * includes the commitment part). Encoding: the UTF-8 tag, a zero byte, D as x ‖ y (32-byte
 * big-endian affine coordinates, as EIP-197 words), a 4-byte big-endian count n, the n signals
 * as 32-byte big-endian words, the 32 bytes of keyHash. H widens SHA-256 to 512 bits,
 * SHA-256(m ‖ 0x00) ‖ SHA-256(m ‖ 0x01) read big-endian, so that the reduction mod r is uniform
 * to within 2^-256. D at infinity is refused (an honest D, blinded, is never there).
 */
export function commitmentChallenge(d: G1Point, publicsWithoutChallenge: readonly bigint[], keyHashHex: string): bigint {
  if (d.is0()) throw new RangeError('challenge: commitment at infinity');
  const { x, y } = d.toAffine();
  const tag = utf8ToBytes(CHALLENGE_TAG);
  const n = publicsWithoutChallenge.length;
  const msg = new Uint8Array(tag.length + 1 + 64 + 4 + 32 * n + 32 + 1);
  let o = 0;
  msg.set(tag, o);
  o += tag.length + 1;
  msg.set(be32(x), o);
  msg.set(be32(y), o + 32);
  o += 64;
  new DataView(msg.buffer).setUint32(o, n, false);
  o += 4;
  for (const s of publicsWithoutChallenge) {
    if (s < 0n || s >= R) throw new RangeError('challenge: public signal is not a field element');
    msg.set(be32(s), o);
    o += 32;
  }
  msg.set(hexBytes(keyHashHex), o);
  o += 32;
  msg[o] = 0;
  const lo = sha256(msg);
  msg[o] = 1;
  const hi = sha256(msg);
  let wide = 0n;
  for (const b of lo) wide = (wide << 8n) | BigInt(b);
  for (const b of hi) wide = (wide << 8n) | BigInt(b);
  return wide % R;
}

/** The signals without the challenge's slot (`publicIndex − 1`), in order. */
export function withoutChallenge(signals: readonly bigint[], publicIndex: number): bigint[] {
  return signals.filter((_, i) => i !== publicIndex - 1);
}
