import { expect } from 'vitest';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { mod } from '@zkinfer/prover/circuit/field.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import type { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';

/**
 * Shared soundness helpers for the gadget tests: build a gadget in witness mode, check the
 * honest witness satisfies, then tamper every wire the gadget created (its hints) on its own
 * and check that the system becomes unsatisfied.
 */

export interface Built<T> {
  cs: ConstraintSystem;
  out: T;
  /** Wires the gadget created: [first, end). */
  first: number;
  end: number;
}

/** Builds `setup` (inputs) then `gadget` in a fresh witness-mode system and records its new wires. */
export function build<I, T>(setup: (cs: ConstraintSystem) => I, gadget: (cs: ConstraintSystem, inputs: I) => T): Built<T> {
  const cs = new ConstraintSystem({ witness: true });
  const inputs = setup(cs);
  const first = cs.nWires;
  const out = gadget(cs, inputs);
  return { cs, out, first, end: cs.nWires };
}

export interface TamperOptions {
  /** Wires (by index) for which +1 can still be a valid witness, each with the reason. */
  skip?: Map<number, string>;
  /** How to tamper a wire's value (default: +1). */
  delta?: bigint;
  /** Tamper only every k-th wire (for big gadgets; default 1 = all). */
  stride?: number;
}

/** Asserts the honest witness satisfies and that each new wire tampered alone does not. */
export function expectEveryHintTamperFails<T>(b: Built<T>, options: TamperOptions = {}): number {
  const { cs, first, end } = b;
  expect(findUnsatisfied(cs)).toBeNull();
  const delta = options.delta ?? 1n;
  const stride = options.stride ?? 1;
  let tampered = 0;
  for (let w = first; w < end; w += stride) {
    if (options.skip?.has(w)) continue;
    const values = [...cs.values];
    values[w] = mod(values[w] + delta);
    const bad = findUnsatisfied(cs, values);
    expect(bad, `tampering wire ${w} (${cs.wireNames[w]}) by ${delta} should break a constraint`).not.toBeNull();
    tampered++;
  }
  return tampered;
}

/** True when the system built by `gadget` on these inputs is satisfied by its own witness. */
export function satisfied(setup: (cs: ConstraintSystem) => unknown, gadget: (cs: ConstraintSystem, inputs: never) => unknown): boolean {
  const cs = new ConstraintSystem({ witness: true });
  const inputs = setup(cs);
  gadget(cs, inputs as never);
  return findUnsatisfied(cs) === null;
}

/** Builds the gadget in shape mode and in witness mode and checks both have the same constraints. */
export function expectSameShape(gadget: (cs: ConstraintSystem, witness: boolean) => unknown): number {
  const shape = new ConstraintSystem({ witness: false });
  gadget(shape, false);
  const full = new ConstraintSystem({ witness: true });
  gadget(full, true);
  expect(shape.nWires).toBe(full.nWires);
  expect(shape.constraints).toEqual(full.constraints);
  return shape.nConstraints;
}

/**
 * A system whose named hints return a cheating prover's values instead of the honest ones
 * (every other hint still computes from the values it sees, as an adaptive prover would):
 * deeper than a single-wire tamper, since dependent hints follow the lie.
 */
export class CheatingSystem extends ConstraintSystem {
  private readonly lies: Record<string, (honest: () => unknown) => unknown>;

  /** `ranges`: the system's range backend (default plain), e.g. LogUp with an oracle over what the liar committed. */
  constructor(lies: Record<string, (honest: () => unknown) => unknown>, ranges?: ConstructorParameters<typeof ConstraintSystem>[0]['ranges']) {
    super({ witness: true, ranges });
    this.lies = lies;
  }

  override hint(name: string, compute: () => bigint | number): LinearCombination {
    const lie = this.lies[name];
    return super.hint(name, lie ? () => lie(compute) as bigint | number : compute);
  }

  override hints(name: string, n: number, compute: () => readonly (bigint | number)[]): LinearCombination[] {
    const lie = this.lies[name];
    return super.hints(name, n, lie ? () => lie(compute) as readonly (bigint | number)[] : compute);
  }
}

/**
 * The gadget built by a prover that lies on the named hints: whether its constraints are
 * satisfied, and the gadget's output (whose values follow the lies).
 */
export function cheatingOutcome<I, T>(
  setup: (cs: ConstraintSystem) => I,
  gadget: (cs: ConstraintSystem, inputs: I) => T,
  lies: Record<string, (honest: () => unknown) => unknown>,
): { satisfied: boolean; out: T } {
  const cs = new CheatingSystem(lies);
  const out = gadget(cs, setup(cs));
  return { satisfied: findUnsatisfied(cs) === null, out };
}

/** True when the gadget's constraints reject the witness of a prover that lies on the named hints. */
export function cheatingFails<I>(
  setup: (cs: ConstraintSystem) => I,
  gadget: (cs: ConstraintSystem, inputs: I) => unknown,
  lies: Record<string, (honest: () => unknown) => unknown>,
): boolean {
  const cs = new CheatingSystem(lies);
  gadget(cs, setup(cs));
  return findUnsatisfied(cs) !== null;
}
