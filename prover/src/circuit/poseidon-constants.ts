import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Poseidon constants with circomlib's parameters (x^5 S-box, 8 full rounds, partial rounds
 * per width from the Poseidon paper's table, rounded up as circomlib does), read from
 * poseidon-lite 0.3.0's own constant files so the circuit and the off-circuit hash
 * (commit/commit.ts, via poseidon-lite) cannot drift apart. Those files hold, per arity n
 * (width t = n + 1), the round constants C (t per round, unoptimized form) and the t×t MDS
 * matrix M, each number base64 big-endian.
 */

export const N_ROUNDS_F = 8;
/** Partial rounds by width t = 2..17 (index t − 2), as in circomlib / poseidon-lite. */
export const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

export interface PoseidonConstants {
  t: number;
  nRoundsP: number;
  /** Round constants, t per round, (N_ROUNDS_F + nRoundsP)·t of them. */
  C: bigint[];
  /** MDS matrix, t×t. */
  M: bigint[][];
}

const cache = new Map<number, PoseidonConstants>();

function fromBase64(s: string): bigint {
  const hex = Buffer.from(s, 'base64').toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** Constants for `arity` inputs (1..16). */
export function poseidonConstants(arity: number): PoseidonConstants {
  if (!Number.isInteger(arity) || arity < 1 || arity > 16) throw new RangeError(`poseidon: arity ${arity} not in 1..16`);
  let c = cache.get(arity);
  if (!c) {
    const require = createRequire(import.meta.url);
    // The package's export map hides constants/; the absolute path reads the same file.
    const file = join(dirname(require.resolve('poseidon-lite')), 'constants', `${arity}.js`);
    const raw = (require(file) as { default: { C: string[]; M: string[][] } }).default;
    const t = arity + 1;
    c = { t, nRoundsP: N_ROUNDS_P[t - 2], C: raw.C.map(fromBase64), M: raw.M.map((row) => row.map(fromBase64)) };
    if (c.M.length !== t || c.C.length < (N_ROUNDS_F + c.nRoundsP) * t) {
      throw new RangeError(`poseidon: constants file ${file} has ${c.C.length} round constants and a ${c.M.length}-row matrix for t = ${t}`);
    }
    cache.set(arity, c);
  }
  return c;
}
