/**
 * Boundary commitments between chunks (DESIGN.md "Chunks", docs/proof-format.md
 * "Commitments"): the tensors crossing a cut, each packed ⌊248/bits⌋ signed values per field
 * element (row-major, tensors in boundary order, their element lists concatenated), then
 * commit(elements, salt) with a fresh random salt per boundary. The verifier never sees these
 * values, only the commitment, so the concatenation order is internal to the prover (both
 * sides of a cut use this one module).
 *
 * A chunk opens (range-checks and unpacks) only the input tensors its stages read. The others
 * pass through as their packed field elements: private inputs hashed into the input
 * commitment and the same wires hashed into the output commitment, so they cannot change on
 * the way (Poseidon is collision resistant on field elements), and the chunk that finally
 * reads them unpacks them with range checks, where packing is injective. This costs no range
 * checks for pass-through values (they were most of the chunk overhead: the residual rows of
 * every other position travel through every chunk of a layer).
 */
import { pack as packOffCircuit, commit as commitOffCircuit, valuesPerElement } from '../bundle/commit.ts';
import { toSigned } from '../circuit/field.ts';
import { N_ROUNDS_F, N_ROUNDS_P } from '../circuit/gadgets/poseidon-constants.ts';
import { commit, COMMIT_BLOCK } from '../circuit/gadgets/poseidon.ts';
import { pack } from '../circuit/gadgets/pack.ts';
import { assertSigned } from '../circuit/gadgets/range.ts';
import { LinearCombination } from '../circuit/lc.ts';
import type { ConstraintSystem } from '../circuit/system.ts';
import { tensorSize, type TensorSpec, type TensorWires } from './stage.ts';

/** Integer values of one tensor, values[row][col]. */
export type TensorValues = bigint[][];

/** Field elements the packed boundary occupies. */
export function boundaryElements(specs: readonly TensorSpec[]): number {
  return specs.reduce((n, s) => n + Math.ceil(tensorSize(s) / valuesPerElement(s.bits)), 0);
}

/** Constraints of Poseidon with n inputs (poseidon.ts: 3·(8·t + nRoundsP) − 3, t = n + 1). */
export function poseidonCost(n: number): number {
  const t = n + 1;
  return 3 * (N_ROUNDS_F * t + N_ROUNDS_P[t - 2]) - 3;
}

/** Constraints of commit() over n elements: one Poseidon per block of ≤ 15, Poseidon(salt) for none. */
export function commitCost(n: number): number {
  if (n === 0) return poseidonCost(1);
  let cost = 0;
  for (let i = 0; i < n; i += COMMIT_BLOCK) cost += poseidonCost(1 + Math.min(COMMIT_BLOCK, n - i));
  return cost;
}

/** Constraints to range-check a boundary on entry: `bits` per value. */
export function rangeCost(specs: readonly TensorSpec[]): number {
  return specs.reduce((n, s) => n + tensorSize(s) * s.bits, 0);
}

/**
 * Cost of opening an input boundary: range checks of the tensors in `opened` (the others pass
 * through packed) + commitment + equality with inCommitment.
 */
export function inBoundaryCost(specs: readonly TensorSpec[], opened: ReadonlySet<string>): number {
  return rangeCost(specs.filter((s) => opened.has(s.name))) + commitCost(boundaryElements(specs)) + 1;
}

/** Cost of committing an output boundary: commitment + equality with outCommitment. */
export function outBoundaryCost(specs: readonly TensorSpec[]): number {
  return commitCost(boundaryElements(specs)) + 1;
}

/** A boundary tensor inside a chunk: opened (value wires) or passing through (its packed elements). */
export type BoundaryTensor = { wires: TensorWires } | { packed: LinearCombination[] };

function packBoundary(specs: readonly TensorSpec[], tensors: readonly BoundaryTensor[]): LinearCombination[] {
  return specs.flatMap((s, i) => {
    const t = tensors[i];
    return 'wires' in t ? pack(t.wires.flat(), s.bits, true) : t.packed;
  });
}

