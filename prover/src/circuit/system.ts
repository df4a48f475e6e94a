import { mod, toField } from './field.ts';
import { LinearCombination, ONE_WIRE, type Scalar, type Variable } from './lc.ts';
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
  /** The rows in flat form (writers and the checker iterate it without materializing rows). */
  readonly store = new ConstraintStore();
  /** Witness values by wire (witness mode only); values[0] = 1. */
  readonly values: bigint[] = [];
  /** Debug names of wires, by index. */
  readonly wireNames: string[] = ['ONE'];
  private nPublicInputs = 0;
  private nPrivateInputsDeclared = 0;
  private scopes: string[] = [];
  /** Wire names interned: a million wires share a few thousand distinct name strings. */
  private readonly nameTable = new Map<string, string>();

  constructor(options: ConstraintSystemOptions) {
    this.computesWitness = options.witness;
    if (this.computesWitness) this.values.push(1n);
  }

  get nPublic(): number {
    return this.nPublicInputs;
  }

  /** Wires declared with `privateInput` (the r1cs header's nPrvIn; hints are not counted). */
  get nPrivateInputs(): number {
    return this.nPrivateInputsDeclared;
  }

  get nWires(): number {
    return this.wireNames.length;
  }

  get nConstraints(): number {
    return this.store.length;
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
   * in the same gadget (DESIGN.md: every hint is constrained where it is made).
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
        this.newWire(`${name}[${i}]`, () => {
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
    const [x, y] = b.vars.length > a.vars.length ? [b, a] : [a, b];
    this.store.beginRow(this.labelOf(label));
    this.store.pushLc(0, x.vars, x.coeffs);
    this.store.pushLc(1, y.vars, y.coeffs);
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
    if (lc.value === undefined) throw new TypeError('valueOf: the circuit is being built without a witness');
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

  private labelOf(label: string): string {
    return this.scopes.length === 0 ? label : `${this.scopes.join('/')}/${label}`;
  }

  private newWire(name: string, compute: () => Scalar): LinearCombination {
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

function constantOf(lc: LinearCombination): bigint {
  let c = 0n;
  for (let i = 0; i < lc.vars.length; i++) if (lc.vars[i] === ONE_WIRE) c += lc.coeffs[i];
  return mod(c);
}
