/**
 * How many proving workers a bundle gets (bundle/prove-bundle.ts poolThreads): never more than
 * its chunks, a single chunk on all cores (the pool's sequential mode, 0), and 0 or 1 as asked.
 */
import { describe, expect, it } from 'vitest';
import { poolThreads } from '@zkinfer/prover/bundle/prove-bundle.ts';

describe('poolThreads', () => {
  it('caps the workers at the chunks to prove', () => {
    expect(poolThreads(2, 64)).toBe(2);
    expect(poolThreads(8, 4)).toBe(4);
    expect(poolThreads(4, 4)).toBe(4);
    expect(poolThreads(2, 2)).toBe(2);
  });

  it('proves a single chunk on all cores instead of one single-threaded worker', () => {
    expect(poolThreads(2, 1)).toBe(0);
    expect(poolThreads(64, 1)).toBe(0);
  });

  it('keeps 0 (all cores, one at a time) and 1 (one core) as asked', () => {
    expect(poolThreads(0, 1)).toBe(0);
    expect(poolThreads(0, 64)).toBe(0);
    expect(poolThreads(1, 1)).toBe(1);
    expect(poolThreads(1, 64)).toBe(1);
  });
});
