import { invPow2, mod, toField, toSigned } from './field.ts';
import { bitsOf, EXACT_BITS, NO_ZEROS, scalarTwos, signedCoefficient, zerosOf } from './two-adic.ts';
import { smallSigned, ValueSum } from './value-sum.ts';

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
  readonly value: bigint | undefined;
  private termVars: readonly Variable[] | undefined;
  private termCoeffs: readonly bigint[] | undefined;
  /**
   * Deferred terms (a witness-only system's combinations, `deferred`): the result of
   * `dot(parts, ks)`, flattened into vars/coeffs only if something reads them. Proving needs
   * values only (docs/decisions.md 25), and most combinations' terms are never read there.
   */
  private parts: readonly LinearCombination[] | undefined;
  private ks: readonly Scalar[] | undefined;
  /** The value as a signed safe integer when it is one (null: it is not), for ValueSum's float path. */
  private smallCache: number | null | undefined;
  private constness: boolean | undefined;
  /** True for a combination whose terms are built on demand (it or a part is a witness-only system's wire). */
  readonly deferred: boolean;
  /** A deferred `shiftedDown(k)`: its terms are parts[0]'s, each signed coefficient divided by 2^shift. */
  private shift: number | undefined;
  /** lowZeroBits's answer (−1: not computed yet) and a bound on the bit length of the signed coefficients (`twoAdic`). */
  private twoZeros = -1;
  private twoBits = 0;

  constructor(vars: readonly Variable[], coeffs: readonly bigint[], value: bigint | undefined) {
    this.termVars = vars;
    this.termCoeffs = coeffs;
    this.value = value;
    this.deferred = false;
  }

  /** Wire w of a witness-only system: combinations built from it defer their terms. */
  static deferredWire(w: Variable, value: bigint): LinearCombination {
    const lc = new LinearCombination([w], [1n], value);
    (lc as { deferred: boolean }).deferred = true;
    lc.constness = w === ONE_WIRE;
    return lc;
  }

  /** The value as a signed integer of magnitude < 2^53, or null (no value, or a larger one). */
  get smallValue(): number | null {
    if (this.smallCache === undefined) {
      const v = this.value;
      this.smallCache = v === undefined ? null : smallSigned(v);
    }
    return this.smallCache;
  }

  /** The wires of the terms (a wire may repeat), built now if they were deferred. */
  get vars(): readonly Variable[] {
    if (this.termVars === undefined) this.materialize();
    return this.termVars!;
  }

  /** The terms' coefficients (unreduced, signed), aligned with `vars`. */
  get coeffs(): readonly bigint[] {
    if (this.termCoeffs === undefined) this.materialize();
    return this.termCoeffs!;
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
   * product of a mat-vec row. Zero coefficients add no terms. When a part defers its terms,
   * so does the result: only the value is computed now (one multiply-add per part instead
   * of one per term), and `vars`/`coeffs` flatten it later to exactly the terms an eager
   * dot would have built.
   */
  static dot(lcs: readonly LinearCombination[], coeffs: readonly Scalar[] | null): LinearCombination {
    if (coeffs && coeffs.length !== lcs.length) {
      throw new RangeError(`dot: ${lcs.length} terms but ${coeffs.length} coefficients`);
    }
    let deferred = false;
    for (let i = 0; i < lcs.length; i++) if (lcs[i].deferred) deferred = true;
    if (deferred) return LinearCombination.deferredDot(lcs, coeffs);
    const vars: Variable[] = [];
    const cs: bigint[] = [];
    let value: bigint | undefined = 0n;
    const acc = new ValueSum();
    for (let i = 0; i < lcs.length; i++) {
      const lc = lcs[i];
      const k = coeffs ? BigInt(coeffs[i]) : 1n;
      if (k === 0n) continue;
      appendTerms(vars, cs, lc, k);
      acc.add(coeffs ? coeffs[i] : 1, k, lc);
    }
    return new LinearCombination(vars, cs, acc.result());
  }

  private static deferredDot(lcs: readonly LinearCombination[], coeffs: readonly Scalar[] | null): LinearCombination {
    const parts: LinearCombination[] = [];
    const ks: Scalar[] = [];
    const acc = new ValueSum();
    for (let i = 0; i < lcs.length; i++) {
      const lc = lcs[i];
      const k = coeffs ? coeffs[i] : 1;
      if (typeof k === 'number' ? k === 0 : k === 0n) continue;
      // A fractional or unsafe number is refused here as an eager dot's BigInt(k) would refuse it.
      if (typeof k === 'number' && !Number.isSafeInteger(k)) BigInt(k);
      parts.push(lc);
      ks.push(k);
      acc.add(k, undefined, lc);
    }
    const out = new LinearCombination([], [], acc.result());
    (out as { deferred: boolean }).deferred = true;
    out.termVars = undefined;
    out.termCoeffs = undefined;
    out.parts = parts;
    out.ks = ks;
    return out;
  }

  /**
   * Builds the deferred terms of this combination and of every deferred part below it,
   * iteratively (a running sum `acc = acc.add(x)` is a chain as deep as its length) and each
   * part once (parts are shared).
   */
  private materialize(): void {
    const stack: LinearCombination[] = [this];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.termVars !== undefined) {
        stack.pop();
        continue;
      }
      let ready = true;
      for (const p of top.parts!) {
        if (p.termVars === undefined) {
          stack.push(p);
          ready = false;
        }
      }
      if (!ready) continue;
      if (top.shift !== undefined) {
        const inner = top.parts![0];
        const d = 1n << BigInt(top.shift);
        top.termVars = inner.termVars;
        top.termCoeffs = inner.termCoeffs!.map((c) => toSigned(c) / d);
      } else {
        const vars: Variable[] = [];
        const cs: bigint[] = [];
        for (let i = 0; i < top.parts!.length; i++) appendTerms(vars, cs, top.parts![i], BigInt(top.ks![i]));
        top.termVars = vars;
        top.termCoeffs = cs;
      }
      top.parts = undefined;
      top.ks = undefined;
      stack.pop();
    }
  }

  /**
   * The largest k ≤ cap such that 2^k divides the signed value (in (−r/2, r/2]) of every
   * coefficient of the terms (cap when every coefficient is 0). For a deferred combination it
   * is derived from its parts without flattening them — a flattened coefficient is k_i·c for
   * a coefficient c of part i, so its 2-adic valuation is ν2(k_i) + ν2(c) — as long as the
   * coefficients' bit lengths keep every product below r/2 (else the terms are flattened and
   * read): the same answer as reading the terms, in shape and witness-only systems alike.
   */
  lowZeroBits(cap: number): number {
    LinearCombination.twoAdic(this);
    return Math.min(cap, this.twoZeros);
  }

  /**
   * lowZeroBits's valuation and bound of lc, computed once per combination and bottom-up over
   * deferred parts (iteratively: running sums are chains as deep as their length). Falls back to
   * the flattened terms where a product could leave (−r/2, r/2] or a shift would not divide
   * exactly. Two numbers per combination, no objects: a stories260K chunk has millions of them.
   */
  private static twoAdic(lc: LinearCombination): void {
    const stack: LinearCombination[] = [lc];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.twoZeros >= 0) { stack.pop(); continue; }
      if (top.parts === undefined) {
        top.setTwosFromTerms(top.termCoeffs!);
        stack.pop();
        continue;
      }
      let ready = true;
      for (const p of top.parts) {
        if (p.twoZeros < 0) { stack.push(p); ready = false; }
      }
      if (!ready) continue;
      let zeros = NO_ZEROS;
      let bits = 0;
      let exact: boolean;
      if (top.shift !== undefined) {
        const inner = top.parts[0];
        exact = inner.twoZeros >= top.shift;
        zeros = inner.twoZeros === NO_ZEROS ? NO_ZEROS : inner.twoZeros - top.shift;
        bits = Math.max(0, inner.twoBits - top.shift);
      } else {
        for (let i = 0; i < top.parts.length; i++) {
          const p = top.parts[i];
          const k = scalarTwos(top.ks![i]);
          if (p.twoZeros !== NO_ZEROS && p.twoZeros + zerosOf(k) < zeros) zeros = p.twoZeros + zerosOf(k);
          if (p.twoBits + bitsOf(k) > bits) bits = p.twoBits + bitsOf(k);
        }
        exact = bits <= EXACT_BITS;
      }
      if (exact) {
        top.twoZeros = zeros;
        top.twoBits = bits;
      } else {
        top.setTwosFromTerms(top.coeffs); // not derivable from the parts (rare: huge coefficients)
      }
      stack.pop();
    }
  }

  /** The least ν2 and the bit-length bound of these coefficients' signed values (a multiple of r is 0: it bounds nothing). */
  private setTwosFromTerms(coeffs: readonly bigint[]): void {
    let zeros = NO_ZEROS;
    let bits = 0;
    for (const c of coeffs) {
      const t = scalarTwos(signedCoefficient(c));
      if (zerosOf(t) < zeros) zeros = zerosOf(t);
      if (bitsOf(t) > bits) bits = bitsOf(t);
    }
    this.twoZeros = zeros;
    this.twoBits = bits;
  }

  /**
   * The combination whose coefficients are this one's signed coefficients divided by 2^k
   * (truncating, as BigInt division does), with value this.value·2^−k: v/2^k when 2^k divides
   * every coefficient (lowZeroBits). Deferred combinations stay deferred.
   */
  shiftedDown(k: number): LinearCombination {
    const value = this.value === undefined ? undefined : mod(this.value * invPow2(k));
    if (!this.deferred) {
      const d = 1n << BigInt(k);
      return new LinearCombination(this.vars, this.coeffs.map((c) => toSigned(c) / d), value);
    }
    const out = new LinearCombination([], [], value);
    (out as { deferred: boolean }).deferred = true;
    out.termVars = undefined;
    out.termCoeffs = undefined;
    out.parts = [this];
    out.ks = [1];
    out.shift = k;
    return out;
  }

  /** this + other. */
  add(other: LinearCombination | Scalar): LinearCombination {
    return this.addScaled(other, 1);
  }

  /** this − other. */
  sub(other: LinearCombination | Scalar): LinearCombination {
    return this.addScaled(other, -1);
  }

  /** this + k·other. */
  addScaled(other: LinearCombination | Scalar, k: Scalar): LinearCombination {
    const o = other instanceof LinearCombination ? other : LinearCombination.constant(other);
    return LinearCombination.dot([this, o], [1, k]);
  }

  /** k·this. */
  scale(k: Scalar): LinearCombination {
    const kk = BigInt(k);
    if (kk === 0n) return LinearCombination.constant(0);
    if (this.deferred) return LinearCombination.dot([this], [kk]);
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
    if (this.constness === undefined) {
      // A deferred dot is constant when every part it kept (k ≠ 0) is: the same answer as
      // checking its flattened terms, without flattening them.
      this.constness = this.parts ? this.parts.every((p) => p.isConstant()) : this.vars.every((v) => v === ONE_WIRE);
    }
    return this.constness;
  }

  /**
   * The wire w when this combination is c·w + d (one term off ONE; ONE may appear in several
   * terms), else undefined. Counts the terms `vars` would hold without flattening deferred
   * parts, stopping at the second wire, so it answers alike in shape and witness-only systems.
   */
  soleWire(): Variable | undefined {
    let found: Variable | undefined;
    const stack: LinearCombination[] = [this];
    while (stack.length > 0) {
      const lc = stack.pop()!;
      if (lc.termVars === undefined) {
        for (const p of lc.parts!) stack.push(p);
        continue;
      }
      for (const v of lc.termVars) {
        if (v === ONE_WIRE) continue;
        if (found !== undefined) return undefined;
        found = v;
      }
    }
    return found;
  }

  /** The single wire w when this is exactly 1·w, else undefined (used to tamper in tests). */
  get variable(): Variable | undefined {
    return this.vars.length === 1 && mod(this.coeffs[0]) === 1n && this.vars[0] !== ONE_WIRE ? this.vars[0] : undefined;
  }
}

/** Appends k·lc's terms (k = 1 keeps the coefficients as they are, as an eager dot always did). */
function appendTerms(vars: Variable[], cs: bigint[], lc: LinearCombination, k: bigint): void {
  const lv = lc.vars;
  const lcf = lc.coeffs;
  for (let j = 0; j < lv.length; j++) {
    vars.push(lv[j]);
    cs.push(k === 1n ? lcf[j] : k * lcf[j]);
  }
}
