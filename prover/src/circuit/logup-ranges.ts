import { randomSalt } from '../commit/commit.ts';
import { checkWidth, decomposeBits } from './bit-decomposition.ts';
import { CLAMP_OUT, clampTableValues, type ClampTable } from './clamp-table.ts';
import { assertCommitmentSpec, type ChallengeOracle, type CommitmentSpec } from './commitment-spec.ts';
import { LinearCombination, type Scalar, type Variable } from './lc.ts';
import { countMultiplicities, rangeTable, stateLogUp, type LogUpWires } from './logup.ts';
import { mod } from './field.ts';
import { poseidon } from './poseidon.ts';
import { decomposesAt, logUpCheckRows, logUpFixedRows } from './logup-rows.ts';
import type { RangeChecks } from './ranges.ts';
import type { ConstraintSystem } from './system.ts';
import { splitMuxLookup } from './table-lookup.ts';

/**
 * The LogUp range-check backend (issue 16; docs/lookups-design.md; the seam is
 * docs/decisions.md 14). gnark's std/rangecheck has the same shape: checks are collected and
 * one log-derivative argument (circuit/logup.ts) over the table {0 … 2^b − 1} states them all
 * when the circuit is complete.
 *
 * - `check(x, k)`: deferred. At resolve x is split into ⌈k/b⌉ limbs (hint wires, committed)
 *   with one linear recomposition row, x = Σ limb_i·2^(i·b); each limb is one query: a full
 *   limb in the table {0 … 2^b − 1}, a top limb of r < b bits in the short-limb table
 *   {0 … 2^r − 1}, each circuit holding one such table for every r in 1 … b − 1 (each its own
 *   argument and sum; docs/decisions.md 33). Until decision 33 a short top limb was queried
 *   twice in the b-bit table, as limb and limb·2^(b − r): one full-width inverse more. The argument's rows
 *   (an inverse per query) are deferred to `resolve`. A check of so few bits that its
 *   decomposition is no more rows (k ≤ 1 + queries) stays a decomposition: bit wires are
 *   almost free in the prover's MSMs, an inverse wire is a full scalar.
 * - `checkWithBits(x, k)`: a deferred check whose bits the gadget may ask for later (a
 *   requantized value is a table index for some callers only): asked for before resolve, the
 *   check becomes a decomposition (k rows instead of the limb check's); never asked, a limb check.
 * - `bits`, `lookup`: decomposition and split mux, as the plain backend.
 * - `declarePublics()`: declares the challenge c as the circuit's last public input (a late
 *   public input: the verifier computes it from the commitment, a bundle never carries it).
 * - `resolve()`: the multiplicities m_t (committed hints), the blinding wire ρ (committed, a
 *   fresh uniform value per proof, with the linear row ρ = ρ' so that its key point is not
 *   the identity: CVE-2024-45040), then c from the oracle (witness mode), then the argument.
 *
 * Committed set J = every limb + every m_t (of every table) + ρ; `commitment` exposes it once resolved.
 */
export interface LogUpRangesOptions {
  /** b: the table is {0 … 2^b − 1}. */
  limbBits: number;
  /** Witness mode: the challenge from the committed values and the publics (commitment-spec.ts). */
  oracle?: ChallengeOracle;
  /** Witness mode: the blinding value (default: uniform in F_r); tests fix it. */
  blinding?: () => bigint;
  /** W of the circuit's clamp table (clamp-table.ts), made in every circuit; absent: no table. */
  clampBits?: number;
}

/** A value table's argument: its values T[i] and the pairs (index, value) looked up in it. */
interface ValueTable {
  /** The label of its rows at resolve (logup/lookup<i>, or logup/clamp). */
  label?: string;
  values: bigint[];
  pairs: { index: LinearCombination; value: LinearCombination }[];
}

/** One argument of a resolved circuit: its table, queries and the wires it added. */
export interface ArgumentLayout extends LogUpWires {
  /** Entry values (a pair table's i + β·T[i] with β's value; witness mode). */
  entries: readonly bigint[];
  queries: readonly LinearCombination[];
  multiplicities: readonly Variable[];
}

/** A value table's argument in a resolved circuit: the pairs as looked up, and β·value's wire per pair. */
export interface PairArgumentLayout extends ArgumentLayout {
  pairs: readonly { index: LinearCombination; value: LinearCombination }[];
  /** t_k = β·value_k, one product row each (the query is index_k + t_k). */
  scaled: readonly Variable[];
}

