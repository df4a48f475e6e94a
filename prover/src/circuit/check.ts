import { mod } from './field.ts';
import type { ConstraintSystem } from './system.ts';
import type { ConstraintStore } from './store.ts';

/** The first constraint the witness does not satisfy, or null when all hold. */
export interface Unsatisfied {
  index: number;
  label: string;
}

function evaluate(store: ConstraintStore, row: number, which: 0 | 1 | 2, values: readonly bigint[]): bigint {
  const [start, end] = store.lcRange(row, which);
  let acc = 0n;
  for (let t = start; t < end; t++) {
    const raw = store.rawCoeffAt(t);
    const c = Number.isInteger(raw) ? BigInt(raw) : store.bigCoeff(raw);
    acc += c * values[store.wireAt(t)];
  }
  return mod(acc);
}

/**
 * Checks ⟨A,w⟩·⟨B,w⟩ = ⟨C,w⟩ for every row against `values` (default: the system's own
 * witness; tests pass a tampered copy). Names the first failing row by its label.
 */
export function findUnsatisfied(cs: ConstraintSystem, values: readonly bigint[] = cs.values): Unsatisfied | null {
  if (cs.lean) {
    // A lean system checked its rows as they were stated (from the values it holds).
    if (values !== cs.values) throw new TypeError('findUnsatisfied: a lean system keeps no rows to check other values against');
    return cs.leanUnsatisfied();
  }
  if (!cs.computesWitness && values === cs.values) throw new TypeError('findUnsatisfied: the system was built without a witness');
  if (values.length !== cs.nWires) throw new RangeError(`findUnsatisfied: witness has ${values.length} values for ${cs.nWires} wires`);
  const store = cs.store;
  for (let i = 0; i < store.length; i++) {
    if (mod(evaluate(store, i, 0, values) * evaluate(store, i, 1, values)) !== evaluate(store, i, 2, values)) {
      return { index: i, label: store.labelOf(i) };
    }
  }
  return null;
}

/** Throws a RangeError naming the first unsatisfied constraint. */
export function assertSatisfied(cs: ConstraintSystem, values?: readonly bigint[]): void {
  const bad = findUnsatisfied(cs, values);
  if (bad) throw new RangeError(`constraint #${bad.index} (${bad.label}) is not satisfied`);
}
