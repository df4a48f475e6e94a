/**
 * The pipeline profile's clock (bundle/pipeline-profile.ts epochMs): the main process and the
 * proving workers compare its readings, so each must stay within a millisecond of the wall
 * clock every process shares (Date.now()), and readings in one process must not run backwards
 * by more than the re-anchoring's sub-millisecond step.
 */
import { describe, expect, it } from 'vitest';
import { epochMs } from '@zkinfer/prover/bundle/pipeline-profile.ts';

describe('epochMs', () => {
  it('stays within Date.now()’s millisecond and runs forward', () => {
    let last = -Infinity;
    const end = Date.now() + 50;
    let n = 0;
    while (Date.now() < end) {
      const before = Date.now();
      const t = epochMs();
      const after = Date.now();
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThan(after + 1);
      expect(t).toBeGreaterThan(last - 1);
      last = t;
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });
});