/** The wires of a resolved circuit (tests tamper with them): the range argument's, the short limbs', then each value table's. */
export interface LogUpLayout extends LogUpWires {
  /** The short-limb tables' arguments, r = 1 … b − 1 (index r − 1). */
  short: readonly ArgumentLayout[];
  entries: readonly bigint[];
  queries: readonly LinearCombination[];
  tables: readonly PairArgumentLayout[];
  limbs: readonly Variable[];
  multiplicities: readonly Variable[];
  blinding: Variable;
  challenge: Variable;
  /** β = Poseidon(c), the pair tables' second challenge. */
  beta: LinearCombination;
}

/** A check waiting for resolve(); `bits` once a gadget asked for them (then it is a decomposition instead). */
interface PendingCheck {
  x: LinearCombination;
  k: number;
  /** x = c·w + d with w private and one limb: w is committed and x queried as it is. */
  sole: Variable | undefined;
  /** Its rows in pendingRows (logUpCheckRows). */
  rows: number;
  scope: string | undefined;
  bits?: LinearCombination[];
}

export class LogUpRanges implements RangeChecks {
  private readonly cs: ConstraintSystem;
  private readonly b: number;
  private readonly oracle?: ChallengeOracle;
  private readonly blinding: () => bigint;
  private challenge?: LinearCombination;
  private readonly queries: LinearCombination[] = [];
  /** Queries of the short-limb table of 2^r entries, by r (index 0 unused). */
  private readonly shortQueries: LinearCombination[][];
  /** Value tables (lookupAt), by table object: entries, queries, and the wires the queries touch. */
  private readonly tables = new Map<ArrayLike<Scalar>, ValueTable>();
  private readonly lookupWires = new Set<Variable>();
  private readonly limbs: Variable[] = [];
  private readonly pending: PendingCheck[] = [];
  private pendingCheckRows = 0;
  private resolved?: { spec: CommitmentSpec; layout: LogUpLayout };
  /** k ↦ how many k-bit checks were asked (limb-cost.ts chooses b from it). */
  readonly checkWidths = new Map<number, number>();
  /** The circuit's clamp table, when it has one (registered at construction: its rows are fixed, not pending). */
  readonly clampTable: ClampTable | undefined;

  constructor(cs: ConstraintSystem, opts: LogUpRangesOptions) {
    if (!Number.isInteger(opts.limbBits) || opts.limbBits < 2 || opts.limbBits > 20) throw new RangeError(`LogUpRanges: limb width ${opts.limbBits} not an integer in 2..20`);
    this.cs = cs;
    this.b = opts.limbBits;
    this.shortQueries = Array.from({ length: opts.limbBits }, () => []);
    this.oracle = opts.oracle;
    this.blinding = opts.blinding ?? randomSalt;
    const w = opts.clampBits;
    if (w !== undefined) {
      const values = clampTableValues(w);
      this.tables.set(values, { label: 'logup/clamp', values, pairs: [] });
      const offset = 1n << BigInt(w - 1);
      this.clampTable = { bits: w, offset, lookup: (index) => cs.scope('clamp', () => this.pairLookup(index, values).add(CLAMP_OUT.min)) };
    }
  }

  get limbBits(): number {
    return this.b;
  }

  /** Rows resolve() will add for the checks so far (recomposition and inverses), the per-circuit rows aside. */
  get pendingRows(): number {
    return this.pendingCheckRows;
  }

  get fixedRows(): number {
    return logUpFixedRows(this.b, this.clampTable?.bits);
  }

  /** The committed wires and the challenge wire, once resolved. */
  get commitment(): CommitmentSpec | undefined {
    return this.resolved?.spec;
  }

  get layout(): LogUpLayout | undefined {
    return this.resolved?.layout;
  }

  declarePublics(): void {
    if (this.challenge) throw new TypeError('LogUpRanges: the challenge is already declared');
    this.challenge = this.cs.latePublicInput('logupChallenge');
  }

  check(x: LinearCombination, k: number): void {
    this.defer(x, k);
  }

