import { mod, R } from './field.ts';
import type { Variable } from './lc.ts';

/**
 * Flat, growable storage for R1CS rows: a circuit of 10^6 constraints with 10^7 non-zero
 * coefficients must fit in bounded memory, which one JS object + bigint array per row
 * does not (each bigint is a heap object).
 *
 * Every term is a wire index (Uint32) and a coefficient in a Float64 slot. A coefficient
 * whose signed representative (−r/2, r/2] is a safe integer is stored as that number (the
 * common case: weights, powers of two below 2^53, ±1); any other coefficient is stored in
 * `bigCoeffs` and its slot holds `index + 0.5`, a non-integer that no small coefficient
 * can take. Rows are three consecutive term ranges (A, B, C); labels are interned.
 */
export class ConstraintStore {
  private wires = new Uint32Array(1024);
  private coeffs = new Float64Array(1024);
  private nTerms = 0;
  /** lcEnd[3i + k] = end (exclusive) of LC k ∈ {A, B, C} of row i in the term arrays. */
  private lcEnd = new Uint32Array(3 * 1024);
  private labelIds = new Uint32Array(1024);
  private nRows = 0;
  private readonly bigCoeffs: bigint[] = [];
  private readonly labels: string[] = [];
  private readonly labelIndex = new Map<string, number>();

  get length(): number {
    return this.nRows;
  }

  /** Total number of non-zero coefficients over all rows. */
  get termCount(): number {
    return this.nTerms;
  }

  /** Starts a row; follow with exactly three `pushLc` calls (A, B, C). */
  beginRow(label: string): void {
    let id = this.labelIndex.get(label);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push(label);
      this.labelIndex.set(label, id);
    }
    if (this.nRows === this.labelIds.length) {
      this.labelIds = grow(this.labelIds, this.nRows * 2);
      this.lcEnd = grow(this.lcEnd, this.nRows * 6);
    }
    this.labelIds[this.nRows] = id;
    this.nRows++;
  }

  /**
   * Appends one linear combination of the current row, normalized: repeated wires merged,
   * coefficients reduced mod r, zeros dropped, sorted by wire.
   */
  pushLc(which: 0 | 1 | 2, vars: readonly Variable[], coeffs: readonly bigint[]): void {
    const n = vars.length;
    let sorted = true;
    for (let i = 1; i < n; i++) {
      if (vars[i] <= vars[i - 1]) {
        sorted = false;
        break;
      }
    }
    if (sorted) {
      this.reserve(n);
      for (let i = 0; i < n; i++) this.pushTerm(vars[i], coeffs[i]);
    } else {
      const acc = new Map<Variable, bigint>();
      for (let i = 0; i < n; i++) acc.set(vars[i], (acc.get(vars[i]) ?? 0n) + coeffs[i]);
      const keys = [...acc.keys()].sort((a, b) => a - b);
      this.reserve(keys.length);
      for (const v of keys) this.pushTerm(v, acc.get(v)!);
    }
    this.lcEnd[3 * (this.nRows - 1) + which] = this.nTerms;
  }

  /** [start, end) of LC `which` (0 = A, 1 = B, 2 = C) of `row` in term space. */
  lcRange(row: number, which: 0 | 1 | 2): [number, number] {
    const k = 3 * row + which;
    const start = k === 0 ? 0 : this.lcEnd[k - 1];
    return [start, this.lcEnd[k]];
  }

  wireAt(term: number): Variable {
    return this.wires[term];
  }

  /** The canonical coefficient in [0, r). */
  coeffAt(term: number): bigint {
    const f = this.coeffs[term];
    if (Number.isInteger(f)) return f < 0 ? R + BigInt(f) : BigInt(f);
    return this.bigCoeffs[f - 0.5];
  }

  /** The raw slot: a safe integer (the signed coefficient) or a big-coefficient marker. */
  rawCoeffAt(term: number): number {
    return this.coeffs[term];
  }

  /** The big coefficient behind a non-integer raw slot. */
  bigCoeff(raw: number): bigint {
    return this.bigCoeffs[raw - 0.5];
  }

  labelOf(row: number): string {
    return this.labels[this.labelIds[row]];
  }

  private reserve(n: number): void {
    const need = this.nTerms + n;
    if (need <= this.wires.length) return;
    const size = Math.max(need, this.wires.length * 2);
    this.wires = grow(this.wires, size);
    this.coeffs = grow(this.coeffs, size);
  }

  private pushTerm(v: Variable, c: bigint): void {
    let slot: number;
    if (c > -SAFE && c < SAFE) {
      if (c === 0n) return;
      slot = Number(c);
    } else {
      const m = mod(c);
      if (m === 0n) return;
      const s = m > HALF ? m - R : m;
      if (s > -SAFE && s < SAFE) slot = Number(s);
      else {
        slot = this.bigCoeffs.length + 0.5;
        this.bigCoeffs.push(m);
      }
    }
    this.wires[this.nTerms] = v;
    this.coeffs[this.nTerms] = slot;
    this.nTerms++;
  }
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER) + 1n;
const HALF = (R - 1n) / 2n;

function grow<T extends Uint32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
