import { mod, toField } from './field.ts';

/** A wire of the circuit: an index into the witness vector. Wire 0 is the constant 1. */
export type Variable = number;

/** A constant that may appear as a coefficient: a bigint or a safe-integer number. */
export type Scalar = bigint | number;

/** Wire 0 of every R1CS (iden3 r1cs format: wire 0 is the constant ONE). */
export const ONE_WIRE: Variable = 0;

/**
 * A linear combination Σ c_i·w_i over the wires, with constant coefficients. Model weights
 * live here: a constant-weight mat-vec is a set of linear combinations and costs no
 * constraints (docs/architecture.md "Arithmetic").
 *
 * Immutable. Terms may repeat a wire and coefficients are kept unreduced (signed) until
 * the system normalizes them when a constraint is added, so building is cheap.
 * `value` is the combination's value in witness mode (reduced mod r) and undefined when the
 * circuit is built for its shape only.
 */
export class LinearCombination {
  readonly vars: readonly Variable[];
  readonly coeffs: readonly bigint[];
  readonly value: bigint | undefined;

  constructor(vars: readonly Variable[], coeffs: readonly bigint[], value: bigint | undefined) {
    this.vars = vars;
    this.coeffs = coeffs;
    this.value = value;
  }

  /** The constant c (c·ONE); constants always have a value. */
  static constant(c: Scalar): LinearCombination {
    const v = toField(c);
    return new LinearCombination(v === 0n ? [] : [ONE_WIRE], v === 0n ? [] : [BigInt(c)], v);
  }

  /** Σ lcs[i], in one pass. */
  static sum(lcs: readonly LinearCombination[]): LinearCombination {
    return LinearCombination.dot(lcs, null);
  }

  /**
   * Σ coeffs[i]·lcs[i] in one pass (coeffs null means all 1): the constant-weight dot
   * product of a mat-vec row. Zero coefficients add no terms.
   */
  static dot(lcs: readonly LinearCombination[], coeffs: readonly Scalar[] | null): LinearCombination {
    if (coeffs && coeffs.length !== lcs.length) {
      throw new RangeError(`dot: ${lcs.length} terms but ${coeffs.length} coefficients`);
    }
    const vars: Variable[] = [];
    const cs: bigint[] = [];
    let value: bigint | undefined = 0n;
    for (let i = 0; i < lcs.length; i++) {
      const lc = lcs[i];
      const k = coeffs ? BigInt(coeffs[i]) : 1n;
      if (k === 0n) continue;
      for (let j = 0; j < lc.vars.length; j++) {
        vars.push(lc.vars[j]);
        cs.push(k === 1n ? lc.coeffs[j] : k * lc.coeffs[j]);
      }
      if (value !== undefined) value = lc.value === undefined ? undefined : value + k * lc.value;
    }
    return new LinearCombination(vars, cs, value === undefined ? undefined : mod(value));
  }

  /** this + other. */
  add(other: LinearCombination | Scalar): LinearCombination {
    return this.addScaled(other, 1n);
  }

  /** this − other. */
  sub(other: LinearCombination | Scalar): LinearCombination {
    return this.addScaled(other, -1n);
  }

  /** this + k·other. */
  addScaled(other: LinearCombination | Scalar, k: Scalar): LinearCombination {
    const o = other instanceof LinearCombination ? other : LinearCombination.constant(other);
    return LinearCombination.dot([this, o], [1n, k]);
  }

  /** k·this. */
  scale(k: Scalar): LinearCombination {
    const kk = BigInt(k);
    if (kk === 0n) return LinearCombination.constant(0);
    return new LinearCombination(
      this.vars,
      this.coeffs.map((c) => kk * c),
      this.value === undefined ? undefined : mod(kk * this.value),
    );
  }

  neg(): LinearCombination {
    return this.scale(-1n);
  }

  /** True when the combination is c·ONE for some constant c (possibly 0). */
  isConstant(): boolean {
    return this.vars.every((v) => v === ONE_WIRE);
  }

  /** The single wire w when this is exactly 1·w, else undefined (used to tamper in tests). */
  get variable(): Variable | undefined {
    return this.vars.length === 1 && mod(this.coeffs[0]) === 1n && this.vars[0] !== ONE_WIRE ? this.vars[0] : undefined;
  }
}
