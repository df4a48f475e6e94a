/**
 * Position chunks (docs/decisions.md 6): the pass is cut position-major into K chunk kinds;
 * chunk i = p·K + k runs kind k at position p, and the circuit of kind k is the same for
 * every p — it learns p only from the public chunkIndex, through a constrained one-hot — so
 * `compile` sets up K keys (keys.ts reuses a key for an identical .r1cs), whatever T is.
 *
 * Boundaries: every cut carries all KV caches (T rows per layer) plus the position's tensors
 * live across the cut (x, q/k/v); the first chunk's input and the last chunk's output are
 * absent (their public commitments are 0, boundary.ts `absentWhen`), with the caches of the
 * first chunk free (position-stages.ts: rows are written before they become visible).
 */
import { MAX_CHUNKS, nPublicForCtx } from '@zkinfer/verifier';
import { inv } from '../circuit/field.ts';
import type { LinearCombination } from '../circuit/lc.ts';
import type { ConstraintSystem } from '../circuit/system.ts';
import { oneHot } from '../circuit/transformer/embed.ts';
import { positionStages, type PositionStage } from '../circuit/transformer/position-stages.ts';
import { forwardStages } from '../circuit/transformer/stages.ts';
import type { QuantModel } from '../quant/types.ts';
import { PLAIN_RANGES, rangePlanOptions, type RangeBackend } from '../circuit/range-backend.ts';
import { inBoundaryCost, outBoundaryCost } from './boundary.ts';
import { cheapestCut, chunkDomain, openedInputs, planChunks, producedOutputs, type ChunkPlan, type PlanOptions } from './plan.ts';
import type { Stage, TensorSpec } from '../circuit/transformer/stage.ts';
import { masksCost, promptCost } from '../circuit/transformer/statement.ts';
import type { CheckRows } from '../circuit/range-backend.ts';

/**
 * The one-hot of p over 0..T−1 from chunkIndex = p·K + kind: oneHot of the field element
 * (chunkIndex − kind)/K, so Σ_j at_j·(j·K + kind) = chunkIndex. Cost: T + 2.
 */
export function positionOneHot(cs: ConstraintSystem, chunkIndex: LinearCombination, T: number, kinds: number, kind: number): LinearCombination[] {
  return cs.scope('position', () => oneHot(cs, chunkIndex.sub(kind).scale(inv(BigInt(kinds))), T));
}

const positionOneHotCost = (T: number): number => T + 2;

/** Tensors of one position live across the cut before slot `cut`, then every cache, in a fixed order. */
function boundaryAt(perPosition: readonly PositionStage[], cut: number, caches: readonly TensorSpec[]): TensorSpec[] {
  const isCache = new Set(caches.map((c) => c.name));
  const defined = new Map<string, TensorSpec>();
  for (let s = 0; s < cut; s++) for (const o of perPosition[s].outputs) if (!isCache.has(o.name)) defined.set(o.name, o);
  const live = new Set<string>();
  const redefined = new Set<string>();
  for (let s = cut; s < perPosition.length; s++) {
    for (const i of perPosition[s].inputs) if (defined.has(i.name) && !redefined.has(i.name)) live.add(i.name);
    for (const o of perPosition[s].outputs) redefined.add(o.name);
  }
  return [...[...defined.values()].filter((t) => live.has(t.name)), ...caches];
}

/** Constraints a position chunk adds besides its stages. */
function kindOverhead(T: number, stages: readonly PositionStage[], inputs: readonly TensorSpec[], outputs: readonly TensorSpec[], first: boolean, last: boolean, checkRows?: CheckRows): number {
  let n = 1 + positionOneHotCost(T); // modelTag fixed; the one-hot binds chunkIndex
  if (stages.some((s) => s.uses.masks || s.uses.tokens)) n += masksCost(T);
  if (stages.some((s) => s.uses.tokens)) n += promptCost(T, checkRows);
  const all = stages.map((_, i) => i);
  const opened = openedInputs(stages, all);
  // The first kind's input and the last kind's output are gated (absent at p = 0 / p = T − 1): + 1 each.
  n += inBoundaryCost(inputs, opened, checkRows) + (first ? 1 : 0);
  n += outBoundaryCost(outputs, producedOutputs(stages, all)) + (last ? 1 : 0);
  return n;
}

/**
 * Cuts one position's stages into kinds of < 2^power rows (with snarkjs's public rows) of
 * least total domain (cheapestCut: e.g. 2^18 + 2^17 + 2^15 rather than 2^18 + 2^18) and lays
 * out T·K chunk plans. RangeError naming a stage that does not fit alone.
 */
