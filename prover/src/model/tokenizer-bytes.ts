/**
 * Byte-level tokenizer for models with a 256- or 128-entry vocabulary and no tokenizer file
 * (e.g. the bundled default Gemma 3 model): id i is the byte i of the UTF-8 text. A
 * 128-entry vocabulary is ASCII only (the bundled model's: its logits and greedy check cost
 * half of a 256-way one), so text with a byte ≥ 128 is a RangeError naming it.
 * There is no BOS/EOS token; `encode(text, { bos: true })` is the same as without.
 */
import type { Tokenizer } from './types.ts';
import { ZkinferError } from '../errors.ts';

/** The vocabulary sizes that are byte-level when a model comes without a tokenizer. */
export const BYTE_VOCAB_SIZES: readonly number[] = [128, 256];

const printable = (b: number) => b >= 0x20 && b < 0x7f;
const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

export function byteTokenizer(vocabSize = 256): Tokenizer {
  if (!BYTE_VOCAB_SIZES.includes(vocabSize)) throw new ZkinferError('bad_model_file', `byte tokenizer: vocabulary size ${vocabSize} is not one of ${BYTE_VOCAB_SIZES.join(', ')}`);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  return {
    kind: 'bytes',
    vocabSize,
    encode(text) {
      const bytes = new TextEncoder().encode(text);
      const bad = bytes.findIndex((b) => b >= vocabSize);
      if (bad >= 0) {
        const ch = String.fromCodePoint(new TextDecoder().decode(bytes.subarray(bad)).codePointAt(0)!);
        throw new ZkinferError('bad_input', `byte tokenizer: ${JSON.stringify(ch)} (byte 0x${bytes[bad].toString(16)} at byte offset ${bad}) is outside this model's ${vocabSize}-entry byte vocabulary (ASCII only)`);
      }
      return Array.from(bytes);
    },
    decode(ids) {
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new RangeError(`byte tokenizer: token id ${id} outside 0..${vocabSize - 1}`);
      }
      return decoder.decode(Uint8Array.from(ids));
    },
    pieces: () => Array.from({ length: vocabSize }, (_, b) => (printable(b) ? String.fromCharCode(b) : hex(b))),
  };
}
