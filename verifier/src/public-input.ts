import { bn254 } from '@noble/curves/bn254.js';
import type { VerificationKey } from './groth16-json.ts';
import { POS_TOKENS_OFFSET } from './layout.ts';
import type { G1Point } from './points.ts';

/**
 * Σ s_i·IC[i+1] for public signals s, with a shorter doubling chain (variable time: signals and
 * key are public).
 *
 * In the layout of docs/proof-format.md the only full-size signals are the first few (model
 * tag, commitments); the rest are counts and token ids below 2^16. A plain Strauss–Shamir
 * walk pays ~254 doublings for the big ones. Here each big header scalar is split into four
 * 64-bit limbs, s = Σ_k s_k·2^(64k), against the points 2^(64k)·IC[i+1], which depend on the key
 * only and are cached per key (with their odd multiples for width-5 wNAF), so one walk needs
 * ~64 doublings. Other signals get per-call tables; a big one there (not expected) just makes
 * the chain as long as it needs to be. test/verify/public-input.test.ts checks the result
 * against scalar multiplication one by one.
 */

const G1 = bn254.G1.Point;
const WINDOW = 5;
const LIMB_BITS = 64n;
const LIMBS = 4; // 4 × 64 ≥ 254 bits
const LIMB_MASK = (1n << LIMB_BITS) - 1n;

type OddMultiples = G1Point[]; // P, 3P, 5P, …, (2^(WINDOW−1) − 1)P

function oddMultiples(p: G1Point): OddMultiples {
  const twice = p.double();
  const table = [p];
  for (let i = 1; i < 1 << (WINDOW - 2); i++) table.push(table[i - 1].add(twice));
  return table;
}

/** Width-WINDOW NAF digits of k ≥ 0, least significant first: odd digits |d| < 2^(WINDOW−1), or 0. */
function wnafDigits(k: bigint): number[] {
  const digits: number[] = [];
  const full = 1 << WINDOW;
  while (k > 0n) {
    let d = 0;
    if (k & 1n) {
      d = Number(k & BigInt(full - 1));
      if (d >= full / 2) d -= full;
      k -= BigInt(d);
    }
    digits.push(d);
    k >>= 1n;
  }
  return digits;
}

// Per key: for header signal i, the odd-multiple tables of 2^(64k)·IC[i+1], k = 0..3, built on first use.
const headerTables = new WeakMap<VerificationKey, (OddMultiples | undefined)[][]>();

function headerTable(vk: VerificationKey, i: number, k: number): OddMultiples {
  let perKey = headerTables.get(vk);
  if (!perKey) headerTables.set(vk, (perKey = []));
  const perSignal = (perKey[i] ??= []);
  let table = perSignal[k];
  if (!table) {
    let shifted = k === 0 ? vk.ic[i + 1] : headerTable(vk, i, k - 1)[0];
    if (k > 0) for (let b = 0n; b < LIMB_BITS; b++) shifted = shifted.double();
    table = perSignal[k] = oddMultiples(shifted);
  }
  return table;
}

/** Σ s_i·IC[i+1] over the non-zero signals (callers check count and range, and add IC[0]). */
export function signalSum(vk: VerificationKey, signals: readonly bigint[]): G1Point {
  const walks: { table: OddMultiples; digits: number[] }[] = [];
  signals.forEach((s, i) => {
    if (s === 0n) return;
    if (i < POS_TOKENS_OFFSET) {
      for (let k = 0; k < LIMBS; k++) {
        const limb = (s >> (LIMB_BITS * BigInt(k))) & LIMB_MASK;
        if (limb !== 0n) walks.push({ table: headerTable(vk, i, k), digits: wnafDigits(limb) });
      }
    } else {
      walks.push({ table: oddMultiples(vk.ic[i + 1]), digits: wnafDigits(s) });
    }
  });
  const length = Math.max(0, ...walks.map((w) => w.digits.length));
  let acc = G1.ZERO;
  for (let j = length - 1; j >= 0; j--) {
    acc = acc.double();
    for (const { table, digits } of walks) {
      const d = digits[j];
      if (d > 0) acc = acc.add(table[(d - 1) >> 1]);
      else if (d < 0) acc = acc.subtract(table[(-d - 1) >> 1]);
    }
  }
  return acc;
}
