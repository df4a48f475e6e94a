import { describe, expect, it } from 'vitest';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { R } from '@zkinfer/prover/circuit/field.ts';

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

describe('lean ConstraintSystem (values only, constraints checked as stated)', () => {
  it('has the recording system\'s values and counts but keeps no rows', () => {
    const full = new ConstraintSystem({ witness: true });
    cube(full, 3n);
    const lean = new ConstraintSystem({ witness: true, lean: true });
    cube(lean, 3n);
    expect(lean.values).toEqual(full.values);
    expect(lean.nWires).toBe(full.nWires);
    expect(lean.nConstraints).toBe(full.nConstraints);
    expect(lean.store.length).toBe(0);
    expect(findUnsatisfied(lean)).toBeNull();
    // no rows to evaluate other values against, and no lean shape
    expect(() => findUnsatisfied(lean, [...lean.values])).toThrow(TypeError);
    expect(() => new ConstraintSystem({ witness: false, lean: true })).toThrow(TypeError);
  });

  it('reports the same first failing row as the recording system for a lying hint', () => {
    const liar = (cs: ConstraintSystem) => {
      const x = cs.privateInput('x', 3n);
      const ok = cs.mul(x, x, 'ok');
      const bad = cs.scope('gadget', () => cs.hint('sq', () => 10n));
      cs.scope('gadget', () => cs.assertR1(x, x, bad, 'square'));
      cs.assertR1(ok, x, cs.hint('cube', () => 28n), 'cube'); // also wrong, later
      return ok;
    };
    const full = new ConstraintSystem({ witness: true });
    liar(full);
    const lean = new ConstraintSystem({ witness: true, lean: true });
    liar(lean);
    expect(findUnsatisfied(lean)).toEqual({ index: 1, label: 'gadget/square' });
    expect(findUnsatisfied(lean)).toEqual(findUnsatisfied(full));
  });

  it('checks the rows on a late public input once its value is set', () => {
    for (const lean of [false, true]) {
      const cs = new ConstraintSystem({ witness: true, lean });
      const out = cs.latePublicInput('out');
      const x = cs.privateInput('x', 4n);
      expect(out.value).toBeUndefined();
      expect(() => cs.valueOf(out)).toThrow(/late public input/);
      const y = cs.mul(x, x, 'y');
      cs.assertEqual(out, y, 'out=y');
      cs.assertR1(x, x, y, 'again');
      const wire = 1;
      cs.values[wire] = 15n;
      expect(findUnsatisfied(cs), `lean ${lean}`).toEqual({ index: 1, label: 'out=y' });
      cs.values[wire] = 16n;
      expect(findUnsatisfied(cs), `lean ${lean}`).toBeNull();
    }
  });
});
