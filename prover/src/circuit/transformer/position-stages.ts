/**
 * The forward pass as position-major stages whose circuits do not depend on the position
 * (docs/decisions.md 6): stage `name@p` reads the position p only through the constrained
 * one-hot `ctx.position()` (chunks/position.ts), so the chunk planner can cut one position into
 * K chunk kinds and every position's chunk of kind k is the same circuit — one phase-2 key per
 * kind, whatever T is.
 *
 * Tensors (position-free names; rows = 1 unless stated):
 *   x         residual stream of position p, d wide, resBits
 *   L{l}.q    rotated query of layer l; L{l}.k, L{l}.v the position's key and value rows
 *   L{l}.K    layer l's key cache, T rows (row j = the key of position j once written);
 *   L{l}.V    the value cache. Every chunk carries all caches (boundary.ts passes the ones
 *             it does not read through packed).
 * Stages of position p:
 *   embed@p       token x_p = Σ_t at_t·x_t (prompt opening, statement.ts) → x
 *   L{l}.qkv@p    x → q, k, v (fused RoPE coefficients chosen by the one-hot: rope.ts ropeFusedAt)
 *   L{l}.attn@p   writes row p of K, V (K'_j = K_j + at_j·(k − K_j)), then attention over all
 *                 T slots with the causal / sliding-window mask (softmax.ts) → x, K, V
 *   L{l}.ffn@p    x → x
 *   logits@p      final norm, logits, greedy check against posTokens[p+1] when
 *                 isGenerated[p+1] (both chosen by the one-hot; inactive at p = T − 1),
 *                 and nGenerated ≥ 1.
 * Cache rows j > p hold whatever the previous chunk left (anything in range in the first
 * chunk): they are masked until position j writes them, before any read.
 */
import type { ForwardStage } from './stages.ts';
import type { StageContext, TensorSpec, TensorWires } from './stage.ts';
import type { QuantModel } from '../../quant/types.ts';
import { LinearCombination } from '../lc.ts';
import { attend } from './attention.ts';
import { signedBounds } from './bounds.ts';
import { embedRow } from './embed.ts';
import { ffnResidual } from './ffn.ts';
import { attnResidual, qkvRow } from './layer.ts';
import { assertGeneratedNonEmpty, greedyCheck, logitsRow } from './logits.ts';
import { PLAIN_RANGES, type RangeBackend } from '../range-backend.ts';
import { measureStage } from './stages.ts';

/** A position stage: the planner charges the statement gadgets it asks for to its chunk. */
export interface PositionStage extends ForwardStage {
  /** Per-position stage index (0 … stagesPerPosition − 1). */
  slot: number;
  uses: { tokens: boolean; masks: boolean };
}

/** Causal / sliding-window visibility of slot j from the one-hot position: Σ at_i over j ≤ i ≤ j + window − 1. */
export function visibleSlots(at: readonly LinearCombination[], window: number): LinearCombination[] {
  const T = at.length;
  return at.map((_, j) => LinearCombination.sum(at.slice(j, Number.isFinite(window) ? Math.min(T, j + window) : T)));
}

/** Σ_t at_t·xs[t] for private xs (one product each); xs shorter than at counts as 0 there. */
function choose(ctx: StageContext, at: readonly LinearCombination[], xs: readonly LinearCombination[], label: string): LinearCombination {
  return LinearCombination.sum(at.slice(0, xs.length).map((b, t) => ctx.cs.mul(b, xs[t], `${label}${t}`)));
}

/**
 * The T · (2 + 3·layers) stages of a forward pass over T positions, position-major.
 * `slotCosts`: each slot's constraints as measured before (a package records them,
 * package/layout.ts PackageInfo.slotCosts), instead of building every slot's shape again.
 */
