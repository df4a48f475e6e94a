/** The snark tests' toy circuit: y = Σ w_i·x_i (constant weights, free), z = y·y + x_0, public y and z. */
import { R } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';

/** `extraRows` chained products of private inputs, so the key's H and L sections have many points. */
export function toyCircuit(xs?: bigint[], extraRows = 0): ConstraintSystem {
  const cs = new ConstraintSystem({ witness: xs !== undefined });
  const w = [3, -5, 7, 11];
  const yVal = xs && xs.reduce((a, x, i) => a + BigInt(w[i]) * x, 0n);
  const y = cs.publicInput('y', yVal === undefined ? undefined : ((yVal % R) + R) % R);
  const z = cs.publicInput('z', yVal === undefined ? undefined : (yVal * yVal + xs![0]) % R);
  const x = w.map((_, i) => cs.privateInput(`x${i}`, xs?.[i]));
  const dot = LinearCombination.dot(x, w);
  cs.assertEqual(dot, y, 'y');
  const y2 = cs.mul(dot, dot, 'y2');
  cs.assertEqual(y2.add(x[0]), z, 'z');
  let acc = x[1];
  for (let i = 0; i < extraRows; i++) acc = cs.mul(acc, x[2 + (i % 2)], `p${i}`);
  return cs;
}
