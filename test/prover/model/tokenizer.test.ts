import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { bpeTokenizer } from '@zkinfer/prover/model/tokenizer-bpe.ts';
import { byteTokenizer } from '@zkinfer/prover/model/tokenizer-bytes.ts';
import { spmTokenizer, TOKEN_TYPE } from '@zkinfer/prover/model/tokenizer-spm.ts';
import { LLAMA2_TINY, STORIES, has } from './helpers/shared.ts';
import { modelGguf, randomTensors, tinyLlamaConfig } from './helpers/synthetic.ts';
import { ZkinferError } from '@zkinfer/prover/errors.ts';

const SAMPLES = ['Hello world', 'Once upon a time', '  two  spaces\nand a newline', 'naïve café — 日本語 🦙', ''];

describe.skipIf(!has(LLAMA2_TINY))('Llama-2 SentencePiece vocabulary (needs ../shared/models)', () => {
  const tok = () => loadModel(LLAMA2_TINY).tokenizer;
  it('encodes known Llama-2 ids', () => {
    const t = tok();
    expect(t.kind).toBe('sentencepiece');
    expect(t.encode('Hello world', { bos: true })).toEqual([1, 15043, 3186]);
    expect(t.encode('Once upon a time', { bos: true })).toEqual([1, 9038, 2501, 263, 931]);
    expect(t.encode('Hello world')).toEqual([15043, 3186]);
    // byte fallback: the llama emoji is not a piece → '▁' then its four UTF-8 bytes (<0xNN> = byte + 3)
    expect(t.encode('🦙')).toEqual([29871, 0xf0 + 3, 0x9f + 3, 0xa6 + 3, 0x99 + 3]);
  });
  it('decodes what it encodes', () => {
    const t = tok();
    for (const s of SAMPLES) expect(t.decode(t.encode(s, { bos: true }))).toBe(s);
    // a continuation (no BOS) keeps its leading space, so it can be appended to the prompt
    expect(t.decode([3186])).toBe(' world');
  });
});

describe.skipIf(!has(STORIES))('stories260K tokenizer (needs ../shared/models)', () => {
  it('merges by score and round-trips', () => {
    const t = loadModel(STORIES).tokenizer;
    const ids = t.encode('Once upon a time', { bos: true });
    expect(ids[0]).toBe(1);
    expect(ids.slice(1).map((i) => t.pieces()[i]).join('')).toBe('▁Once▁upon▁a▁time');
    for (const s of SAMPLES) expect(t.decode(t.encode(s, { bos: true }))).toBe(s);
  });
});

describe('SentencePiece merge rule', () => {
  const bytes = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  const pieces = ['<unk>', '<s>', '</s>', ...bytes, '▁', 'a', 'b', 'c', 'ab', 'bc', 'abc', '▁a', '<s>x'];
  const scores = pieces.map(() => 0);
  const types = pieces.map((_, i) => (i < 3 ? (i === 0 ? TOKEN_TYPE.UNKNOWN : TOKEN_TYPE.CONTROL) : i < 259 ? TOKEN_TYPE.BYTE : TOKEN_TYPE.NORMAL));
  const id = (p: string) => pieces.indexOf(p);
  const make = (s: Record<string, number>, addSpacePrefix = false) =>
    spmTokenizer({ pieces, scores: pieces.map((p, i) => s[p] ?? scores[i]), types, bos: 1, eos: 2, unk: 0, addSpacePrefix });

  it('merges the highest-scoring pair first', () => {
    const v = ['<unk>', 'a', 'b', 'c', 'ab', 'bc'];
    const t = (ab: number, bc: number) => spmTokenizer({ pieces: v, scores: [0, 0, 0, 0, ab, bc], addSpacePrefix: false, unk: 0 });
    expect(t(-5, -1).encode('abc').map((i) => v[i])).toEqual(['a', 'bc']);
    expect(t(-1, -5).encode('abc').map((i) => v[i])).toEqual(['ab', 'c']);
    // merges continue on merged symbols
    expect(make({ ab: -5, bc: -1, abc: -10 }).encode('abca').map((i) => pieces[i])).toEqual(['abc', 'a']);
  });
  it('breaks score ties to the left', () => {
    const t = spmTokenizer({ pieces: ['<unk>', 'a', 'aa'], scores: [0, 0, -1], addSpacePrefix: false, unk: 0 });
    expect(t.encode('aaa')).toEqual([2, 1]);
  });
  it('adds the space prefix and escapes spaces', () => {
    expect(make({ '▁a': -1 }, true).encode('a a').map((i) => pieces[i])).toEqual(['▁a', '▁a']);
    expect(make({ '▁a': -1 }, false).encode('a a').map((i) => pieces[i])).toEqual(['a', '▁a']);
  });
  it('never forms control tokens from text and falls back to bytes', () => {
    const t = make({});
    expect(t.encode('<s>')).toEqual([0x3c + 3, 0x73 + 3, 0x3e + 3]);
    expect(t.encode('é')).toEqual([0xc3 + 3, 0xa9 + 3]);
    expect(t.decode(t.encode('é'))).toBe('é');
  });
});

