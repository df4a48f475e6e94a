/**
 * Token embedding (infer/int.ts `embedInt`): x_i = requantize(E[t][i], m_t, s, resBits).
 *
 * The private token t becomes a one-hot vector o (o_v boolean, Σ o_v = 1, t = Σ v·o_v:
 * V + 2 constraints). Then E[t][i]·m_t = Σ_v o_v·(E[v][i]·m_v) is LINEAR in o with constant
 * coefficients, so the requantization input costs nothing and only its rounding and output
 * range checks remain. The one-hot also proves t ∈ [0, V).
 */
import type { QuantModel } from '../../quant/types.ts';
import { assertBoolean } from '../gadgets/bits.ts';
import { roundShiftSaturate, type Requantized } from '../gadgets/requant.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';

/** One-hot o of `token` over V ids, constrained (V + 2 constraints). */
export function oneHot(cs: ConstraintSystem, token: LinearCombination, V: number): LinearCombination[] {
  return cs.scope('onehot', () => {
    const o = cs.hints('o', V, () => {
      const t = cs.valueOf(token);
      return Array.from({ length: V }, (_, v) => (BigInt(v) === t ? 1n : 0n));
    });
    o.forEach((b, v) => assertBoolean(cs, b, `bool${v}`));
    cs.assertEqual(LinearCombination.sum(o), 1, 'sum');
    cs.assertEqual(LinearCombination.dot(o, o.map((_, v) => v)), token, 'token');
    return o;
  });
}

/** Constraints of `embed` for one position (independent of the witness). */
export function embedRow(cs: ConstraintSystem, q: QuantModel, token: LinearCombination): Requantized[] {
  const V = q.config.vocabSize;
  const d = q.config.dModel;
  const { m, s, bits } = q.embedOut;
  if (m.length !== V) throw new RangeError(`embed: embedOut has ${m.length} multipliers for ${V} tokens`);
  const o = oneHot(cs, token, V);
  const out: Requantized[] = [];
  for (let i = 0; i < d; i++) {
    const coeffs: number[] = new Array(V);
    let min = Infinity;
    let max = -Infinity;
    for (let v = 0; v < V; v++) {
      const c = q.embed.w[v * d + i] * m[v]; // |c| ≤ 127·2^31 < 2^53: exact
      coeffs[v] = c;
      if (c < min) min = c;
      if (c > max) max = c;
    }
    const lc = LinearCombination.dot(o, coeffs);
    out.push(cs.scope(`x${i}`, () => roundShiftSaturate(cs, lc, { min: BigInt(min), max: BigInt(max) }, s, bits)));
  }
  return out;
}
