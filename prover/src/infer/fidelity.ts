/**
 * Fidelity measures of one model path against another over the same token sequence (issue 17):
 * teacher-forced top-1 agreement (both paths are fed the same reference tokens, so one early
 * flip does not derail the rest, unlike free-running greedy agreement), negative log-likelihood
 * / perplexity of the reference text in nats per token, and the mean KL divergence of one
 * path's next-token distribution from the other's. Inputs are real-valued logit rows (dequantize
 * integer logits first: infer/int.ts dequantizeLogits).
 */

/** Index of the largest value, lowest index on ties (the greedy rule the proofs check). */
function argmaxLowest(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** log Σ exp(v), computed stably in float64. */
function logSumExp(v: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] > max) max = v[i];
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i] - max);
  return max + Math.log(s);
}

function sameLength(a: ArrayLike<number>[], b: ArrayLike<number>[]): void {
  if (a.length !== b.length) throw new RangeError(`fidelity: ${a.length} logit rows against ${b.length}`);
}

/** Positions where both rows have the same argmax (lowest index on ties), out of all rows. */
export function topOneAgreement(a: ArrayLike<number>[], b: ArrayLike<number>[]): { agree: number; total: number } {
  sameLength(a, b);
  let agree = 0;
  for (let t = 0; t < a.length; t++) if (argmaxLowest(a[t]) === argmaxLowest(b[t])) agree++;
  return { agree, total: a.length };
}

/**
 * Negative log-likelihood of `targets` under the rows (row t is the distribution of targets[t];
 * for a text ids, pass the rows of ids[0..n−1) and targets ids[1..n)): total nats, tokens
 * scored, and the perplexity exp(nats / tokens).
 */
export function negLogLikelihood(logits: ArrayLike<number>[], targets: number[]): { nats: number; tokens: number; perplexity: number } {
  if (logits.length !== targets.length) throw new RangeError(`negLogLikelihood: ${logits.length} logit rows for ${targets.length} targets`);
  let nats = 0;
  for (let t = 0; t < targets.length; t++) {
    const row = logits[t];
    const next = targets[t];
    if (!(Number.isInteger(next) && next >= 0 && next < row.length)) throw new RangeError(`negLogLikelihood: token ${next} outside a ${row.length}-entry row`);
    nats += logSumExp(row) - row[next];
  }
  return { nats, tokens: targets.length, perplexity: targets.length > 0 ? Math.exp(nats / targets.length) : NaN };
}

/** Mean over rows of KL(softmax(p) ‖ softmax(q)) in nats: how far q's distribution is from p's. */
export function meanKl(p: ArrayLike<number>[], q: ArrayLike<number>[]): number {
  sameLength(p, q);
  if (p.length === 0) return NaN;
  let total = 0;
  for (let t = 0; t < p.length; t++) {
    const lp = logSumExp(p[t]);
    const lq = logSumExp(q[t]);
    let kl = 0;
    for (let i = 0; i < p[t].length; i++) {
      const logP = p[t][i] - lp;
      if (logP === -Infinity) continue;
      kl += Math.exp(logP) * (logP - (q[t][i] - lq));
    }
    total += kl;
  }
  return total / p.length;
}