describe('byte-level BPE', () => {
  // GPT-2 maps the space byte to 'Ġ'.
  const pieces = ['h', 'e', 'l', 'o', 'Ġ', 'w', 'r', 'd', 'he', 'll', 'hell', 'hello', 'Ġw', 'or', 'Ġwor', '!', '<|end|>'];
  const merges = ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or'];
  const t = bpeTokenizer({ pieces, merges, eos: 16, types: pieces.map((p) => (p === '<|end|>' ? 3 : 1)) });
  it('applies merges by rank within pre-tokens', () => {
    expect(t.encode('hello world!').map((i) => pieces[i])).toEqual(['hello', 'Ġwor', 'l', 'd', '!']);
    expect(t.decode(t.encode('hello world!'))).toBe('hello world!');
    expect(t.decode([...t.encode('hello'), 16])).toBe('hello');
  });
  it('refuses text outside the vocabulary and unknown pre-tokenizers', () => {
    expect(() => t.encode('zebra')).toThrow(/BPE symbol "z" is not in the vocabulary/);
    expect(() => bpeTokenizer({ pieces, merges, pre: 'qwen2' }, 'x.gguf')).toThrow(/x\.gguf: tokenizer\.ggml\.pre = "qwen2" is not supported/);
  });
  it('is read from GGUF metadata (tokenizer.ggml.model = gpt2)', () => {
    const c = tinyLlamaConfig;
    const p = join(mkdtempSync(join(tmpdir(), 'zkinfer-bpe-')), 'bpe.gguf');
    writeFileSync(p, modelGguf(c, randomTensors(c), undefined, [
      ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
      ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: pieces }],
      ['tokenizer.ggml.merges', { type: 'array', itemType: 'string', value: merges }],
    ]));
    const m = loadModel(p);
    expect(m.tokenizer.kind).toBe('bpe');
    expect(m.tokenizer.encode('hello world')).toEqual(t.encode('hello world'));
  });
});

describe('byte tokenizer', () => {
  it('maps UTF-8 bytes to ids 0..255 and back', () => {
    const t = byteTokenizer();
    for (const s of SAMPLES) {
      const ids = t.encode(s, { bos: true });
      expect(ids).toEqual(Array.from(Buffer.from(s, 'utf8')));
      expect(t.decode(ids)).toBe(s);
    }
    expect(t.pieces()[65]).toBe('A');
    expect(t.pieces()[10]).toBe('<0x0A>');
    expect(() => t.decode([256])).toThrow(/token id 256 outside 0\.\.255/);
  });

  it('with 128 entries is ASCII only, and names a byte outside it', () => {
    const t = byteTokenizer(128);
    expect(t.vocabSize).toBe(128);
    expect(t.encode('ROMEO:\n')).toEqual([82, 79, 77, 69, 79, 58, 10]);
    expect(t.decode(t.encode('To be, or not'))).toBe('To be, or not');
    expect(t.pieces()).toHaveLength(128);
    expect(() => t.encode('café')).toThrow(/"é" \(byte 0xc3 at byte offset 3\) is outside this model's 128-entry byte vocabulary/);
    expect(() => t.decode([128])).toThrow(/token id 128 outside 0\.\.127/);
    expect(() => byteTokenizer(100)).toThrow(ZkinferError);
  });
});