export function planPositionChunks(stages: readonly PositionStage[], opts: PlanOptions): ChunkPlan[] {
  const T = opts.ctx;
  if (!Number.isInteger(opts.power) || opts.power < 4 || opts.power > 27) throw new RangeError(`chunk power ${opts.power} not an integer in 4..27`);
  if (stages.length === 0 || stages.length % T !== 0) throw new RangeError(`planPositionChunks: ${stages.length} stages for ${T} positions`);
  const S = stages.length / T;
  const perPosition = stages.slice(0, S);
  if (perPosition.some((s, i) => s.slot !== i)) throw new TypeError('planPositionChunks: stages are not in position-major slot order');
  // The T-row outputs are the KV caches, carried across positions; every other tensor is the
  // position's own (one row) and crosses a cut only inside the position.
  const caches = [...new Map(perPosition.flatMap((s) => s.outputs).filter((t) => t.rows === T && T > 1).map((t) => [t.name, t])).values()];
  const budget = 2 ** opts.power - 1 - nPublicForCtx(T);
  const kinds = cheapestCut(S, budget, (a, b) => {
    const slots = Array.from({ length: b - a + 1 }, (_, i) => a + i);
    const inputs = boundaryAt(perPosition, a, caches);
    const outputs = b + 1 === S ? [...caches] : boundaryAt(perPosition, b + 1, caches);
    const sum = slots.reduce((n, s) => n + perPosition[s].constraints, 0);
    return { slots, inputs, outputs, constraints: sum + (opts.rangeFixedRows ?? 0) + kindOverhead(T, slots.map((s) => perPosition[s]), inputs, outputs, a === 0, b + 1 === S, opts.rangeCheckRows) };
  }, (a, need) => new RangeError(
    `stage ${perPosition[a].name} does not fit in a position chunk of 2^${opts.power}: it needs ${need} constraints with its boundary (+${nPublicForCtx(T)} public rows), the budget is ${budget}; raise --chunk-power`,
  ), (seg) => chunkDomain(seg.constraints, T), Math.floor((opts.maxChunks ?? MAX_CHUNKS) / T)).map((c) => c.seg);
  const K = kinds.length;
  const plans: ChunkPlan[] = [];
  for (let p = 0; p < T; p++) {
    kinds.forEach((k, kind) => {
      plans.push({ index: p * K + kind, stages: k.slots.map((s) => p * S + s), inputs: k.inputs, outputs: k.outputs, constraints: k.constraints, position: { kind, kinds: K } });
    });
  }
  return plans;
}

/** True when `stages` come from positionStages (every stage has its slot). */
export function isPositionLayout(stages: readonly Stage[]): stages is readonly PositionStage[] {
  return stages.length > 0 && stages.every((s) => typeof (s as Partial<PositionStage>).slot === 'number');
}

/** The chunk plans of either layout: position chunks for positionStages, else planChunks. */
export function planStages(stages: readonly Stage[], opts: PlanOptions): ChunkPlan[] {
  return isPositionLayout(stages) ? planPositionChunks(stages, opts) : planChunks(stages, opts);
}

/**
 * How a pass is cut: `positions` (default: one circuit per chunk kind, shared by all
 * positions) or `layers` (layer-major stages, a distinct circuit per chunk; packages made
 * before position chunks existed).
 */
export type ChunkLayout = 'positions' | 'layers';
export const CHUNK_LAYOUTS: readonly ChunkLayout[] = ['positions', 'layers'];

/**
 * The stages of `layout`, measured with the range backend their circuits will be built with
 * (default plain). `recordedCosts`: what a package recorded — positions: the per-slot costs
 * (slotCostsOf); layers: every stage's (stageCostsOf) — which spares building every stage's
 * shape again (stories260K at T = 32: 2.8 s for the slots, about 8 s for the layer-major stages).
 */
export function stagesForLayout(layout: ChunkLayout, q: QuantModel, ctx: number, ranges: RangeBackend = PLAIN_RANGES, recordedCosts?: readonly number[]): Stage[] {
  return layout === 'positions' ? positionStages(q, ctx, ranges, recordedCosts) : forwardStages(q, ctx, { ranges, costs: recordedCosts });
}

/** Every stage's constraints of a layer-major layout (what stagesForLayout('layers', …) takes back); undefined for position stages (slotCostsOf). */
export function stageCostsOf(stages: readonly Stage[]): number[] | undefined {
  if (isPositionLayout(stages)) return undefined;
  return stages.map((s) => s.constraints);
}

