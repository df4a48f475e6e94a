import { bn254 } from '@noble/curves/bn254.js';
import { VerifyInputError } from './errors.ts';
import { R, P } from './fields.ts';
import { at, readArray, readDecimal, readInt, readLiteral, readObject } from './json.ts';
import type { KeyCommitment, ProofCommitment } from './commitment.ts';
import { g1ToJson, g2ToJson, parseG1, parseG2, type G1Point, type G2Point, type G2SubgroupMemo } from './points.ts';

/** snarkjs groth16 proof and verification-key JSON, parsed strictly (docs/architecture.md "Strict input rules"). */

export interface Groth16Proof {
  a: G1Point;
  b: G2Point;
  c: G1Point;
  /** BSB22 commitment D and its proof of knowledge π (commitment.ts): present iff the key has a commitment. */
  commitment?: ProofCommitment;
}

export interface VerificationKey {
  protocol: 'groth16';
  curve: 'bn128';
  nPublic: number;
  alpha: G1Point;
  beta: G2Point;
  gamma: G2Point;
  delta: G2Point;
  /** IC[0] + Σ signal_i·IC[i] is the public-input point; IC points may be infinity here (see checkKeySafety). */
  ic: G1Point[];
  /** At most one BSB22 commitment (commitment.ts; CVE-2024-45039): the challenge's IC slot and [σ]₂. */
  commitment?: KeyCommitment;
}

/** Largest nPublic accepted: 7 + the 4096-position context of docs/proof-format.md. */
export const MAX_PUBLIC_SIGNALS = 7 + 4096;

/**
 * A snarkjs proof object `{ pi_a, pi_b, pi_c, protocol: "groth16", curve: "bn128" }`, plus for
 * keys with a commitment both `commitment` (D) and `commitmentPok` (π): each one G1 point, not
 * at infinity; one without the other is refused, and so is anything that is not one point
 * (a second commitment has no field to go in).
 */
export function parseProof(json: unknown, path = ''): Groth16Proof {
  const obj = readObject(json, path, ['pi_a', 'pi_b', 'pi_c', 'protocol', 'curve'], ['commitment', 'commitmentPok'], 'bad_proof');
  readLiteral(obj.protocol, at(path, 'protocol'), 'groth16', 'bad_proof');
  readLiteral(obj.curve, at(path, 'curve'), 'bn128', 'bad_proof');
  const proof: Groth16Proof = {
    a: parseG1(obj.pi_a, at(path, 'pi_a')),
    b: parseG2(obj.pi_b, at(path, 'pi_b')),
    c: parseG1(obj.pi_c, at(path, 'pi_c')),
  };
  const hasD = Object.hasOwn(obj, 'commitment');
  if (hasD !== Object.hasOwn(obj, 'commitmentPok')) {
    throw new VerifyInputError('missing_field', at(path, hasD ? 'commitmentPok' : 'commitment'), 'a commitment needs its proof of knowledge, and the reverse');
  }
  if (hasD) proof.commitment = { d: parseG1(obj.commitment, at(path, 'commitment')), pok: parseG1(obj.commitmentPok, at(path, 'commitmentPok')) };
  return proof;
}

/** Exactly `nPublic` canonical decimal strings, each < r. */
export function parsePublicSignals(json: unknown, nPublic: number, path = ''): bigint[] {
  if (!Array.isArray(json)) throw new VerifyInputError('bad_json', path, 'expected an array of public signals');
  if (json.length !== nPublic) {
    throw new VerifyInputError('wrong_signal_count', path, `expected ${nPublic} public signals, got ${json.length}`);
  }
  return json.map((s, i) => readDecimal(s, at(path, i), R, 'bad_field_element', 'a field element'));
}

