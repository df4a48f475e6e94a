/**
 * Precision per site (QuantOptions.siteBits, weightBits; issue 17): the forward circuit stays
 * bit-exact with forwardInt for every mix, and a tampered wide-gate lookup, a wide weight's
 * rounding remainder or a 16-bit site's quotient is rejected. Small: T = 3, one layer for the
 * uniform mixes, two for the per-layer one.
 */
import { describe, expect, it } from 'vitest';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { QUANT_PRESETS } from '@zkinfer/prover/quant/options.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import type { QuantModel, QuantOptions } from '@zkinfer/prover/quant/types.ts';
import { checkBitExact, DEFAULT_MODEL, existsSync, STORIES, tamper, truncated, wiresNamed } from './helpers.ts';

function quantizedWith(path: string, opts: Partial<QuantOptions>): QuantModel {
  const model = loadModel(path);
  return quantizeModel(model, calibrationIds((t, o) => model.tokenizer.encode(t, o)), opts);
}

/** The last wire named by `re` exists and adding −1 to it breaks a constraint. */
function expectTamperFails(cs: ReturnType<typeof checkBitExact>, re: RegExp) {
  const ws = wiresNamed(cs, re);
  expect(ws.length, String(re)).toBeGreaterThan(0);
  expect(tamper(cs, ws[ws.length - 1], -1n), String(re)).not.toBeNull();
}

const MIXES: [string, Partial<QuantOptions>, number][] = [
  ['int16 q/k/v/up (attnBits 16)', { attnBits: 16 }, 1],
  ['int16 all activations', { actBits: 16, attnBits: 16 }, 1],
  ['the fidelity preset', QUANT_PRESETS.fidelity, 1],
  // 16-bit hidden and final-norm input beside 12-bit sites, 9-bit weights, MSE-calibrated int8 sites
  ['the fidelity-logup preset', QUANT_PRESETS['fidelity-logup'], 1],
  // Per layer: layer 0 wide q/k, a 10-bit gate and an int16 hidden, layer 1 the int8 defaults
  // but a 9-bit gate; 10-bit weights; norm outputs int8 with MSE-calibrated (clipping) scales.
  ['a per-layer mix with 10-bit weights and MSE calibration', { calibration: 'mse', weightBits: 10, siteBits: { qk: [16, 8, 8, 8, 8], gate: [10, 9, 8, 8, 8], hidden: [16, 8, 8, 8, 8], attn: 12 } }, 2],
];

describe.skipIf(!existsSync(STORIES))('precision per site, stories260K (T = 3; needs ../shared/models)', () => {
  for (const [name, opts, layers] of MIXES) {
    it(`${name}, ${layers} layer(s): bit-exact with forwardInt; a tampered gate lookup, FFN remainder or q/k quotient fails`, () => {
      const q = truncated(quantizedWith(STORIES, opts), layers);
      const cs = checkBitExact(q, 3, [1]);
      expectTamperFails(cs, new RegExp(`^L${layers - 1}\\.ffn@2/t2/ffn/activation/`));
      expectTamperFails(cs, /^L0\.ffn@1\/t1\/ffn\/requant\/q$/);
      expectTamperFails(cs, /^L0\.qkv@2\/t2\/qkv\/rope\/requant\/q$/);
    });
  }

  it('the options reach the circuits: wide sites and weights are what the model holds', () => {
    const q = quantizedWith(STORIES, MIXES[4][1]);
    expect(q.layers[0].wq.w).toBeInstanceOf(Int16Array);
    expect(Math.max(...Array.from(q.layers[0].wq.w, Math.abs))).toBe(511);
    expect([q.layers[0].qRope.bits, q.layers[1].qRope.bits]).toEqual([16, 8]);
    expect([q.layers[0].actTable.length, q.layers[1].actTable.length, q.layers[2].actTable.length]).toEqual([1024, 512, 256]);
    expect([q.layers[0].gateProj.bits, q.layers[0].hidden.bits, q.layers[0].attnOut.bits]).toEqual([10, 16, 12]);
  });
});

describe.skipIf(!existsSync(DEFAULT_MODEL))('precision per site, bundled Gemma 3 model (T = 4; needs prover/models/default)', () => {
  it('the fidelity preset: bit-exact with forwardInt, a tampered gate lookup fails', () => {
    const q = quantizedWith(DEFAULT_MODEL, QUANT_PRESETS.fidelity);
    const cs = checkBitExact(q, 4, [...'To'].map((c) => c.charCodeAt(0)));
    expectTamperFails(cs, /^L0\.ffn@3\/t3\/ffn\/activation\//);
  });
});
