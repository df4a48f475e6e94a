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
}

/** Byte offsets in a key blob (after the STOP byte) of β, γ, δ. */
const G2_OFFSETS = [64, 192, 320] as const;

/**
 * The key as contract code. modelTag is the same constant signal in every chunk, so its IC
 * point is folded into IC[0] here (vk_x = (IC[0] + modelTag·IC[1]) + Σ_{i≥2} x_i·IC[i]):
 * the contract saves one scalar multiplication per key and the code hash still fixes it.
 */
export function keyBlob(vk: VerificationKey, modelTag: bigint): Uint8Array {
  const tagged = vk.ic[0].add(vk.ic[1].multiplyUnsafe(modelTag));
  const words = [...g1Words(vk.alpha), ...g2Words(vk.beta), ...g2Words(vk.gamma), ...g2Words(vk.delta), ...g1Words(tagged), ...vk.ic.slice(2).flatMap(g1Words)];
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
      if (c.vkey.nPublic !== nPublic || c.vkey.ic.length !== nPublic + 1) throw new RangeError(`chunk ${c.index}: key has nPublic ${c.vkey.nPublic}, the layout ${nPublic}`);
      j = distinct.length;
      keyIndex.set(c.vkeyHash, j);
      distinct.push(c.vkey);
      const code = keyBlob(c.vkey, tag);
      keys.push({ vkeyHash: c.vkeyHash, code, codeHash: keccak_256(code), slots: [0, 0, 0], alphaGroup: 0 });
    }
    return j;
  });
  if (keys.length > 255 || chunkKeys.length > 256) throw new RangeError('more keys or chunks than the contract encodes (255 keys, 256 chunks)');

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
  };
}
