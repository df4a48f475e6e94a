import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import { VerifyInputError, canonicalManifestJson, g2ToJson, nPublicForCtx, parseManifest, vkeyHash, parseVerificationKey } from '@zkinfer/verifier';
import { toyModel } from './helpers/toy-bundle.ts';
import { g2PointOutsideSubgroup, toyKey, vkJson } from './helpers/toy-groth16.ts';

const model = toyModel(4, 2);

function refusal(json: unknown): VerifyInputError {
  try {
    parseManifest(json);
  } catch (err) {
    expect(err).toBeInstanceOf(VerifyInputError);
    return err as VerifyInputError;
  }
  return expect.unreachable('manifest was accepted') as never;
}

function edited(edit: (m: any) => void): unknown {
  const m = structuredClone(model.manifest);
  edit(m);
  return m;
}

describe('parseManifest', () => {
  it('accepts a well-formed manifest and parses its keys', () => {
    const m = parseManifest(model.manifest);
    expect(m.modelId).toBe(model.manifest.modelId);
    expect(m.chunks).toHaveLength(2);
    expect(m.chunks[1].vkey.nPublic).toBe(7 + 4);
    expect(m.detokenizer).toEqual({ kind: 'bytes' });
  });

  it('resolves a chunk whose vkey is omitted to the earlier key with the same vkeyHash, and writes shared keys once', () => {
    const shared = edited((m) => {
      m.chunks[1].vkey = m.chunks[0].vkey;
      m.chunks[1].vkeyHash = m.chunks[0].vkeyHash;
    });
    const full = parseManifest(shared);
    const compact = edited((m) => {
      m.chunks[1].vkeyHash = m.chunks[0].vkeyHash;
      delete m.chunks[1].vkey;
    });
    const parsed = parseManifest(compact);
    expect(parsed.chunks[1].vkey).toBe(parsed.chunks[0].vkey);
    expect(parsed.chunks[1].vkeyHash).toBe(full.chunks[1].vkeyHash);
    // Both spellings are one canonical manifest, which writes the key once.
    expect(canonicalManifestJson(compact)).toBe(canonicalManifestJson(shared));
    const canonical = JSON.parse(canonicalManifestJson(shared)) as { chunks: Record<string, unknown>[] };
    expect('vkey' in canonical.chunks[0]).toBe(true);
    expect('vkey' in canonical.chunks[1]).toBe(false);
  });

  it('refuses an omitted vkey that no earlier chunk carries', () => {
    expect(refusal(edited((m) => delete m.chunks[1].vkey))).toMatchObject({ code: 'bad_manifest', path: 'chunks[1].vkey' });
    // Later chunks do not count: keys are resolved in chain order.
    const err = refusal(
      edited((m) => {
        m.chunks[0].vkeyHash = m.chunks[1].vkeyHash;
        delete m.chunks[0].vkey;
      }),
    );
    expect(err).toMatchObject({ code: 'bad_manifest', path: 'chunks[0].vkey' });
  });

  it('canonical JSON is independent of key order and of snarkjs vk_alphabeta_12', () => {
    const reordered = edited((m) => {
      m.chunks[0].vkey = { vk_alphabeta_12: [[['1', '2'], ['3', '4'], ['5', '6']], [['7', '8'], ['9', '10'], ['11', '12']]], ...m.chunks[0].vkey };
    });
    const reversed = Object.fromEntries(Object.entries(reordered as object).reverse());
    expect(canonicalManifestJson(reversed)).toBe(canonicalManifestJson(model.manifest));
    expect(canonicalManifestJson(edited((m) => (m.name = 'other')))).not.toBe(canonicalManifestJson(model.manifest));
  });

  it.each<[string, (m: any) => void, string, string]>([
    ['version 2', (m) => (m.version = 2), 'bad_manifest', 'version'],
    ['uppercase model id', (m) => (m.modelId = m.modelId.toUpperCase()), 'bad_manifest', 'modelId'],
    ['empty name', (m) => (m.name = ''), 'bad_manifest', 'name'],
    ['name with a newline', (m) => (m.name = 'a\nb'), 'bad_manifest', 'name'],
    ['name too long', (m) => (m.name = 'x'.repeat(101)), 'bad_manifest', 'name'],
    ['unknown family', (m) => (m.architecture.family = 'gpt2'), 'bad_manifest', 'architecture.family'],
    ['fractional dimension', (m) => (m.architecture.dModel = 8.5), 'bad_manifest', 'architecture.dModel'],
    ['string dimension', (m) => (m.architecture.nLayers = '1'), 'bad_manifest', 'architecture.nLayers'],
    ['kv heads not dividing heads', (m) => ((m.architecture.nHeads = 3), (m.architecture.nKvHeads = 2)), 'bad_manifest', 'architecture.nKvHeads'],
    ['vocab over 2^16', (m) => (m.architecture.vocabSize = 70000), 'bad_manifest', 'architecture.vocabSize'],
    ['ctx 0', (m) => (m.ctx = 0), 'bad_manifest', 'ctx'],
    ['ctx over 4096', (m) => (m.ctx = 4097), 'bad_manifest', 'ctx'],
    ['pieces on a bytes detokenizer', (m) => (m.detokenizer.pieces = []), 'unknown_field', 'detokenizer.pieces'],
    ['sentencepiece without all pieces', (m) => (m.detokenizer = { kind: 'sentencepiece', pieces: ['a'] }), 'bad_manifest', 'detokenizer.pieces'],
    ['unknown detokenizer', (m) => (m.detokenizer = { kind: 'bpe' }), 'bad_manifest', 'detokenizer.kind'],
    ['ptau power 29', (m) => (m.ptau.power = 29), 'bad_manifest', 'ptau.power'],
    ['ptau insecure as string', (m) => (m.ptau.insecure = 'true'), 'bad_manifest', 'ptau.insecure'],
    ['no chunks', (m) => (m.chunks = []), 'bad_manifest', 'chunks'],
    ['chunk index out of order', (m) => (m.chunks[1].index = 0), 'bad_manifest', 'chunks[1].index'],
    ['bad circuit hash', (m) => (m.chunks[0].circuitHash = 'abc'), 'bad_manifest', 'chunks[0].circuitHash'],
    ['vkeyHash of another key', (m) => (m.chunks[0].vkeyHash = m.chunks[1].vkeyHash), 'bad_manifest', 'chunks[0].vkeyHash'],
    ['key for another ctx', (m) => (m.ctx = 5), 'wrong_signal_count', 'chunks[0].vkey.nPublic'],
    ['unknown top-level field', (m) => (m.extra = 1), 'unknown_field', 'extra'],
    ['unknown field in a chunk', (m) => (m.chunks[1].note = 'x'), 'unknown_field', 'chunks[1].note'],
    ['missing ptau', (m) => delete m.ptau, 'missing_field', 'ptau'],
    ['non-canonical key coordinate', (m) => (m.chunks[1].vkey.IC[0][0] = `0${m.chunks[1].vkey.IC[0][0]}`), 'bad_coordinate', 'chunks[1].vkey.IC[0][0]'],
    ['key point off the curve', (m) => (m.chunks[0].vkey.vk_alpha_1[1] = '1'), 'not_on_curve', 'chunks[0].vkey.vk_alpha_1'],
  ])('refuses %s', (_, edit, code, path) => {
    const err = refusal(edited(edit));
    expect(err.code).toBe(code);
    expect(err.path).toBe(path);
  });

  it('refuses a key with no phase-2 contribution even when its vkeyHash is right', () => {
    const g2 = g2ToJson(bn254.G2.Point.BASE);
    const json = edited((m) => {
      m.chunks[1].vkey.vk_gamma_2 = g2;
      m.chunks[1].vkey.vk_delta_2 = g2;
      m.chunks[1].vkeyHash = vkeyHash(parseVerificationKey(m.chunks[1].vkey));
    });
    const err = refusal(json);
    expect(err.code).toBe('unsafe_key');
    expect(err.path).toBe('chunks[1].vkey.vk_delta_2');
  });

  it('refuses a key whose IC length is not nPublic + 1', () => {
    const json = edited((m) => {
      m.chunks[0].vkey.IC.pop();
      m.chunks[0].vkeyHash = vkeyHash(parseVerificationKey(m.chunks[0].vkey));
    });
    expect(refusal(json).code).toBe('unsafe_key');
  });
});

