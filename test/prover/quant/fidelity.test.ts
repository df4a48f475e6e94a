import { describe, expect, it } from 'vitest';
import { meanKl, negLogLikelihood, topOneAgreement } from '@zkinfer/prover/infer/fidelity.ts';

describe('fidelity measures on toy logits', () => {
  it('top-1 agreement counts equal argmaxes, lowest index on ties', () => {
    const a = [[0, 1, 0], [2, 2, 0], [5, 0, 0]];
    const b = [[0, 3, 1], [1, 1, 1], [0, 0, 5]];
    expect(topOneAgreement(a, b)).toEqual({ agree: 2, total: 3 });
    expect(() => topOneAgreement(a, b.slice(1))).toThrow(RangeError);
  });

  it('NLL of uniform rows is ln(vocab) per token; perplexity = vocab', () => {
    const r = negLogLikelihood([[0, 0, 0, 0], [1, 1, 1, 1], [7, 7, 7, 7]], [0, 3, 2]);
    expect(r.tokens).toBe(3);
    expect(r.nats).toBeCloseTo(3 * Math.log(4), 12);
    expect(r.perplexity).toBeCloseTo(4, 10);
  });

  it('NLL follows the target token: a confident right row costs ~0, a confident wrong row ~its margin', () => {
    const right = negLogLikelihood([[0, 50]], [1]);
    expect(right.nats).toBeLessThan(1e-20);
    const wrong = negLogLikelihood([[50, 0]], [1]);
    expect(wrong.nats).toBeCloseTo(50, 10);
    // Large logits stay finite (log-sum-exp is shifted by the max).
    expect(negLogLikelihood([[1e4, 0]], [1]).nats).toBeCloseTo(1e4, 6);
    expect(() => negLogLikelihood([[0, 0]], [0, 1])).toThrow(/1 logit rows for 2 targets/);
    expect(() => negLogLikelihood([[0, 0]], [2])).toThrow(/outside a 2-entry row/);
  });

  it('KL is 0 for rows equal up to a shift, positive and asymmetric otherwise', () => {
    expect(meanKl([[1, 2, 3]], [[11, 12, 13]])).toBeCloseTo(0, 12);
    const p = [[0, 0]];
    const q = [[Math.log(3), 0]]; // q = (3/4, 1/4)
    const want = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25);
    expect(meanKl(p, q)).toBeCloseTo(want, 12);
    expect(meanKl(q, p)).not.toBeCloseTo(want, 6);
  });
});
