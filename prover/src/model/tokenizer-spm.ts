/**
 * SentencePiece-style tokenizer from GGUF metadata (tokenizer.ggml.model = "llama"), as
 * llama.cpp's llm_tokenizer_spm and llama2.c's encode():
 * - spaces become '▁' (U+2581); with add_space_prefix a leading '▁' is added;
 * - the text starts as one symbol per code point; repeatedly the adjacent pair whose
 *   concatenation is a vocabulary piece with the highest score is merged (ties: leftmost);
 * - a final symbol that is not a piece falls back to its UTF-8 bytes as `<0xNN>` tokens
 *   (byte fallback), or to the unknown token if the vocabulary has no byte pieces.
 * Only NORMAL and USER_DEFINED pieces take part in merges (control tokens such as `<s>`
 * are never produced from text, as in SentencePiece).
 */
import type { Tokenizer } from './types.ts';
import { ZkinferError } from '../errors.ts';

/** llama_token_type (llama.cpp llama-vocab.h). */
export const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export interface SpmVocab {
  pieces: string[];
  scores: number[];
  types?: number[];
  bos?: number;
  eos?: number;
  unk?: number;
  addSpacePrefix: boolean;
}

const SPACE = '\u2581';
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

export function spmTokenizer(v: SpmVocab): Tokenizer {
  const n = v.pieces.length;
  const typeOf = (id: number) => v.types?.[id] ?? TOKEN_TYPE.NORMAL;
  const mergeable = new Map<string, number>();
  const byteId = new Map<number, number>();
  for (let id = 0; id < n; id++) {
    const t = typeOf(id);
    const m = t === TOKEN_TYPE.BYTE ? BYTE_PIECE.exec(v.pieces[id]) : null;
    if (m) byteId.set(parseInt(m[1], 16), id);
    else if ((t === TOKEN_TYPE.NORMAL || t === TOKEN_TYPE.USER_DEFINED) && !mergeable.has(v.pieces[id])) mergeable.set(v.pieces[id], id);
  }

  function encode(text: string, opts?: { bos?: boolean }): number[] {
    const out: number[] = [];
    if (opts?.bos && v.bos !== undefined) out.push(v.bos);
    if (text.length === 0) return out;
    const escaped = (v.addSpacePrefix ? ' ' + text : text).replaceAll(' ', SPACE);
    const syms = Array.from(escaped);
    for (;;) {
      let best = -1;
      let bestScore = -Infinity;
      for (let i = 0; i + 1 < syms.length; i++) {
        const id = mergeable.get(syms[i] + syms[i + 1]);
        if (id !== undefined && v.scores[id] > bestScore) {
          bestScore = v.scores[id];
          best = i;
        }
      }
      if (best < 0) break;
      syms.splice(best, 2, syms[best] + syms[best + 1]);
    }
    const utf8 = new TextEncoder();
    for (const s of syms) {
      const id = mergeable.get(s);
      if (id !== undefined) {
        out.push(id);
        continue;
      }
      for (const b of utf8.encode(s)) {
        const bid = byteId.get(b);
        if (bid !== undefined) out.push(bid);
        else if (v.unk !== undefined) out.push(v.unk);
        else throw new ZkinferError('bad_input', `sentencepiece tokenizer: no piece, byte piece or unknown token for ${JSON.stringify(s)}`);
      }
    }
    return out;
  }

  function decode(ids: number[]): string {
    const bytes: number[] = [];
    const utf8 = new TextEncoder();
    let prev: number | undefined;
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new RangeError(`sentencepiece tokenizer: token id ${id} outside 0..${n - 1}`);
      const t = typeOf(id);
      const m = t === TOKEN_TYPE.BYTE ? BYTE_PIECE.exec(v.pieces[id]) : null;
      if (m) bytes.push(parseInt(m[1], 16));
      else if (t !== TOKEN_TYPE.CONTROL) {
        let piece = v.pieces[id].replaceAll(SPACE, ' ');
        // As llama2.c: the space added by add_space_prefix is dropped right after BOS, so
        // decoding a continuation (without BOS) keeps its leading space.
        if (prev === v.bos && v.addSpacePrefix && piece.startsWith(' ')) piece = piece.slice(1);
        bytes.push(...utf8.encode(piece));
      }
      prev = id;
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
  }

  return { kind: 'sentencepiece', vocabSize: n, bos: v.bos, eos: v.eos, encode, decode, pieces: () => v.pieces.slice() };
}
