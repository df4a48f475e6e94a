/** compile's progress line names a chunk's stages in full when few, else by count, first and last. */
import { describe, expect, it } from 'vitest';
import { stageList } from '@zkinfer/prover/package/compile.ts';

describe('stageList', () => {
  it('names a few stages in full and hundreds by their ends', () => {
    expect(stageList(['embed@0'])).toBe('stage embed@0');
    expect(stageList(['L0.qkv@0', 'L0.attn@0'])).toBe('stages L0.qkv@0, L0.attn@0');
    const many = Array.from({ length: 256 }, (_, i) => `s${i}`);
    expect(stageList(many)).toBe('256 stages s0, s1, s2 … s254, s255');
  });
});
