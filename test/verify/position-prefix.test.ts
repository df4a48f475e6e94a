/**
 * Position prefixes (docs/proof-format.md): a manifest of position chunks (chunksPerPosition K)
 * lets a bundle prove the chunks of its first L positions, for positionsRead(statement) ≤ L ≤ ctx.
 * The toy keys' trapdoors prove anything, so only the bundle rules can refuse what is refused.
 */
import { describe, expect, it } from 'vitest';
import {
  SIGNAL,
  VerifyInputError,
  allowedChunkCounts,
  canonicalManifestJson,
  parseBundle,
  parseManifest,
  positionsRead,
  verifyBundle,
  type Statement,
} from '@zkinfer/verifier';
import { scalar } from './helpers/toy-groth16.ts';
import { STATEMENT, toyBundle, toyModel, toyPositionModel } from './helpers/toy-bundle.ts';

const CTX = 8;
const K = 2;
const model = toyPositionModel(CTX, K);
const manifest = parseManifest(model.manifest);
// STATEMENT: nPrompt 2, nGenerated 3, so positions 0 … 3 carry every check: 4 positions, 8 chunks.
const READ = positionsRead(STATEMENT);

function verdict(json: unknown) {
  return verifyBundle(manifest, parseBundle(json));
}

function refusal(f: () => unknown): VerifyInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof VerifyInputError) return e;
    throw e;
  }
  throw new Error('expected a VerifyInputError');
}

describe('a position-chunk manifest', () => {
  it('parses chunksPerPosition and keeps it in the canonical form', () => {
    expect(manifest.chunksPerPosition).toBe(K);
    expect(manifest.chunks).toHaveLength(CTX * K);
    expect(JSON.parse(canonicalManifestJson(model.manifest)).chunksPerPosition).toBe(K);
    expect(parseManifest(toyModel(CTX, 3).manifest).chunksPerPosition).toBeUndefined();
  });

  it('is refused when its chunks are not ctx × K, or a position runs another circuit or key', () => {
    const fewer = { ...model.manifest, chunks: model.manifest.chunks.slice(0, CTX * K - K) };
    expect(refusal(() => parseManifest(fewer))).toMatchObject({ code: 'bad_manifest', path: 'chunksPerPosition' });
    expect(refusal(() => parseManifest({ ...model.manifest, chunksPerPosition: 3 })).path).toBe('chunksPerPosition');
    expect(refusal(() => parseManifest({ ...model.manifest, chunksPerPosition: 0 })).path).toBe('chunksPerPosition');
    expect(refusal(() => parseManifest({ ...model.manifest, chunksPerPosition: 1.5 })).path).toBe('chunksPerPosition');
    const otherCircuit = structuredClone(model.manifest);
    otherCircuit.chunks[5].circuitHash = 'ab'.repeat(32);
    expect(refusal(() => parseManifest(otherCircuit))).toMatchObject({ code: 'bad_manifest', path: 'chunks[5]' });
    // Chunk 3 (kind 1) carrying kind 0's key: a layer-major manifest cannot pass as position chunks.
    const otherKey = structuredClone(model.manifest);
    otherKey.chunks[3].vkeyHash = otherKey.chunks[0].vkeyHash;
    expect(refusal(() => parseManifest(otherKey))).toMatchObject({ code: 'bad_manifest', path: 'chunks[3]' });
  });
});

describe('bundles of a position-chunk manifest', () => {
  it('the allowed counts run from the positions the statement reads to the whole ctx, in steps of K', () => {
    expect(READ).toBe(STATEMENT.nPrompt + STATEMENT.nGenerated - 1);
    expect(allowedChunkCounts(manifest, STATEMENT)).toEqual({ min: READ * K, max: CTX * K, step: K });
    expect(allowedChunkCounts(manifest, { nPrompt: 1, nGenerated: 1 }).min).toBe(K);
    const layerMajor = parseManifest(toyModel(CTX, 3).manifest);
    expect(allowedChunkCounts(layerMajor, STATEMENT)).toEqual({ min: 3, max: 3, step: 3 });
  });

  it('accept the whole ctx, the positions read, and any number in between', () => {
    for (const positions of [CTX, READ, READ + 1, CTX - 1]) {
      const b = toyBundle(model, STATEMENT, () => {}, positions * K);
      expect(b.chunks).toHaveLength(positions * K);
      expect(verdict(b)).toEqual({ valid: true });
      expect(parseBundle(b, manifest).chunks).toHaveLength(positions * K);
    }
  });

  it('refuse fewer positions than the statement reads: the last token’s greedy check would be missing', () => {
    const short = toyBundle(model, STATEMENT, () => {}, (READ - 1) * K);
    expect(verdict(short)).toMatchObject({ valid: false, reason: expect.stringMatching(/positions the statement reads/) });
    expect(refusal(() => parseBundle(short, manifest))).toMatchObject({ code: 'bad_bundle', path: 'chunks' });
    // The same chunks are enough for a statement that reads one position less.
    const shorter: Statement = { ...STATEMENT, nGenerated: 2, generated: STATEMENT.generated.slice(0, 2) };
    expect(verdict(toyBundle(model, shorter, () => {}, (READ - 1) * K))).toEqual({ valid: true });
  });

  it('refuse a prefix that stops inside a position (its later kinds, the logits, unproven)', () => {
    const ragged = toyBundle(model, STATEMENT, () => {}, READ * K + 1);
    expect(verdict(ragged)).toMatchObject({ valid: false, reason: expect.stringMatching(/multiple of 2/) });
    expect(refusal(() => parseBundle(ragged, manifest)).path).toBe('chunks');
  });

  it('still require the chain, the statement in every chunk and a whole bundle’s last output 0', () => {
    const n = READ * K;
    const broken = toyBundle(model, STATEMENT, (i, s) => i === 3 && (s[SIGNAL.inCommitment] = scalar('elsewhere')), n);
    expect(verdict(broken).reason).toMatch(/chain broken/);
    const token = toyBundle(model, STATEMENT, (i, s) => i === n - 1 && (s[7 + 4] = 1n), n);
    expect(verdict(token).reason).toMatch(/posTokens\[4\]/);
    const lastOut = toyBundle(model, STATEMENT, (i, s) => i === CTX * K - 1 && (s[SIGNAL.outCommitment] = 9n));
    expect(verdict(lastOut).reason).toMatch(/last/);
  });

  it('with a layer-major manifest, a prefix is refused', () => {
    const layers = toyModel(CTX, 3);
    const m = parseManifest(layers.manifest);
    const b = toyBundle(layers, STATEMENT, () => {}, 2);
    expect(verifyBundle(m, parseBundle(b))).toMatchObject({ valid: false, reason: expect.stringMatching(/2 chunks, the model 3/) });
  });
});
