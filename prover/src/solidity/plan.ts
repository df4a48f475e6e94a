import { bn254 } from '@noble/curves/bn254.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { modelTag, nPublicForCtx, type Manifest, type VerificationKey } from '@zkinfer/verifier';
import { g1Words, g2Words, wordsToBytes } from './words.ts';

/**
 * What the exported contract of a manifest is made of (docs/solidity.md): one key blob per
 * distinct verification key (deployed as contract code, so the verifier stays under EIP-170's
 * 24,576 bytes whatever the number of keys), which key each chunk uses, and the "slots":
 * the distinct G2 points among the keys' β, γ and δ. Pairings with one G2 point merge into
 * one, so with snarkjs keys (β and γ shared by every key of a ptau) a bundle needs
 * chunks + 2 + distinct δ pairs.
 */

export interface ContractKey {
  /** The manifest's vkeyHash (SHA-256 of canonicalVkeyJson). */
  vkeyHash: string;
  /** Contract code: a STOP byte (calling it does nothing), then α, β, γ, δ, IC[0] + modelTag·IC[1], IC[2..] (EIP-196/197 words). */
  code: Uint8Array;
  /** keccak256 of the code: what EXTCODEHASH returns for the deployed key contract. */
  codeHash: Uint8Array;
  /** Slots of β, γ, δ. */
  slots: [number, number, number];
  /** Index of its α group (keys with the same α and β slot: s_j·α_j summed into one scalar multiplication). */
  alphaGroup: number;
  /** Slot of its σ₂ when it has a BSB22 commitment (LogUp keys; docs/solidity.md "Commitments in the bundle"). */
  sigmaSlot?: number;
}

export interface ContractPlan {
  modelId: string;
  name: string;
  ctx: number;
  vocabSize: number;
  modelTag: bigint;
  keys: ContractKey[];
  /** Key index of every chunk. */
  chunkKeys: number[];
  /** Per slot: the key whose blob holds the point and its byte offset in the blob (after the STOP byte). */
  slotSources: { key: number; offset: number }[];
  /** Per α group: the key whose blob holds α, and the group's β slot. */
  alphaGroups: { key: number; slot: number }[];
  /** Bits of the small public inputs (nPrompt, nGenerated ≤ ctx; tokens < vocabSize): their double-and-add length. */
  smallScalarBits: number;
  /** keccak256 of the keys' code hashes, concatenated: binds the batch transcript to the keys. */
  keysDigest: Uint8Array;
  /** Every key has a BSB22 commitment (a LogUp package): the call carries one (D, π) per chunk. */
  commitments: boolean;
}

/** Byte offsets in a key blob (after the STOP byte) of β, γ, δ. */
const G2_OFFSETS = [64, 192, 320] as const;

/**
 * The key as contract code. modelTag is the same constant signal in every chunk, so its IC
 * point is folded into IC[0] here (vk_x = (IC[0] + modelTag·IC[1]) + Σ_{i≥2} x_i·IC[i]):
 * the contract saves one scalar multiplication per key and the code hash still fixes it.
 * A commitment key's IC runs to IC[8 + T] (the challenge's point) and σ₂ follows it.
 */
export function keyBlob(vk: VerificationKey, modelTag: bigint): Uint8Array {
  const tagged = vk.ic[0].add(vk.ic[1].multiplyUnsafe(modelTag));
  const words = [...g1Words(vk.alpha), ...g2Words(vk.beta), ...g2Words(vk.gamma), ...g2Words(vk.delta), ...g1Words(tagged), ...vk.ic.slice(2).flatMap(g1Words)];
  if (vk.commitment) words.push(...g2Words(vk.commitment.sigmaG2));
  const body = wordsToBytes(words);
  const code = new Uint8Array(1 + body.length);
  code.set(body, 1); // code[0] = 0x00, STOP
  return code;
}

