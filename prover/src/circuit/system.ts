import type { CommitmentSpec } from './commitment-spec.ts';
import { mod, toField } from './field.ts';
import { LinearCombination, ONE_WIRE, type Scalar, type Variable } from './lc.ts';
import { BitDecompositionRanges, type RangeChecks } from './ranges.ts';
import { ConstraintStore } from './store.ts';

/** A normalized linear combination as stored in a constraint: sorted wires, reduced coefficients. */
export interface SparseLc {
  vars: Variable[];
  coeffs: bigint[];
}

/** One R1CS row ⟨A,w⟩·⟨B,w⟩ = ⟨C,w⟩ with the label of the gadget that added it. */
export interface Constraint {
  a: SparseLc;
  b: SparseLc;
  c: SparseLc;
  label: string;
}

export interface ConstraintSystemOptions {
  /** Compute witness values (prove) or only the circuit's shape (setup needs no prompt). */
  witness: boolean;
  /**
   * Witness mode only: keep neither the rows nor the wire names, only the values (all a .wtns
   * needs), and check every constraint as it is stated from the values its linear
   * combinations already carry — one product per row instead of re-evaluating stored terms.
   * `findUnsatisfied` reports the first failing row as for a recording system. The circuit
   * proven is the one compile built in shape mode from the same code; the rows a witness-mode
   * system would record are thrown away after the check anyway.
   */
  lean?: boolean;
  /** The range-check backend (ranges.ts); default: bit decomposition, the circuits' rows today. */
  ranges?: (cs: ConstraintSystem) => RangeChecks;
}

/** A row of a lean system whose check waits for a late public input's value. */
interface DeferredRow {
  index: number;
  label: string;
  a: LinearCombination;
  b: LinearCombination;
  c: LinearCombination;
}

/**
 * A rank-1 constraint system over F_r that also computes its witness.
 *
 * The same gadget code states the constraints and, when `computesWitness`, the values: a
 * hint's `compute` callback runs only in witness mode, so a circuit's shape can be built
 * without any private data. Wire order follows the iden3 r1cs layout snarkjs expects:
 * wire 0 is ONE, then the public inputs, then every private wire — so all public inputs
 * must be declared before any other wire.
 */
export class ConstraintSystem {
  readonly computesWitness: boolean;
  /** See ConstraintSystemOptions.lean: no rows, no wire names, constraints checked as stated. */
  readonly lean: boolean;
  /** The rows in flat form (writers and the checker iterate it without materializing rows). */
  readonly store = new ConstraintStore();
  /** Witness values by wire (witness mode only); values[0] = 1. */
  readonly values: bigint[] = [];
  /** Debug names of wires, by index (only ONE's in a lean system). */
  readonly wireNames: string[] = ['ONE'];
  /** The one way gadgets range-check a value or look up a table (ranges.ts, docs/decisions.md 14). */
  readonly ranges: RangeChecks;
  private nPublicInputs = 0;
  private nPrivateInputsDeclared = 0;
  private scopes: string[] = [];
  /** Wire names interned: a million wires share a few thousand distinct name strings. */
  private readonly nameTable = new Map<string, string>();
  /** Lean system: rows stated, the first one whose values failed, rows waiting for a late value. */
  private leanRows = 0;
  private leanFailure: { index: number; label: string } | undefined;
  private readonly deferred: DeferredRow[] = [];

  constructor(options: ConstraintSystemOptions) {
    this.computesWitness = options.witness;
    this.lean = options.lean === true;
    if (this.lean && !this.computesWitness) throw new TypeError('ConstraintSystem: a lean system is a witness-mode one (shape mode must record its rows)');
    if (this.computesWitness) this.values.push(1n);
    this.ranges = options.ranges?.(this) ?? new BitDecompositionRanges(this);
  }

  /** The wires a lookup argument commits to and its challenge wire, once `ranges.resolve()` ran (undefined: a plain circuit). */
  get commitment(): CommitmentSpec | undefined {
    return this.ranges.commitment;
  }

  /** Rows so far plus the rows the range backend will add for the requests so far (the planner's accounting). */
  get plannedRows(): number {
    return this.nConstraints + this.ranges.pendingRows;
  }

  get nPublic(): number {
    return this.nPublicInputs;
  }

  /** Wires declared with `privateInput` (the r1cs header's nPrvIn; hints are not counted). */
  get nPrivateInputs(): number {
    return this.nPrivateInputsDeclared;
  }

  get nWires(): number {
    return this.lean ? this.values.length : this.wireNames.length;
  }

  get nConstraints(): number {
    return this.lean ? this.leanRows : this.store.length;
  }

