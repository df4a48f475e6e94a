/**
 * Byte-level tokenizer for models with a 256-entry vocabulary and no tokenizer file
 * (e.g. the bundled default Gemma 3 model): id i is the byte i of the UTF-8 text.
 * There is no BOS/EOS token; `encode(text, { bos: true })` is the same as without.
 */
import type { Tokenizer } from './types.ts';

const printable = (b: number) => b >= 0x20 && b < 0x7f;
const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

export function byteTokenizer(): Tokenizer {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  return {
    kind: 'bytes',
    vocabSize: 256,
    encode: (text) => Array.from(new TextEncoder().encode(text)),
    decode(ids) {
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id > 255) throw new RangeError(`byte tokenizer: token id ${id} outside 0..255`);
      }
      return decoder.decode(Uint8Array.from(ids));
    },
    pieces: () => Array.from({ length: 256 }, (_, b) => (printable(b) ? String.fromCharCode(b) : hex(b))),
  };
}
