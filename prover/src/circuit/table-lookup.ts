import { LinearCombination, type Scalar } from './lc.ts';
import type { ConstraintSystem } from './system.ts';

/**
 * The bit-decomposition backend's table lookup (ranges.ts; gadgets reach it through
 * `cs.ranges.lookup`, gadgets/table.ts). Lookup of a constant table T[0 … 2^b − 1] at an index given by its b (already boolean,
 * e.g. range-check) bits, in plain R1CS.
 *
 * Method ("split mux"): the index bits are cut into l low and h = b − l high bits. All
 * 2^l products of low bits (multilinear monomials) are built once (2^l − l − 1 constraints).
 * For every value k of the high bits, the sub-table a ↦ T[a + k·2^l] is a multilinear
 * polynomial in the low bits, i.e. a constant-coefficient linear combination g_k of those
 * monomials (Möbius transform; free). A mux tree over the high bits then picks g_k: one
 * product per inner node, 2^h − 1 constraints. With l = 0 this is the plain mux tree whose
 * first level is linear (2^(b−1) − 1 constraints). l is chosen to minimize the cost:
 * b = 4: 4, b = 6: 11, b = 8: 26 (mux tree 127; circom's emulated 8-bit lookup: 135),
 * b = 10: 57, b = 12: 120. Every new wire is a product of forced values, so the output is
 * forced by the bits.
 */

/** Constraints of `lookup` for a b-bit index with the split chosen for it. */
export function lookupCost(b: number): number {
  return Math.min(...splitCosts(b));
}

function splitCosts(b: number): number[] {
  const costs: number[] = [];
  for (let l = 0; l <= b; l++) {
    const h = b - l;
    costs.push(l === 0 ? Math.max(2 ** (b - 1) - 1, 0) : 2 ** l - l - 1 + (2 ** h - 1));
  }
  return costs;
}

/** Multilinear coefficients c[S] (S a bitmask) with f(a) = Σ_{S ⊆ a} c[S] (Möbius transform). */
function mobius(f: readonly bigint[]): bigint[] {
  const c = [...f];
  for (let bit = 1; bit < c.length; bit <<= 1) {
    for (let s = 0; s < c.length; s++) if (s & bit) c[s] -= c[s ^ bit];
  }
  return c;
}

/**
 * T[index] with index = Σ bits[i]·2^i; the bits must be boolean (precondition).
 * Cost: at most lookupCost(b) (a mux step whose two sides differ by a constant is linear, free).
 */
export function splitMuxLookup(cs: ConstraintSystem, bits: readonly LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
  const b = bits.length;
  if (b < 1 || b > 16) throw new RangeError(`splitMuxLookup: index width ${b} not in 1..16`);
  if (table.length !== 2 ** b) throw new RangeError(`splitMuxLookup: table has ${table.length} entries for a ${b}-bit index (needs ${2 ** b})`);
  const costs = splitCosts(b);
  const l = costs.indexOf(Math.min(...costs));
  const entries = Array.from(table, (v) => BigInt(v));
  return cs.scope(`lookup${b}`, () => {
    // monomials of the low bits: mono[S] = Π_{i ∈ S} bits[i]
    const mono: LinearCombination[] = [LinearCombination.constant(1)];
    for (let s = 1; s < 2 ** l; s++) {
      const top = 31 - Math.clz32(s);
      const rest = s ^ (1 << top);
      mono.push(rest === 0 ? bits[top] : cs.mul(mono[rest], bits[top], `mono${s}`));
    }
    let nodes: LinearCombination[] = [];
    for (let k = 0; k < 2 ** (b - l); k++) {
      const coeffs = mobius(entries.slice(k * 2 ** l, (k + 1) * 2 ** l));
      nodes.push(LinearCombination.dot(mono, coeffs));
    }
    for (let j = l; j < b; j++) {
      const next: LinearCombination[] = [];
      for (let i = 0; i < nodes.length; i += 2) {
        const diff = nodes[i + 1].sub(nodes[i]);
        next.push(nodes[i].add(cs.mul(bits[j], diff, `mux${j}`)));
      }
      nodes = next;
    }
    return nodes[0];
  });
}
