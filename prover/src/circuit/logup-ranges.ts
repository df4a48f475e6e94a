import { randomSalt } from '../commit/commit.ts';
import { checkWidth, decomposeBits } from './bit-decomposition.ts';
import { assertCommitmentSpec, type ChallengeOracle, type CommitmentSpec } from './commitment-spec.ts';
import { LinearCombination, type Scalar, type Variable } from './lc.ts';
import { countMultiplicities, rangeTable, stateLogUp, type LogUpWires } from './logup.ts';
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
 *   with one linear recomposition row, x = Σ limb_i·2^(i·b); each limb is a
 *   query, and a top limb of r < b bits is queried a second time as limb·2^(b − r) (both in
 *   [0, 2^b) ⇒ limb < 2^r, as the integers involved are far below r). The argument's rows
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
 * Committed set J = every limb + every m_t + ρ; `commitment` exposes it once resolved.
 */
export interface LogUpRangesOptions {
  /** b: the table is {0 … 2^b − 1}. */
  limbBits: number;
  /** Witness mode: the challenge from the committed values and the publics (commitment-spec.ts). */
  oracle?: ChallengeOracle;
  /** Witness mode: the blinding value (default: uniform in F_r); tests fix it. */
  blinding?: () => bigint;
}

/** A value table's argument: its entries (combined column) and queries. */
interface ValueTable {
  values: bigint[];
  min: bigint;
  width: number;
  k: number;
  entries: bigint[];
  queries: LinearCombination[];
}

/** One argument of a resolved circuit: its table, queries and the wires it added. */
export interface ArgumentLayout extends LogUpWires {
  entries: readonly bigint[];
  queries: readonly LinearCombination[];
  multiplicities: readonly Variable[];
}

/** The wires of a resolved circuit (tests tamper with them): the range argument's, then each value table's. */
export interface LogUpLayout extends LogUpWires {
  entries: readonly bigint[];
  queries: readonly LinearCombination[];
  tables: readonly ArgumentLayout[];
  limbs: readonly Variable[];
  multiplicities: readonly Variable[];
  blinding: Variable;
  challenge: Variable;
}

/** A check waiting for resolve(); `bits` once a gadget asked for them (then it is a decomposition instead). */
interface PendingCheck {
  x: LinearCombination;
  k: number;
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
  /** Value tables (lookupAt), by table object: entries, queries, and the wires the queries touch. */
  private readonly tables = new Map<ArrayLike<Scalar>, ValueTable>();
  private readonly lookupWires = new Set<Variable>();
  private readonly limbs: Variable[] = [];
  private readonly pending: PendingCheck[] = [];
  private pendingCheckRows = 0;
  private resolved?: { spec: CommitmentSpec; layout: LogUpLayout };
  /** k ↦ how many k-bit checks were asked (limb-cost.ts chooses b from it). */
  readonly checkWidths = new Map<number, number>();

  constructor(cs: ConstraintSystem, opts: LogUpRangesOptions) {
    if (!Number.isInteger(opts.limbBits) || opts.limbBits < 2 || opts.limbBits > 20) throw new RangeError(`LogUpRanges: limb width ${opts.limbBits} not an integer in 2..20`);
    this.cs = cs;
    this.b = opts.limbBits;
    this.oracle = opts.oracle;
    this.blinding = opts.blinding ?? randomSalt;
  }

  get limbBits(): number {
    return this.b;
  }

  /** Rows resolve() will add for the checks so far (recomposition and inverses), the per-circuit rows aside. */
  get pendingRows(): number {
    return this.pendingCheckRows;
  }

