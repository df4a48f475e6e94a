import { beforeAll, describe, expect, it } from 'vitest';
import { argmaxLowest } from '@zkinfer/prover/arith/argmax.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { toSigned } from '@zkinfer/prover/circuit/field.ts';
import type { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import type { ForwardCircuit } from '@zkinfer/prover/circuit/transformer/forward.ts';
import { forwardStages } from '@zkinfer/prover/circuit/transformer/stages.ts';
import { forwardInt, generateInt } from '@zkinfer/prover/infer/int.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { build, DEFAULT_MODEL, existsSync, quantized, tamper, truncated, wiresNamed } from './helpers.ts';

const T = 5;
const SALT = 987654321n;

describe.skipIf(!existsSync(DEFAULT_MODEL))('forward circuit, default model weights in a local + global pair of layers (Gemma 3; needs prover/models/default)', () => {
  let q: QuantModel;
  let prompt: number[];
  let generated: number[];
  let cs: ConstraintSystem;
  let f: ForwardCircuit;
  beforeAll(() => {
    // The bundled model has one global layer: its weights also run as a local layer (window
    // 3, so the sliding-window mask matters at T = 5) followed by the global one, so that both
    // kinds of Gemma 3 layer and a layer-to-layer residual are checked against forwardInt.
    const full = quantized(DEFAULT_MODEL);
    const L0 = full.layers[0];
    q = { ...full, layers: [{ ...L0, global: false, window: 3 }, { ...L0, global: true, window: Infinity }] };
    prompt = [...'To'].map((c) => c.charCodeAt(0));
    generated = generateInt(q, prompt, 2); // positions 2..3; position 4 is padding
    ({ cs, f } = build(q, T, { promptTokens: prompt, generated, salt: SALT }));
  });

  it('is satisfied by the integer inference witness', () => {
    expect(findUnsatisfied(cs)).toBeNull();
  });

  it('has logits equal to forwardInt at every position t < T − 1, whose argmax is the greedy continuation', () => {
    const seq = [...prompt, ...generated, ...Array(T - prompt.length - generated.length).fill(0)];
    const ref = forwardInt(q, seq);
    expect(f.logits.length).toBe(T - 1);
    f.logits.forEach((row, t) => {
      const got = Float64Array.from(row, (lc) => Number(toSigned(cs.valueOf(lc))));
      expect(got, `position ${t}`).toEqual(ref[t]);
    });
    generated.forEach((g, k) => expect(argmaxLowest(ref[prompt.length - 1 + k])).toBe(g));
  });

  it('has the same constraints in shape mode, and each stage the count forwardStages declares', () => {
    const shape = build(q, T);
    expect(shape.cs.nConstraints).toBe(cs.nConstraints);
    expect(shape.f.stageConstraints).toEqual(f.stageConstraints);
    const stages = forwardStages(q, T);
    expect(stages.map((s) => ({ name: s.name, constraints: s.constraints }))).toEqual(f.stageConstraints);
  });

  const tampers: [string, RegExp][] = [
    ['a residual-stream value', /^L1\.ffn@3\/t3\/ffn\/postNorm\/requant\/q$/],
    ['an attention weight (exp input)', /^L0\.attn@4\/.*softmax\/e\d+\/rshift\/q$/],
    ['a normalised attention output', /^L0\.attn@4\/.*head\d+\/requant\/q$/],
    ['a softmax max', /^L1\.attn@\d\/.*softmax\/maximum\/max$/],
    ['an rsqrt hint', /^L0\.qkv@2\/.*rsqrt\/y$/],
    ['a fused QK-norm + RoPE quotient (q)', /^L1\.qkv@3\/t3\/qkv\/rope\/requant\/q$/],
    ['a QK-norm product (k)', /^L0\.qkv@4\/t4\/qkv\/kNorm\/norm0\/xr\d+$/],
    ['an activation table output', /^L1\.ffn@1\/.*activation\/lookup8\/mux/],
    ['a one-hot embedding bit', /^embed@2\/.*onehot\/o\[/],
  ];
  for (const [what, re] of tampers) {
    it(`rejects a changed ${what}`, () => {
      const ws = wiresNamed(cs, re);
      expect(ws.length, String(re)).toBeGreaterThan(0);
      for (const w of [ws[0], ws[ws.length - 1]]) expect(tamper(cs, w, 1n), cs.wireNames[w]).not.toBeNull();
    });
  }
});

describe.skipIf(!existsSync(DEFAULT_MODEL))('statement checks (default model, 1 layer, T = 4; needs prover/models/default)', () => {
  const T4 = 4;
  let q: QuantModel;
  beforeAll(() => {
    q = truncated(quantized(DEFAULT_MODEL), 1);
  });
  const prompt = [72, 105];
  const witness = (over: object = {}, p = prompt, g?: number[]) => ({ promptTokens: p, generated: g ?? generateInt(q, p, 2), salt: 5n, override: over });

  it('accepts the honest statement', () => {
    expect(findUnsatisfied(build(q, T4, witness()).cs)).toBeNull();
  });

  it('rejects a generated token that is not the greedy choice', () => {
    const wrong = generateInt(q, prompt, 2);
    wrong[1] = (wrong[1] + 1) % q.config.vocabSize;
    const bad = build(q, T4, { promptTokens: prompt, generated: wrong, salt: SALT });
    expect(findUnsatisfied(bad.cs)?.label).toMatch(/greedy\/next=argmax/);
  });

  it('rejects a wrong prompt commitment', () => {
    expect(findUnsatisfied(build(q, T4, witness({ promptCommitment: 12345n })).cs)?.label).toMatch(/promptCommitment/);
  });

  it('rejects nPrompt = 0, nGenerated = 0 and nPrompt + nGenerated > T', () => {
    expect(findUnsatisfied(build(q, T4, witness({ nPrompt: 0 })).cs)?.label).toMatch(/nPrompt>=1/);
    expect(findUnsatisfied(build(q, T4, witness({}, prompt, [])).cs)?.label).toMatch(/nGenerated>=1/);
    expect(findUnsatisfied(build(q, T4, witness({ nGenerated: 3 })).cs)?.label).toMatch(/isActive:count/);
  });

  it('rejects a posTokens entry outside the generated window', () => {
    const g = generateInt(q, prompt, 1);
    expect(findUnsatisfied(build(q, T4, witness({ posTokens: [0, 0, g[0], 7] }, prompt, g)).cs)?.label).toMatch(/posTokens3:window/);
  });
});
