/**
 * Boundary commitments between chunks (docs/architecture.md "Chunks", docs/proof-format.md
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
 *
 * Multi-row tensors (the KV caches of position chunks, T rows each) enter the commitment as
 * one digest, commit(pack(tensor), 0), instead of their packed elements: a chunk that passes
 * such a tensor through carries one private field element, not the whole cache, and hashes
 * nothing for it; a chunk that opens or rewrites it hashes it once per side. The outer
 * commitment is salted, so the unsalted digests stay hidden.
 */
import { pack as packOffCircuit, commit as commitOffCircuit, valuesPerElement } from '../commit/commit.ts';
import { toSigned } from '../circuit/field.ts';
import { COMMIT_BLOCK, commit, commitCost, poseidonCost } from '../circuit/poseidon.ts';
import { pack } from '../circuit/gadgets/pack.ts';
import { checkSigned } from '../circuit/gadgets/range.ts';
import { decompositionRows, type CheckRows } from '../circuit/range-backend.ts';
import { LinearCombination } from '../circuit/lc.ts';
import { ConstraintSystem } from '../circuit/system.ts';
import { tensorSize, type TensorSpec, type TensorWires } from '../circuit/transformer/stage.ts';

/** Integer values of one tensor, values[row][col]. */
export type TensorValues = bigint[][];

/**
 * A tensor committed by its own digest (see the module comment): one whose packing spans more
 * than one Poseidon block (the KV caches of position chunks). Smaller ones are cheaper inline.
 */
export function isDigested(s: TensorSpec): boolean {
  return packedElements(s) > COMMIT_BLOCK;
}

/** Field elements of a tensor's packing. */
export function packedElements(s: TensorSpec): number {
  return Math.ceil(tensorSize(s) / valuesPerElement(s.bits));
}

/** Field elements the boundary commitment hashes: packed elements, one per digested tensor. */
export function boundaryElements(specs: readonly TensorSpec[]): number {
  return specs.reduce((n, s) => n + (isDigested(s) ? 1 : packedElements(s)), 0);
}

const digestCosts = new Map<number, number>();
/**
 * Constraints of commit(n elements, 0): measured once per n by building it (the constant salt
 * makes the first permutation a little cheaper than commitCost counts).
 */
function digestCostOf(n: number): number {
  let c = digestCosts.get(n);
  if (c === undefined) {
    const cs = new ConstraintSystem({ witness: false });
    commit(cs, Array.from({ length: n }, (_, i) => cs.privateInput(`e${i}`)), LinearCombination.constant(0));
    c = cs.nConstraints;
    digestCosts.set(n, c);
  }
  return c;
}

/** Constraints of the digests a chunk computes: digested tensors in `computed`. */
function digestCost(specs: readonly TensorSpec[], computed: ReadonlySet<string>): number {
  return specs.filter((s) => isDigested(s) && computed.has(s.name)).reduce((n, s) => n + digestCostOf(packedElements(s)), 0);
}

/**
 * Constraints to range-check a boundary on entry: one check of `bits` per value, each costing
 * `checkRows(bits)` rows (the range backend's: `bits` for decomposition, plan.ts CheckRows).
 */
export function rangeCost(specs: readonly TensorSpec[], checkRows: CheckRows = decompositionRows): number {
  return specs.reduce((n, s) => n + tensorSize(s) * checkRows(s.bits, true), 0); // each value its own private input
}

/**
 * Cost of opening an input boundary: range checks and digests of the tensors in `opened` (the
 * others pass through packed or as their digest) + commitment + equality with inCommitment.
 */
export function inBoundaryCost(specs: readonly TensorSpec[], opened: ReadonlySet<string>, checkRows: CheckRows = decompositionRows): number {
  return rangeCost(specs.filter((s) => opened.has(s.name)), checkRows) + digestCost(specs, opened) + commitCost(boundaryElements(specs)) + 1;
}

/**
 * Cost of committing an output boundary: digests of the digested tensors the chunk's stages
 * `produced` (an opened tensor that goes out unchanged reuses its input digest) + commitment
 * + equality with outCommitment.
 */
export function outBoundaryCost(specs: readonly TensorSpec[], produced: ReadonlySet<string> = new Set(specs.map((s) => s.name))): number {
  return digestCost(specs, produced) + commitCost(boundaryElements(specs)) + 1;
}

