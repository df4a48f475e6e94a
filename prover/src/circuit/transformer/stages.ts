/**
 * The forward pass as an ordered list of stages (prover/src/circuit/transformer/stage.ts), so the chunk
 * planner can cut it into circuits of bounded size.
 *
 * Positions are grouped into blocks of `block` consecutive positions; block b holds
 * [b·block, min((b+1)·block, T)). Tensors (rows = the block's positions):
 *   x@b          residual stream, d wide, resBits (signed) — the main boundary tensor,
 *                redefined by every stage that updates it
 *   L{l}.q@b     rotated queries of layer l, nHeads·hd wide, qRope.bits
 *   L{l}.k@b     rotated keys, nKvHeads·hd wide, kRope.bits
 *   L{l}.v@b     values, nKvHeads·hd wide, vProj.bits
 * Stages, in order:
 *   embed@b             tokens (ctx.tokens(), chunk 0) → x@b
 *   then per layer l, per block b:
 *     L{l}.qkv@b        x@b → q, k, v @b
 *     L{l}.attn@b       x@b, q@b and the k/v blocks visible from block b (causal, sliding
 *                       window) → x@b  (softmax attention, Wo, residual / Gemma post-norm)
 *     L{l}.ffn@b        x@b → x@b
 *   logits@b            x@b → (nothing): final norm, logits and the greedy check at every
 *                       t < T − 1 of the block (position T − 1 has no next token); the last
 *                       one also checks nGenerated ≥ 1.
 * The statement gadgets (position masks, prompt opening) belong to the chunk (circuit/transformer/statement.ts).
 * Every stage's output values are range-checked by the gadget that made them (requantization
 * output checks), so they satisfy their TensorSpec bits; inputs are not re-checked here (a
 * chunk reading a boundary range-checks it).
 * `constraints` is measured by building the stage once in shape mode (lazily, on first read).
 */
import { publicSignalRecord } from '@zkinfer/verifier';
import type { PositionMasks, PublicWires, Stage, StageContext, TensorSpec, TensorWires } from './stage.ts';
import type { QuantModel } from '../../quant/types.ts';
import type { LinearCombination } from '../lc.ts';
import { PLAIN_RANGES, rangesFactory, type RangeBackend } from '../range-backend.ts';
import { ConstraintSystem } from '../system.ts';
import { attend } from './attention.ts';
import { signedBounds } from './bounds.ts';
import { embedRow } from './embed.ts';
import { ffnResidual } from './ffn.ts';
import { attnResidual, qkvRow } from './layer.ts';
import { assertGeneratedNonEmpty, greedyCheck, logitsRow } from './logits.ts';

export interface ForwardStageOptions {
  /** Positions per stage (default 1: the smallest stages, the planner packs them). */
  block?: number;
  /** The range-check backend the stages are measured with (default plain, range-backend.ts). */
  ranges?: RangeBackend;
  /**
   * Each stage's constraints as measured before, in stage order (a layer-major package records
   * them, package/layout.ts PackageInfo.stageCosts), instead of building every stage's shape
   * again; a chunk whose stages add other counts is refused when built (chunks/build.ts).
   */
  costs?: readonly number[];
}

/** Collects the logits wires (buildForward and tests). */
export type LogitsSink = (t: number, logits: LinearCombination[]) => void;

/** A stage whose build may also report logits; `constraints` is measured lazily. */
interface StageDef {
  name: string;
  /**
   * Stages with the same key have the same constraints (same structure and constant bounds),
   * so one measurement serves all of them; tests compare every stage with a real build.
   */
  costKey: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  readsTokens?: boolean;
  build(ctx: StageContext, inputs: Record<string, TensorWires>, sink?: LogitsSink): Record<string, TensorWires>;
}

export interface ForwardStage extends Stage {
  build(ctx: StageContext, inputs: Record<string, TensorWires>, sink?: LogitsSink): Record<string, TensorWires>;
}

const firstKey = (window: number, t: number): number => (Number.isFinite(window) ? Math.max(0, t - window + 1) : 0);

