import { describe, expect, it } from 'vitest';
import { assertHeapFor } from '@zkinfer/prover/snark/setup.ts';

describe('assertHeapFor', () => {
  const GiB = 2 ** 30;
  it('lets circuits up to 2^19 set up in Node\'s default 4 GB heap', () => {
    expect(() => assertHeapFor(19, 4 * GiB)).not.toThrow();
    expect(() => assertHeapFor(12, 4 * GiB)).not.toThrow();
  });
  it('refuses a 2^20 circuit in 4 GB with the flag that fixes it, and accepts it with more', () => {
    expect(() => assertHeapFor(20, 4 * GiB)).toThrow(/2\^20 needs about 10 GiB.*NODE_OPTIONS=--max-old-space-size=10240/);
    expect(() => assertHeapFor(20, 12 * GiB)).not.toThrow();
    expect(() => assertHeapFor(21, 12 * GiB)).toThrow(/about 20 GiB/);
  });
});
