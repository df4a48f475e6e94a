/**
 * Chunk planner (docs/architecture.md "Chunks"): cuts the ordered stages of a forward pass into chunk
 * circuits of at most 2^k rows. The budget counts what snarkjs puts in the domain — our
 * constraints plus one row per public input (7 + T) — so one ptau of power k sets up every
 * chunk (ptau.ts requiredPtauPower: n = constraints + nPublic must be < 2^k). Each chunk pays
 * its overhead: the public-layout checks, the statement gadgets, the range checks of the input
 * tensors it reads and the Poseidon commitments of both boundaries.
 */
import { MAX_CHUNKS, nPublicForCtx } from '@zkinfer/verifier';
import { inBoundaryCost, outBoundaryCost } from './boundary.ts';
import { requiredPtauPower } from '../snark/ptau.ts';
import { checkTensorSpec, type Stage, type TensorSpec } from '../circuit/transformer/stage.ts';
import { masksCost, promptCost } from '../circuit/transformer/statement.ts';
import { decompositionRows, type CheckRows } from '../circuit/range-backend.ts';

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
  /**
   * A plan of more chunks than this (default MAX_CHUNKS, a manifest's limit) is replaced by
   * the plan of fewest chunks (cheapestCut); callers still check the count.
   */
  maxChunks?: number;
  /**
   * Rows the range backend adds once per circuit (LogUp's table), charged to every chunk; the
   * per-request rows are in the stages' counts. Set both range fields from the backend with
   * range-backend.ts `rangePlanOptions`.
   */
  rangeFixedRows?: number;
  /**
   * Rows of one k-bit check in the chunk overhead (boundary openings, the prompt's tokens); the
   * default, k (decomposition), is the plain backend's and an upper bound for LogUp's.
   */
  rangeCheckRows?: CheckRows;
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
export function chunkOverhead(ctx: number, first: boolean, last: boolean, inputs: readonly TensorSpec[], outputs: readonly TensorSpec[], opened: ReadonlySet<string>, produced: ReadonlySet<string>, checkRows: CheckRows = decompositionRows): number {
  let n = 2; // modelTag, chunkIndex fixed
  n += masksCost(ctx); // built on demand in any chunk; always in chunk 0
  n += first ? 1 + promptCost(ctx, checkRows) : inBoundaryCost(inputs, opened, checkRows);
  n += last ? 1 : outBoundaryCost(outputs, produced);
  return n;
}

/**
 * The plan of least total proving domain (cheapestCut) with every chunk < 2^power rows. Throws a RangeError naming
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
  // Only chunk 0 opens the prompt: no later chunk may start at or before the last stage that
  // reads the tokens.
  const lastReader = stages.findLastIndex((s) => s.readsTokens === true);
  const grow = growingSegments(stages);
  const cuts = cheapestCut(stages.length, budget, (a, b) => {
    const last = b === stages.length - 1;
    const inputs = a === 0 ? [] : live[a - 1];
    const outputs = last ? [] : live[b];
    const { sum, read, made } = grow(a, b);
    return { inputs, outputs, constraints: sum + (opts.rangeFixedRows ?? 0) + chunkOverhead(ctx, a === 0, last, inputs, outputs, read, made, opts.rangeCheckRows) };
  }, (a, need) => new RangeError(
    `stage ${stages[a].name} does not fit in a chunk of 2^${power}: it needs ${need} constraints with its boundary overhead (+${nPublicForCtx(ctx)} public rows), the budget is ${budget}; split the stage or raise --chunk-power`,
  ), (seg) => chunkDomain(seg.constraints, ctx), opts.maxChunks ?? MAX_CHUNKS, (a) => a === 0 || a > lastReader);
  return cuts.map((c, index) => ({ index, stages: range(c.a, c.b + 1), ...c.seg }));
}

/**
 * Stages a..b's constraint sum and their openedInputs / producedOutputs sets, extended by one
 * stage when the planner asks for (a, b + 1) right after (a, b) — cutBy's inner loop — instead
 * of rebuilt: rebuilding made planning O(n·L²) and took 2.1 s of stories260K's layer-major
 * `zkinfer prove` (544 stages, chunks of ≈ 136), before the first witness. The sets handed out
 * grow afterwards, so a caller must not keep them (planChunks reduces them to a count at once).
 */
