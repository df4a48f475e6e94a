/**
 * The chunk planner's counts are the built circuits' row counts, for both range backends: the
 * planner picks each chunk's power (and so its ptau and key) from them, so an over-count wastes
 * domain (LogUp's overhead checks were once counted as decompositions, which split the bundled
 * model's position into two circuits of 2^14 instead of one) and an under-count would make a
 * chunk that no key fits (buildChunk refuses it). Layer-major chunks stay an upper bound: a
 * stage is measured alone, so two stages that share a value table (or a mask) in one chunk are
 * each charged for it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildChunk } from '@zkinfer/prover/chunks/build.ts';
import { defaultChunkPower, planStages, stagesForLayout } from '@zkinfer/prover/chunks/position.ts';
import { DEFAULT_RANGE_BACKEND, PLAIN_RANGES, rangeBackendName, rangePlanOptions, type RangeBackend } from '@zkinfer/prover/circuit/range-backend.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { DEFAULT_MODEL, existsSync, quantized } from '../transformer/helpers.ts';

const LOGUP8: RangeBackend = { kind: 'logup', limbBits: 8 };
const modelId = 'cd'.repeat(32);

describe.skipIf(!existsSync(DEFAULT_MODEL))('chunk plans equal the built chunks (bundled model; needs prover/models/default)', () => {
  let q: QuantModel;
  beforeAll(() => {
    q = quantized(DEFAULT_MODEL);
  });

  for (const ranges of [PLAIN_RANGES, LOGUP8, DEFAULT_RANGE_BACKEND]) {
    for (const layout of ['positions', 'layers'] as const) {
      it(`${rangeBackendName(ranges)}, ${layout}, T = 4: every circuit's planned rows are its built rows (positions) or bound them (layers)`, () => {
        const T = 4;
        const stages = stagesForLayout(layout, q, T, ranges);
        const plans = planStages(stages, { ctx: T, power: 14, ...rangePlanOptions(ranges) });
        // every distinct circuit: a position layout's kinds at the first and the last position, every layer-major chunk
        const K = layout === 'positions' ? plans.length / T : plans.length;
        const ids = layout === 'positions' ? [...Array(K).keys()].flatMap((k) => [k, plans.length - K + k]) : plans.map((p) => p.index);
        for (const i of ids) {
          const cs = buildChunk({ modelId, ctx: T, q, stages, plans, index: i, ranges }).cs;
          if (layout === 'positions') expect(cs.nConstraints, `chunk ${i}`).toBe(plans[i].constraints);
          else expect(cs.nConstraints, `chunk ${i}`).toBeLessThanOrEqual(plans[i].constraints);
        }
      });
    }
  }

  it('LogUp (the default, with its clamp table) at T = 32: one circuit per position of < 2^15 rows (plain needs two, one of them 2^16), and buildChunk refuses a plan that under-counts', () => {
    const T = 32;
    const stages = stagesForLayout('positions', q, T, DEFAULT_RANGE_BACKEND);
    const ro = rangePlanOptions(DEFAULT_RANGE_BACKEND);
    const power = defaultChunkPower(stages, T, ro);
    expect(power).toBe(15);
    const plans = planStages(stages, { ctx: T, power, ...ro });
    expect(plans.length).toBe(T);
    const plainStages = stagesForLayout('positions', q, T);
    const plainPlans = planStages(plainStages, { ctx: T, power: defaultChunkPower(plainStages, T) });
    expect(plainPlans.length).toBe(2 * T);
    expect(plans[0].constraints).toBeLessThan((plainPlans[0].constraints + plainPlans[1].constraints) / 2);
    // the decomposition count of the overhead's checks (the old upper bound) is more rows
    const upper = planStages(stages, { ctx: T, power, rangeFixedRows: ro.rangeFixedRows });
    expect(upper.length > T || upper[0].constraints > plans[0].constraints).toBe(true);
    const short = plans.map((p, i) => (i === 0 ? { ...p, constraints: p.constraints - 1 } : p));
    expect(() => buildChunk({ modelId, ctx: T, q, stages, plans: short, index: 0, ranges: DEFAULT_RANGE_BACKEND })).toThrow(/built \d+ constraints, the plan has/);
  });
});