export function planContract(manifest: Manifest): ContractPlan {
  const nPublic = nPublicForCtx(manifest.ctx);
  const tag = modelTag(manifest.modelId);
  const keyIndex = new Map<string, number>();
  const distinct: VerificationKey[] = [];
  const keys: ContractKey[] = [];
  const chunkKeys = manifest.chunks.map((c) => {
    let j = keyIndex.get(c.vkeyHash);
    if (j === undefined) {
      // A commitment key has one more public input, the challenge, last (decisions.md 22).
      const want = c.vkey.commitment ? nPublic + 1 : nPublic;
      if (c.vkey.nPublic !== want || c.vkey.ic.length !== want + 1) throw new RangeError(`chunk ${c.index}: key has nPublic ${c.vkey.nPublic}, the layout ${want}`);
      if (c.vkey.commitment && c.vkey.commitment.publicIndex !== want) throw new RangeError(`chunk ${c.index}: the challenge is public ${c.vkey.commitment.publicIndex}, not the last (${want})`);
      // The π terms ride in γ's pairing (e(π, g₂) with γ = g₂, as every key zkinfer or snarkjs makes has).
      if (c.vkey.commitment && !c.vkey.gamma.equals(bn254.G2.Point.BASE)) throw new RangeError(`chunk ${c.index}: a commitment key needs γ = g₂`);
      j = distinct.length;
      keyIndex.set(c.vkeyHash, j);
      distinct.push(c.vkey);
      const code = keyBlob(c.vkey, tag);
      keys.push({ vkeyHash: c.vkeyHash, code, codeHash: keccak_256(code), slots: [0, 0, 0], alphaGroup: 0 });
    }
    return j;
  });
  if (keys.length > 255 || chunkKeys.length > 256) throw new RangeError('more keys or chunks than the contract encodes (255 keys, 256 chunks)');
  // One call shape per contract: every chunk carries (D, π) or none does (gnark's CVE-2024-45039
  // came from a verifier that let the proof decide how many commitments to check).
  const commitments = distinct.some((vk) => vk.commitment !== undefined);
  if (commitments && !distinct.every((vk) => vk.commitment !== undefined)) throw new RangeError('some chunk keys have a commitment and some not: the contract takes one kind');

  const slotSources: { key: number; offset: number }[] = [];
  const slotPoints: VerificationKey['beta'][] = [];
  distinct.forEach((vk, j) => {
    [vk.beta, vk.gamma, vk.delta].forEach((point, which) => {
      let slot = slotPoints.findIndex((q) => q.equals(point));
      if (slot < 0) {
        slot = slotPoints.length;
        slotPoints.push(point);
        slotSources.push({ key: j, offset: G2_OFFSETS[which] });
      }
      keys[j].slots[which] = slot;
    });
  });
  // σ₂ of each commitment key: its slot's sum is −Σρ'_k·D_k (the knowledge check's side).
  distinct.forEach((vk, j) => {
    if (!vk.commitment) return;
    let slot = slotPoints.findIndex((q) => q.equals(vk.commitment!.sigmaG2));
    if (slot < 0) {
      slot = slotPoints.length;
      slotPoints.push(vk.commitment.sigmaG2);
      slotSources.push({ key: j, offset: 448 + 64 * vk.nPublic }); // after IC[nPublic] (384 + 64·i)
    }
    keys[j].sigmaSlot = slot;
  });
  if (slotPoints.length > 255) throw new RangeError('more than 255 distinct G2 points');

  // snarkjs keys of one ptau share α and β (phase 1): Σ_j s_j·α_j is then one multiplication.
  const alphaGroups: { key: number; slot: number }[] = [];
  distinct.forEach((vk, j) => {
    let g = alphaGroups.findIndex((a) => a.slot === keys[j].slots[0] && distinct[a.key].alpha.equals(vk.alpha));
    if (g < 0) {
      g = alphaGroups.length;
      alphaGroups.push({ key: j, slot: keys[j].slots[0] });
    }
    keys[j].alphaGroup = g;
  });
  const smallScalarBits = Math.max(manifest.ctx, manifest.architecture.vocabSize - 1, 1).toString(2).length;

  const hashes = new Uint8Array(32 * keys.length);
  keys.forEach((k, j) => hashes.set(k.codeHash, 32 * j));
  return {
    modelId: manifest.modelId,
    name: manifest.name,
    ctx: manifest.ctx,
    vocabSize: manifest.architecture.vocabSize,
    modelTag: tag,
    keys,
    chunkKeys,
    slotSources,
    alphaGroups,
    smallScalarBits,
    keysDigest: keccak_256(hashes),
    commitments,
  };
}
