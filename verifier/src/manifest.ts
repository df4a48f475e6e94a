import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { VerifyInputError } from './errors.ts';
import { checkKeySafety, parseVerificationKey, verificationKeyToJson, type VerificationKey } from './groth16-json.ts';
import { at, readArray, readBoolean, readHex64, readInt, readLiteral, readObject, readString } from './json.ts';
import { MAX_CTX, MAX_VOCAB, nPublicForCtx } from './layout.ts';
import type { G2SubgroupMemo } from './points.ts';

/** The model manifest of docs/proof-format.md, parsed field by field. */

export type Family = 'gemma3' | 'llama';

export interface Architecture {
  family: Family;
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  ffnDim: number;
  parameters: number;
}

export type Detokenizer = { kind: 'bytes' } | { kind: 'sentencepiece'; pieces: string[] };

export interface ManifestChunk {
  index: number;
  constraints: number;
  circuitHash: string;
  vkeyHash: string;
  vkey: VerificationKey;
}

export interface Manifest {
  version: 1;
  modelId: string;
  name: string;
  architecture: Architecture;
  ctx: number;
  /**
   * Position chunks (docs/proof-format.md "Position prefixes"): chunk i runs kind i mod K at
   * position ⌊i / K⌋ of the ctx, so a bundle may prove only the positions its statement reads.
   * Absent for layer-major packages, whose bundles carry every chunk.
   */
  chunksPerPosition?: number;
  detokenizer?: Detokenizer;
  ptau: { power: number; sha256: string; insecure: boolean };
  chunks: ManifestChunk[];
}

/** Most chunk circuits one manifest may list (bounds work per registration and per bundle). */
export const MAX_CHUNKS = 256;
const MAX_DIM = 1 << 20;

const FAMILIES: readonly Family[] = ['gemma3', 'llama'];

function dim(obj: Record<string, unknown>, key: string, path: string, max = MAX_DIM): number {
  return readInt(obj[key], at(path, key), 'bad_manifest', 1, max);
}

function parseArchitecture(json: unknown, path: string): Architecture {
  const keys = ['family', 'vocabSize', 'dModel', 'nLayers', 'nHeads', 'nKvHeads', 'headDim', 'ffnDim', 'parameters'];
  const o = readObject(json, path, keys, [], 'bad_manifest');
  const family = readString(o.family, at(path, 'family'), 'bad_manifest');
  if (!FAMILIES.includes(family as Family)) {
    throw new VerifyInputError('bad_manifest', at(path, 'family'), `expected one of ${FAMILIES.join(', ')}`);
  }
  const arch: Architecture = {
    family: family as Family,
    vocabSize: dim(o, 'vocabSize', path, MAX_VOCAB),
    dModel: dim(o, 'dModel', path),
    nLayers: dim(o, 'nLayers', path),
    nHeads: dim(o, 'nHeads', path),
    nKvHeads: dim(o, 'nKvHeads', path),
    headDim: dim(o, 'headDim', path),
    ffnDim: dim(o, 'ffnDim', path),
    parameters: readInt(o.parameters, at(path, 'parameters'), 'bad_manifest', 1, Number.MAX_SAFE_INTEGER),
  };
  // Grouped-query attention shares each KV head among nHeads / nKvHeads query heads.
  if (arch.nHeads % arch.nKvHeads !== 0) {
    throw new VerifyInputError('bad_manifest', at(path, 'nKvHeads'), `nKvHeads ${arch.nKvHeads} does not divide nHeads ${arch.nHeads}`);
  }
  return arch;
}

function parseDetokenizer(json: unknown, path: string, vocabSize: number): Detokenizer {
  const kind = readObject(json, path, ['kind'], ['pieces'], 'bad_manifest').kind;
  if (kind === 'bytes') {
    readObject(json, path, ['kind'], [], 'bad_manifest');
    return { kind };
  }
  readLiteral(kind, at(path, 'kind'), 'sentencepiece', 'bad_manifest');
  const o = readObject(json, path, ['kind', 'pieces'], [], 'bad_manifest');
  const pieces = readArray(o.pieces, at(path, 'pieces'), 'bad_manifest', { exact: vocabSize }).map((p, i) =>
    readString(p, at(at(path, 'pieces'), i), 'bad_manifest'),
  );
  return { kind: 'sentencepiece', pieces };
}

