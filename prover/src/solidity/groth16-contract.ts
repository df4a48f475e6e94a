import { readFileSync } from 'node:fs';
import { bn254 } from '@noble/curves/bn254.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { R, vkeyHash, type Groth16Proof, type VerificationKey } from '@zkinfer/verifier';
import { selector } from './abi.ts';
import { g1Words, g2Words, toHex, wordsToBytes } from './words.ts';

/**
 * The one-key Groth16 verifier contract (Groth16Verifier.template.sol, docs/solidity.md "One
 * key, with a BSB22 commitment"): a batch of proofs under one verification key, the key's BSB22
 * commitment checked when it has one, the challenge recomputed with the SHA-256 precompile.
 * The bundle verifier (BundleVerifier.template.sol) stays as it is until the chunk layout
 * names a challenge slot (docs/proof-format.md: chunk keys have nPublic = 7 + T).
 */

const TEMPLATE = readFileSync(new URL('./Groth16Verifier.template.sol', import.meta.url), 'utf8');
export const GROTH16_CONTRACT = 'ZkinferGroth16Verifier';

export const GROTH16_VERIFY_SIGNATURE = 'verify(uint256[],uint256[8][],uint256[4][])';

/** The custom errors of Groth16Verifier.template.sol, for decodeError. */
export const GROTH16_ERROR_SIGNATURES = [
  'WrongLength(uint256,uint256)',
  'CommitmentMismatch(uint256)',
  'NotAFieldElement(uint256)',
  'CoordinateNotBelowP(uint256)',
  'PointAtInfinity(uint256)',
  'PointNotOnCurve(uint256)',
  'WrongChallenge(uint256)',
  'PrecompileFailed(uint256)',
  'ProofsInvalid()',
] as const;

/** The key as the contract's KEY bytes: α, β, γ, δ, IC[0 … nPublic], then σ₂ when it has a commitment. */
export function groth16KeyBytes(vk: VerificationKey): Uint8Array {
  const words = [...g1Words(vk.alpha), ...g2Words(vk.beta), ...g2Words(vk.gamma), ...g2Words(vk.delta), ...vk.ic.flatMap(g1Words)];
  if (vk.commitment) words.push(...g2Words(vk.commitment.sigmaG2));
  return wordsToBytes(words);
}

export function groth16ContractSource(vk: VerificationKey): string {
  // The π terms ride in γ's pairing (e(π, g₂) with γ = g₂, as every key made by zkinfer or snarkjs has).
  if (vk.commitment && !vk.gamma.equals(bn254.G2.Point.BASE)) throw new RangeError('a commitment key needs γ = g₂ (its π terms share γ’s pairing)');
  if (vk.ic.length !== vk.nPublic + 1) throw new RangeError(`the key has ${vk.ic.length} IC points for nPublic ${vk.nPublic}`);
  const fields: Record<string, string> = {
    KEY_HASH: vkeyHash(vk),
    N_PUBLIC: String(vk.nPublic),
    HAS_COMMITMENT: vk.commitment ? 'true' : 'false',
    CHALLENGE_SLOT: String(vk.commitment ? vk.commitment.publicIndex - 1 : 0),
    TWO_256_MOD_R: ((1n << 256n) % R).toString(10),
    KEY: toHex(groth16KeyBytes(vk)),
  };
  return TEMPLATE.replace(/\{\{([A-Z_0-9]+)\}\}/g, (_, name: string) => {
    const v = fields[name];
    if (v === undefined) throw new Error(`template field ${name} has no value`);
    return v;
  });
}

export interface Groth16CallItem {
  proof: Groth16Proof;
  publicSignals: readonly bigint[];
}

/** The verify call's words: publics, proofs and commitments, each a dynamic array (Solidity ABI spec). */
export interface Groth16Call {
  publics: bigint[];
  proofs: bigint[][];
  commitments: bigint[][];
}

export function groth16Call(items: readonly Groth16CallItem[]): Groth16Call {
  return {
    publics: items.flatMap((i) => [...i.publicSignals]),
    proofs: items.map(({ proof }) => [...g1Words(proof.a), ...g2Words(proof.b), ...g1Words(proof.c)]),
    commitments: items.flatMap(({ proof }) => (proof.commitment ? [[...g1Words(proof.commitment.d), ...g1Words(proof.commitment.pok)]] : [])),
  };
}

export function encodeGroth16Call(call: Groth16Call): Uint8Array {
  const head = 3;
  const pubWords = 1 + call.publics.length;
  const proofWords = 1 + 8 * call.proofs.length;
  const words = [
    BigInt(32 * head),
    BigInt(32 * (head + pubWords)),
    BigInt(32 * (head + pubWords + proofWords)),
    BigInt(call.publics.length),
    ...call.publics,
    BigInt(call.proofs.length),
    ...call.proofs.flat(),
    BigInt(call.commitments.length),
    ...call.commitments.flat(),
  ];
  return concatBytes(selector(GROTH16_VERIFY_SIGNATURE), wordsToBytes(words));
}
