import { mod, pow } from './field.ts';
import { LinearCombination } from './lc.ts';
import type { ConstraintSystem } from './system.ts';
import { N_ROUNDS_F, N_ROUNDS_P, poseidonConstants } from './poseidon-constants.ts';

/**
 * Poseidon hash (Grassi et al., eprint 2019/458) with circomlib's parameters, equal to
 * poseidon-lite's poseidon1..poseidon16, and the salted commitment chain of
 * docs/proof-format.md "Commitments".
 *
 * Only the S-box x^5 costs constraints (x² = x·x, x⁴ = x²·x², x⁵ = x⁴·x: 3 each); round
 * constants and the MDS mix are folded into linear combinations. Cost for n inputs
 * (t = n + 1): 3·(8·t + nRoundsP) − 3 (the first full round's S-box on the capacity element
 * acts on a constant and is free): 240 for 2 inputs, 609 for 16 — circom's numbers.
 *
 * The state between S-box layers is kept as dense coefficient rows over a basis of S-box
 * output wires (reset at every full round, one more wire per partial round), so linear
 * combinations never repeat a wire and stay at most t + nRoundsP terms long.
 */

/**
 * x⁵ in three rows. The last row is x⁴·x with x on the B side, explicitly (assertR1 would put
 * the longer side, x, in A): x's terms are in B already through x·x, so x⁴ stays out of B.
 * Every wire with a B term is a term of the prover's G2 multi-exponentiation (about 3× a G1
 * term), and Poseidon's wires are full-width scalars, so this takes one full-width G2 term per
 * S-box off every proof (docs/decisions.md 27). Squares need their wire on both sides.
 */
function sbox(cs: ConstraintSystem, x: LinearCombination): LinearCombination {
  if (x.isConstant()) return LinearCombination.constant(pow(x.value!, 5n));
  const x2 = cs.mul(x, x, 'x2');
  const x4 = cs.mul(x2, x2, 'x4');
  const x5 = cs.hint('x5', () => mod(cs.valueOf(x4) * cs.valueOf(x)));
  cs.assertR1Ordered(x4, x, x5, 'x5');
  return x5;
}

/**
 * The linear part of Poseidon for t = n + 1, fixed by the constants alone: for every S-box
 * (in order) and for the output, the coefficients over the current basis and the constant.
 * Deriving it is a few million bigint operations for t = 16 (the dense t×t mix of every
 * partial round), three quarters of a chunk's witness time when redone per call; it does not
 * depend on the inputs, so it is derived once per t.
 */
interface PoseidonPlan {
  /** Per round: the S-box inputs (t of them in a full round, 1 in a partial one). */
  rounds: { full: boolean; inputs: { coef: readonly bigint[]; constant: bigint }[] }[];
  output: { coef: readonly bigint[]; constant: bigint };
}

const plans = new Map<number, PoseidonPlan>();