function growingSegments(stages: readonly Stage[]): (a: number, b: number) => { sum: number; read: Set<string>; made: Set<string> } {
  let cur = { a: -1, b: -1, sum: 0, read: new Set<string>(), made: new Set<string>() };
  return (a, b) => {
    if (cur.a !== a || b !== cur.b + 1) cur = { a, b: a - 1, sum: 0, read: new Set(), made: new Set() };
    for (let s = cur.b + 1; s <= b; s++) {
      cur.sum += stages[s].constraints;
      for (const t of stages[s].inputs) cur.read.add(t.name);
      for (const t of stages[s].outputs) cur.made.add(t.name);
    }
    cur.b = b;
    return cur;
  };
}

/**
 * The cheapest cut of n consecutive stages into segments within `budget`, `segment(a, b)`
 * costing stages a..b with their overhead: least Σ cost(segment) (the proving domain,
 * chunkDomain: snarkjs's FFTs and H multi-exponentiation run over the whole power of two, so a
 * segment of 2^17 + 1 rows pays as much as one of 2^18), then fewest segments (fewer keys, fewer
 * boundaries). When that takes more than `maxSegments` segments, the fewest segments, then the
 * least cost (a larger power may then fit where a domain-first plan does not). Dynamic
 * programming over the cut points, O(n·L) segment evaluations for segments of at most L stages;
 * a segment stops growing at the first b over budget, as stage costs only add. Throws
 * `tooBig(a, need)` for a stage that does not fit alone. Shared by both layouts' planners
 * (position.ts).
 */
export function cheapestCut<S extends { constraints: number }>(
  n: number, budget: number, segment: (a: number, b: number) => S, tooBig: (a: number, need: number) => Error, cost: (seg: S) => number,
  maxSegments = Infinity, canStart: (a: number) => boolean = () => true,
): { a: number; b: number; seg: S }[] {
  const memo = new Map<number, S>();
  const seg = (a: number, b: number): S => {
    let v = memo.get(a * n + b);
    if (v === undefined) memo.set(a * n + b, (v = segment(a, b)));
    return v;
  };
  const cuts = cutBy(n, budget, seg, tooBig, (x) => [cost(x), 1], canStart);
  // Over the limit (a manifest's chunk count): the fewest segments, then the least cost.
  return cuts.length <= maxSegments ? cuts : cutBy(n, budget, seg, tooBig, (x) => [1, cost(x)], canStart);
}

/** The cut of least Σ key (compared lexicographically), by dynamic programming over the cut points. */
function cutBy<S extends { constraints: number }>(
  n: number, budget: number, segment: (a: number, b: number) => S, tooBig: (a: number, need: number) => Error, key: (seg: S) => [number, number],
  canStart: (a: number) => boolean,
): { a: number; b: number; seg: S }[] {
  // best[a]: the cheapest cut of stages a..n−1 (Σ key), its first segment.
  const best: ({ cost: number; count: number; b: number; seg: S } | undefined)[] = new Array(n + 1);
  const done = { cost: 0, count: 0, b: n, seg: undefined as unknown as S };
  for (let a = n - 1; a >= 0; a--) {
    if (a > 0 && !canStart(a)) continue; // no segment starts here (best[a] stays empty)
    for (let b = a; b < n; b++) {
      const seg = segment(a, b);
      if (seg.constraints > budget) break;
      const rest = b + 1 === n ? done : best[b + 1];
      if (!rest) continue;
      const [k1, k2] = key(seg);
      const c = { cost: k1 + rest.cost, count: k2 + rest.count, b, seg };
      const cur = best[a];
      if (!cur || c.cost < cur.cost || (c.cost === cur.cost && c.count < cur.count)) best[a] = c;
    }
    if (!best[a] && segment(a, a).constraints > budget) throw tooBig(a, segment(a, a).constraints);
  }
  if (!best[0]) {
    // Every stage fits alone, but the stages that must share the first segment do not fit together.
    let b = 0;
    while (b + 1 < n && !canStart(b + 1)) b++;
    throw tooBig(0, segment(0, b).constraints);
  }
  const cuts: { a: number; b: number; seg: S }[] = [];
  for (let a = 0; a < n; ) {
    const c = best[a]!;
    cuts.push({ a, b: c.b, seg: c.seg });
    a = c.b + 1;
  }
  return cuts;
}

/** snarkjs's Groth16 domain of a chunk: the least 2^p > constraints + public inputs (ptau.ts requiredPtauPower). */
export function chunkDomain(constraints: number, ctx: number): number {
  return 2 ** requiredPtauPower(constraints, nPublicForCtx(ctx));
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
