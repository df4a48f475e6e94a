import { describe, expect, it } from 'vitest';
import { archProfile, ropeBase, usesLocalRope } from '@zkinfer/prover/reference/profile.ts';
import { tinyLlamaConfig } from '../model/helpers/synthetic.ts';

describe('architecture profile', () => {
  it('Llama: no QK-norm, no post-norms, SiLU, unit embedding scale, one RoPE base', () => {
    const c = { ...tinyLlamaConfig, headDim: 16 };
    const p = archProfile(c);
    expect(p).toMatchObject({ embedScale: 1, attnScale: 0.25, qkNorm: false, postNorms: false, activation: 'silu', localRope: false });
    expect(ropeBase(p, c, 0)).toBe(c.ropeTheta);
  });
  it('Gemma 3: √d embedding (float32), queryPreAttnScalar, QK/post-norms, GELU, local RoPE on sliding layers', () => {
    const c = { ...tinyLlamaConfig, family: 'gemma3' as const, dModel: 10, queryPreAttnScalar: 64, slidingWindow: 4, slidingWindowPattern: 2, ropeTheta: 1e6, ropeLocalTheta: 1e4 };
    const p = archProfile(c);
    expect(p).toMatchObject({ embedScale: Math.fround(Math.sqrt(10)), attnScale: 1 / 8, qkNorm: true, postNorms: true, activation: 'gelu_tanh', localRope: true });
    expect([0, 1].map((l) => usesLocalRope(p, c, l))).toEqual([true, false]);
    expect([0, 1].map((l) => ropeBase(p, c, l))).toEqual([1e4, 1e6]);
  });
});