/**
 * Allocates an input boundary as private wires (values from the previous chunk in witness
 * mode) and proves inCommitment = commit(pack(boundary), salt) with a private salt. Tensors in
 * `opened` become value wires, each range-checked to its tensor's bits; the others become
 * their packed elements (see the module comment).
 */
export function openInBoundary(
  cs: ConstraintSystem,
  specs: readonly TensorSpec[],
  inCommitment: LinearCombination,
  opened: ReadonlySet<string>,
  witness?: { values: readonly TensorValues[]; salt: bigint },
  absentWhen?: LinearCombination,
): BoundaryTensor[] {
  return cs.scope('in', () => {
    const tensors = specs.map((s, k): BoundaryTensor => {
      const vals = witness?.values[k];
      if (witness && (!vals || vals.length !== s.rows || vals.some((r) => r.length !== s.cols))) {
        throw new RangeError(`input boundary tensor ${s.name}: expected ${s.rows}×${s.cols} values from the previous chunk`);
      }
      if (!opened.has(s.name)) {
        const elements = vals && packOffCircuit(vals.flat(), s.bits, true);
        const n = Math.ceil(tensorSize(s) / valuesPerElement(s.bits));
        return { packed: Array.from({ length: n }, (_, e) => cs.privateInput(`${s.name}#${e}`, elements?.[e])) };
      }
      const wires = Array.from({ length: s.rows }, (_, r) =>
        Array.from({ length: s.cols }, (_, c) => {
          const x = cs.privateInput(`${s.name}[${r}][${c}]`, vals?.[r][c]);
          assertSigned(cs, x, s.bits);
          return x;
        }),
      );
      return { wires };
    });
    const salt = cs.privateInput('saltIn', witness?.salt);
    bindCommitment(cs, commit(cs, packBoundary(specs, tensors), salt), inCommitment, 'inCommitment', absentWhen);
    return tensors;
  });
}

/**
 * Proves outCommitment = commit(pack(outputs), salt) with a private salt. Precondition: the
 * stages that produced opened outputs range-checked them to their bits (TensorSpec
 * contract); pass-through outputs are the packed elements of an input commitment.
 * Returns the commitment as a linear combination (its value in witness mode).
 */
export function commitOutBoundary(
  cs: ConstraintSystem,
  specs: readonly TensorSpec[],
  tensors: readonly BoundaryTensor[],
  outCommitment: LinearCombination,
  salt?: bigint,
  absentWhen?: LinearCombination,
): LinearCombination {
  return cs.scope('out', () => {
    const s = cs.privateInput('saltOut', salt);
    const c = commit(cs, packBoundary(specs, tensors), s);
    bindCommitment(cs, c, outCommitment, 'outCommitment', absentWhen);
    return c;
  });
}

/**
 * public = c; or, with `absentWhen` (a constrained 0/1: the first / last position chunk, whose
 * boundary the verifier requires to be 0), (public − c)·(1 − absentWhen) = 0 and
 * public·absentWhen = 0. Cost 1, or 2 with absentWhen.
 */
function bindCommitment(cs: ConstraintSystem, c: LinearCombination, pub: LinearCombination, label: string, absentWhen?: LinearCombination): void {
  if (!absentWhen) {
    cs.assertEqual(c, pub, label);
    return;
  }
  cs.assertR1(pub.sub(c), LinearCombination.constant(1).sub(absentWhen), LinearCombination.constant(0), `${label}:present`);
  cs.assertR1(pub, absentWhen, LinearCombination.constant(0), `${label}:absent=0`);
}

/** The integer values of wires (witness mode), as signed integers. */
export function tensorValues(cs: ConstraintSystem, t: TensorWires): TensorValues {
  return t.map((row) => row.map((x) => toSigned(cs.valueOf(x))));
}

/** Off-circuit twin of the boundary commitment (same packing and chain as bundle/commit.ts). */
export function boundaryCommitment(specs: readonly TensorSpec[], values: readonly TensorValues[], salt: bigint): bigint {
  return commitOffCircuit(specs.flatMap((s, i) => packOffCircuit(values[i].flat(), s.bits, true)), salt);
}
