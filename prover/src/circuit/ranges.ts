import type { ClampTable } from './clamp-table.ts';
import type { CommitmentSpec } from './commitment-spec.ts';
import { LinearCombination, type Scalar } from './lc.ts';
import type { ConstraintSystem } from './system.ts';
import { decomposeBits } from './bit-decomposition.ts';
import { splitMuxLookup } from './table-lookup.ts';

/**
 * The range-check seam (docs/decisions.md 14): every range check and every table lookup of a
 * circuit goes through `cs.ranges`, so that a lookup argument (LogUp, issue 16; gnark's
 * std/rangecheck is the model: `Check(v, bits)` calls collected and resolved when the circuit
 * is complete) can replace bit decomposition without touching a gadget.
 *
 * The interface separates what a gadget needs:
 * - `check`: only the range. A backend may defer it and resolve all checks together at `resolve`.
 * - `bits`: the range AND the bits, because the gadget computes with them (a sign bit, a
 *   comparison's top bit, a table index, a window's high bits). Always decomposed, at once.
 * - `lookup`: T[index] for a constant table and an index given by its (boolean) bits.
 */
export interface RangeChecks {
  /** Constrains x ∈ [0, 2^bits) as an integer; the caller does not use x's bits. */
  check(x: LinearCombination, bits: number): void;
  /**
   * Constrains x ∈ [0, 2^bits) and returns a function giving its bits (little-endian, each
   * constrained boolean) for a gadget whose callers may or may not use them. Bit decomposition
   * makes them now; a lookup backend only if the function is called (before `resolve`).
   */
  checkWithBits(x: LinearCombination, bits: number): () => LinearCombination[];
  /**
   * Constrains x ∈ [0, 2^width) and returns its part above 2^low as a combination equal to
   * Σ_{i ≥ low} x_i·2^i (0 when width = low): a saturation window tests only that part.
   */
  highPart(x: LinearCombination, width: number, low: number): LinearCombination;
  /** Constrains x ∈ [0, 2^bits) and returns its bits, little-endian, each constrained boolean. */
  bits(x: LinearCombination, bits: number): LinearCombination[];
  /** T[Σ indexBits[i]·2^i] for a constant table of 2^indexBits.length entries; the bits must be boolean. */
  lookup(indexBits: readonly LinearCombination[], table: ArrayLike<Scalar>): LinearCombination;
  /**
   * T[index] for a constant table of 2^k entries and an index range-checked to k bits by the
   * caller (precondition), whose bits `bits` gives on demand (checkWithBits). Bit decomposition:
   * the split mux over the bits; a lookup backend may look the pair (index, T[index]) up instead.
   */
  lookupAt(index: LinearCombination, bits: () => LinearCombination[], table: ArrayLike<Scalar>): LinearCombination;
  /**
   * Constrains x ∈ [0, 2^width) and looks its digits up: with D = digitBits and n tables of
   * 2^D entries, x = Σ_{k<n} d_k·2^(kD) + 2^(nD)·h; returns T_k[d_k] for each k, and h (the
   * part above the digits) when width > nD. Bit decomposition: x's bits (missing high digits
   * are 0) and a split mux per digit; a lookup backend looks the pairs (d_k, T_k[d_k]) up.
   */
  lookupDigits(x: LinearCombination, width: number, digitBits: number, tables: readonly ArrayLike<Scalar>[]): { values: LinearCombination[]; high?: LinearCombination };
  /**
   * The circuit's clamp table (clamp-table.ts: int8 saturation by one pair lookup), when the
   * backend has one; a saturating gadget that finds it undefined uses flags (gadgets/requant.ts).
   */
  readonly clampTable: ClampTable | undefined;
  /** Adds whatever the backend deferred; called once, when the circuit is complete (buildChunk). */
  resolve(): void;
  /**
   * Called once right after the circuit's own public inputs, before any private wire: a
   * backend that needs a public wire declares it here (LogUp: the challenge, the last public).
   */
  declarePublics(): void;
  /** Rows `resolve` will add for the requests so far (the chunk planner charges them to the stage that asked). */
  readonly pendingRows: number;
  /** Rows `resolve` adds once per circuit whatever was asked (LogUp: the table); 0 for decomposition. */
  readonly fixedRows: number;
  /** The committed wires and challenge wire (commitment-spec.ts) once resolved; undefined for a plain circuit. */
  readonly commitment: CommitmentSpec | undefined;
}

/**
 * Today's backend: every check is a bit decomposition made where it is asked (n rows for n
 * bits), a lookup is a split mux over the index bits (table-lookup.ts), nothing is deferred.
 * These are the rows the circuits had before the seam existed, in the same order, so the
 * .r1cs files and their circuit hashes are unchanged (scripts/circuit-hashes.ts).
 */
export class BitDecompositionRanges implements RangeChecks {
  private readonly cs: ConstraintSystem;

  constructor(cs: ConstraintSystem) {
    this.cs = cs;
  }

  check(x: LinearCombination, bits: number): void {
    decomposeBits(this.cs, x, bits);
  }

  checkWithBits(x: LinearCombination, bits: number): () => LinearCombination[] {
    const b = decomposeBits(this.cs, x, bits);
    return () => b;
  }

  bits(x: LinearCombination, bits: number): LinearCombination[] {
    return decomposeBits(this.cs, x, bits);
  }

  highPart(x: LinearCombination, width: number, low: number): LinearCombination {
    const bits = decomposeBits(this.cs, x, width);
    return highOf(bits, low);
  }

  lookup(indexBits: readonly LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
    return splitMuxLookup(this.cs, indexBits, table);
  }

  lookupAt(_index: LinearCombination, bits: () => LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
    return splitMuxLookup(this.cs, bits(), table);
  }

  lookupDigits(x: LinearCombination, width: number, digitBits: number, tables: readonly ArrayLike<Scalar>[]): { values: LinearCombination[]; high?: LinearCombination } {
    const bits = decomposeBits(this.cs, x, width);
    const low = tables.length * digitBits;
    const digitsOf = (k: number): LinearCombination[] =>
      Array.from({ length: digitBits }, (_, i) => bits[k * digitBits + i] ?? LinearCombination.constant(0)); // a narrow x: its missing high bits are 0
    const values = tables.map((t, k) => splitMuxLookup(this.cs, digitsOf(k), t));
    return { values, high: width > low ? highOf(bits.slice(low), 0) : undefined };
  }

  resolve(): void {}

  declarePublics(): void {}

  readonly pendingRows = 0;
  readonly fixedRows = 0;
  readonly commitment = undefined;
  readonly clampTable = undefined;
}

/** Σ_{i ≥ low} bits[i]·2^i (the constant 0 when there are no such bits). */
export function highOf(bits: readonly LinearCombination[], low: number): LinearCombination {
  const high = bits.slice(low);
  return LinearCombination.dot(high, high.map((_, i) => 1n << BigInt(low + i)));
}
