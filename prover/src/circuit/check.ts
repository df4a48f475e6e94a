import { mod } from './field.ts';
import type { ConstraintSystem, SparseLc } from './system.ts';

/** The first constraint the witness does not satisfy, or null when all hold. */
export interface Unsatisfied {
  index: number;
  label: string;
}

function evaluate(lc: SparseLc, values: readonly bigint[]): bigint {
  let acc = 0n;
  for (let i = 0; i < lc.vars.length; i++) acc += lc.coeffs[i] * values[lc.vars[i]];
  return mod(acc);
}

/**
 * Checks ⟨A,w⟩·⟨B,w⟩ = ⟨C,w⟩ for every row against `values` (default: the system's own
 * witness; tests pass a tampered copy). Names the first failing row by its label.
 */
export function findUnsatisfied(cs: ConstraintSystem, values: readonly bigint[] = cs.values): Unsatisfied | null {
  if (!cs.computesWitness && values === cs.values) throw new TypeError('findUnsatisfied: the system was built without a witness');
  if (values.length !== cs.nWires) throw new RangeError(`findUnsatisfied: witness has ${values.length} values for ${cs.nWires} wires`);
  for (let i = 0; i < cs.constraints.length; i++) {
    const { a, b, c, label } = cs.constraints[i];
    if (mod(evaluate(a, values) * evaluate(b, values)) !== evaluate(c, values)) return { index: i, label };
  }
  return null;
}

/** Throws a RangeError naming the first unsatisfied constraint. */
export function assertSatisfied(cs: ConstraintSystem, values?: readonly bigint[]): void {
  const bad = findUnsatisfied(cs, values);
  if (bad) throw new RangeError(`constraint #${bad.index} (${bad.label}) is not satisfied`);
}
