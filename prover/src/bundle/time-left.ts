/**
 * Time left of a bundle proof, for `zkinfer prove`'s progress lines: the chunks still to prove,
 * weighted by their planned rows (a position layout mixes chunks of 2^17 and 2^14 rows), at the
 * pace of the rows proved so far — elapsed · rows left / rows done. The first proofs include the
 * workers' start and the first witnesses, so there is no estimate before a tenth of the rows is
 * proved (the first small chunk of stories260K said "9 min" of a 50 s proof), and it falls after;
 * a hint for a person waiting a minute, not a measurement (BENCHMARKS.md has those).
 */
export interface TimeLeft {
  /** Records chunk `index` as proved; returns the estimated seconds left (0 once all are done; undefined before a tenth of the rows is proved). */
  proved(index: number): number | undefined;
}

export function timeLeft(weights: readonly number[], startMs: number, now: () => number = () => performance.now()): TimeLeft {
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new RangeError('timeLeft: weights must be finite and ≥ 0');
  const total = weights.reduce((a, b) => a + b, 0);
  const done = new Set<number>();
  let doneWeight = 0;
  return {
    proved(index) {
      if (!Number.isInteger(index) || index < 0 || index >= weights.length) throw new RangeError(`timeLeft: chunk ${index} not in 0..${weights.length - 1}`);
      if (!done.has(index)) {
        done.add(index);
        doneWeight += weights[index];
      }
      const left = total - doneWeight;
      if (left <= 0) return 0;
      if (doneWeight < total / 10) return undefined;
      return (Math.max(0, now() - startMs) / 1000) * (left / doneWeight);
    },
  };
}

/** "about 41 s left", "about 2 min 5 s left", or "" when nothing is left or no estimate yet. */
export function formatTimeLeft(seconds: number | undefined): string {
  if (seconds === undefined || !(seconds > 0.5)) return '';
  const s = Math.round(seconds);
  return s < 60 ? `about ${s} s left` : `about ${Math.floor(s / 60)} min ${s % 60} s left`;
}
