/**
 * Byte-level BPE tokenizer from GGUF metadata (tokenizer.ggml.model = "gpt2"), as GPT-2's
 * encoder.py and llama.cpp's llm_tokenizer_bpe:
 * - text is split by the pre-tokenizer regex (tokenizer.ggml.pre: GPT-2's by default,
 *   or Llama 3's for "llama-bpe");
 * - each piece's UTF-8 bytes are mapped to printable characters by GPT-2's
 *   bytes_to_unicode table;
 * - adjacent symbols are merged by the lowest-ranked entry of tokenizer.ggml.merges
 *   ("a b" lines, rank = line index) until no merge applies.
 */
import type { Tokenizer } from './types.ts';
import { ZkinferError } from '../errors.ts';

export interface BpeVocab {
  pieces: string[];
  merges: string[];
  pre?: string;
  bos?: number;
  eos?: number;
  /** Token types as in GGUF; CONTROL (3) tokens are skipped when decoding. */
  types?: number[];
}

const PRE_TOKENIZERS: Record<string, RegExp> = {
  // GPT-2 encoder.py
  gpt2: /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu,
  // Llama 3 tokenizer.json pre_tokenizer (llama.cpp LLAMA_VOCAB_PRE_TYPE_LLAMA3)
  'llama-bpe': /(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu,
};

/** GPT-2 bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 upwards. */
function bytesToUnicode(): string[] {
  const table: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCodePoint(printable ? b : next++);
  }
  return table;
}

export function bpeTokenizer(v: BpeVocab, file = 'tokenizer'): Tokenizer {
  const preName = v.pre === undefined || v.pre === 'default' ? 'gpt2' : v.pre;
  const pre = PRE_TOKENIZERS[preName];
  if (!pre) {
    throw new ZkinferError('bad_model_file', `${file}: tokenizer.ggml.pre = ${JSON.stringify(v.pre)} is not supported (supported: ${Object.keys(PRE_TOKENIZERS).join(', ')}, default)`);
  }
  const byteChar = bytesToUnicode();
  const charByte = new Map(byteChar.map((c, b) => [c, b]));
  const ids = new Map<string, number>();
  v.pieces.forEach((p, id) => { if (!ids.has(p)) ids.set(p, id); });
  const rank = new Map<string, number>();
  v.merges.forEach((m, i) => {
    const sp = m.indexOf(' ');
    if (sp <= 0) throw new ZkinferError('bad_model_file', `${file}: tokenizer.ggml.merges[${i}] = ${JSON.stringify(m)} is not "left right"`);
    rank.set(m, i);
  });
  const n = v.pieces.length;

  function bpe(word: string[]): string[] {
    const syms = word.slice();
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < syms.length; i++) {
        const r = rank.get(`${syms[i]} ${syms[i + 1]}`);
        if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
      }
      if (best < 0) return syms;
      syms.splice(best, 2, syms[best] + syms[best + 1]);
    }
  }

  function encode(text: string, opts?: { bos?: boolean }): number[] {
    const out: number[] = [];
    if (opts?.bos && v.bos !== undefined) out.push(v.bos);
    const utf8 = new TextEncoder();
    for (const m of text.matchAll(pre)) {
      const word = Array.from(utf8.encode(m[0]), (b) => byteChar[b]);
      for (const sym of bpe(word)) {
        const id = ids.get(sym);
        if (id === undefined) throw new ZkinferError('bad_model_file', `${file}: BPE symbol ${JSON.stringify(sym)} is not in the vocabulary`);
        out.push(id);
      }
    }
    return out;
  }

  function decode(tokens: number[]): string {
    const bytes: number[] = [];
    for (const id of tokens) {
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new RangeError(`${file}: token id ${id} outside 0..${n - 1}`);
      if (v.types?.[id] === 3) continue;
      for (const c of v.pieces[id]) {
        const b = charByte.get(c);
        if (b === undefined) bytes.push(...new TextEncoder().encode(c));
        else bytes.push(b);
      }
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
  }

  return { kind: 'bpe', vocabSize: n, bos: v.bos, eos: v.eos, encode, decode, pieces: () => v.pieces.slice() };
}
