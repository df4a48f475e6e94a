/**
 * Chunk circuits built with the LogUp range backend (issue 16; circuit/range-backend.ts): the
 * planner's counts equal every position chunk's and bound every layer-major chunk's (stage rows + one inverse per query + the table once),
 * witnesses chain and satisfy every chunk in recording and lean mode, the committed-wire spec
 * is the same in shape and witness mode, and a false generation still fails. No proofs: the
 * challenge oracle is a hash chosen here.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { promptCommitment } from '@zkinfer/prover/commit/commit.ts';
import { buildChunk } from '@zkinfer/prover/chunks/build.ts';
import { planStages, stagesForLayout } from '@zkinfer/prover/chunks/position.ts';
import { chunkWitnesses, freshProofWitness } from '@zkinfer/prover/chunks/witness.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import type { ChallengeOracle } from '@zkinfer/prover/circuit/commitment-spec.ts';
import { mod } from '@zkinfer/prover/circuit/field.ts';
import { type RangeBackend, rangePlanOptions } from '@zkinfer/prover/circuit/range-backend.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { nPublicForCtx } from '@zkinfer/verifier';
import { QUANT_PRESETS } from '@zkinfer/prover/quant/options.ts';
import type { QuantOptions } from '@zkinfer/prover/quant/types.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { DEFAULT_MODEL, existsSync, quantized, truncated } from './helpers.ts';

function quantizedWith(path: string, options: Partial<QuantOptions>): QuantModel {
  const model = loadModel(path);
  return quantizeModel(model, calibrationIds((t, o) => model.tokenizer.encode(t, o)), options);
}

const oracle: ChallengeOracle = (committed, publics) => {
  const h = createHash('sha256');
  for (const v of [...committed, -1n, ...publics]) h.update(`${v.toString(16)},`);
  return mod(BigInt(`0x${h.digest('hex')}`));
};

describe.skipIf(!existsSync(DEFAULT_MODEL))('LogUp chunk circuits (default model, 1 layer, T = 4; needs prover/models/default)', () => {
  const T = 4;
  const ranges: RangeBackend = { kind: 'logup', limbBits: 8 };
  const modelId = 'ab'.repeat(32);
  let q8: QuantModel;
  beforeAll(() => {
    q8 = truncated(quantized(DEFAULT_MODEL), 1, { 0: 2 });
  });

  const cases = [
    { layout: 'positions', preset: 'int8' },
    { layout: 'layers', preset: 'int8' },
    // wider activations and a 2^9-entry gate table (issue 17's preset) through lookupAt
    { layout: 'positions', preset: 'fidelity' },
    // 16-bit sites beside 12-bit ones, 9-bit weights, MSE-calibrated int8 sites
    { layout: 'positions', preset: 'fidelity-logup' },
  ] as const;
  for (const { layout, preset } of cases) {
    it(`${layout}, ${preset}: planned counts equal (positions) or bound (layers) every chunk; witnesses chain and satisfy (recording and lean); J is the same in shape mode`, () => {
      const q = preset === 'int8' ? q8 : truncated(quantizedWith(DEFAULT_MODEL, QUANT_PRESETS[preset]), 1, { 0: 2 });
      const stages = stagesForLayout(layout, q, T, ranges);
      const plain = stagesForLayout(layout, q, T);
      expect(stages.reduce((n, s) => n + s.constraints, 0)).toBeLessThan(plain.reduce((n, s) => n + s.constraints, 0));
      const plans = planStages(stages, { ctx: T, power: 14, ...rangePlanOptions(ranges) });
      const prompt = [84, 111];
      const generated = generateInt(q, prompt, 2);
      const salt = 77n;
      const statement = { promptCommitment: promptCommitment(prompt, T, salt), nPrompt: 2, nGenerated: 2, generated };
      const proof = freshProofWitness(statement, prompt, salt, plans.length);
      const args = { modelId, ctx: T, q, stages, plans, proof, ranges, oracle };
      const recording = [...chunkWitnesses(args)];
      const lean = [...chunkWitnesses({ ...args, lean: true })];
      expect(recording.length).toBe(plans.length);
      const ids = layout === 'positions' ? [0, 1, plans.length - 1] : plans.map((p) => p.index);
      for (const i of ids) {
        const c = recording[i];
        // exact for position kinds (plan-exact.test.ts); layer-major chunks may share a value table two stages were charged for
        if (layout === 'positions') expect(c.cs.nConstraints, `chunk ${i}`).toBe(plans[i].constraints);
        else expect(c.cs.nConstraints, `chunk ${i}`).toBeLessThanOrEqual(plans[i].constraints);
        expect(findUnsatisfied(c.cs), `chunk ${i}`).toBeNull();
        expect(lean[i].cs.nConstraints).toBe(c.cs.nConstraints);
        expect(c.publicSignals!.length).toBe(nPublicForCtx(T)); // the layout's signals; c is the verifier's to compute
        const spec = c.cs.commitment!;
        expect(spec.challengeWire).toBe(c.cs.nPublic);
        expect(c.cs.nPublic).toBe(nPublicForCtx(T) + 1);
        expect(c.cs.values[spec.challengeWire]).toBe(oracle(spec.wires.map((w) => c.cs.values[w]), c.publicSignals!));
        const shape = buildChunk({ modelId, ctx: T, q, stages, plans, index: i, ranges }).cs;
        expect(shape.nConstraints).toBe(c.cs.nConstraints);
        expect(shape.commitment).toEqual(spec);
      }
      // a false generation still fails, in lean mode too
      const bad = [...generated];
      bad[1] = (bad[1] + 1) % q.config.vocabSize;
      const lie = { ...args, lean: true, proof: freshProofWitness({ ...statement, generated: bad }, prompt, salt, plans.length) };
      expect(() => [...chunkWitnesses(lie)]).toThrow(/does not satisfy/);
    });
  }
});
