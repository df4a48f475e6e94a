/**
 * One layer's FFN block: input norm, W_gate/W_up, the activation table, the hidden rescale,
 * W_down and (Gemma 3) the post-FFN norm. docs/quantization.md steps 7–8.
 */
import { CANONICAL } from '../model/types.ts';
import { activationFloat, activationTable } from '../arith/activation.ts';
import type { ArchProfile } from '../reference/profile.ts';
import { branchOutput, record, scaleColumns, shortNorm, shortProj, site, type QuantContext } from './builders.ts';
import { fixedMultiplier, roundDownShort, siteScale } from './multiplier.ts';
import { siteBits } from './options.ts';
import type { QLayer } from './types.ts';

/** Bits of the activation-table outputs (a table's outputs are constants: no range check). */
export const ACT_TABLE_BITS = 16;

export type FfnFields = Pick<QLayer, 'ffnNorm' | 'wGate' | 'wUp' | 'gateProj' | 'upProj' | 'actTable' | 'hidden' | 'wDown' | 'downProj' | 'postFfwNorm'>;

/** The FFN block of layer l, reading the residual stream at scale sRes and adding back to it. */
export function quantizeFfn(ctx: QuantContext, arch: ArchProfile, l: number, sRes: number): FfnFields {
  const { config: c, o } = ctx;
  const bits = { ffnIn: siteBits(o, 'ffnIn', l), gate: siteBits(o, 'gate', l), up: siteBits(o, 'up', l), hidden: siteBits(o, 'hidden', l) };
  const sFfnIn = site(ctx, `ffnIn.${l}`, bits.ffnIn);
  const ffnNorm = shortNorm(ctx, ctx.tensor(CANONICAL.ffnNorm(l)).data, c.dModel, sRes, sFfnIn, bits.ffnIn, `layer ${l} FFN norm`);
  const sGate = site(ctx, `gate.${l}`, bits.gate);
  const sUp = site(ctx, `up.${l}`, bits.up);
  const gate = shortProj(ctx, scaleColumns(ctx.tensor(CANONICAL.ffnGate(l)), ffnNorm.cols), sFfnIn, sGate, bits.gate, `layer ${l} Wgate`);
  const up = shortProj(ctx, scaleColumns(ctx.tensor(CANONICAL.ffnUp(l)), ffnNorm.cols), sFfnIn, sUp, bits.up, `layer ${l} Wup`);
  // The table's output scale covers the activation over every gate input (2^bits of them).
  let actMax = 0;
  for (let qv = -(2 ** (bits.gate - 1)); qv < 2 ** (bits.gate - 1); qv++) actMax = Math.max(actMax, Math.abs(activationFloat(arch.activation, qv * sGate)));
  const sAct = record(ctx, `act.${l}`, siteScale(actMax, ACT_TABLE_BITS), ACT_TABLE_BITS);
  // The FFN hidden factor sAct·sUp/sHidden rounded down to pAct bits by widening sHidden.
  const hiddenFactor = roundDownShort((sAct * sUp) / site(ctx, `hidden.${l}`, bits.hidden), o.shortSiteMultiplierBits);
  const sHidden = record(ctx, `hidden.${l}`, (sAct * sUp) / hiddenFactor, bits.hidden);
  const down = branchOutput(ctx, arch, ctx.tensor(CANONICAL.ffnDown(l)), sHidden, sRes, `layer ${l} Wdown`,
    { key: `down.${l}`, weight: () => ctx.tensor(CANONICAL.postFfwNorm(l)).data, what: `layer ${l} post-FFN norm` });
  return {
    ffnNorm: ffnNorm.norm,
    wGate: gate.W, wUp: up.W,
    gateProj: gate.r,
    upProj: up.r,
    actTable: activationTable(arch.activation, sGate, sAct, ACT_TABLE_BITS, bits.gate),
    hidden: fixedMultiplier(hiddenFactor, bits.hidden, o.multiplierBits, `layer ${l} FFN hidden`),
    wDown: down.W, downProj: down.r, postFfwNorm: down.postNorm,
  };
}