// snarkjs's vk_alphabeta_12 = e(α, β) in ffjavascript's Fp12 layout: 2 × 3 × 2 coordinates.
function checkAlphaBetaShape(value: unknown, path: string): void {
  const outer = readArray(value, path, 'bad_vkey', { exact: 2 });
  outer.forEach((fp6, i) => {
    readArray(fp6, at(path, i), 'bad_vkey', { exact: 3 }).forEach((fp2, j) => {
      readArray(fp2, at(at(path, i), j), 'bad_vkey', { exact: 2 }).forEach((c, k) => {
        readDecimal(c, at(at(at(path, i), j), k), P, 'bad_coordinate', 'a base-field coordinate');
      });
    });
  });
}

/**
 * A snarkjs `verification_key.json` (groth16 / bn128). snarkjs's `vk_alphabeta_12` is
 * accepted (shape-checked) and dropped: it is derived from α and β, and we recompute it.
 * This does not judge whether the key is safe to trust: see checkKeySafety.
 */
export function parseVerificationKey(json: unknown, path = '', seen: G2SubgroupMemo = new Set()): VerificationKey {
  const obj = readObject(
    json,
    path,
    ['protocol', 'curve', 'nPublic', 'vk_alpha_1', 'vk_beta_2', 'vk_gamma_2', 'vk_delta_2', 'IC'],
    ['vk_alphabeta_12', 'commitment'],
    'bad_vkey',
  );
  readLiteral(obj.protocol, at(path, 'protocol'), 'groth16', 'bad_vkey');
  readLiteral(obj.curve, at(path, 'curve'), 'bn128', 'bad_vkey');
  const nPublic = readInt(obj.nPublic, at(path, 'nPublic'), 'bad_vkey', 0, MAX_PUBLIC_SIGNALS);
  if (obj.vk_alphabeta_12 !== undefined) checkAlphaBetaShape(obj.vk_alphabeta_12, at(path, 'vk_alphabeta_12'));
  const icJson = readArray(obj.IC, at(path, 'IC'), 'bad_vkey', { min: 1, max: MAX_PUBLIC_SIGNALS + 1 });
  return {
    protocol: 'groth16',
    curve: 'bn128',
    nPublic,
    alpha: parseG1(obj.vk_alpha_1, at(path, 'vk_alpha_1')),
    beta: parseG2(obj.vk_beta_2, at(path, 'vk_beta_2'), seen),
    gamma: parseG2(obj.vk_gamma_2, at(path, 'vk_gamma_2'), seen),
    delta: parseG2(obj.vk_delta_2, at(path, 'vk_delta_2'), seen),
    ic: icJson.map((p, i) => parseG1(p, at(at(path, 'IC'), i), { allowInfinity: true })),
    ...(obj.commitment === undefined ? {} : { commitment: parseKeyCommitment(obj.commitment, at(path, 'commitment'), nPublic, seen) }),
  };
}

/** `{ publicIndex, sigmaG2 }`: one commitment (an array of them is not this shape); the slot is a public signal's. */
function parseKeyCommitment(json: unknown, path: string, nPublic: number, seen: G2SubgroupMemo): KeyCommitment {
  const o = readObject(json, path, ['publicIndex', 'sigmaG2'], [], 'bad_vkey');
  const publicIndex = readInt(o.publicIndex, at(path, 'publicIndex'), 'bad_vkey', 1, Math.max(1, nPublic));
  if (publicIndex > nPublic) throw new VerifyInputError('bad_vkey', at(path, 'publicIndex'), `the challenge slot must be a public signal's (1 … ${nPublic})`);
  return { publicIndex, sigmaG2: parseG2(o.sigmaG2, at(path, 'sigmaG2'), seen) };
}

/**
 * Refuses keys that verify forged proofs (throws VerifyInputError `unsafe_key`):
 * - IC.length ≠ nPublic + 1: some signals would not be bound (or the key does not match the layout);
 * - an IC point at infinity: that signal is not bound, any value verifies;
 * - δ = γ or δ = the G2 generator: the key has no phase-2 contribution. snarkjs sets
 *   γ = δ = g2 in `groth16 setup`, and only `zkey contribute` moves δ; with δ = γ, anyone can
 *   pick A, B and solve for C = (A·B − α·β)/δ − L in the exponent without the toxic waste
 *   (the test suite forges such a proof).
 */
