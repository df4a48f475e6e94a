/**
 * One layer's FFN block: input norm, W_gate/W_up, the activation table, the hidden rescale,
 * W_down and (Gemma 3) the post-FFN norm. docs/quantization.md steps 7–8.
 */
import { CANONICAL } from '../model/types.ts';
import { activationFloat, activationTable } from '../arith/activation.ts';
import type { ArchProfile } from '../reference/profile.ts';
import { branchOutput, record, scaleColumns, shortNorm, shortProj, site, type QuantContext } from './builders.ts';
import { fixedMultiplier, roundDownShort, siteScale } from './multiplier.ts';
import type { QLayer } from './types.ts';

/** Bits of the activation-table outputs (a table's outputs are constants: no range check). */
export const ACT_TABLE_BITS = 16;

export type FfnFields = Pick<QLayer, 'ffnNorm' | 'wGate' | 'wUp' | 'gateProj' | 'upProj' | 'actTable' | 'hidden' | 'wDown' | 'downProj' | 'postFfwNorm'>;

/** The FFN block of layer l, reading the residual stream at scale sRes and adding back to it. */
export function quantizeFfn(ctx: QuantContext, arch: ArchProfile, l: number, sRes: number): FfnFields {
  const { config: c, o } = ctx;
  const sFfnIn = site(ctx, `ffnIn.${l}`, o.actBits);
  const ffnNorm = shortNorm(ctx, ctx.tensor(CANONICAL.ffnNorm(l)).data, c.dModel, sRes, sFfnIn, o.actBits, `layer ${l} FFN norm`);
  const sGate = site(ctx, `gate.${l}`, 8);
  const sUp = site(ctx, `up.${l}`, o.attnBits);
  const gate = shortProj(ctx, scaleColumns(ctx.tensor(CANONICAL.ffnGate(l)), ffnNorm.cols), sFfnIn, sGate, 8, `layer ${l} Wgate`);
  const up = shortProj(ctx, scaleColumns(ctx.tensor(CANONICAL.ffnUp(l)), ffnNorm.cols), sFfnIn, sUp, o.attnBits, `layer ${l} Wup`);
  // The table's output scale covers the activation over every int8 input.
  let actMax = 0;
  for (let qv = -128; qv < 128; qv++) actMax = Math.max(actMax, Math.abs(activationFloat(arch.activation, qv * sGate)));
  const sAct = record(ctx, `act.${l}`, siteScale(actMax, ACT_TABLE_BITS), ACT_TABLE_BITS);
  // The FFN hidden factor sAct·sUp/sHidden rounded down to pAct bits by widening sHidden.
  const hiddenFactor = roundDownShort((sAct * sUp) / site(ctx, `hidden.${l}`, o.actBits), o.shortSiteMultiplierBits);
  const sHidden = record(ctx, `hidden.${l}`, (sAct * sUp) / hiddenFactor, o.actBits);
  const down = branchOutput(ctx, arch, ctx.tensor(CANONICAL.ffnDown(l)), sHidden, sRes, `layer ${l} Wdown`,
    { key: `down.${l}`, weight: () => ctx.tensor(CANONICAL.postFfwNorm(l)).data, what: `layer ${l} post-FFN norm` });
  return {
    ffnNorm: ffnNorm.norm,
    wGate: gate.W, wUp: up.W,
    gateProj: gate.r,
    upProj: up.r,
    actTable: activationTable(arch.activation, sGate, sAct, ACT_TABLE_BITS),
    hidden: fixedMultiplier(hiddenFactor, o.actBits, o.multiplierBits, `layer ${l} FFN hidden`),
    wDown: down.W, downProj: down.r, postFfwNorm: down.postNorm,
  };
}