  /**
   * Lean system: the first row its witness does not satisfy (rows waiting for a late public
   * input are evaluated now, against the current values), or null. check.ts's
   * findUnsatisfied calls this for a lean system.
   */
  leanUnsatisfied(): { index: number; label: string } | null {
    if (!this.lean) throw new TypeError('leanUnsatisfied: not a lean system (use findUnsatisfied)');
    let first = this.leanFailure;
    for (const row of this.deferred) {
      if (first && first.index < row.index) break;
      if (mod(evaluateLc(row.a, this.values) * evaluateLc(row.b, this.values)) !== evaluateLc(row.c, this.values)) {
        first = { index: row.index, label: row.label };
        break;
      }
    }
    return first ?? null;
  }

  /** Row i as an object with canonical coefficients in [0, r). */
  constraint(i: number): Constraint {
    if (!Number.isInteger(i) || i < 0 || i >= this.store.length) {
      throw new RangeError(`constraint: index ${i} out of range [0, ${this.store.length})`);
    }
    const lc = (which: 0 | 1 | 2): SparseLc => {
      const [start, end] = this.store.lcRange(i, which);
      const vars: Variable[] = [];
      const coeffs: bigint[] = [];
      for (let t = start; t < end; t++) {
        vars.push(this.store.wireAt(t));
        coeffs.push(this.store.coeffAt(t));
      }
      return { vars, coeffs };
    };
    return { a: lc(0), b: lc(1), c: lc(2), label: this.store.labelOf(i) };
  }

  /**
   * Every row as an object, materialized on each access: for tests and debugging of small
   * circuits only (large ones should use `constraint(i)` or `store`).
   */
  get constraints(): Constraint[] {
    const out: Constraint[] = [];
    for (let i = 0; i < this.store.length; i++) out.push(this.constraint(i));
    return out;
  }

  /** The constant 1. */
  get one(): LinearCombination {
    return LinearCombination.constant(1);
  }

  constant(c: Scalar): LinearCombination {
    return LinearCombination.constant(c);
  }

  /** A public input; its value is required in witness mode. Declare all of them first. */
  publicInput(name: string, value?: Scalar): LinearCombination {
    if (this.nWires !== this.nPublicInputs + 1) {
      throw new RangeError(`publicInput ${JSON.stringify(name)}: public inputs must be declared before any private wire`);
    }
    this.nPublicInputs++;
    return this.newWire(name, () => {
      if (value === undefined) throw new TypeError(`publicInput ${JSON.stringify(name)}: no value in witness mode`);
      return value;
    });
  }

  /**
   * A public input whose value is known only once the circuit is built (a chunk's output
   * commitment). Witness mode: its wire holds 0 until the caller sets `values[wire]`, and its
   * linear combination carries no value, so no gadget can compute with the placeholder; a lean
   * system checks the rows using it when asked (`findUnsatisfied`), after the value is set.
   */
  latePublicInput(name: string): LinearCombination {
    const lc = this.publicInput(name, 0n);
    return new LinearCombination(lc.vars, lc.coeffs, undefined);
  }

  /** A private input (prompt token, salt…). It is constrained only by what gadgets add. */
  privateInput(name: string, value?: Scalar): LinearCombination {
    this.nPrivateInputsDeclared++;
    return this.newWire(name, () => {
      if (value === undefined) throw new TypeError(`privateInput ${JSON.stringify(name)}: no value in witness mode`);
      return value;
    });
  }

  /**
   * A wire whose value is computed outside the constraints. The caller MUST constrain it
   * in the same gadget (docs/architecture.md "Arithmetic": every hint is constrained where it is made).
   */
  hint(name: string, compute: () => Scalar): LinearCombination {
    return this.newWire(name, compute);
  }

