import { inv, mod, R } from './field.ts';
import { LinearCombination, ONE_WIRE, type Variable } from './lc.ts';
import type { ConstraintSystem } from './system.ts';

/**
 * The log-derivative lookup argument (Haböck, "Multivariate lookups based on logarithmic
 * derivatives", ePrint 2022/1530, "LogUp") in R1CS, over the range table {0 … 2^b − 1}
 * (docs/lookups-design.md "The lookup (LogUp over R1CS)"). For queries f_1 … f_N and
 * multiplicities m_t, with a challenge c fixed after the queries' wires and the m_t (they are
 * committed: circuit/commitment-spec.ts), the rows are
 *
 *   u_k·(c − f_k) = 1          one per query (u_k: a hint wire, the inverse)
 *   v_t·(c − t)   = m_t        one per table entry
 *   Σ_k u_k − Σ_t v_t = 0      one linear row
 *
 * i.e. Σ_k 1/(c − f_k) = Σ_t m_t/(c − t). By the lemma of ePrint 2022/1530 (§2: the identity of
 * rational functions implies the multiset inclusion when N < char F_r) and Schwartz–Zippel, a
 * false inclusion passes for at most N + 2^b values of c out of r.
 *
 * A query is a linear combination of committed wires (a limb, a limb shifted to test a shorter
 * top limb, or a table pair index + 2^k·value) and constants: the soundness argument needs every
 * wire a query touches to be committed, and this module refuses (at build, shape mode
 * included) a query over a wire outside the committed set.
 */

export interface LogUpInstance {
  /**
   * The table t_0 … t_{n−1}: distinct field elements, or combinations of public wires and
   * wires derived from the challenge (a pair table's i + β·T[i]: logup-ranges.ts).
   */
  entries: readonly (bigint | LinearCombination)[];
  /** f_1 … f_N. */
  queries: readonly LinearCombination[];
  /** m_0 … m_{n−1}, one committed wire each. */
  multiplicities: readonly LinearCombination[];
  /** The challenge c: a public wire, carrying its value in witness mode. */
  challenge: LinearCombination;
  /** The committed wires (CommitmentSpec.wires). */
  committed: ReadonlySet<Variable>;
  /**
   * Wires a query may touch besides committed ones: wires that constraints fix as a function of
   * committed wires and the challenges (a pair query's β·value), never free hints.
   */
  derived?: ReadonlySet<Variable>;
}

/** What the argument added: the wires tests tamper with. */
export interface LogUpWires {
  queryInverses: Variable[];
  tableInverses: Variable[];
}

/** Refuses a query or a multiplicity over an uncommitted wire (docs/lookups-design.md: c may only be used on committed values). */
export function assertCommittedQueries(inst: Pick<LogUpInstance, 'queries' | 'multiplicities' | 'committed' | 'derived'>): void {
  for (const f of inst.queries) {
    for (const w of f.vars) {
      if (w !== ONE_WIRE && !inst.committed.has(w) && !inst.derived?.has(w)) throw new TypeError(`logup: a query touches wire ${w}, which is not committed (the challenge must not be used on uncommitted values)`);
    }
  }
  for (const m of inst.multiplicities) {
    for (const w of m.vars) if (!inst.committed.has(w)) throw new TypeError(`logup: multiplicity wire ${w} is not committed`);
  }
}

/** The entries 0 … 2^b − 1 of a range table. */
export function rangeTable(b: number): bigint[] {
  return Array.from({ length: 2 ** b }, (_, t) => BigInt(t));
}

