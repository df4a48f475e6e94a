/**
 * The interface between the transformer circuits (prover/src/circuit/transformer/) and the
 * chunked proving pipeline: a forward pass is an ordered list of stages, each a piece of
 * circuit that reads named tensors and produces named tensors. The pipeline cuts the list
 * into chunk circuits of at most 2^k constraints (docs/architecture.md "Chunks"); tensors that cross a
 * cut become the chunk's boundary and travel as a salted Poseidon commitment.
 */
import type { PublicSignalRecord } from '@zkinfer/verifier';
import type { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import type { QuantModel } from '../../quant/types.ts';

/**
 * A tensor crossing stages: rows × cols signed integers of `bits` bits, row-major. The
 * stage that outputs it guarantees (by the range checks its gadgets add anyway) that every
 * value lies in [−2^(bits−1), 2^(bits−1)); a chunk that reads it from a boundary range-checks
 * its private copy again, since packing is injective only on in-range values.
 */
export interface TensorSpec {
  name: string;
  rows: number;
  cols: number;
  bits: number;
}

/** A tensor's values as wires: values[row][col]. */
export type TensorWires = LinearCombination[][];

/** Public wires of the statement, named and ordered by the layout (docs/proof-format.md "Public signals of every chunk"). */
export type PublicWires = PublicSignalRecord<LinearCombination>;

/** Constrained 0/1 position masks (see statement.ts). */
export interface PositionMasks {
  /** 1 for t < nPrompt. */
  isPrompt: LinearCombination[];
  /** 1 for nPrompt ≤ t < nPrompt + nGenerated (the positions whose token greedy decoding must match). */
  isGenerated: LinearCombination[];
}

export interface StageContext {
  cs: ConstraintSystem;
  q: QuantModel;
  /** Context length T (positions proven). */
  T: number;
  /** Index of the chunk being built. */
  chunkIndex: number;
  pub: PublicWires;
  /**
   * Token x_t at every position t < T (prompt token, generated token or 0 for padding),
   * bound to promptCommitment and posTokens. Only in chunk 0 (where the prompt opening is);
   * elsewhere it throws.
   */
  tokens(): LinearCombination[];
  /** Position masks, constrained in this chunk on first use. */
  masks(): PositionMasks;
  /**
   * Position chunks (chunks/position.ts) only: the constrained one-hot of the chunk's position
   * p over 0..T−1, derived from the public chunkIndex. Elsewhere it throws.
   */
  position(): LinearCombination[];
}

export interface Stage {
  name: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Exact number of constraints build() adds (the planner packs chunks with it). */
  constraints: number;
  /** Reads ctx.tokens(): a layer-major chunk has them in chunk 0 only (chunks/plan.ts keeps such stages there). */
  readsTokens?: boolean;
  build(ctx: StageContext, inputs: Record<string, TensorWires>): Record<string, TensorWires>;
}

export function tensorSize(t: TensorSpec): number {
  return t.rows * t.cols;
}

/** TypeError naming the tensor when a spec is not a positive-size signed tensor of 2..64 bits. */
export function checkTensorSpec(t: TensorSpec, where: string): void {
  if (typeof t.name !== 'string' || t.name.length === 0) throw new TypeError(`${where}: tensor without a name`);
  for (const k of ['rows', 'cols'] as const) {
    if (!Number.isSafeInteger(t[k]) || t[k] < 1) throw new RangeError(`${where}: tensor ${t.name} has ${k} = ${t[k]}`);
  }
  if (!Number.isInteger(t.bits) || t.bits < 2 || t.bits > 64) throw new RangeError(`${where}: tensor ${t.name} has bits = ${t.bits} (expected 2..64)`);
}