export function checkKeySafety(vk: VerificationKey, path = ''): void {
  if (vk.ic.length !== vk.nPublic + 1) {
    throw new VerifyInputError('unsafe_key', at(path, 'IC'), `IC has ${vk.ic.length} points, expected nPublic + 1 = ${vk.nPublic + 1}`);
  }
  vk.ic.forEach((point, i) => {
    if (point.is0()) throw new VerifyInputError('unsafe_key', at(at(path, 'IC'), i), 'IC point at infinity: its public signal would not be bound');
  });
  if (vk.delta.equals(vk.gamma)) {
    throw new VerifyInputError('unsafe_key', at(path, 'vk_delta_2'), 'δ = γ: the key has no phase-2 contribution and proofs can be forged');
  }
  if (vk.delta.equals(bn254.G2.Point.BASE)) {
    throw new VerifyInputError('unsafe_key', at(path, 'vk_delta_2'), 'δ is the G2 generator: the key has no phase-2 contribution and proofs can be forged');
  }
  // σ = 1 (no contribution) makes π = D: the knowledge check would accept any D. σ equal to γ
  // or δ would tie it to another secret of the key.
  const sigma = vk.commitment?.sigmaG2;
  if (sigma && (sigma.equals(bn254.G2.Point.BASE) || sigma.equals(vk.gamma) || sigma.equals(vk.delta))) {
    throw new VerifyInputError('unsafe_key', at(at(path, 'commitment'), 'sigmaG2'), 'σ is 1, γ or δ: the commitment’s proof of knowledge would not bind D');
  }
}

/** snarkjs JSON of a proof (with `commitment` and `commitmentPok` after the rest when it has them). */
export function proofToJson(proof: Groth16Proof): {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: 'groth16';
  curve: 'bn128';
  commitment?: string[];
  commitmentPok?: string[];
} {
  const json = { pi_a: g1ToJson(proof.a), pi_b: g2ToJson(proof.b), pi_c: g1ToJson(proof.c), protocol: 'groth16' as const, curve: 'bn128' as const };
  return proof.commitment ? { ...json, commitment: g1ToJson(proof.commitment.d), commitmentPok: g1ToJson(proof.commitment.pok) } : json;
}

/** The canonical JSON object of a key: exactly these keys in this order (docs/proof-format.md). */
export function verificationKeyToJson(vk: VerificationKey): {
  protocol: 'groth16';
  curve: 'bn128';
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
  commitment?: { publicIndex: number; sigmaG2: string[][] };
} {
  const json = {
    protocol: vk.protocol,
    curve: vk.curve,
    nPublic: vk.nPublic,
    vk_alpha_1: g1ToJson(vk.alpha),
    vk_beta_2: g2ToJson(vk.beta),
    vk_gamma_2: g2ToJson(vk.gamma),
    vk_delta_2: g2ToJson(vk.delta),
    IC: vk.ic.map(g1ToJson),
  };
  return vk.commitment ? { ...json, commitment: { publicIndex: vk.commitment.publicIndex, sigmaG2: g2ToJson(vk.commitment.sigmaG2) } } : json;
}

/**
 * `JSON.stringify` of the key with exactly the keys `protocol, curve, nPublic, vk_alpha_1,
 * vk_beta_2, vk_gamma_2, vk_delta_2, IC` in that order, then `commitment` if the key has one
 * (`publicIndex, sigmaG2`); `vk_alphabeta_12` dropped. The
 * input is parsed strictly first, so two spellings of one key cannot hash differently.
 */
export function canonicalVkeyJson(vkeyJson: unknown): string {
  return JSON.stringify(verificationKeyToJson(parseVerificationKey(vkeyJson)));
}