function poseidonPlan(nInputs: number): PoseidonPlan {
  const cached = plans.get(nInputs);
  if (cached) return cached;
  const { t, nRoundsP, C, M } = poseidonConstants(nInputs);
  // state[i] = Σ_j coef[i][j]·basis[j] + constant[i], basis = the inputs, then S-box outputs
  let width = nInputs;
  let coef: bigint[][] = Array.from({ length: t }, (_, i) => Array.from({ length: width }, (_, j) => (j === i - 1 ? 1n : 0n)));
  let constant: bigint[] = new Array<bigint>(t).fill(0n);
  const rounds: PoseidonPlan['rounds'] = [];
  const nRounds = N_ROUNDS_F + nRoundsP;
  for (let r = 0; r < nRounds; r++) {
    for (let i = 0; i < t; i++) constant[i] = mod(constant[i] + C[r * t + i]);
    const full = r < N_ROUNDS_F / 2 || r >= N_ROUNDS_F / 2 + nRoundsP;
    if (full) {
      rounds.push({ full, inputs: coef.map((row, i) => ({ coef: row, constant: constant[i] })) });
      width = t;
      coef = M.map((row) => [...row]);
      constant = new Array<bigint>(t).fill(0n);
      continue;
    }
    rounds.push({ full, inputs: [{ coef: coef[0], constant: constant[0] }] });
    width++;
    coef = coef.map((row) => [...row, 0n]);
    coef[0] = new Array<bigint>(width).fill(0n);
    coef[0][width - 1] = 1n;
    constant[0] = 0n;
    // mix: row x ← Σ_y M[x][y]·row y (reduced once per entry)
    const mixed: bigint[][] = [];
    const mixedConst: bigint[] = [];
    for (let x = 0; x < t; x++) {
      const out = new Array<bigint>(width).fill(0n);
      let k = 0n;
      for (let y = 0; y < t; y++) {
        const m = M[x][y];
        const row = coef[y];
        for (let j = 0; j < width; j++) if (row[j] !== 0n) out[j] += m * row[j];
        k += m * constant[y];
      }
      mixed.push(out.map(mod));
      mixedConst.push(mod(k));
    }
    coef = mixed;
    constant = mixedConst;
  }
  const plan: PoseidonPlan = { rounds, output: { coef: coef[0], constant: constant[0] } };
  plans.set(nInputs, plan);
  return plan;
}

/** Poseidon of 1..16 inputs (any linear combinations). Cost: see above. */
export function poseidon(cs: ConstraintSystem, inputs: readonly LinearCombination[]): LinearCombination {
  const plan = poseidonPlan(inputs.length);
  return cs.scope(`poseidon${inputs.length}`, () => {
    let basis: LinearCombination[] = [...inputs];
    const element = (e: { coef: readonly bigint[]; constant: bigint }): LinearCombination =>
      LinearCombination.dot(basis, e.coef).add(LinearCombination.constant(e.constant));
    plan.rounds.forEach((round, r) => {
      if (round.full) {
        basis = cs.scope(`full${r}`, () => round.inputs.map((e) => sbox(cs, element(e))));
        return;
      }
      const w = cs.scope(`partial${r}`, () => sbox(cs, element(round.inputs[0])));
      basis = [...basis, w];
    });
    return element(plan.output);
  });
}

/** Elements absorbed per Poseidon call of the commitment chain (the 16th input is the chain value). */
export const COMMIT_BLOCK = 15;

/**
 * commit(elements, salt) per docs/proof-format.md: h ← salt; for each block b of ≤ 15
 * consecutive elements, h ← Poseidon(h, b…); Poseidon(salt) for no elements. Equal to
 * commit/commit.ts `commit`. Cost: the sum of its Poseidon calls (609 per full block).
 */
export function commit(cs: ConstraintSystem, elements: readonly LinearCombination[], salt: LinearCombination): LinearCombination {
  return cs.scope('commit', () => {
    if (elements.length === 0) return poseidon(cs, [salt]);
    let h = salt;
    for (let i = 0; i < elements.length; i += COMMIT_BLOCK) h = poseidon(cs, [h, ...elements.slice(i, i + COMMIT_BLOCK)]);
    return h;
  });
}

/** Constraints of Poseidon with n inputs (this module: 3·(8·t + nRoundsP) − 3, t = n + 1). */
export function poseidonCost(n: number): number {
  const t = n + 1;
  return 3 * (N_ROUNDS_F * t + N_ROUNDS_P[t - 2]) - 3;
}

/** Constraints of commit() over n elements: one Poseidon per block of ≤ 15, Poseidon(salt) for none. */
export function commitCost(n: number): number {
  if (n === 0) return poseidonCost(1);
  let cost = 0;
  for (let i = 0; i < n; i += COMMIT_BLOCK) cost += poseidonCost(1 + Math.min(COMMIT_BLOCK, n - i));
  return cost;
}