  checkWithBits(x: LinearCombination, k: number): () => LinearCombination[] {
    const entry = this.defer(x, k);
    if (!entry) {
      const bits = decomposeBits(this.cs, x, k);
      return () => bits;
    }
    // Asked for later (before resolve): the decomposition replaces the pending limb check.
    return () => {
      if (!entry.bits) {
        if (this.resolved) throw new TypeError('LogUpRanges: bits asked for after resolve()');
        entry.bits = decomposeBits(this.cs, entry.x, k);
        this.pendingCheckRows -= entry.rows;
      }
      return entry.bits;
    };
  }

  /** Records a k-bit check for resolve(), or decomposes it now when that is no more rows (then undefined). */
  private defer(x: LinearCombination, k: number): PendingCheck | undefined {
    checkWidth('check', k);
    this.checkWidths.set(k, (this.checkWidths.get(k) ?? 0) + 1);
    const w = k <= this.b ? x.soleWire() : undefined;
    const sole = w !== undefined && w > this.cs.nPublic ? w : undefined;
    if (decomposesAt(k, this.b, sole !== undefined)) {
      decomposeBits(this.cs, x, k);
      return undefined;
    }
    // Shape mode keeps the asking gadget's scope, so the deferred rows carry its label.
    const rows = logUpCheckRows(k, this.b, sole !== undefined);
    const entry: PendingCheck = { x, k, sole, rows, scope: this.cs.computesWitness ? undefined : this.cs.scopeLabel };
    this.pending.push(entry);
    this.pendingCheckRows += rows;
    return entry;
  }

  /**
   * The limbs of one pending check, their recomposition row and their queries. A one-limb
   * check of x = c·w + d (`sole` = w, a private wire) commits w instead: x is then a
   * combination of committed wires already, fixed before the challenge as a limb would be,
   * and the copy limb = x with its row would add nothing (docs/decisions.md 34).
   */
  private limbCheck(x: LinearCombination, k: number, sole: Variable | undefined): void {
    const { cs, b } = this;
    const n = Math.ceil(k / b);
    const top = k - (n - 1) * b;
    if (sole !== undefined && n === 1) {
      this.limbs.push(sole);
      (top < b ? this.shortQueries[top] : this.queries).push(x);
      return;
    }
    cs.scope(`range${k}`, () => {
      const limbs = cs.hints('limb', n, () => limbsOf(cs.valueOf(x), b, n));
      cs.assertEqual(x, LinearCombination.dot(limbs, limbs.map((_, i) => 1n << BigInt(i * b))), 'recompose');
      for (const l of limbs) this.limbs.push(l.vars[0]);
      for (let i = 0; i < n; i++) (i === n - 1 && top < b ? this.shortQueries[top] : this.queries).push(limbs[i]);
    });
  }

  bits(x: LinearCombination, k: number): LinearCombination[] {
    return decomposeBits(this.cs, x, k);
  }

  /** x = low + 2^low·h with both parts checked (deferred): two limb checks instead of `width` bits. */
  highPart(x: LinearCombination, width: number, low: number): LinearCombination {
    checkWidth('highPart', width);
    if (!Number.isInteger(low) || low < 0 || low > width) throw new RangeError(`highPart: low ${low} not in 0..${width}`);
    if (low === width) {
      this.check(x, width);
      return LinearCombination.constant(0);
    }
    const { cs } = this;
    const h = cs.hint('high', () => cs.valueOf(x) >> BigInt(low)); // a value out of range fails the checks
    this.check(h, width - low);
    if (low > 0) this.check(x.sub(h.scale(1n << BigInt(low))), low);
    else cs.assertEqual(x, h, 'high');
    return h.scale(1n << BigInt(low));
  }

  lookup(indexBits: readonly LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
    return splitMuxLookup(this.cs, indexBits, table);
  }

  /**
   * T[index] by a lookup into the table of pairs (i, T[i]) (docs/lookups-design.md "Value
   * tables"): the value is a committed hint, and at resolve the pair is queried as the column
   * index + β·value against the entries i + β·T[i], with β = Poseidon(c) a second challenge
   * fixed after the commitment. A pair outside the table passes for at most a negligible set
   * of (c, β), so the lookup pins the index to 0 … 2^k − 1 and the value to T[index] without
   * range-checking either (the caller's check of the index is not needed by the lookup).
   * Rows: two per lookup (t = β·value, the inverse); the table's 2^k rows and its sum once per
   * circuit (charged to the first lookup); β's Poseidon is in every LogUp circuit's fixed rows.
   */
  lookupAt(index: LinearCombination, _bits: () => LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
    return this.cs.scope(`lookupAt${tableBits(table)}`, () => this.pairLookup(index, table));
  }