/** The stages of the forward pass of `q` over `T` positions. */
export function forwardStages(q: QuantModel, T: number, opts: ForwardStageOptions = {}): ForwardStage[] {
  const c = q.config;
  const B = opts.block ?? 1;
  if (!Number.isInteger(T) || T < 2 || T > c.contextLength) throw new RangeError(`forwardStages: T = ${T} not in 2..${c.contextLength} (the model's context length)`);
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`forwardStages: block ${B} must be a positive integer`);
  const resBits = q.embedOut.bits;
  const xb = signedBounds(resBits);
  const nBlocks = Math.ceil(T / B);
  const start = (b: number): number => b * B;
  const end = (b: number): number => Math.min(T, (b + 1) * B);
  const rows = (b: number): number => end(b) - start(b);
  const xSpec = (b: number): TensorSpec => ({ name: `x@${b}`, rows: rows(b), cols: c.dModel, bits: resBits });
  const qSpec = (l: number, b: number): TensorSpec => ({ name: `L${l}.q@${b}`, rows: rows(b), cols: c.nHeads * c.headDim, bits: q.layers[l].qRope.bits });
  const kSpec = (l: number, b: number): TensorSpec => ({ name: `L${l}.k@${b}`, rows: rows(b), cols: c.nKvHeads * c.headDim, bits: q.layers[l].kRope.bits });
  const vSpec = (l: number, b: number): TensorSpec => ({ name: `L${l}.v@${b}`, rows: rows(b), cols: c.nKvHeads * c.headDim, bits: q.layers[l].vProj.bits });
  const ys = (r: { y: LinearCombination }[]): LinearCombination[] => r.map((v) => v.y);

  const defs: StageDef[] = [];
  for (let b = 0; b < nBlocks; b++) {
    defs.push({
      name: `embed@${b}`,
      costKey: `embed:${rows(b)}`,
      inputs: [],
      outputs: [xSpec(b)],
      readsTokens: true,
      build(ctx) {
        const tokens = ctx.tokens();
        const x: TensorWires = [];
        for (let t = start(b); t < end(b); t++) x.push(ctx.cs.scope(`t${t}`, () => ys(embedRow(ctx.cs, q, tokens[t]))));
        return { [`x@${b}`]: x };
      },
    });
  }
  q.layers.forEach((L, l) => {
    const shape = { nHeads: c.nHeads, nKvHeads: c.nKvHeads, hd: c.headDim };
    const ab = { q: signedBounds(L.qRope.bits), k: signedBounds(L.kRope.bits), v: signedBounds(L.vProj.bits) };
    for (let b = 0; b < nBlocks; b++) {
      const kvBlocks: number[] = [];
      for (let b2 = Math.floor(firstKey(L.window, start(b)) / B); b2 <= b; b2++) kvBlocks.push(b2);
      const blockOf = (t: number): { b: number; r: number } => ({ b: Math.floor(t / B), r: t % B });
      defs.push({
        name: `L${l}.qkv@${b}`,
        costKey: `qkv@${b}:${l}`, // RoPE constants (and so bounds) depend on the positions
        inputs: [xSpec(b)],
        outputs: [qSpec(l, b), kSpec(l, b), vSpec(l, b)],
        build(ctx, inputs) {
          const out: TensorWires[] = [[], [], []];
          inputs[`x@${b}`].forEach((x, r) => {
            const row = ctx.cs.scope(`t${start(b) + r}`, () => qkvRow(ctx.cs, q, L, x, xb, start(b) + r));
            out[0].push(ys(row.q));
            out[1].push(ys(row.k));
            out[2].push(ys(row.v));
          });
          return { [qSpec(l, b).name]: out[0], [kSpec(l, b).name]: out[1], [vSpec(l, b).name]: out[2] };
        },
      });
      defs.push({
        name: `L${l}.attn@${b}`,
        costKey: `attn:${l}:${Array.from({ length: rows(b) }, (_, r) => start(b) + r - firstKey(L.window, start(b) + r) + 1).join(',')}`,
        inputs: [xSpec(b), qSpec(l, b), ...kvBlocks.flatMap((b2) => [kSpec(l, b2), vSpec(l, b2)])],
        outputs: [xSpec(b)],
        build(ctx, inputs) {
          const x = inputs[`x@${b}`].map((xr, r) => {
            const t = start(b) + r;
            return ctx.cs.scope(`t${t}`, () => {
              const keys: LinearCombination[][] = [];
              const values: LinearCombination[][] = [];
              for (let j = firstKey(L.window, t); j <= t; j++) {
                const at = blockOf(j);
                keys.push(inputs[kSpec(l, at.b).name][at.r]);
                values.push(inputs[vSpec(l, at.b).name][at.r]);
              }
              const att = attend(ctx.cs, inputs[qSpec(l, b).name][r], keys, values, shape, ab, L.softmax, L.attnOut);
              return ys(attnResidual(ctx.cs, L, xr, xb, ys(att.out)));
            });
          });
          return { [`x@${b}`]: x };
        },
      });
      defs.push({
        name: `L${l}.ffn@${b}`,
        costKey: `ffn:${l}:${rows(b)}`,
        inputs: [xSpec(b)],
        outputs: [xSpec(b)],
        build(ctx, inputs) {
          return { [`x@${b}`]: inputs[`x@${b}`].map((xr, r) => ctx.cs.scope(`t${start(b) + r}`, () => ys(ffnResidual(ctx.cs, L, xr, xb).x))) };
        },
      });
    }
  });
  for (let b = 0; b < nBlocks; b++) {
    defs.push({
      name: `logits@${b}`,
      costKey: `logits:${Math.min(end(b), T - 1) - start(b)}:${b === nBlocks - 1}`,
      inputs: [xSpec(b)],
      outputs: [],
      build(ctx, inputs, sink) {
        const { isGenerated } = ctx.masks();
        inputs[`x@${b}`].forEach((xr, r) => {
          const t = start(b) + r;
          if (t + 1 >= T) return;
          ctx.cs.scope(`t${t}`, () => {
            const logits = logitsRow(ctx.cs, q, xr, xb);
            sink?.(t, logits.lcs);
            greedyCheck(ctx.cs, logits, ctx.pub.posTokens[t + 1], isGenerated[t + 1]);
          });
        });
        if (b === nBlocks - 1) assertGeneratedNonEmpty(ctx.cs, ctx.pub.nGenerated, T);
        return {};
      },
    });
  }
  const costs = new Map<string, number>();
  const ranges = opts.ranges ?? PLAIN_RANGES;
  const recorded = opts.costs;
  if (recorded !== undefined && recorded.length !== defs.length) throw new RangeError(`forwardStages: ${recorded.length} stage costs for ${defs.length} stages`);
  return defs.map((d, i) => withCost(q, T, d, costs, ranges, recorded?.[i]));
}