/** The constraints of each per-position slot (the stages of position 0) of a position layout; undefined for other stages. */
export function slotCostsOf(stages: readonly Stage[]): number[] | undefined {
  if (!isPositionLayout(stages)) return undefined;
  const slots = Math.max(...stages.map((s) => s.slot)) + 1;
  return stages.slice(0, slots).map((s) => s.constraints);
}

/**
 * The largest power compile picks by itself: snarkjs's `zkey new` holds a circuit's
 * constraints as JS objects, and one of 1.03M constraints (2^20) exhausted Node's default
 * 4 GB heap in phase 2 (stories260K, layer-major); 2^19 circuits set up within it. Larger
 * powers stay available with --chunk-power and a larger heap (snark/setup.ts says how).
 */
export const MAX_DEFAULT_POWER = 19;

/** The powers defaultChunkPower tries ([from, to]), the chunk limit, and the range backend's rows (range-backend.ts rangePlanOptions; plain's by default). */
export interface ChunkPowerOptions extends Pick<PlanOptions, 'rangeFixedRows' | 'rangeCheckRows'> {
  from?: number;
  to?: number;
  maxChunks?: number;
}

/**
 * `zkinfer compile`'s default chunk power: among the powers in [from, to] at which `stages`
 * plan (every stage fits a chunk with its boundary) into at most `maxChunks` chunks (a
 * manifest's limit, MAX_CHUNKS), the one with the least total proving domain, Σ chunkDomain
 * over the chunks (snarkjs's FFTs and its H multi-exponentiation run over the whole domain, so
 * a chunk that fills a small fraction of its power pays for the rest); on a tie the fewer chunks
 * (a smaller bundle, less verification), then the smaller power (a
 * smaller ptau, less memory per proof). RangeError, with the largest power's reason, when none fits.
 */
export function defaultChunkPower(stages: readonly Stage[], ctx: number, opts: ChunkPowerOptions = {}): number {
  const { from = 12, to = MAX_DEFAULT_POWER, maxChunks = MAX_CHUNKS, ...ranges } = opts;
  let best: { power: number; domain: number; chunks: number } | null = null;
  for (let power = from; power <= to; power++) {
    try {
      const plans = planStages(stages, { ctx, power, maxChunks, ...ranges });
      const n = plans.length;
      if (n > maxChunks) throw new RangeError(`${n} chunks at ctx ${ctx} and 2^${power} rows: a manifest holds at most ${maxChunks}; lower the context`);
      const domain = totalDomain(plans, ctx);
      if (!best || domain < best.domain || (domain === best.domain && n < best.chunks)) best = { power, domain, chunks: n };
    } catch (err) {
      if (!(err instanceof RangeError) || (power >= to && !best)) throw err;
    }
  }
  return best!.power;
}

/** Σ snarkjs domains of the plans (the rows a prover's FFTs and H multi-exponentiation pay). */
export function totalDomain(plans: readonly ChunkPlan[], ctx: number): number {
  return plans.reduce((d, p) => d + chunkDomain(p.constraints, ctx), 0);
}

/**
 * The position plan against the layer-major plan at its default power, both with `ranges`
 * (the position plan's backend): proving domain per
 * bundle, keys and the domain of their setup (docs/decisions.md 9: proving follows the domain
 * of every chunk, setup that of the distinct circuits). Undefined when no layer-major plan fits.
 */
export function layerMajorComparison(q: QuantModel, ctx: number, positionPlans: readonly ChunkPlan[], ranges: RangeBackend = PLAIN_RANGES) {
  let layerPlans: ChunkPlan[];
  try {
    // The layer-major stages and plan of the same range backend as the position plan (a LogUp
    // position plan against plain layer-major chunks, several times larger, would hide what the
    // layout saves).
    const stages = forwardStages(q, ctx, { ranges });
    const rows = rangePlanOptions(ranges);
    layerPlans = planStages(stages, { ctx, power: defaultChunkPower(stages, ctx, rows), ...rows });
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
  const keys = positionPlans[0].position?.kinds ?? positionPlans.length;
  return {
    positions: { domain: totalDomain(positionPlans, ctx), keys, setupDomain: totalDomain(positionPlans.slice(0, keys), ctx) },
    layers: { domain: totalDomain(layerPlans, ctx), keys: layerPlans.length, setupDomain: totalDomain(layerPlans, ctx) },
  };
}
