/**
 * Chunk planner (DESIGN.md "Chunks"): cuts the ordered stages of a forward pass into chunk
 * circuits of at most 2^k rows. The budget counts what snarkjs puts in the domain — our
 * constraints plus one row per public input (7 + T) — so one ptau of power k sets up every
 * chunk (ptau.ts requiredPtauPower: n = constraints + nPublic must be < 2^k). Each chunk pays
 * its overhead: the public-layout checks, the statement gadgets, the range checks of the input
 * tensors it reads and the Poseidon commitments of both boundaries.
 */
import { nPublicForCtx } from '../../../api/src/verify/index.ts';
import { inBoundaryCost, outBoundaryCost } from './boundary.ts';
import { checkTensorSpec, type Stage, type TensorSpec } from './stage.ts';
import { masksCost, promptCost } from './statement.ts';

export interface ChunkPlan {
  index: number;
  /** Indices into the stage list, consecutive. */
  stages: number[];
  /** Input boundary (empty for chunk 0), in commitment order. */
  inputs: TensorSpec[];
  /** Output boundary (empty for the last chunk). */
  outputs: TensorSpec[];
  /** Planned constraints (stages + overhead), excluding snarkjs's public-input rows. */
  constraints: number;
  /**
   * Position chunks (chunks/position.ts): this chunk runs kind `kind` of `kinds` at position
   * ⌊index / kinds⌋, a circuit shared by every position. Absent for layer-major chunks.
   */
  position?: { kind: number; kinds: number };
}

export interface PlanOptions {
  ctx: number;
  /** Chunks have constraints + 7 + ctx < 2^power rows. */
  power: number;
}

/** The tensors live across the cut after stage `s` (−1: before the first), in first-definition order. */
export function liveAfter(stages: readonly Stage[], s: number): TensorSpec[] {
  const defs = new Map<string, TensorSpec>();
  for (let i = 0; i <= s; i++) for (const o of stages[i].outputs) defs.set(o.name, o);
  const live = new Set<string>();
  const redefined = new Set<string>();
  for (let j = s + 1; j < stages.length; j++) {
    for (const inp of stages[j].inputs) {
      if (redefined.has(inp.name)) continue;
      const def = defs.get(inp.name);
      if (!def) throw new TypeError(`stage ${stages[j].name} reads tensor ${inp.name}, which no earlier stage outputs`);
      if (def.rows !== inp.rows || def.cols !== inp.cols || def.bits !== inp.bits) {
        throw new TypeError(`stage ${stages[j].name} reads tensor ${inp.name} as ${inp.rows}×${inp.cols}×${inp.bits} bits, but it was output as ${def.rows}×${def.cols}×${def.bits}`);
      }
      live.add(inp.name);
    }
    for (const o of stages[j].outputs) redefined.add(o.name);
  }
  return [...defs.values()].filter((d) => live.has(d.name));
}

/**
 * The input tensors a chunk opens: those its stages read (boundary.ts passes the others
 * through packed). The builder and the planner both use this one rule.
 */
export function openedInputs(stages: readonly Stage[], chunkStages: readonly number[]): Set<string> {
  const read = new Set<string>();
  for (const s of chunkStages) for (const t of stages[s].inputs) read.add(t.name);
  return read;
}

/** The tensors the chunk's stages output (an output boundary digests those it did not just carry). */
export function producedOutputs(stages: readonly Stage[], chunkStages: readonly number[]): Set<string> {
  const made = new Set<string>();
  for (const s of chunkStages) for (const t of stages[s].outputs) made.add(t.name);
  return made;
}

/** Constraints a chunk adds besides its stages; `opened`: see openedInputs, `produced`: producedOutputs. */
export function chunkOverhead(ctx: number, first: boolean, last: boolean, inputs: readonly TensorSpec[], outputs: readonly TensorSpec[], opened: ReadonlySet<string>, produced: ReadonlySet<string>): number {
  let n = 2; // modelTag, chunkIndex fixed
  n += masksCost(ctx); // built on demand in any chunk; always in chunk 0
  n += first ? 1 + promptCost(ctx) : inBoundaryCost(inputs, opened);
  n += last ? 1 : outBoundaryCost(outputs, produced);
  return n;
}

/**
 * Greedy plan: each chunk takes as many consecutive stages as fit. Throws a RangeError naming
 * a stage that does not fit a chunk on its own (its author must split it).
 */
export function planChunks(stages: readonly Stage[], opts: PlanOptions): ChunkPlan[] {
  const { ctx, power } = opts;
  if (!Number.isInteger(power) || power < 4 || power > 27) throw new RangeError(`chunk power ${power} not an integer in 4..27`);
  if (stages.length === 0) throw new RangeError('planChunks: no stages');
  const seen = new Set<string>();
  for (const st of stages) {
    if (seen.has(st.name)) throw new TypeError(`planChunks: two stages are named ${st.name}`);
    seen.add(st.name);
    if (!Number.isSafeInteger(st.constraints) || st.constraints < 0) throw new RangeError(`stage ${st.name}: constraints ${st.constraints}`);
    for (const t of [...st.inputs, ...st.outputs]) checkTensorSpec(t, `stage ${st.name}`);
  }
  const budget = 2 ** power - 1 - nPublicForCtx(ctx);
  const live = stages.map((_, s) => liveAfter(stages, s));
  const cuts = greedyCut(stages.length, budget, (a, b) => {
    const last = b === stages.length - 1;
    const inputs = a === 0 ? [] : live[a - 1];
    const outputs = last ? [] : live[b];
    const sum = range(a, b + 1).reduce((n, s) => n + stages[s].constraints, 0);
    return { inputs, outputs, constraints: sum + chunkOverhead(ctx, a === 0, last, inputs, outputs, openedInputs(stages, range(a, b + 1)), producedOutputs(stages, range(a, b + 1))) };
  }, (a, need) => new RangeError(
    `stage ${stages[a].name} does not fit in a chunk of 2^${power}: it needs ${need} constraints with its boundary overhead (+${nPublicForCtx(ctx)} public rows), the budget is ${budget}; split the stage or raise --chunk-power`,
  ));
  return cuts.map((c, index) => ({ index, stages: range(c.a, c.b + 1), ...c.seg }));
}

/**
 * Greedy cut of n consecutive stages into segments within `budget`: each segment takes as
 * many stages as fit, `segment(a, b)` costing stages a..b with their overhead (greedy is
 * optimal for consecutive segments of additive cost). Throws `tooBig(a, need)` for a stage
 * that does not fit alone. Shared by both layouts' planners (position.ts).
 */
export function greedyCut<S extends { constraints: number }>(
  n: number, budget: number, segment: (a: number, b: number) => S, tooBig: (a: number, need: number) => Error,
): { a: number; b: number; seg: S }[] {
  const cuts: { a: number; b: number; seg: S }[] = [];
  let a = 0;
  while (a < n) {
    let best: { a: number; b: number; seg: S } | undefined;
    for (let b = a; b < n; b++) {
      const seg = segment(a, b);
      if (seg.constraints > budget) break;
      best = { a, b, seg };
    }
    if (!best) throw tooBig(a, segment(a, a).constraints);
    cuts.push(best);
    a = best.b + 1;
  }
  return cuts;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
