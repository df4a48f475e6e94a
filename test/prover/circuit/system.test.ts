import { describe, expect, it } from 'vitest';
import { ConstraintSystem } from '../../../prover/src/circuit/system.ts';
import { findUnsatisfied } from '../../../prover/src/circuit/check.ts';
import { LinearCombination } from '../../../prover/src/circuit/lc.ts';
import { R } from '../../../prover/src/circuit/field.ts';

function cube(cs: ConstraintSystem, xVal?: bigint) {
  const out = cs.publicInput('out', xVal === undefined ? undefined : xVal ** 3n + 5n);
  const x = cs.privateInput('x', xVal);
  const x2 = cs.mul(x, x, 'x2');
  const x3 = cs.mul(x2, x, 'x3');
  cs.assertEqual(x3.add(5), out, 'out');
  return { out, x, x2, x3 };
}

describe('ConstraintSystem', () => {
  it('computes and satisfies a witness', () => {
    const cs = new ConstraintSystem({ witness: true });
    cube(cs, 3n);
    expect(cs.nPublic).toBe(1);
    expect(cs.nConstraints).toBe(3);
    expect(cs.values).toEqual([1n, 32n, 3n, 9n, 27n]);
    expect(findUnsatisfied(cs)).toBeNull();
  });

  it('names the first failing constraint when a hint is tampered', () => {
    const cs = new ConstraintSystem({ witness: true });
    const { x2 } = cube(cs, 3n);
    const w = [...cs.values];
    w[x2.variable!] = 10n;
    expect(findUnsatisfied(cs, w)).toEqual({ index: 0, label: 'x2' });
  });

  it('builds the same shape without values', () => {
    const shape = new ConstraintSystem({ witness: false });
    cube(shape);
    const full = new ConstraintSystem({ witness: true });
    cube(full, 7n);
    expect(shape.constraints).toEqual(full.constraints);
    expect(shape.values).toEqual([]);
  });

  it('refuses a public input after a private wire', () => {
    const cs = new ConstraintSystem({ witness: false });
    cs.privateInput('a');
    expect(() => cs.publicInput('late')).toThrow(RangeError);
  });

  it('folds constant weights into linear combinations at no constraint cost', () => {
    const cs = new ConstraintSystem({ witness: true });
    const xs = [1n, -2n, 3n].map((v, i) => cs.privateInput(`x${i}`, v));
    const y = LinearCombination.dot(xs, [5, 7, -1]);
    expect(cs.nConstraints).toBe(0);
    expect(y.value).toBe((5n - 14n - 3n + R) % R);
  });
});