  /**
   * Digit tables (ranges.ts): the digits d_k and the high part h are committed hints, one
   * linear row x = Σ d_k·2^(kD) + 2^(nD)·h, h range-checked (deferred) to width − nD bits, and
   * each (d_k, T_k[d_k]) a pair lookup, which also bounds d_k to D bits. Every part is then a
   * small non-negative integer, so the row holds over the integers and the d_k are x's digits.
   * Rows: 1 + h's check + 2 per digit (+ each table's once per circuit).
   */
  lookupDigits(x: LinearCombination, width: number, digitBits: number, tables: readonly ArrayLike<Scalar>[]): { values: LinearCombination[]; high?: LinearCombination } {
    const { cs } = this;
    checkWidth('lookupDigits', width);
    const n = tables.length;
    for (const t of tables) if (tableBits(t) !== digitBits) throw new RangeError(`lookupDigits: a table of ${t.length} entries for ${digitBits}-bit digits`);
    return cs.scope('digits', () => {
      const mask = (1n << BigInt(digitBits)) - 1n;
      const digits = cs.hints('d', n, () => Array.from({ length: n }, (_, k) => (cs.valueOf(x) >> BigInt(k * digitBits)) & mask));
      const low = n * digitBits;
      const high = width > low ? cs.hint('high', () => cs.valueOf(x) >> BigInt(low)) : undefined;
      const parts = LinearCombination.dot(digits, digits.map((_, k) => 1n << BigInt(k * digitBits)));
      cs.assertEqual(x, high ? parts.add(high.scale(1n << BigInt(low))) : parts, 'recompose');
      if (high) this.check(high, width - low);
      return { values: digits.map((d, k) => this.pairLookup(d, tables[k])), high };
    });
  }

  /** One pair lookup of (index, T[index]) (see lookupAt); the rows are stated at resolve. */
  private pairLookup(index: LinearCombination, table: ArrayLike<Scalar>): LinearCombination {
    const { cs } = this;
    let t = this.tables.get(table);
    if (!t) {
      tableBits(table); // validates a table once
      t = { values: Array.from(table, (v) => BigInt(v)), pairs: [] };
      this.tables.set(table, t);
      this.pendingCheckRows += table.length + 1; // its table rows and its sum
    }
    const tt = t;
    const value = cs.hint('value', () => {
      const i = cs.valueOf(index);
      return i < BigInt(tt.values.length) ? tt.values[Number(i)] : 0n; // out of range: any value, the lookup fails
    });
    tt.pairs.push({ index, value });
    for (const w of [...index.vars, value.vars[0]]) if (w !== 0) this.lookupWires.add(w);
    this.pendingCheckRows += 2;
    return value;
  }

