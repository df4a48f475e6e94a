import { describe, expect, it } from 'vitest';
import { cheapestCut } from '@zkinfer/prover/chunks/plan.ts';

/**
 * cheapestCut against brute force: every way to cut n stages into consecutive segments, with a
 * per-segment overhead that depends on the cut points (as boundary tensors do), so greedy
 * "fill each chunk" is not optimal.
 */
const pow2Above = (n: number) => 2 ** Math.floor(Math.log2(n) + 1);

function instance(seed: number, n: number) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31), s / 2 ** 31);
  const stage = Array.from({ length: n }, () => 50 + Math.floor(rnd() * 400));
  const boundary = Array.from({ length: n + 1 }, () => Math.floor(rnd() * 200)); // cost of cutting before stage i
  const segment = (a: number, b: number) => {
    let c = boundary[a] + boundary[b + 1];
    for (let i = a; i <= b; i++) c += stage[i];
    return { constraints: c };
  };
  return { segment };
}

function bruteForce(n: number, budget: number, segment: (a: number, b: number) => { constraints: number }) {
  let best: { cost: number; count: number } | null = null;
  for (let mask = 0; mask < 2 ** (n - 1); mask++) {
    let a = 0;
    let cost = 0;
    let count = 0;
    let ok = true;
    for (let b = 0; b < n; b++) {
      if (b === n - 1 || mask & (1 << b)) {
        const seg = segment(a, b);
        if (seg.constraints > budget) ok = false;
        cost += pow2Above(seg.constraints);
        count++;
        a = b + 1;
      }
    }
    if (ok && (!best || cost < best.cost || (cost === best.cost && count < best.count))) best = { cost, count };
  }
  return best;
}

describe('cheapestCut', () => {
  it('finds the least total domain, then the fewest segments (brute force over every cut, 200 instances)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const n = 3 + (seed % 9);
      const { segment } = instance(seed, n);
      const budget = 2047;
      const want = bruteForce(n, budget, segment);
      if (!want) {
        expect(() => cheapestCut(n, budget, segment, (a) => new RangeError(`stage ${a}`), (s) => pow2Above(s.constraints))).toThrow(RangeError);
        continue;
      }
      const cuts = cheapestCut(n, budget, segment, (a) => new RangeError(`stage ${a}`), (s) => pow2Above(s.constraints));
      expect(cuts[0].a).toBe(0);
      expect(cuts.at(-1)!.b).toBe(n - 1);
      cuts.forEach((c, i) => i > 0 && expect(c.a).toBe(cuts[i - 1].b + 1));
      expect(cuts.every((c) => c.seg.constraints <= budget)).toBe(true);
      expect({ cost: cuts.reduce((d, c) => d + pow2Above(c.seg.constraints), 0), count: cuts.length }, `seed ${seed}`).toEqual(want);
    }
  });

  it('over maxSegments, takes the fewest segments, then the least cost', () => {
    const sizes = [1000, 100, 1000]; // all three (2100) exceed the budget
    const segment = (a: number, b: number) => ({ constraints: sizes.slice(a, b + 1).reduce((x, y) => x + y, 0) });
    const domain = (cuts: { seg: { constraints: number } }[]) => cuts.reduce((d, c) => d + pow2Above(c.seg.constraints), 0);
    const cut = (max?: number) => cheapestCut(3, 2047, segment, () => new RangeError('x'), (s) => pow2Above(s.constraints), max);
    expect(cut().map((c) => [c.a, c.b])).toEqual([[0, 0], [1, 1], [2, 2]]); // 1024 + 128 + 1024
    expect(domain(cut())).toBe(2176);
    expect(cut(2).length).toBe(2); // 1024 + 2048 either way
    expect(domain(cut(2))).toBe(3072);
    expect(cut(1).length).toBe(2); // nothing fewer exists: the caller reports the count
  });

  it('canStart: no segment starts where it says no (layer-major chunk 0 holds every stage that reads the tokens)', () => {
    const sizes = [300, 300, 300, 300];
    const segment = (a: number, b: number) => ({ constraints: sizes.slice(a, b + 1).reduce((x, y) => x + y, 0) });
    const cut = (budget: number, canStart?: (a: number) => boolean) =>
      cheapestCut(4, budget, segment, (a, need) => new RangeError(`stage ${a} needs ${need}`), (s) => pow2Above(s.constraints), Infinity, canStart).map((c) => [c.a, c.b]);
    expect(cut(700)).toEqual([[0, 1], [2, 3]]);
    expect(cut(1000, (a) => a > 2)).toEqual([[0, 2], [3, 3]]);
    // stages 0 … 2 must share the first segment and do not fit in it together
    expect(() => cut(700, (a) => a > 2)).toThrow('stage 0 needs 900');
  });

  it('names the stage that does not fit alone', () => {
    const segment = (a: number, b: number) => ({ constraints: (b - a + 1) * (a === 2 ? 5000 : 100) });
    expect(() => cheapestCut(4, 1000, segment, (a, need) => new RangeError(`stage ${a} needs ${need}`), (s) => s.constraints)).toThrow('stage 2 needs 5000');
  });
});
