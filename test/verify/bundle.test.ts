import { describe, expect, it } from 'vitest';
import {
  R,
  SIGNAL,
  VerifyInputError,
  parseBundle,
  parseManifest,
  prepareManifest,
  receiptId,
  verifyBundle,
  proofToJson,
  bundleToJson,
} from '@zkinfer/verifier';
import { scalar } from './helpers/toy-groth16.ts';
import { MODEL_ID, STATEMENT, toyBundle, toyModel } from './helpers/toy-bundle.ts';

const CTX = 8;
const model = toyModel(CTX, 3);
const manifest = parseManifest(model.manifest);
const prepared = prepareManifest(manifest);
const good = toyBundle(model);

function verdict(json: unknown) {
  return verifyBundle(manifest, parseBundle(json), prepared);
}

describe('verifyBundle', () => {
  it('accepts a bundle whose statement, layout and chain hold and whose proofs verify', () => {
    expect(verdict(good)).toEqual({ valid: true });
    expect(verifyBundle(manifest, parseBundle(good))).toEqual({ valid: true }); // without prepared keys
  });

  // Each edit is proven validly (the trapdoor proves anything), so only the bundle rules can refuse it.
  it.each<[string, (chunk: number, s: bigint[]) => void, RegExp]>([
    ['wrong model tag', (i, s) => i === 1 && (s[SIGNAL.modelTag] += 1n), /modelTag/],
    ['wrong chunk index', (i, s) => i === 2 && (s[SIGNAL.chunkIndex] = 1n), /chunkIndex/],
    ['wrong prompt commitment', (i, s) => i === 0 && (s[SIGNAL.promptCommitment] = 5n), /promptCommitment/],
    ['wrong nPrompt', (i, s) => i === 2 && (s[SIGNAL.nPrompt] = 3n), /nPrompt/],
    ['wrong nGenerated', (i, s) => i === 1 && (s[SIGNAL.nGenerated] = 2n), /nGenerated/],
    ['a generated token changed in one chunk', (i, s) => i === 2 && (s[7 + 3] = 106n), /posTokens\[3\]/],
    ['a prompt position revealed', (i, s) => i === 0 && (s[7 + 0] = 1n), /posTokens\[0\]/],
    ['padding position non-zero', (i, s) => i === 1 && (s[7 + 7] = 1n), /posTokens\[7\]/],
    ['first chunk with an input commitment', (i, s) => i === 0 && (s[SIGNAL.inCommitment] = 9n), /chunks\[0\] inCommitment/],
    ['last chunk with an output commitment', (i, s) => i === 2 && (s[SIGNAL.outCommitment] = 9n), /last/],
    ['broken chain', (i, s) => i === 1 && (s[SIGNAL.inCommitment] = scalar('elsewhere')), /chain broken/],
  ])('refuses %s', (_, edit, reason) => {
    const v = verdict(toyBundle(model, STATEMENT, edit));
    expect(v.valid).toBe(false);
    expect(v.reason).toMatch(reason);
  });

  it('refuses a statement that differs from what the proofs carry', () => {
    const b = structuredClone(good);
    b.statement.generated[1] = 120;
    expect(verdict(b)).toMatchObject({ valid: false, reason: expect.stringMatching(/posTokens\[3\]/) });
  });

  it('refuses another model, another ctx, a missing chunk and out-of-vocabulary tokens', () => {
    expect(verdict({ ...good, modelId: 'ab'.repeat(32) }).reason).toMatch(/modelId/);
    const otherCtx = toyBundle(toyModel(CTX + 1, 3));
    expect(verdict(otherCtx).reason).toMatch(/ctx/);
    expect(verdict({ ...good, chunks: good.chunks.slice(0, 2) }).reason).toMatch(/2 chunks/);
    const big = { ...STATEMENT, generated: [104, 300, 33] };
    expect(verdict(toyBundle(model, big)).reason).toMatch(/vocabSize/);
  });

  it('refuses a bundle whose proofs are swapped between chunks, or whose proof is for other signals', () => {
    const swapped = structuredClone(good);
    [swapped.chunks[0].proof, swapped.chunks[1].proof] = [swapped.chunks[1].proof, swapped.chunks[0].proof];
    expect(verdict(swapped)).toMatchObject({ valid: false, reason: expect.stringMatching(/Groth16/) });
    const other = toyBundle(model, { ...STATEMENT, promptCommitment: 77n });
    const mixed = structuredClone(good);
    mixed.chunks[2].proof = other.chunks[2].proof;
    expect(verdict(mixed).valid).toBe(false);
  });
});

