/**
 * The statement gadgets every forward pass needs (docs/proof-format.md "Public signals"):
 * position masks derived from the public nPrompt / nGenerated, and, in chunk 0, the private
 * prompt bound to promptCommitment and merged with the public generated tokens into the
 * token at every position.
 */
import { TOKEN_BITS } from '../../commit/commit.ts';
import { decompositionRows, type CheckRows } from '../range-backend.ts';
import { assertBoolean } from '../gadgets/bits.ts';
import { pack } from '../gadgets/pack.ts';
import { commit, commitCost } from '../poseidon.ts';
import { checkUnsigned } from '../gadgets/range.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import type { PositionMasks, PublicWires } from './stage.ts';

/**
 * A prefix mask m_t = [t < n] for t < T: boolean hints, m_{t+1}·(1 − m_t) = 0 (once 0, stays 0)
 * and Σ m_t = n. Together these force m_t = [t < n] for n ∈ [0, T] and are unsatisfiable for
 * any other n. Cost: 2T constraints.
 */
function prefixMask(cs: ConstraintSystem, n: LinearCombination, T: number, name: string): LinearCombination[] {
  const m = cs.hints(name, T, () => {
    const v = cs.valueOf(n);
    return Array.from({ length: T }, (_, t) => (BigInt(t) < v ? 1n : 0n));
  });
  m.forEach((b, t) => assertBoolean(cs, b, `${name}${t}:bool`));
  for (let t = 0; t + 1 < T; t++) cs.assertR1(m[t + 1], LinearCombination.constant(1).sub(m[t]), LinearCombination.constant(0), `${name}${t}:prefix`);
  cs.assertEqual(LinearCombination.sum(m), n, `${name}:count`);
  return m;
}

/** Constraints of positionMasks for context T. */
export function masksCost(T: number): number {
  return 5 * T + 1;
}

/**
 * isPrompt_t = [t < nPrompt] with nPrompt ≥ 1, isGenerated_t = [nPrompt ≤ t < nPrompt + nGenerated]
 * (boolean, so nGenerated ≥ 0 and nPrompt + nGenerated ≤ T). Cost: masksCost(T).
 */
export function positionMasks(cs: ConstraintSystem, pub: PublicWires, T: number): PositionMasks {
  return cs.scope('masks', () => {
    const isPrompt = prefixMask(cs, pub.nPrompt, T, 'isPrompt');
    cs.assertEqual(isPrompt[0], 1, 'nPrompt>=1');
    const isActive = prefixMask(cs, pub.nPrompt.add(pub.nGenerated), T, 'isActive');
    const isGenerated = isActive.map((a, t) => a.sub(isPrompt[t]));
    isGenerated.forEach((g, t) => assertBoolean(cs, g, `isGenerated${t}:bool`));
    return { isPrompt, isGenerated };
  });
}

/** Constraints of promptTokens for context T (excluding the masks). */
export function promptCost(T: number, checkRows: CheckRows = decompositionRows): number {
  return T * (checkRows(TOKEN_BITS, true) + 2) + commitCost(1 + Math.ceil(T / Math.floor(248 / TOKEN_BITS))) + 1;
}

/**
 * Chunk 0's opening of the prompt: private p_t (the prompt token for t < nPrompt, else 0),
 * each 16-bit, p_t·(1 − isPrompt_t) = 0, promptCommitment = commit([nPrompt, pack16(p)…], salt)
 * (private salt; the public nPrompt is the first committed element, so one commitment cannot
 * be opened with two lengths: token 0 is a real token), posTokens_t·(1 − isGenerated_t) = 0;
 * returns x_t = p_t + posTokens_t, the token at every position. Cost: promptCost(T).
 */
export function promptTokens(
  cs: ConstraintSystem,
  pub: PublicWires,
  masks: PositionMasks,
  T: number,
  witness?: { promptTokens: readonly number[]; salt: bigint },
): LinearCombination[] {
  return cs.scope('prompt', () => {
    const p = Array.from({ length: T }, (_, t) => {
      const value = witness ? (t < witness.promptTokens.length ? witness.promptTokens[t] : 0) : undefined;
      const x = cs.privateInput(`prompt[${t}]`, value);
      checkUnsigned(cs, x, TOKEN_BITS);
      cs.assertR1(x, LinearCombination.constant(1).sub(masks.isPrompt[t]), LinearCombination.constant(0), `prompt${t}:masked`);
      return x;
    });
    const salt = cs.privateInput('promptSalt', witness?.salt);
    cs.assertEqual(commit(cs, [pub.nPrompt, ...pack(p, TOKEN_BITS, false)], salt), pub.promptCommitment, 'promptCommitment');
    return p.map((x, t) => {
      cs.assertR1(pub.posTokens[t], LinearCombination.constant(1).sub(masks.isGenerated[t]), LinearCombination.constant(0), `posTokens${t}:window`);
      return x.add(pub.posTokens[t]);
    });
  });
}
