import { LinearCombination } from '../lc.ts';

/**
 * Packing of small integers into field elements before hashing (docs/proof-format.md
 * "Commitments"; off-circuit twin: commit/commit.ts `pack`). Linear: zero constraints.
 *
 * Precondition: every value is already range-checked to `bits` bits (signed values to
 * [−2^(bits−1), 2^(bits−1)), unsigned to [0, 2^bits)) — the range checks the values get anyway
 * make the packing injective, since ⌊248/bits⌋·bits ≤ 248 < 253.
 */

/** ⌊248 / bits⌋ values per field element. */
export function valuesPerElement(bits: number): number {
  if (!Number.isInteger(bits) || bits < 1 || bits > 248) throw new RangeError(`pack: bits ${bits} not an integer in 1..248`);
  return Math.floor(248 / bits);
}

/**
 * pack(values, bits, signed): element e = Σ_j u_j·2^(bits·j) (little-endian) over consecutive
 * groups of ⌊248/bits⌋ values, u = v + 2^(bits−1) when signed, v when unsigned.
 */
export function pack(values: readonly LinearCombination[], bits: number, signed: boolean): LinearCombination[] {
  const per = valuesPerElement(bits);
  const offset = signed ? 1n << BigInt(bits - 1) : 0n;
  const out: LinearCombination[] = [];
  for (let i = 0; i < values.length; i += per) {
    const group = values.slice(i, i + per);
    const weights = group.map((_, j) => 1n << BigInt(bits * j));
    const offsets = weights.reduce((acc, w) => acc + w * offset, 0n);
    out.push(LinearCombination.dot(group, weights).add(LinearCombination.constant(offsets)));
  }
  return out;
}
