import { beforeAll, describe, expect, it } from 'vitest';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { checkBitExact as checkModel, existsSync, quantized, STORIES, tamper, TINY_GEMMA, truncated, wiresNamed } from './helpers.ts';

describe.skipIf(!existsSync(STORIES))('forward circuit, stories260K (llama, GQA, interleaved RoPE, SiLU; 1 layer, T = 5; needs ../shared/models)', () => {
  let q: QuantModel;
  beforeAll(() => {
    q = truncated(quantized(STORIES), 1);
  });

  it('is satisfied, bit-exact with forwardInt, and rejects a changed exp input bit (x = z for stories260K), normalised attention output, residual value and fused RoPE quotient', () => {
    const cs = checkModel(q, 5, [1, 403, 407]);
    for (const re of [/^L0\.attn@3\/.*softmax\/e1\/expNeg\/.*bit\[\d+\]$/, /^L0\.attn@3\/.*head\d+\/requant\/q$/, /^L0\.ffn@2\/t2\/ffn\/requant\/q$/, /^L0\.qkv@4\/t4\/qkv\/rope\/requant\/q$/]) {
      const ws = wiresNamed(cs, re);
      expect(ws.length, String(re)).toBeGreaterThan(0);
      expect(tamper(cs, ws[ws.length - 1], -1n)).not.toBeNull();
    }
  });
});

describe.skipIf(!existsSync(TINY_GEMMA))('forward circuit, tiny-gemma3-random (sliding window 4, QK-norm, post-norms; its first local layer, T = 6; needs ../shared/models)', () => {
  let q: QuantModel;
  beforeAll(() => {
    const full = quantized(TINY_GEMMA);
    const local = full.layers.findIndex((L) => Number.isFinite(L.window) && L.window < 6);
    q = truncated(full, local + 1); // keeps the test fast; 0 layers if no local layer (fails below)
  });

  it('is satisfied and bit-exact with forwardInt across the window', () => {
    expect(q.layers.some((L) => Number.isFinite(L.window) && L.window < 6)).toBe(true);
    checkModel(q, 6, [2, 17]);
  });
});