  /** n hinted wires computed together (e.g. the bits of one value). */
  hints(name: string, n: number, compute: () => readonly Scalar[]): LinearCombination[] {
    let computed: readonly Scalar[] | undefined;
    const out: LinearCombination[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        this.newWire(this.lean ? name : `${name}[${i}]`, () => {
          computed ??= compute();
          if (computed.length !== n) throw new RangeError(`hints ${JSON.stringify(name)}: expected ${n} values, got ${computed.length}`);
          return computed[i];
        }),
      );
    }
    return out;
  }

  /**
   * Adds the constraint a·b = c. The longer of a and b is written as the A side: snarkjs's
   * phase-2 setup (`zkey new`) computes for every wire a G1 point per A term but a G1 *and*
   * a G2 point per B term (G2 arithmetic costs ~3× G1), so B terms dominate setup time.
   * a·b = b·a, so the statement is the same.
   */
  assertR1(a: LinearCombination, b: LinearCombination, c: LinearCombination, label = 'r1'): void {
    // A lean system checks a·b = c from values only: the sides' order (and so their terms) does not matter.
    if (this.lean) return this.assertR1Ordered(a, b, c, label);
    const [x, y] = b.vars.length > a.vars.length ? [b, a] : [a, b];
    this.assertR1Ordered(x, y, c, label);
  }

  /**
   * Adds a·b = c with a as the A side and b as the B side, unswapped: for rows whose B side
   * must stay small for the prover (LogUp's inverse wires are full 254-bit scalars: in B each
   * would also enter the G2 multi-exponentiation, about 4× the cost of a G1 term).
   */
  assertR1Ordered(a: LinearCombination, b: LinearCombination, c: LinearCombination, label = 'r1'): void {
    if (this.lean) {
      const index = this.leanRows++;
      if (a.value === undefined || b.value === undefined || c.value === undefined) this.deferred.push({ index, label: this.labelOf(label), a, b, c });
      else if (this.leanFailure === undefined && mod(a.value * b.value) !== c.value) this.leanFailure = { index, label: this.labelOf(label) };
      return;
    }
    this.store.beginRow(this.labelOf(label));
    this.store.pushLc(0, a.vars, a.coeffs);
    this.store.pushLc(1, b.vars, b.coeffs);
    this.store.pushLc(2, c.vars, c.coeffs);
  }

  /**
   * Adds the constraint a = b as the linear row 0·0 = a − b (as circom writes linear
   * constraints). With its terms only in C, the row costs one G1 term per wire in the
   * setup (C section) and nothing in the prover's A·w, B·w evaluations.
   */
  assertEqual(a: LinearCombination | Scalar, b: LinearCombination | Scalar, label = 'eq'): void {
    const l = a instanceof LinearCombination ? a : LinearCombination.constant(a);
    const zero = LinearCombination.constant(0);
    this.assertR1(zero, zero, l.sub(b), label);
  }

  /** A new wire equal to a·b (one constraint). */
  mul(a: LinearCombination, b: LinearCombination, label = 'mul'): LinearCombination {
    if (a.isConstant() || b.isConstant()) {
      // A product with a constant is linear: no constraint, no wire.
      return a.isConstant() ? b.scale(constantOf(a)) : a.scale(constantOf(b));
    }
    const c = this.hint(label, () => this.valueOf(a) * this.valueOf(b));
    this.assertR1(a, b, c, label);
    return c;
  }

  /** The value of a combination in witness mode (reduced mod r). */
  valueOf(lc: LinearCombination): bigint {
    if (lc.value === undefined) throw new TypeError('valueOf: no value (the circuit is being built without a witness, or this depends on a late public input)');
    return lc.value;
  }

  /** Runs `build` with `label` prefixed to every constraint label it adds. */
  scope<T>(label: string, build: () => T): T {
    this.scopes.push(label);
    try {
      return build();
    } finally {
      this.scopes.pop();
    }
  }

  /** The current scope path (`a/b/c`), for a backend that states a gadget's rows later under the gadget's label. */
  get scopeLabel(): string {
    return this.scopes.join('/');
  }

  private labelOf(label: string): string {
    return this.scopes.length === 0 ? label : `${this.scopes.join('/')}/${label}`;
  }

  private newWire(name: string, compute: () => Scalar): LinearCombination {
    if (this.lean) {
      const value = toField(compute());
      this.values.push(value);
      // Deferred terms: combinations of lean wires carry values now and build terms only when read (lc.ts).
      return LinearCombination.deferredWire(this.values.length - 1, value);
    }
    const wire: Variable = this.wireNames.length;
    const label = this.labelOf(name);
    let interned = this.nameTable.get(label);
    if (interned === undefined) this.nameTable.set(label, (interned = label));
    this.wireNames.push(interned);
    if (!this.computesWitness) return new LinearCombination([wire], [1n], undefined);
    const value = toField(compute());
    this.values.push(value);
    return new LinearCombination([wire], [1n], value);
  }
}

/** Σ coeffs·values[vars] mod r: a linear combination evaluated from the witness vector. */
function evaluateLc(lc: LinearCombination, values: readonly bigint[]): bigint {
  let acc = 0n;
  for (let i = 0; i < lc.vars.length; i++) acc += lc.coeffs[i] * values[lc.vars[i]];
  return mod(acc);
}

function constantOf(lc: LinearCombination): bigint {
  let c = 0n;
  for (let i = 0; i < lc.vars.length; i++) if (lc.vars[i] === ONE_WIRE) c += lc.coeffs[i];
  return mod(c);
}
