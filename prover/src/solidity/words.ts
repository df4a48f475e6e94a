import type { G1Point, G2Point } from '@zkinfer/verifier';

/**
 * EVM words of BN254 points as the EIP-196/197 precompiles read them: G1 (x, y); G2
 * (x.im, x.re, y.im, y.re) — EIP-197 writes an Fp2 element a·i + b as (a, b), the opposite
 * of snarkjs's JSON [c0, c1] = c0 + c1·i. The point at infinity is all zeros.
 */

export function g1Words(p: G1Point): bigint[] {
  if (p.is0()) return [0n, 0n];
  const { x, y } = p.toAffine();
  return [x, y];
}

export function g2Words(p: G2Point): bigint[] {
  if (p.is0()) return [0n, 0n, 0n, 0n];
  const { x, y } = p.toAffine();
  return [x.c1, x.c0, y.c1, y.c0];
}

/** 32-byte big-endian words, concatenated. */
export function wordsToBytes(words: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(32 * words.length);
  words.forEach((w, i) => {
    if (w < 0n || w >= 1n << 256n) throw new RangeError(`word ${i} does not fit 256 bits`);
    let v = w;
    for (let b = 31; b >= 0; b--) {
      out[32 * i + b] = Number(v & 0xffn);
      v >>= 8n;
    }
  });
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
