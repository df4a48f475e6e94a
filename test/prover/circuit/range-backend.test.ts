/**
 * The range-backend choice (circuit/range-backend.ts) and the limb-width cost model
 * (circuit/limb-cost.ts): LogUp (b = 8) is the default, `--ranges` names parse (LogUp packages end to
 * end: test/prover/pipeline/logup-e2e.test.ts); b is the argmin of the predicted prover time.
 */
import { poseidonCost } from '@zkinfer/prover/circuit/poseidon.ts';
import { describe, expect, it } from 'vitest';
import { checkCostUs, chooseLimbBits, LIMB_CANDIDATES, plainCostUs, predictedCostUs, tableCostUs } from '@zkinfer/prover/circuit/limb-cost.ts';
import { LogUpRanges } from '@zkinfer/prover/circuit/logup-ranges.ts';
import { DEFAULT_LOGUP_LIMB_BITS, DEFAULT_RANGE_BACKEND, fixedRangeRows, parseRangeBackend, PLAIN_RANGES, rangeBackendName, rangesFactory } from '@zkinfer/prover/circuit/range-backend.ts';
import { BitDecompositionRanges } from '@zkinfer/prover/circuit/ranges.ts';
import { defaultRangesFor } from '@zkinfer/prover/package/default-ranges.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';

describe('range backends', () => {
  it('LogUp with 8-bit limbs and a clamp table of 2^10 is the default; the factory builds the chosen backend; LogUp charges its tables once per circuit', () => {
    expect(DEFAULT_RANGE_BACKEND).toEqual({ kind: 'logup', limbBits: 8, clampBits: 10 });
    expect(new ConstraintSystem({ witness: false, ranges: rangesFactory(DEFAULT_RANGE_BACKEND) }).ranges).toBeInstanceOf(LogUpRanges);
    expect(new ConstraintSystem({ witness: false, ranges: rangesFactory(PLAIN_RANGES) }).ranges).toBeInstanceOf(BitDecompositionRanges);
    const cs = new ConstraintSystem({ witness: false, ranges: rangesFactory({ kind: 'logup', limbBits: 10 }) });
    expect(cs.ranges).toBeInstanceOf(LogUpRanges);
    expect((cs.ranges as LogUpRanges).limbBits).toBe(10);
    // the table, its sum, the blinding, the short-limb tables 2^1 … 2^(b−1) with a sum each, β = Poseidon(c)
    expect(fixedRangeRows({ kind: 'logup', limbBits: 10 })).toBe(1024 + 2 + 1022 + 9 + poseidonCost(1));
    expect(fixedRangeRows({ kind: 'logup', limbBits: 8 })).toBe(256 + 2 + 254 + 7 + poseidonCost(1));
    expect(fixedRangeRows(DEFAULT_RANGE_BACKEND)).toBe(256 + 2 + 254 + 7 + poseidonCost(1) + 1024 + 1); // and the clamp table with its sum
    const withClamp = new ConstraintSystem({ witness: false, ranges: rangesFactory(DEFAULT_RANGE_BACKEND) }).ranges;
    expect(withClamp.clampTable?.bits).toBe(10);
    expect(withClamp.fixedRows).toBe(fixedRangeRows(DEFAULT_RANGE_BACKEND));
    expect(cs.ranges.clampTable).toBeUndefined();
    expect(new ConstraintSystem({ witness: false }).ranges.clampTable).toBeUndefined();
    expect(fixedRangeRows(PLAIN_RANGES)).toBe(0);
  });

  it('a package defaults to LogUp where the native prover runs and to plain where only snarkjs does (it cannot prove a commitment)', () => {
    expect(defaultRangesFor('native')).toEqual(DEFAULT_RANGE_BACKEND);
    expect(defaultRangesFor('snarkjs')).toEqual(PLAIN_RANGES);
  });

  it('parses plain, logup (b = 8, W = 10), logup:B and logup:B:W (W = 0: no clamp table); refuses other names and widths', () => {
    expect(parseRangeBackend('plain')).toEqual({ kind: 'plain' });
    expect(parseRangeBackend('logup')).toEqual(DEFAULT_RANGE_BACKEND);
    expect(DEFAULT_LOGUP_LIMB_BITS).toBe(8);
    expect(parseRangeBackend('logup:12')).toEqual({ kind: 'logup', limbBits: 12, clampBits: 10 });
    expect(parseRangeBackend('logup:8:0')).toEqual({ kind: 'logup', limbBits: 8 });
    expect(parseRangeBackend('logup:8:12')).toEqual({ kind: 'logup', limbBits: 8, clampBits: 12 });
    expect(rangeBackendName(DEFAULT_RANGE_BACKEND)).toBe('logup8c10');
    expect(rangeBackendName(parseRangeBackend('logup:8:0'))).toBe('logup8');
    for (const bad of ['', 'lookup', 'logup:', 'logup:1', 'logup:21', 'logup:8x', 'LOGUP', 'logup:8:', 'logup:8:7', 'logup:8:17', 'logup:8:10:1']) expect(() => parseRangeBackend(bad), bad).toThrow(RangeError);
  });
});

describe('limb width by predicted prover time (limb-cost.ts)', () => {
  const argmin = (widths: Map<number, number>, circuits: number) =>
    LIMB_CANDIDATES.reduce((best, b) => (predictedCostUs(widths, circuits, b) < predictedCostUs(widths, circuits, best) ? b : best), LIMB_CANDIDATES[0] as number);

  it('the predicted cost is the tables plus the checks; the choice is its argmin', () => {
    const widths = new Map([[5, 1000], [9, 3000], [17, 2000], [29, 500]]);
    for (const b of LIMB_CANDIDATES) {
      expect(predictedCostUs(widths, 3, b)).toBeCloseTo(3 * tableCostUs(b) + 1000 * checkCostUs(5, b) + 3000 * checkCostUs(9, b) + 2000 * checkCostUs(17, b) + 500 * checkCostUs(29, b));
    }
    expect(chooseLimbBits(widths, 3)).toBe(argmin(widths, 3));
    expect(predictedCostUs(widths, 3, chooseLimbBits(widths, 3))).toBeLessThan(plainCostUs(widths));
  });

  it('few checks per circuit pick a small table; a million 16-bit checks in one circuit pay for 2^16', () => {
    expect(chooseLimbBits(new Map([[16, 2000]]), 10)).toBe(8);
    expect(chooseLimbBits(new Map([[16, 1_000_000]]), 1)).toBe(16);
    // 3-bit checks are decompositions at every b: only the table differs
    expect(checkCostUs(3, 8)).toBe(checkCostUs(3, 16));
  });
});