describe('parseBundle', () => {
  function refusal(edit: (b: any) => void): VerifyInputError {
    const b = structuredClone(good);
    edit(b);
    try {
      parseBundle(b);
    } catch (err) {
      expect(err).toBeInstanceOf(VerifyInputError);
      return err as VerifyInputError;
    }
    return expect.unreachable('bundle was accepted') as never;
  }

  it.each<[string, (b: any) => void, string, string]>([
    ['version 0', (b) => (b.version = 0), 'bad_bundle', 'version'],
    ['unknown field', (b) => (b.signature = 'x'), 'unknown_field', 'signature'],
    ['unknown statement field', (b) => (b.statement.prompt = 'hi'), 'unknown_field', 'statement.prompt'],
    ['generated count mismatch', (b) => b.statement.generated.pop(), 'bad_bundle', 'statement.generated'],
    ['token as a string', (b) => (b.statement.generated[0] = '104'), 'bad_bundle', 'statement.generated[0]'],
    ['negative token', (b) => (b.statement.generated[0] = -1), 'bad_bundle', 'statement.generated[0]'],
    ['statement longer than ctx', (b) => ((b.statement.nPrompt = 6), (b.statement.nGenerated = 3)), 'bad_bundle', 'statement.nGenerated'],
    ['nPrompt 0', (b) => (b.statement.nPrompt = 0), 'bad_bundle', 'statement.nPrompt'],
    ['prompt commitment ≥ r', (b) => (b.statement.promptCommitment = R.toString()), 'bad_field_element', 'statement.promptCommitment'],
    ['prompt commitment as a number', (b) => (b.statement.promptCommitment = 5), 'bad_field_element', 'statement.promptCommitment'],
    ['a signal plus r', (b) => (b.chunks[1].publicSignals[3] = (BigInt(b.chunks[1].publicSignals[3]) + R).toString()), 'bad_field_element', 'chunks[1].publicSignals[3]'],
    ['too few signals', (b) => b.chunks[2].publicSignals.pop(), 'wrong_signal_count', 'chunks[2].publicSignals'],
    ['hex proof coordinate', (b) => (b.chunks[2].proof.pi_b[1][0] = '0x1'), 'bad_coordinate', 'chunks[2].proof.pi_b[1][0]'],
    ['unknown chunk field', (b) => (b.chunks[0].vkey = {}), 'unknown_field', 'chunks[0].vkey'],
    ['no chunks', (b) => (b.chunks = []), 'bad_bundle', 'chunks'],
  ])('refuses %s', (_, edit, code, path) => {
    const err = refusal(edit);
    expect(err.code).toBe(code);
    expect(err.path).toBe(path);
  });
});

describe('receiptId', () => {
  it('follows docs/proof-format.md and ignores proof bytes', async () => {
    const b = parseBundle(good);
    const rows = good.chunks.map((c: { publicSignals: string[] }) => c.publicSignals.join(',')).join('\n');
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(`zkinfer-receipt-v1\n${MODEL_ID}\n${rows}`, 'utf8').digest('hex');
    expect(receiptId(MODEL_ID, b)).toBe(expected);
    // Re-randomized / different proofs of the same statement: same receipt.
    const reproven = parseBundle({ ...good, chunks: good.chunks.map((c: any) => ({ ...c, proof: proofToJson({ ...b.chunks[0].proof }) })) });
    expect(receiptId(MODEL_ID, reproven)).toBe(receiptId(MODEL_ID, b));
    // A different statement: a different receipt.
    expect(receiptId(MODEL_ID, parseBundle(toyBundle(model, { ...STATEMENT, nPrompt: 3 })))).not.toBe(receiptId(MODEL_ID, b));
  });
});

