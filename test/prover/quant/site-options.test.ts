/**
 * QuantOptions for precision per site (quant/options.ts): canonical form (model ids of older
 * option sets unchanged, one id per choice), validation, int16 weight storage round trip, and
 * the wider activation tables.
 */
import { describe, expect, it } from 'vitest';
import { activationFloat, activationTable, tableLookup } from '@zkinfer/prover/arith/activation.ts';
import { forwardInt } from '@zkinfer/prover/infer/int.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { QUANT_PRESETS, resolveOptions, siteBits } from '@zkinfer/prover/quant/options.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import { deserializeQuantModel, quantModelId, serializeQuantModel } from '@zkinfer/prover/quant/serialize.ts';
import { DEFAULT_QUANT_OPTIONS } from '@zkinfer/prover/quant/types.ts';
import { quantizeRows } from '@zkinfer/prover/quant/weights.ts';

describe('resolveOptions', () => {
  it('leaves the pre-existing options byte for byte (defaults, actBits / attnBits)', () => {
    expect(JSON.stringify(resolveOptions({}, 5))).toBe(JSON.stringify(DEFAULT_QUANT_OPTIONS));
    expect(JSON.stringify(resolveOptions({ attnBits: 16, actBits: 16 }, 5))).toBe(JSON.stringify({ ...DEFAULT_QUANT_OPTIONS, actBits: 16, attnBits: 16 }));
  });

  it('drops explicit defaults and orders keys and sites canonically', () => {
    expect(resolveOptions({ weightBits: 8, calibration: 'max', siteBits: {} }, 5)).toEqual(DEFAULT_QUANT_OPTIONS);
    const a = resolveOptions({ siteBits: { hidden: 16, qk: [16, 16, 16, 16, 16] }, weightBits: 10 }, 5);
    const b = resolveOptions({ weightBits: 10, siteBits: { qk: 16, hidden: 16 } }, 5);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Object.keys(a.siteBits!)).toEqual(['qk', 'hidden']);
  });

  it('reads per-layer bits and the defaults of absent sites', () => {
    const o = resolveOptions({ attnBits: 16, siteBits: { gate: [9, 10], attnIn: 12 } }, 2);
    expect([siteBits(o, 'gate', 0), siteBits(o, 'gate', 1), siteBits(o, 'attnIn', 1), siteBits(o, 'qk', 1), siteBits(o, 'hidden', 0)]).toEqual([9, 10, 12, 16, 8]);
    expect(siteBits(resolveOptions({}, 2), 'gate')).toBe(8);
  });

  it('rejects unknown sites, wrong per-layer lengths and bits out of range', () => {
    expect(() => resolveOptions({ siteBits: { nope: 16 } as never }, 2)).toThrow(/unknown site nope/);
    expect(() => resolveOptions({ siteBits: { qk: [16, 16, 16] } }, 2)).toThrow(/2 \(one per layer\)/);
    expect(() => resolveOptions({ siteBits: { finalIn: [16, 16] } }, 2)).toThrow(/takes one number/);
    expect(() => resolveOptions({ siteBits: { gate: 13 } }, 2)).toThrow(/gate: 13 is not an integer in \[8, 12\]/);
    expect(() => resolveOptions({ siteBits: { v: 17 } }, 2)).toThrow(/\[2, 16\]/);
    expect(() => resolveOptions({ weightBits: 17 }, 2)).toThrow(/weightBits 17/);
    expect(() => resolveOptions({ calibration: 'p99' as never }, 2)).toThrow(/calibration/);
  });
});

describe('wider weights and gate tables', () => {
  it('quantizeRows at 10 bits: symmetric ±511 per row, Int16Array', () => {
    const q = quantizeRows({ name: 'w', shape: [2, 3], data: new Float32Array([1, -0.5, 0.25, 0, 0, -2]) }, 10);
    expect(q.w).toBeInstanceOf(Int16Array);
    expect(Array.from(q.w)).toEqual([511, -255, 128, 0, 0, -511]); // −255.5 rounds half up (Math.round)
  });

  it('a 9-bit table has 512 entries indexed by q + 256, and rejects inputs outside int9', () => {
    const t = activationTable('silu', 1 / 32, 1 / 4096, 16, 9);
    expect(t.length).toBe(512);
    expect(tableLookup(t, -256)).toBe(Math.round(activationFloat('silu', -8) * 4096));
    expect(tableLookup(t, 255)).toBe(Math.round(activationFloat('silu', 255 / 32) * 4096));
    expect(() => tableLookup(t, 256)).toThrow(RangeError);
    expect(tableLookup(activationTable('silu', 1 / 32, 1 / 4096, 16), 127)).toBe(tableLookup(t, 127));
  });

  it('the fidelity preset serializes int16 weights and round-trips (id and logits), the default id unchanged', () => {
    const model = loadModel(DEFAULT_MODEL_PATH);
    const calib = calibrationIds((t, o) => model.tokenizer.encode(t, o));
    const q = quantizeModel(model, calib, QUANT_PRESETS.fidelity);
    const bytes = serializeQuantModel(q);
    const back = deserializeQuantModel(bytes);
    expect(back.embed.w).toBeInstanceOf(Int16Array);
    expect(quantModelId(back)).toBe(quantModelId(q));
    expect(forwardInt(back, [84, 111, 32])).toEqual(forwardInt(q, [84, 111, 32]));
    expect(back.options.siteBits).toEqual(QUANT_PRESETS.fidelity.siteBits);
    expect(quantModelId(quantizeModel(model, calib, { weightBits: 8 }))).toBe(quantModelId(quantizeModel(model, calib)));
  });
});
