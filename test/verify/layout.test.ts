import { describe, expect, it } from 'vitest';
import { R, decodeTokens, expectedPublicSignals, modelTag, nPublicForCtx, posTokens, publicSignalLayout, publicSignalRecord, SIGNAL } from '@zkinfer/verifier';

describe('public-signal layout', () => {
  it('modelTag reads the id big-endian and reduces mod r', () => {
    expect(modelTag('00'.repeat(31) + '2a')).toBe(42n);
    expect(modelTag('ff'.repeat(32))).toBe((2n ** 256n - 1n) % R);
    expect(() => modelTag('FF'.repeat(32))).toThrow(/modelId/);
  });

  it('names 7 + ctx signals in order', () => {
    const layout = publicSignalLayout(3);
    expect(layout.nPublic).toBe(nPublicForCtx(3));
    expect(layout.names).toEqual([
      'modelTag', 'chunkIndex', 'inCommitment', 'outCommitment', 'promptCommitment', 'nPrompt', 'nGenerated',
      'posTokens[0]', 'posTokens[1]', 'posTokens[2]',
    ]);
  });

  it('posTokens holds generated tokens at their positions and 0 elsewhere', () => {
    expect(posTokens({ promptCommitment: 1n, nPrompt: 2, nGenerated: 2, generated: [5, 6] }, 6)).toEqual([0n, 0n, 5n, 6n, 0n, 0n]);
    expect(() => posTokens({ promptCommitment: 1n, nPrompt: 5, nGenerated: 2, generated: [5, 6] }, 6)).toThrow(RangeError);
    expect(() => posTokens({ promptCommitment: 1n, nPrompt: 1, nGenerated: 2, generated: [5] }, 6)).toThrow(RangeError);
  });

  it('expectedPublicSignals puts every field where the table says', () => {
    const s = expectedPublicSignals({
      modelId: '00'.repeat(31) + '07', ctx: 4, chunkIndex: 2, inCommitment: 11n, outCommitment: 12n,
      statement: { promptCommitment: 13n, nPrompt: 1, nGenerated: 3, generated: [20, 21, 22] },
    });
    expect(s).toEqual([7n, 2n, 11n, 12n, 13n, 1n, 3n, 0n, 20n, 21n, 22n]);
    expect(() => expectedPublicSignals({
      modelId: '00'.repeat(32), ctx: 4, chunkIndex: 0, inCommitment: R, outCommitment: 0n,
      statement: { promptCommitment: 13n, nPrompt: 1, nGenerated: 1, generated: [1] },
    })).toThrow(/inCommitment/);
  });
});

describe('decodeTokens', () => {
  it('bytes: decodes UTF-8 across token boundaries, replaces invalid bytes and ids ≥ 256', () => {
    const bytes = [...new TextEncoder().encode('héllo ✓')];
    expect(decodeTokens({ kind: 'bytes' }, bytes)).toBe('héllo ✓');
    expect(decodeTokens({ kind: 'bytes' }, [0x61, 0xff, 0x62, 300])).toBe('a\uFFFDb\uFFFD');
  });

  it('sentencepiece: ▁ becomes a space, <0xNN> pieces are bytes, unknown ids are replaced', () => {
    const pieces = ['<unk>', '<s>', '</s>', '▁Once', '▁upon', '<0xE2>', '<0x9C>', '<0x93>', 'ly'];
    const d = { kind: 'sentencepiece' as const, pieces };
    expect(decodeTokens(d, [3, 4, 8])).toBe(' Once uponly');
    expect(decodeTokens(d, [5, 6, 7])).toBe('✓');
    expect(decodeTokens(d, [5, 3])).toBe('\uFFFD Once');
    expect(decodeTokens(d, [99])).toBe('\uFFFD');
  });
});

describe('publicSignalRecord', () => {
  it('makes one value per signal in layout order and names each by its index', () => {
    const calls: string[] = [];
    const r = publicSignalRecord(3, (name, k) => {
      calls.push(name);
      return k;
    });
    expect(calls).toEqual(publicSignalLayout(3).names);
    for (const [name, k] of Object.entries(SIGNAL)) expect(r[name as keyof typeof SIGNAL]).toBe(k);
    expect(r.posTokens).toEqual([7, 8, 9]);
  });
});
