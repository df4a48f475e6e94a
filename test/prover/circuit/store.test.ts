import { describe, expect, it } from 'vitest';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';

describe('flat constraint storage', () => {
  it('normalizes: merges repeated wires, reduces mod r, drops zeros, sorts by wire', () => {
    const cs = new ConstraintSystem({ witness: false });
    const a = cs.privateInput('a');
    const b = cs.privateInput('b');
    const lc = LinearCombination.dot([b, a, b, a, cs.one], [5, 2n ** 60n, -5, R + 3n, 0]);
    cs.assertR1(lc, cs.one, LinearCombination.constant(-1), 'n');
    const row = cs.constraint(0);
    expect(row.a).toEqual({ vars: [a.variable!], coeffs: [(2n ** 60n + 3n) % R] });
    expect(row.b).toEqual({ vars: [0], coeffs: [1n] });
    expect(row.c).toEqual({ vars: [0], coeffs: [R - 1n] });
    expect(row.label).toBe('n');
  });

  it('keeps small, negative, 2^53-boundary and big coefficients exactly', () => {
    const cs = new ConstraintSystem({ witness: false });
    const xs = Array.from({ length: 7 }, (_, i) => cs.privateInput(`x${i}`));
    const coeffs = [1n, -1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 53n), R - 2n ** 200n];
    cs.assertR1(LinearCombination.dot(xs, coeffs), cs.one, cs.constant(0));
    expect(cs.constraint(0).a.coeffs).toEqual(coeffs.map((c) => ((c % R) + R) % R));
    expect(cs.store.termCount).toBe(7 + 1);
  });

  it('interns labels per scope and names rows by them', () => {
    const cs = new ConstraintSystem({ witness: true });
    const x = cs.privateInput('x', 2);
    for (let i = 0; i < 3; i++) cs.scope('layer', () => cs.assertEqual(x, 2, 'two'));
    cs.assertEqual(x, 3, 'three');
    expect(cs.constraints.map((c) => c.label)).toEqual(['layer/two', 'layer/two', 'layer/two', 'three']);
    expect(findUnsatisfied(cs)).toEqual({ index: 3, label: 'three' });
  });

  it('grows past its initial capacity and counts private inputs', () => {
    const cs = new ConstraintSystem({ witness: true });
    const x = cs.privateInput('x', 3);
    let acc = x;
    for (let i = 0; i < 5000; i++) acc = cs.mul(acc, x, 'pow');
    expect(cs.nConstraints).toBe(5000);
    expect(cs.nPrivateInputs).toBe(1);
    expect(findUnsatisfied(cs)).toBeNull();
    const w = [...cs.values];
    w[4000] = (w[4000] + 1n) % R;
    expect(findUnsatisfied(cs, w)?.index).toBe(3998);
  });

  it('refuses an out-of-range row index', () => {
    const cs = new ConstraintSystem({ witness: false });
    expect(() => cs.constraint(0)).toThrow(RangeError);
  });
});