  resolve(): void {
    const { cs, b } = this;
    if (this.resolved) throw new TypeError('LogUpRanges: resolve() called twice');
    if (!this.challenge) throw new TypeError('LogUpRanges: no challenge wire (the circuit must call cs.ranges.declarePublics() after its public inputs)');
    const challengeWire = this.challenge.vars[0];
    for (const p of this.pending) if (!p.bits) cs.scope(p.scope ?? 'logup', () => this.limbCheck(p.x, p.k, p.sole));
    this.pending.length = 0;
    const queries = this.queries;
    const entries = rangeTable(b);
    const tables = [...this.tables.values()];
    const shortEntries = this.shortQueries.map((_, r) => rangeTable(r));
    const { m, shortM, tableM, rho } = cs.scope('logup', () => {
      const m = cs.hints('m', 2 ** b, () => countMultiplicities(cs.values, queries, entries));
      const shortM = this.shortQueries.map((qs, r) => (r === 0 ? [] : cs.hints(`m${r}`, 2 ** r, () => countMultiplicities(cs.values, qs, shortEntries[r]))));
      const tableM = tables.map((t) => cs.hints('mt', t.values.length, () => countPairs(cs, t)));
      const rho = cs.hint('blind', () => this.blinding());
      cs.assertEqual(rho, cs.hint("blind'", () => cs.valueOf(rho)), 'blind');
      return { m, shortM, tableM, rho };
    });
    const wireOf = (x: LinearCombination): Variable => x.vars[0];
    const wires = [...new Set([...this.limbs, ...this.lookupWires, ...m.map(wireOf), ...shortM.flat().map(wireOf), ...tableM.flat().map(wireOf), wireOf(rho)])].sort((x, y) => x - y);
    const spec: CommitmentSpec = { wires, challengeWire };
    assertCommitmentSpec(spec, cs.nPublic, cs.nWires);
    let challenge = this.challenge;
    if (cs.computesWitness) {
      if (!this.oracle) throw new TypeError('LogUpRanges: witness mode needs a challenge oracle');
      const publics: bigint[] = [];
      for (let i = 1; i <= cs.nPublic; i++) if (i !== challengeWire) publics.push(cs.values[i]);
      const c = this.oracle(wires.map((w) => cs.values[w]), publics);
      cs.values[challengeWire] = c;
      challenge = new LinearCombination([challengeWire], [1n], c);
    }
    const committed = new Set(wires);
    const added = stateLogUp(cs, { entries, queries, multiplicities: m, challenge, committed });
    const short = this.shortQueries.slice(1).map((qs, i): ArgumentLayout => {
      const r = i + 1;
      const args = stateLogUp(cs, { entries: shortEntries[r], queries: qs, multiplicities: shortM[r], challenge, committed }, `logup/range${r}`);
      return { ...args, entries: shortEntries[r], queries: qs, multiplicities: shortM[r].map(wireOf) };
    });
    // Value tables: β = Poseidon(c), then t_k = β·value_k and the pair column index_k + t_k.
    // β is made in every LogUp circuit, tables or not: its rows are then per circuit (logUpFixedRows), as the planner counts them.
    const beta = cs.scope('logup/beta', () => poseidon(cs, [challenge]));
    const tableLayouts = tables.map((t, i): PairArgumentLayout => {
      const label = t.label ?? `logup/lookup${i}`;
      const scaled = cs.scope(label, () => t.pairs.map((p, k) => cs.mul(beta, p.value, `beta${k}`)));
      const pairQueries = t.pairs.map((p, k) => p.index.add(scaled[k]));
      const pairEntries = t.values.map((v, j) => beta.scale(v).add(j));
      const derived = new Set(scaled.map(wireOf));
      const args = stateLogUp(cs, { entries: pairEntries, queries: pairQueries, multiplicities: tableM[i], challenge, committed, derived }, label);
      return {
        ...args,
        entries: cs.computesWitness ? pairEntries.map((e) => cs.valueOf(e)) : [],
        queries: pairQueries,
        multiplicities: tableM[i].map(wireOf),
        pairs: t.pairs,
        scaled: scaled.map(wireOf),
      };
    });
    const layout: LogUpLayout = { ...added, entries, queries, short, tables: tableLayouts, limbs: this.limbs, multiplicities: m.map(wireOf), blinding: wireOf(rho), challenge: challengeWire, beta };
    this.resolved = { spec, layout };
  }
}

/** k for a table of 2^k entries (k in 1..16); RangeError otherwise. */
function tableBits(table: ArrayLike<Scalar>): number {
  const k = Math.log2(table.length);
  if (!Number.isInteger(k) || k < 1 || k > 16) throw new RangeError(`value table of ${table.length} entries is not 2^k with k in 1..16`);
  return k;
}

/**
 * m_i = how many pairs are (i, T[i]) (witness mode, before the challenges: the multiplicities
 * are committed); a pair outside the table is not counted.
 */
function countPairs(cs: ConstraintSystem, t: ValueTable): bigint[] {
  const counts = new Array<number>(t.values.length).fill(0);
  for (const p of t.pairs) {
    const i = cs.valueOf(p.index);
    if (i < BigInt(t.values.length) && cs.valueOf(p.value) === mod(t.values[Number(i)])) counts[Number(i)]++;
  }
  return counts.map(BigInt);
}

/** n limbs of b bits of v, little-endian; the top one takes every remaining bit (a value out of range shows there, as a limb outside the table). */
function limbsOf(v: bigint, b: number, n: number): bigint[] {
  const out: bigint[] = [];
  const mask = (1n << BigInt(b)) - 1n;
  for (let i = 0; i < n - 1; i++) out.push((v >> BigInt(i * b)) & mask);
  out.push(v >> BigInt((n - 1) * b));
  return out;
}
