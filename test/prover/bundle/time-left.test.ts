/** zkinfer prove's "time left": rows left at the pace of the rows proved, weighted by planned rows. */
import { describe, expect, it } from 'vitest';
import { formatTimeLeft, timeLeft } from '@zkinfer/prover/bundle/time-left.ts';

describe('timeLeft', () => {
  it('weights chunks by their rows and falls to 0 when all are proved', () => {
    let now = 0;
    const eta = timeLeft([100, 10, 100, 10], 0, () => now);
    now = 11_000; // 11 s for the first 110 rows of 220
    expect(eta.proved(1)).toBeUndefined(); // 10 of 220 rows: too early to say
    expect(eta.proved(0)).toBeCloseTo(11 * (110 / 110));
    now = 20_000;
    expect(eta.proved(0)).toBeCloseTo(20 * (110 / 110)); // a chunk counted once
    expect(eta.proved(2)).toBeCloseTo(20 * (10 / 210));
    expect(eta.proved(3)).toBe(0);
    expect(() => eta.proved(4)).toThrow(RangeError);
    expect(() => timeLeft([1, -1], 0)).toThrow(RangeError);
  });

  it('formats seconds and minutes, nothing when done', () => {
    expect(formatTimeLeft(0)).toBe('');
    expect(formatTimeLeft(undefined)).toBe('');
    expect(formatTimeLeft(41.2)).toBe('about 41 s left');
    expect(formatTimeLeft(125)).toBe('about 2 min 5 s left');
  });
});
