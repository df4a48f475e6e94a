import { beforeAll, describe, expect, it } from 'vitest';
import { promptCommitment } from '@zkinfer/prover/commit/commit.ts';
import { liveAfter, planChunks } from '@zkinfer/prover/chunks/plan.ts';
import { chunkWitnesses, freshProofWitness } from '@zkinfer/prover/chunks/witness.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { buildForward } from '@zkinfer/prover/circuit/transformer/forward.ts';
import { forwardStages } from '@zkinfer/prover/circuit/transformer/stages.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { DEFAULT_MODEL, existsSync, quantized, truncated } from './helpers.ts';

describe.skipIf(!existsSync(DEFAULT_MODEL))('forwardStages through the chunk pipeline (default model, 1 layer, T = 4; needs prover/models/default)', () => {
  const T = 4;
  let q: QuantModel;
  beforeAll(() => {
    q = truncated(quantized(DEFAULT_MODEL), 1, { 0: 2 });
  });

  it('lists embed, per-layer qkv/attn/ffn and logits stages per block, with the residual stream as boundary', () => {
    const stages = forwardStages(q, T, { block: 2 });
    expect(stages.map((s) => s.name)).toEqual(['embed@0', 'embed@1', 'L0.qkv@0', 'L0.attn@0', 'L0.ffn@0', 'L0.qkv@1', 'L0.attn@1', 'L0.ffn@1', 'logits@0', 'logits@1']);
    // window 2: block 1 (positions 2, 3) sees keys from position 1 on, i.e. blocks 0 and 1
    expect(stages[6].inputs.map((s) => s.name)).toEqual(['x@1', 'L0.q@1', 'L0.k@0', 'L0.v@0', 'L0.k@1', 'L0.v@1']);
    // after the first layer's block 0 is done, block 0's residual and K/V are live
    expect(liveAfter(stages, 4).map((s) => s.name)).toEqual(['x@0', 'x@1', 'L0.k@0', 'L0.v@0']);
    expect(stages.every((s) => s.constraints > 0)).toBe(true);
    // grouping positions changes the cut points, not the circuit
    const rows = (block: number) => {
      const cs = new ConstraintSystem({ witness: false });
      buildForward(cs, q, T, undefined, { block });
      return cs.nConstraints;
    };
    expect(rows(2)).toBe(rows(1));
    expect(stages.reduce((a, s) => a + s.constraints, 0)).toBe(forwardStages(q, T).reduce((a, s) => a + s.constraints, 0));
  });

  it('plans into several chunks whose witnesses chain and satisfy every chunk (greedy soundness: default-model.test.ts)', () => {
    const stages = forwardStages(q, T);
    const plans = planChunks(stages, { ctx: T, power: 14 });
    expect(plans.length).toBeGreaterThan(2);
    const prompt = [84, 111];
    const generated = generateInt(q, prompt, 2);
    const salt = 77n;
    const statement = { promptCommitment: promptCommitment(prompt, T, salt), nPrompt: 2, nGenerated: 2, generated };
    const modelId = 'ab'.repeat(32);
    const built = [...chunkWitnesses({ modelId, ctx: T, q, stages, plans, proof: freshProofWitness(statement, prompt, salt, plans.length) })];
    expect(built.length).toBe(plans.length);
    built.forEach((c, i) => expect(c.cs.nConstraints, `chunk ${i}`).toBeLessThanOrEqual(plans[i].constraints));
  });
});