/** States the argument's rows (see the module comment). Witness mode: computes the inverse wires. */
export function stateLogUp(cs: ConstraintSystem, inst: LogUpInstance, label = 'logup'): LogUpWires {
  const { entries, queries, multiplicities, challenge } = inst;
  const n = entries.length;
  if (multiplicities.length !== n) throw new RangeError(`logup: ${multiplicities.length} multiplicities for a table of ${n}`);
  if (challenge.vars.length !== 1) throw new TypeError('logup: the challenge must be a single wire');
  assertCommittedQueries(inst);
  const c = cs.computesWitness ? cs.valueOf(challenge) : undefined;
  const entryValues = c === undefined ? undefined : entries.map((t) => (typeof t === 'bigint' ? t : cs.valueOf(t)));
  // Witness: the inverses 1/(c − t) of the table, one batch inversion. An honest query's value
  // is a table entry, so its inverse is looked up; any other value (a cheating witness) is
  // inverted on its own (0 when c − f = 0: that row then simply fails).
  const tableInv = entryValues && batchInverse(entryValues.map((t) => mod(c! - t)));
  const entryIndex = entryValues && new Map(entryValues.map((t, i) => [t, i]));
  const inverseOf = (f: bigint): bigint => {
    const i = entryIndex!.get(f);
    if (i !== undefined) return tableInv![i];
    const d = mod(c! - f);
    return d === 0n ? 0n : inv(d);
  };
  const one = LinearCombination.constant(1);
  const wires: LogUpWires = { queryInverses: [], tableInverses: [] };
  const sumVars: Variable[] = [];
  const sumCoeffs: bigint[] = [];
  cs.scope(label, () => {
    for (const f of queries) {
      const fv = c === undefined ? undefined : valueIn(cs.values, f);
      const u = cs.hint('u', () => inverseOf(fv!));
      const cMinusF = new LinearCombination([...challenge.vars, ...f.vars], [1n, ...f.coeffs.map((k) => -k)], c === undefined ? undefined : mod(c - fv!));
      cs.assertR1Ordered(u, cMinusF, one, 'query'); // u (full width) in A, not in B: no G2 term
      wires.queryInverses.push(u.vars[0]);
      sumVars.push(u.vars[0]);
      sumCoeffs.push(1n);
    }
    for (let t = 0; t < n; t++) {
      const m = multiplicities[t];
      const v = cs.hint('v', () => mod(cs.valueOf(m) * tableInv![t]));
      cs.assertR1Ordered(v, challenge.sub(entries[t]), m, 'table');
      wires.tableInverses.push(v.vars[0]);
      sumVars.push(v.vars[0]);
      sumCoeffs.push(-1n);
    }
    const sum = new LinearCombination(sumVars, sumCoeffs, c === undefined ? undefined : sumOf(cs.values, sumVars, sumCoeffs));
    cs.assertEqual(sum, 0, 'sum');
  });
  return wires;
}

/** A query's value in the witness vector `values` (tests pass tampered copies). */
export function valueIn(values: readonly bigint[], f: LinearCombination): bigint {
  return sumOf(values, f.vars, f.coeffs);
}

/** m_t = how many queries take the value t_t (witness mode; values outside the table are not counted). */
export function countMultiplicities(values: readonly bigint[], queries: readonly LinearCombination[], entries: readonly bigint[]): bigint[] {
  const index = new Map(entries.map((t, i) => [t, i]));
  const counts = new Array<number>(entries.length).fill(0);
  for (const f of queries) {
    const i = index.get(valueIn(values, f));
    if (i !== undefined) counts[i]++;
  }
  return counts.map(BigInt);
}

/** Inverses of non-zero field elements with one Fermat inversion (Montgomery's trick); a zero maps to 0. */
export function batchInverse(xs: readonly bigint[]): bigint[] {
  const prefix: bigint[] = new Array(xs.length);
  let acc = 1n;
  for (let i = 0; i < xs.length; i++) {
    prefix[i] = acc;
    if (xs[i] !== 0n) acc = (acc * xs[i]) % R;
  }
  let invAcc = inv(acc);
  const out: bigint[] = new Array(xs.length);
  for (let i = xs.length - 1; i >= 0; i--) {
    if (xs[i] === 0n) {
      out[i] = 0n;
      continue;
    }
    out[i] = (invAcc * prefix[i]) % R;
    invAcc = (invAcc * xs[i]) % R;
  }
  return out;
}

function sumOf(values: readonly bigint[], vars: readonly Variable[], coeffs: readonly bigint[]): bigint {
  let acc = 0n;
  for (let i = 0; i < vars.length; i++) acc += coeffs[i] * values[vars[i]];
  return mod(acc);
}