// 1..100 printable characters: no control characters, lone surrogates or line separators.
const NAME = /^[^\p{Cc}\p{Cs}\p{Zl}\p{Zp}]{1,100}$/u;

/** SHA-256 hex of canonicalVkeyJson(vk), the manifest's `vkeyHash`. */
export function vkeyHash(vk: VerificationKey): string {
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(verificationKeyToJson(vk)))));
}

/**
 * One chunk entry. `vkey` may be omitted when an earlier chunk carries the key with the same
 * `vkeyHash` (position chunks share a key per kind, docs/proof-format.md); `keys` maps the
 * hashes seen so far to their parsed keys.
 */
function parseChunk(json: unknown, path: string, i: number, nPublic: number, seen: G2SubgroupMemo, keys: Map<string, VerificationKey>): ManifestChunk {
  const o = readObject(json, path, ['index', 'constraints', 'circuitHash', 'vkeyHash'], ['vkey'], 'bad_manifest');
  const index = readInt(o.index, at(path, 'index'), 'bad_manifest', 0, MAX_CHUNKS);
  if (index !== i) throw new VerifyInputError('bad_manifest', at(path, 'index'), `expected index ${i} (chain order), got ${index}`);
  const constraints = readInt(o.constraints, at(path, 'constraints'), 'bad_manifest', 1, 2 ** 28);
  const circuitHash = readHex64(o.circuitHash, at(path, 'circuitHash'), 'bad_manifest');
  const hash = readHex64(o.vkeyHash, at(path, 'vkeyHash'), 'bad_manifest');
  if (o.vkey === undefined) {
    const shared = keys.get(hash);
    if (!shared) throw new VerifyInputError('bad_manifest', at(path, 'vkey'), `missing, and no earlier chunk has vkeyHash ${hash}`);
    return { index, constraints, circuitHash, vkeyHash: hash, vkey: shared };
  }
  const vkey = parseVerificationKey(o.vkey, at(path, 'vkey'), seen);
  // A key with a BSB22 commitment has one more public input, the challenge, last (after the
  // layout's 7 + ctx; docs/proof-format.md "Commitment"): a bundle never carries it, verifyBundle appends it.
  const want = vkey.commitment ? nPublic + 1 : nPublic;
  if (vkey.nPublic !== want) {
    const what = vkey.commitment ? `7 + ctx + 1 (the challenge) = ${want}` : `7 + ctx = ${want}`;
    throw new VerifyInputError('wrong_signal_count', at(at(path, 'vkey'), 'nPublic'), `expected nPublic = ${what}, got ${vkey.nPublic}`);
  }
  if (vkey.commitment && vkey.commitment.publicIndex !== want) {
    throw new VerifyInputError('bad_manifest', at(at(path, 'vkey'), 'commitment'), `the challenge must be the last public input (${want}), not ${vkey.commitment.publicIndex}`);
  }
  checkKeySafety(vkey, at(path, 'vkey'));
  if (vkeyHash(vkey) !== hash) {
    throw new VerifyInputError('bad_manifest', at(path, 'vkeyHash'), 'does not equal SHA-256 of canonicalVkeyJson(vkey)');
  }
  if (!keys.has(hash)) keys.set(hash, vkey);
  return { index, constraints, circuitHash, vkeyHash: hash, vkey };
}

/**
 * K of a position-chunk manifest: the chunks are ctx positions × K kinds in position-major
 * order, and every position runs the same K circuits (one circuit and key per kind). A manifest
 * that claims this for chunks that are not so is refused: bundles of it may leave positions out.
 */
function parseChunksPerPosition(json: unknown, ctx: number, chunks: readonly ManifestChunk[]): number {
  const k = readInt(json, 'chunksPerPosition', 'bad_manifest', 1, MAX_CHUNKS);
  if (chunks.length !== ctx * k) {
    throw new VerifyInputError('bad_manifest', 'chunksPerPosition', `${chunks.length} chunks are not ctx ${ctx} × ${k} kinds`);
  }
  chunks.forEach((c, i) => {
    const first = chunks[i % k];
    if (c.circuitHash !== first.circuitHash || c.vkeyHash !== first.vkeyHash) {
      throw new VerifyInputError('bad_manifest', at('chunks', i), `a position chunk of kind ${i % k} must share chunk ${i % k}'s circuit and key`);
    }
  });
  return k;
}