/**
 * A boundary tensor inside a chunk: opened (value wires; `digest` once computed, for digested
 * tensors), or passing through as its packed elements, or as its digest (digested tensors).
 */
export type BoundaryTensor = { wires: TensorWires; digest?: LinearCombination } | { packed: LinearCombination[] } | { digest: LinearCombination };

/** commit(pack(values), 0) in the circuit: a digested tensor's entry in the commitment. */
function digestInCircuit(cs: ConstraintSystem, s: TensorSpec, wires: TensorWires): LinearCombination {
  return cs.scope(`digest:${s.name}`, () => commit(cs, pack(wires.flat(), s.bits, true), LinearCombination.constant(0)));
}

function packBoundary(cs: ConstraintSystem, specs: readonly TensorSpec[], tensors: BoundaryTensor[]): LinearCombination[] {
  return specs.flatMap((s, i) => {
    const t = tensors[i];
    if ('wires' in t) {
      if (!isDigested(s)) return pack(t.wires.flat(), s.bits, true);
      t.digest ??= digestInCircuit(cs, s, t.wires);
      return [t.digest];
    }
    return 'packed' in t ? t.packed : [t.digest];
  });
}

/**
 * The off-circuit digest of a digested tensor (its private input when it passes through).
 * Memoized per values array and width: a chunk's output digest is the next chunk's input
 * digest (witness.ts hands the same arrays on), and a tensor passing through many chunks was
 * re-hashed in each (≈ 28 % of stories260K's witness CPU, docs/decisions.md 25). Boundary
 * values are never mutated once a chunk has produced them.
 */
export function tensorDigest(s: TensorSpec, values: TensorValues): bigint {
  const hit = digests.get(values)?.get(s.bits);
  if (hit !== undefined) return hit;
  const digest = commitOffCircuit(packOffCircuit(values.flat(), s.bits, true), 0n);
  rememberDigest(s, values, digest);
  return digest;
}

const digests = new WeakMap<TensorValues, Map<number, bigint>>();

/** Records `digest` as tensorDigest(s, values): the value of the circuit's digest of those values (build.ts). */
export function rememberDigest(s: TensorSpec, values: TensorValues, digest: bigint): void {
  let byBits = digests.get(values);
  if (!byBits) digests.set(values, (byBits = new Map()));
  byBits.set(s.bits, digest);
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
        if (isDigested(s)) return { digest: cs.privateInput(`${s.name}#digest`, vals && tensorDigest(s, vals)) };
        const elements = vals && packOffCircuit(vals.flat(), s.bits, true);
        const n = packedElements(s);
        return { packed: Array.from({ length: n }, (_, e) => cs.privateInput(`${s.name}#${e}`, elements?.[e])) };
      }
      const wires = Array.from({ length: s.rows }, (_, r) =>
        Array.from({ length: s.cols }, (_, c) => {
          const x = cs.privateInput(`${s.name}[${r}][${c}]`, vals?.[r][c]);
          checkSigned(cs, x, s.bits);
          return x;
        }),
      );
      return { wires };
    });
    const salt = cs.privateInput('saltIn', witness?.salt);
    bindCommitment(cs, commit(cs, packBoundary(cs, specs, tensors), salt), inCommitment, 'inCommitment', absentWhen);
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
  tensors: BoundaryTensor[],
  outCommitment: LinearCombination,
  salt?: bigint,
  absentWhen?: LinearCombination,
): LinearCombination {
  return cs.scope('out', () => {
    const s = cs.privateInput('saltOut', salt);
    const c = commit(cs, packBoundary(cs, specs, tensors), s);
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

/**
 * Off-circuit twin of the boundary commitment (same packing and chain as commit/commit.ts): the
 * reference the tests hold the circuit's commitment to (build.ts takes the circuit's own value).
 */
export function boundaryCommitment(specs: readonly TensorSpec[], values: readonly TensorValues[], salt: bigint): bigint {
  return commitOffCircuit(specs.flatMap((s, i) => (isDigested(s) ? [tensorDigest(s, values[i])] : packOffCircuit(values[i].flat(), s.bits, true))), salt);
}
