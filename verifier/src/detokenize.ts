import type { Detokenizer } from './manifest.ts';

/**
 * Token ids → text for display of verified output. Bytes are gathered first and decoded as
 * UTF-8 once, with U+FFFD for invalid sequences (a multi-byte character may span tokens).
 * - `bytes`: token id = byte value; ids ≥ 256 become U+FFFD.
 * - `sentencepiece`: each id's piece, '▁' (U+2581) → space, byte-fallback pieces `<0xNN>` →
 *   byte NN (llama.cpp llama_token_to_piece for SPM vocabularies); ids outside the vocabulary
 *   become U+FFFD. Other control pieces (`<s>`, `</s>`, `<unk>`) are shown literally: the
 *   manifest carries no token types, and hiding tokens would misreport what was proven.
 */
export function decodeTokens(detokenizer: Detokenizer, ids: readonly number[]): string {
  const REPLACEMENT = [0xef, 0xbf, 0xbd];
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (const id of ids) {
    if (detokenizer.kind === 'bytes') {
      if (Number.isInteger(id) && id >= 0 && id < 256) bytes.push(id);
      else bytes.push(...REPLACEMENT);
      continue;
    }
    const piece = Number.isInteger(id) && id >= 0 ? detokenizer.pieces[id] : undefined;
    if (piece === undefined) {
      bytes.push(...REPLACEMENT);
      continue;
    }
    const byteFallback = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
    if (byteFallback) bytes.push(parseInt(byteFallback[1], 16));
    else bytes.push(...encoder.encode(piece.replaceAll('\u2581', ' ')));
  }
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(new Uint8Array(bytes));
}