export function positionStages(q: QuantModel, T: number, ranges: RangeBackend = PLAIN_RANGES, slotCosts?: readonly number[]): PositionStage[] {
  const c = q.config;
  if (!Number.isInteger(T) || T < 2 || T > c.contextLength) throw new RangeError(`positionStages: T = ${T} not in 2..${c.contextLength} (the model's context length)`);
  const resBits = q.embedOut.bits;
  const xb = signedBounds(resBits);
  const kvCols = c.nKvHeads * c.headDim;
  const x: TensorSpec = { name: 'x', rows: 1, cols: c.dModel, bits: resBits };
  const shape = { nHeads: c.nHeads, nKvHeads: c.nKvHeads, hd: c.headDim };
  type Def = Omit<PositionStage, 'name' | 'slot' | 'constraints'> & { base: string };
  const defs: Def[] = [];
  defs.push({
    base: 'embed',
    inputs: [],
    outputs: [x],
    uses: { tokens: true, masks: true },
    build(ctx) {
      const token = ctx.cs.scope('token', () => choose(ctx, ctx.position(), ctx.tokens(), 'x'));
      return { x: [embedRow(ctx.cs, q, token).map((r) => r.y)] };
    },
  });
  q.layers.forEach((L, l) => {
    const qs: TensorSpec = { name: `L${l}.q`, rows: 1, cols: c.nHeads * c.headDim, bits: L.qRope.bits };
    const ks: TensorSpec = { name: `L${l}.k`, rows: 1, cols: kvCols, bits: L.kRope.bits };
    const vs: TensorSpec = { name: `L${l}.v`, rows: 1, cols: kvCols, bits: L.vProj.bits };
    const Ks: TensorSpec = { name: `L${l}.K`, rows: T, cols: kvCols, bits: L.kRope.bits };
    const Vs: TensorSpec = { name: `L${l}.V`, rows: T, cols: kvCols, bits: L.vProj.bits };
    const ab = { q: signedBounds(L.qRope.bits), k: signedBounds(L.kRope.bits), v: signedBounds(L.vProj.bits) };
    defs.push({
      base: `L${l}.qkv`,
      inputs: [x],
      outputs: [qs, ks, vs],
      uses: { tokens: false, masks: false },
      build(ctx, inputs) {
        const row = qkvRow(ctx.cs, q, L, inputs.x[0], xb, ctx.position());
        return { [qs.name]: [row.q.map((r) => r.y)], [ks.name]: [row.k.map((r) => r.y)], [vs.name]: [row.v.map((r) => r.y)] };
      },
    });
    defs.push({
      base: `L${l}.attn`,
      inputs: [x, qs, ks, vs, Ks, Vs],
      outputs: [x, Ks, Vs],
      uses: { tokens: false, masks: false },
      build(ctx, inputs) {
        const at = ctx.position();
        const write = (cache: TensorWires, row: readonly LinearCombination[], name: string): TensorWires =>
          ctx.cs.scope(name, () => cache.map((r, j) => r.map((old, i) => old.add(ctx.cs.mul(at[j], row[i].sub(old), `w${j}`)))));
        const K = write(inputs[Ks.name], inputs[ks.name][0], 'writeK');
        const V = write(inputs[Vs.name], inputs[vs.name][0], 'writeV');
        const att = attend(ctx.cs, inputs[qs.name][0], K, V, shape, ab, L.softmax, L.attnOut, visibleSlots(at, L.window));
        const xo = attnResidual(ctx.cs, L, inputs.x[0], xb, att.out.map((r) => r.y)).map((r) => r.y);
        return { x: [xo], [Ks.name]: K, [Vs.name]: V };
      },
    });
    defs.push({
      base: `L${l}.ffn`,
      inputs: [x],
      outputs: [x],
      uses: { tokens: false, masks: false },
      build(ctx, inputs) {
        return { x: [ffnResidual(ctx.cs, L, inputs.x[0], xb).x.map((r) => r.y)] };
      },
    });
  });
  defs.push({
    base: 'logits',
    inputs: [x],
    outputs: [],
    uses: { tokens: false, masks: true },
    build(ctx, inputs) {
      const at = ctx.position();
      const { isGenerated } = ctx.masks();
      const logits = logitsRow(ctx.cs, q, inputs.x[0], xb);
      // At p the next token is posTokens[p+1]; the one-hot's last entry (p = T − 1) selects nothing.
      const next = ctx.cs.scope('next', () => choose(ctx, at.slice(0, T - 1), ctx.pub.posTokens.slice(1), 'n'));
      const active = ctx.cs.scope('active', () => choose(ctx, at.slice(0, T - 1), isGenerated.slice(1), 'a'));
      greedyCheck(ctx.cs, logits, next, active);
      assertGeneratedNonEmpty(ctx.cs, ctx.pub.nGenerated, T);
      return {};
    },
  });
  // Every position's stages are the same circuits: measure each slot once (or take the recorded costs).
  if (slotCosts !== undefined && slotCosts.length !== defs.length) throw new RangeError(`positionStages: ${slotCosts.length} slot costs for ${defs.length} slots`);
  const costs = slotCosts ? [...slotCosts] : defs.map((d) => measureStage(q, T, d, ranges));
  const stages: PositionStage[] = [];
  for (let p = 0; p < T; p++) {
    defs.forEach((d, slot) => stages.push({ name: `${d.base}@${p}`, slot, inputs: d.inputs, outputs: d.outputs, uses: d.uses, build: d.build, constraints: costs[slot] }));
  }
  return stages;
}