describe('parseManifest checks each distinct G2 point once, and every point', () => {
  it.each(['vk_beta_2', 'vk_gamma_2', 'vk_delta_2'])('refuses a later chunk whose %s is outside the subgroup', (field) => {
    const m = structuredClone(model.manifest);
    m.chunks[1].vkey[field] = g2ToJson(g2PointOutsideSubgroup());
    const err = refusal(m);
    expect(err.code).toBe('not_in_subgroup');
    expect(err.path).toBe(`chunks[1].vkey.${field}`);
  });
});

describe('parseManifest: chunk keys with a BSB22 commitment (LogUp packages, docs/decisions.md 22)', () => {
  const T = 4;
  /** The toy model with chunk 0's key replaced by one of `nPublic` inputs committing with the challenge at `publicIndex`. */
  const withCommitment = (nPublic: number, publicIndex: number | undefined) =>
    edited((m) => {
      const { vk } = toyKey(nPublic, 'commit/chunk0', { phase1: 'toy', gammaIsGenerator: true });
      const json = vkJson(vk);
      if (publicIndex !== undefined) json.commitment = { publicIndex, sigmaG2: g2ToJson(bn254.G2.Point.BASE.multiply(5n)) };
      m.chunks[0].vkey = json;
      m.chunks[0].vkeyHash = vkeyHash(parseVerificationKey(json));
    });

  it('accepts nPublic = 8 + T with the challenge last', () => {
    const m = parseManifest(withCommitment(nPublicForCtx(T) + 1, nPublicForCtx(T) + 1));
    expect(m.chunks[0].vkey.commitment?.publicIndex).toBe(8 + T);
    expect(m.chunks[1].vkey.commitment).toBeUndefined();
  });

  it('refuses the challenge anywhere but last, a commitment key of 7 + T inputs, and a plain key of 8 + T', () => {
    expect(refusal(withCommitment(nPublicForCtx(T) + 1, 1))).toMatchObject({ code: 'bad_manifest', path: 'chunks[0].vkey.commitment' });
    expect(refusal(withCommitment(nPublicForCtx(T), nPublicForCtx(T)))).toMatchObject({ code: 'wrong_signal_count', path: 'chunks[0].vkey.nPublic' });
    expect(refusal(withCommitment(nPublicForCtx(T) + 1, undefined))).toMatchObject({ code: 'wrong_signal_count', path: 'chunks[0].vkey.nPublic' });
  });
});
