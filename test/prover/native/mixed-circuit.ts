/**
 * A test circuit whose witness has every kind of value our chunk witnesses have (DESIGN.md
 * "Measured engine limits"): bits, small integers, small negative integers (r - k), and
 * full-size products; two public outputs. `x` = [seed, factor] (undefined: shape only).
 */
import { R } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';

export function mixedCircuit(x: readonly bigint[] | undefined, rows = 60): ConstraintSystem {
  const cs = new ConstraintSystem({ witness: x !== undefined });
  const small = (i: number): bigint => (x ? (x[0] * BigInt(i + 1) + 7n) % 256n : 0n);
  let total = 0n;
  let product = x ? x[1] : 0n;
  for (let i = 0; i < rows; i++) {
    total += small(i);
    product = (product * (x ? x[1] : 0n)) % R;
  }
  const sumOut = cs.publicInput('sum', x ? total % R : undefined);
  const prodOut = cs.publicInput('prod', x ? product : undefined);
  const factor = cs.privateInput('factor', x?.[1]);
  const terms: LinearCombination[] = [];
  let acc = factor;
  for (let i = 0; i < rows; i++) {
    const v = cs.privateInput(`v${i}`, x ? small(i) : undefined);
    const bits = cs.hints(`bits${i}`, 8, () => Array.from({ length: 8 }, (_, j) => (small(i) >> BigInt(j)) & 1n));
    for (const b of bits) cs.assertR1(b, b.sub(1), LinearCombination.constant(0), 'bit');
    cs.assertEqual(LinearCombination.dot(bits, bits.map((_, j) => 1n << BigInt(j))), v, 'bits');
    const negated = cs.hint(`neg${i}`, () => (R - small(i)) % R);
    cs.assertEqual(negated.add(v), 0n, 'neg');
    terms.push(negated.neg());
    acc = cs.mul(acc, factor, 'prod');
  }
  cs.assertEqual(LinearCombination.sum(terms), sumOut, 'sum');
  // acc = factor^(rows+1); the output is factor^(rows+1) as computed above.
  cs.assertEqual(acc, prodOut, 'prodOut');
  return cs;
}