  get fixedRows(): number {
    return logUpFixedRows(this.b);
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
        this.pendingCheckRows -= logUpCheckRows(k, this.b);
      }
      return entry.bits;
    };
  }

  /** Records a k-bit check for resolve(), or decomposes it now when that is no more rows (then undefined). */
  private defer(x: LinearCombination, k: number): PendingCheck | undefined {
    checkWidth('check', k);
    this.checkWidths.set(k, (this.checkWidths.get(k) ?? 0) + 1);
    if (decomposesAt(k, this.b)) {
      decomposeBits(this.cs, x, k);
      return undefined;
    }
    // Shape mode keeps the asking gadget's scope, so the deferred rows carry its label.
    const entry: PendingCheck = { x, k, scope: this.cs.computesWitness ? undefined : this.cs.scopeLabel };
    this.pending.push(entry);
    this.pendingCheckRows += logUpCheckRows(k, this.b);
    return entry;
  }

  /** The limbs of one pending check, their recomposition row and their queries. */
  private limbCheck(x: LinearCombination, k: number): void {
    const { cs, b } = this;
    const n = Math.ceil(k / b);
    const top = k - (n - 1) * b;
    cs.scope(`range${k}`, () => {
      const limbs = cs.hints('limb', n, () => limbsOf(cs.valueOf(x), b, n));
      cs.assertEqual(x, LinearCombination.dot(limbs, limbs.map((_, i) => 1n << BigInt(i * b))), 'recompose');
      for (const l of limbs) {
        this.limbs.push(l.vars[0]);
        this.queries.push(l);
      }
      if (top < b) this.queries.push(limbs[n - 1].scale(2 ** (b - top)));
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
   * T[index] by a lookup into the table of pairs (i, T[i]), encoded as one column
   * i + 2^k·(T[i] − min T) (docs/lookups-design.md "combined column", with the constant 2^k in
   * place of a second challenge): the value wire is range-checked to the table's value width,
   * and the index is range-checked by the caller (precondition), so both encodings are
   * integers below 2^(k + width) ≪ r and a matching entry means index = i and value = T[i].
   * Rows: one inverse, the value's check; the table's 2^k rows and its sum once per circuit
   * (charged to the first lookup). The index's and the value's wires are committed.
   */
  lookupAt(index: LinearCombination, _bits: () => LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
    const { cs } = this;
    const k = Math.log2(table.length);
    if (!Number.isInteger(k) || k < 1 || k > 16) throw new RangeError(`lookupAt: table of ${table.length} entries is not 2^k with k in 1..16`);
    let t = this.tables.get(table);
    if (!t) {
      const values = Array.from(table, (v) => BigInt(v));
      const min = values.reduce((a, v) => (v < a ? v : a));
      const max = values.reduce((a, v) => (v > a ? v : a));
      const width = Math.max(1, (max - min).toString(2).length);
      t = { values, min, width, k, entries: values.map((v, i) => BigInt(i) + (v - min) * (1n << BigInt(k))), queries: [] };
      this.tables.set(table, t);
      this.pendingCheckRows += table.length + 1; // its table rows and its sum
    }
    const tt = t;
    return cs.scope(`lookupAt${k}`, () => {
      const value = cs.hint('value', () => {
        const i = cs.valueOf(index);
        return i < BigInt(tt.values.length) ? tt.values[Number(i)] : 0n; // out of range: any value, the lookup fails
      });
      this.check(value.sub(tt.min), tt.width);
      tt.queries.push(index.add(value.sub(tt.min).scale(1n << BigInt(k))));
      for (const w of [...index.vars, value.vars[0]]) if (w !== 0) this.lookupWires.add(w);
      this.pendingCheckRows += 1;
      return value;
    });
  }

  resolve(): void {
    const { cs, b } = this;
    if (this.resolved) throw new TypeError('LogUpRanges: resolve() called twice');
    if (!this.challenge) throw new TypeError('LogUpRanges: no challenge wire (the circuit must call cs.ranges.declarePublics() after its public inputs)');
    const challengeWire = this.challenge.vars[0];
    for (const p of this.pending) if (!p.bits) cs.scope(p.scope ?? 'logup', () => this.limbCheck(p.x, p.k));
    this.pending.length = 0;
    const queries = this.queries;
    const entries = rangeTable(b);
    const tables = [...this.tables.values()];
    const { m, tableM, rho } = cs.scope('logup', () => {
      const m = cs.hints('m', 2 ** b, () => countMultiplicities(cs.values, queries, entries));
      const tableM = tables.map((t) => cs.hints('mt', t.entries.length, () => countMultiplicities(cs.values, t.queries, t.entries)));
      const rho = cs.hint('blind', () => this.blinding());
      cs.assertEqual(rho, cs.hint("blind'", () => cs.valueOf(rho)), 'blind');
      return { m, tableM, rho };
    });
    const wireOf = (x: LinearCombination): Variable => x.vars[0];
    const wires = [...new Set([...this.limbs, ...this.lookupWires, ...m.map(wireOf), ...tableM.flat().map(wireOf), wireOf(rho)])].sort((x, y) => x - y);
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
    const tableLayouts = tables.map((t, i): ArgumentLayout => ({
      ...stateLogUp(cs, { entries: t.entries, queries: t.queries, multiplicities: tableM[i], challenge, committed }, `logup/lookup${i}`),
      entries: t.entries,
      queries: t.queries,
      multiplicities: tableM[i].map(wireOf),
    }));
    const layout: LogUpLayout = { ...added, entries, queries, tables: tableLayouts, limbs: this.limbs, multiplicities: m.map(wireOf), blinding: wireOf(rho), challenge: challengeWire };
    this.resolved = { spec, layout };
  }
}

/** n limbs of b bits of v, little-endian; the top one takes every remaining bit (a value out of range shows there, as a limb outside the table). */
function limbsOf(v: bigint, b: number, n: number): bigint[] {
  const out: bigint[] = [];
  const mask = (1n << BigInt(b)) - 1n;
  for (let i = 0; i < n - 1; i++) out.push((v >> BigInt(i * b)) & mask);
  out.push(v >> BigInt((n - 1) * b));
  return out;
}