describe('parseBundle with the manifest (fail fast)', () => {
  const offCurve = ['1', '3', '1']; // y² ≠ x³ + 3: parsing it would fail with not_on_curve

  function refusal(json: unknown, withManifest = true): VerifyInputError {
    try {
      parseBundle(json, withManifest ? manifest : undefined);
    } catch (err) {
      expect(err).toBeInstanceOf(VerifyInputError);
      return err as VerifyInputError;
    }
    return expect.unreachable('bundle was accepted') as never;
  }

  it('parses a bundle for the manifest exactly as without it', () => {
    expect(parseBundle(good, manifest)).toEqual(parseBundle(good));
    expect(verifyBundle(manifest, parseBundle(good, manifest), prepared)).toEqual({ valid: true });
  });

  it.each<[string, (b: any) => void, string, string]>([
    ['another model id', (b) => (b.modelId = 'ab'.repeat(32)), 'modelId', 'not_on_curve'],
    ['another ctx', (b) => (b.ctx = CTX + 1), 'ctx', 'wrong_signal_count'],
    ['one chunk too many', (b) => b.chunks.push(structuredClone(b.chunks[0])), 'chunks', 'not_on_curve'],
    ['one chunk too few', (b) => b.chunks.pop(), 'chunks', 'not_on_curve'],
  ])('refuses %s as bad_bundle before validating any point', (_, edit, path, withoutManifest) => {
    const b = structuredClone(good);
    b.chunks[0].proof.pi_a = offCurve;
    edit(b);
    const err = refusal(b);
    expect(err.code).toBe('bad_bundle');
    expect(err.path).toBe(path);
    // Without the manifest the same bundle is refused by a later check.
    expect(refusal(b, false).code).toBe(withoutManifest);
  });

  it('checks every chunk\'s signal count and signals before any proof point', () => {
    const b = structuredClone(good);
    b.chunks[0].proof.pi_a = offCurve;
    b.chunks[2].publicSignals.push('0');
    expect(refusal(b, false)).toMatchObject({ code: 'wrong_signal_count', path: 'chunks[2].publicSignals' });
    b.chunks[2].publicSignals.pop();
    b.chunks[2].publicSignals[0] = 'x';
    expect(refusal(b, false)).toMatchObject({ code: 'bad_field_element', path: 'chunks[2].publicSignals[0]' });
  });

  it('refuses a maximal bogus bundle (256 chunks of junk points) quickly by chunk count', () => {
    const b = structuredClone(good);
    b.chunks = Array.from({ length: 256 }, () => ({ ...structuredClone(good.chunks[0]), proof: { ...good.chunks[0].proof, pi_a: offCurve } }));
    expect(refusal(b)).toMatchObject({ code: 'bad_bundle', path: 'chunks' });
  });
});

describe('bundleToJson', () => {
  it('is the inverse of parseBundle: the same JSON back, and a bundle that parses to the same value', () => {
    const parsed = parseBundle(good);
    const json = bundleToJson(parsed);
    expect(JSON.parse(JSON.stringify(json))).toEqual(JSON.parse(JSON.stringify(good)));
    expect(parseBundle(json)).toEqual(parsed);
    expect(verifyBundle(manifest, parseBundle(json), prepared)).toEqual({ valid: true });
  });

  it('writes what it is given: a changed signal comes back changed and no longer verifies', () => {
    const parsed = parseBundle(good);
    parsed.chunks[1].publicSignals[SIGNAL.nPrompt] += 1n;
    const json = bundleToJson(parsed);
    expect(json.chunks[1].publicSignals[SIGNAL.nPrompt]).toBe(String(STATEMENT.nPrompt + 1));
    expect(verdict(json).valid).toBe(false);
  });
});