/** The stage with its cost: `recorded` when given, else measured on first read (shared by cost key). */
function withCost(q: QuantModel, T: number, d: StageDef, costs: Map<string, number>, ranges: RangeBackend, recorded?: number): ForwardStage {
  if (recorded !== undefined && (!Number.isSafeInteger(recorded) || recorded < 0)) throw new RangeError(`forwardStages: stage ${d.name}: recorded cost ${recorded} is not a count`);
  return {
    name: d.name,
    inputs: d.inputs,
    outputs: d.outputs,
    readsTokens: d.readsTokens,
    build: d.build,
    get constraints(): number {
      if (recorded !== undefined) return recorded;
      let n = costs.get(d.costKey);
      if (n === undefined) {
        n = measureStage(q, T, d, ranges);
        costs.set(d.costKey, n);
      }
      return n;
    },
  };
}

/**
 * Public inputs in the layout of docs/proof-format.md (values in witness mode), then whatever
 * public wire the range backend needs (LogUp: its challenge, the last public input).
 */
export function declarePublicWires(cs: ConstraintSystem, T: number, values?: bigint[]): PublicWires {
  const pub = publicSignalRecord(T, (name, k) => cs.publicInput(name, values?.[k]));
  cs.ranges.declarePublics();
  return pub;
}

/**
 * One stage built alone in shape mode on fresh input wires (tokens, masks and inputs are
 * private wires declared outside it): its rows are exactly the stage's constraints, with the
 * range backend's once-per-circuit rows (`cs.ranges.fixedRows`) on top. Used to measure
 * `constraints` and by the cost benchmark (labels per op).
 */
export function buildStageShape(q: QuantModel, T: number, d: Pick<Stage, 'inputs'> & { build: StageDef['build'] }, ranges: RangeBackend = PLAIN_RANGES): ConstraintSystem {
  const cs = new ConstraintSystem({ witness: false, ranges: rangesFactory(ranges) });
  const pub = declarePublicWires(cs, T);
  const tokens = Array.from({ length: T }, (_, t) => cs.privateInput(`token${t}`));
  const masks: PositionMasks = {
    isPrompt: Array.from({ length: T }, (_, t) => cs.privateInput(`isPrompt${t}`)),
    isGenerated: Array.from({ length: T }, (_, t) => cs.privateInput(`isGenerated${t}`)),
  };
  const inputs: Record<string, TensorWires> = {};
  for (const s of d.inputs) inputs[s.name] = Array.from({ length: s.rows }, () => Array.from({ length: s.cols }, () => cs.privateInput(s.name)));
  const at = Array.from({ length: T }, (_, t) => cs.privateInput(`at${t}`));
  const ctx: StageContext = { cs, q, T, chunkIndex: 0, pub, tokens: () => tokens, masks: () => masks, position: () => at };
  d.build(ctx, inputs);
  cs.ranges.resolve();
  return cs;
}

/** A stage's rows: what it adds, and what the range backend adds for its requests (not the backend's per-circuit rows). */
export function measureStage(q: QuantModel, T: number, d: Pick<Stage, 'inputs'> & { build: StageDef['build'] }, ranges: RangeBackend = PLAIN_RANGES): number {
  const cs = buildStageShape(q, T, d, ranges);
  return cs.nConstraints - cs.ranges.fixedRows;
}