/**
 * Parses and checks a model manifest: every field, every key (strict points, layout nPublic,
 * checkKeySafety), each vkeyHash, chunk indices in chain order. Throws VerifyInputError.
 */
export function parseManifest(json: unknown): Manifest {
  const o = readObject(
    json,
    '',
    ['version', 'modelId', 'name', 'architecture', 'ctx', 'ptau', 'chunks'],
    ['chunksPerPosition', 'detokenizer'],
    'bad_manifest',
  );
  readLiteral(o.version, 'version', 1, 'bad_manifest');
  const modelId = readHex64(o.modelId, 'modelId', 'bad_manifest');
  const name = readString(o.name, 'name', 'bad_manifest');
  if (!NAME.test(name)) throw new VerifyInputError('bad_manifest', 'name', 'expected 1..100 printable characters');
  const architecture = parseArchitecture(o.architecture, 'architecture');
  const ctx = readInt(o.ctx, 'ctx', 'bad_manifest', 1, MAX_CTX);
  const detokenizer = o.detokenizer === undefined ? undefined : parseDetokenizer(o.detokenizer, 'detokenizer', architecture.vocabSize);
  const p = readObject(o.ptau, 'ptau', ['power', 'sha256', 'insecure'], [], 'bad_manifest');
  const ptau = {
    power: readInt(p.power, 'ptau.power', 'bad_manifest', 1, 28), // BN254's 2-adicity is 28
    sha256: readHex64(p.sha256, 'ptau.sha256', 'bad_manifest'),
    insecure: readBoolean(p.insecure, 'ptau.insecure', 'bad_manifest'),
  };
  const nPublic = nPublicForCtx(ctx);
  // Chunk keys made from one ptau share β and γ: check each distinct G2 point's subgroup once.
  const seen: G2SubgroupMemo = new Set();
  const keys = new Map<string, VerificationKey>();
  const chunks = readArray(o.chunks, 'chunks', 'bad_manifest', { min: 1, max: MAX_CHUNKS }).map((c, i) =>
    parseChunk(c, at('chunks', i), i, nPublic, seen, keys),
  );
  const manifest: Manifest = { version: 1, modelId, name, architecture, ctx, ptau, chunks };
  if (o.chunksPerPosition !== undefined) manifest.chunksPerPosition = parseChunksPerPosition(o.chunksPerPosition, ctx, chunks);
  if (detokenizer) manifest.detokenizer = detokenizer;
  return manifest;
}

/** The manifest as canonical JSON (fixed key order, canonical keys), for storage and equality. */
export function manifestToJson(m: Manifest): Record<string, unknown> {
  const out: Record<string, unknown> = {
    version: m.version,
    modelId: m.modelId,
    name: m.name,
    architecture: { ...m.architecture },
    ctx: m.ctx,
  };
  if (m.chunksPerPosition !== undefined) out.chunksPerPosition = m.chunksPerPosition;
  if (m.detokenizer) out.detokenizer = m.detokenizer.kind === 'bytes' ? { kind: 'bytes' } : { kind: 'sentencepiece', pieces: [...m.detokenizer.pieces] };
  out.ptau = { ...m.ptau };
  // Canonical form: each distinct key written once, at its first chunk (parseManifest resolves
  // the later ones by vkeyHash), so a position-chunk manifest stays small whatever T is.
  const written = new Set<string>();
  out.chunks = m.chunks.map((c) => {
    const chunk: Record<string, unknown> = { index: c.index, constraints: c.constraints, circuitHash: c.circuitHash, vkeyHash: c.vkeyHash };
    if (!written.has(c.vkeyHash)) {
      written.add(c.vkeyHash);
      chunk.vkey = verificationKeyToJson(c.vkey);
    }
    return chunk;
  });
  return out;
}

/** `JSON.stringify(manifestToJson(parseManifest(json)))`: equal for equal manifests however spelled. */
export function canonicalManifestJson(json: unknown): string {
  return JSON.stringify(manifestToJson(parseManifest(json)));
}
