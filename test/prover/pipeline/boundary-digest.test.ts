/**
 * Boundary tensors larger than one Poseidon block (the KV caches of position chunks) enter
 * the commitment as their own digest (prover/src/chunks/boundary.ts): opened, passed through
 * or rewritten, the in-circuit commitment equals the off-circuit one, the planner's costs are
 * exact, and neither a passed-through digest nor an opened value can change on the way.
 */
import { describe, expect, it } from 'vitest';
import { boundaryCommitment, commitOutBoundary, inBoundaryCost, isDigested, openInBoundary, outBoundaryCost, type TensorValues } from '@zkinfer/prover/chunks/boundary.ts';
import type { TensorSpec } from '@zkinfer/prover/circuit/transformer/stage.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { toField } from '@zkinfer/prover/circuit/field.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';

const cache: TensorSpec = { name: 'L0.K', rows: 32, cols: 16, bits: 8 }; // 17 packed elements
const small: TensorSpec = { name: 'x', rows: 1, cols: 8, bits: 16 };
const specs = [small, cache];
const values = (seed: number): TensorValues[] => specs.map((s) => Array.from({ length: s.rows }, (_, r) => Array.from({ length: s.cols }, (_, c) => BigInt(((r * 31 + c * 7 + seed) % 255) - 127))));

/** A chunk that opens `opened`, passes the rest through and commits the same tensors out. */
function chunk(opened: Set<string>, inValues: TensorValues[], inCommitment: bigint, saltIn: bigint, saltOut: bigint) {
  const cs = new ConstraintSystem({ witness: true });
  const inPub = cs.publicInput('in', inCommitment);
  const outPub = cs.publicInput('out', 0n);
  const tensors = openInBoundary(cs, specs, inPub, opened, { values: inValues, salt: saltIn });
  const before = cs.nConstraints;
  const out = commitOutBoundary(cs, specs, tensors, outPub, saltOut);
  cs.values[2] = cs.valueOf(out); // wire 0 is ONE, then the public inputs in, out
  return { cs, outValue: cs.valueOf(out), outRows: cs.nConstraints - before, inRows: before };
}

describe('digested boundary tensors', () => {
  it('are the multi-block ones', () => {
    expect(isDigested(cache)).toBe(true);
    expect(isDigested(small)).toBe(false);
  });

  for (const opened of [new Set<string>(), new Set(['L0.K']), new Set(['x', 'L0.K'])]) {
    it(`commit as off-circuit, with exact planned costs (opened: ${[...opened].join(', ') || 'none'})`, () => {
      const v = values(3);
      const c = boundaryCommitment(specs, v, 11n);
      const { cs, outValue, inRows, outRows } = chunk(opened, v, c, 11n, 12n);
      expect(findUnsatisfied(cs)).toBeNull();
      expect(outValue).toBe(toField(boundaryCommitment(specs, v, 12n)));
      expect(inRows).toBe(inBoundaryCost(specs, opened));
      // Nothing produced here: an opened digested tensor goes out with its input digest.
      expect(outRows).toBe(outBoundaryCost(specs, new Set()));
    });
  }

  it('reject a changed digest or cache value', () => {
    const v = values(5);
    const c = boundaryCommitment(specs, v, 21n);
    const passed = chunk(new Set(), v, c, 21n, 22n);
    const digest = passed.cs.wireNames.findIndex((n) => n.endsWith('L0.K#digest'));
    expect(digest).toBeGreaterThan(0);
    const tampered = [...passed.cs.values];
    tampered[digest] = toField(tampered[digest] + 1n);
    expect(findUnsatisfied(passed.cs, tampered)).not.toBeNull(); // its hash inside the input commitment no longer matches

    const other = values(5);
    other[1][7][3] += 1n; // another cache under the same commitment: cannot be opened
    const forged = chunk(new Set(['L0.K']), other, c, 21n, 22n);
    expect(findUnsatisfied(forged.cs)?.label).toMatch(/inCommitment/);
  });

  it('give the same commitment whether the cache passes through or is opened', () => {
    const v = values(9);
    const a = chunk(new Set(), v, boundaryCommitment(specs, v, 1n), 1n, 2n);
    const b = chunk(new Set(['L0.K']), v, boundaryCommitment(specs, v, 1n), 1n, 2n);
    expect(a.outValue).toBe(b.outValue);
  });
});
