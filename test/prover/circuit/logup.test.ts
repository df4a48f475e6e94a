/**
 * The LogUp range-check backend at the R1CS level (issue 16; circuit/logup.ts,
 * circuit/logup-ranges.ts): honest witnesses satisfy every row for many challenges; a value
 * outside the table, a recomposition that does not match, a wrong multiplicity, inverses for
 * another challenge and an adaptive prover all fail; a query over an uncommitted wire does
 * not build. No proofs: the challenge comes from oracles chosen here (a hash of the committed
 * values and the publics, as the proof system's will be, or plain random values).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import type { ChallengeOracle } from '@zkinfer/prover/circuit/commitment-spec.ts';
import { inv, mod, R } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { batchInverse, countMultiplicities, rangeTable, stateLogUp, valueIn } from '@zkinfer/prover/circuit/logup.ts';
import { LogUpRanges, type ArgumentLayout, type LogUpLayout } from '@zkinfer/prover/circuit/logup-ranges.ts';
import { logUpCheckRows, logUpFixedRows } from '@zkinfer/prover/circuit/logup-rows.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { CheatingSystem } from './gadgets/tamper.ts';
import { poseidon as poseidonOff } from '@zkinfer/prover/commit/commit.ts';

const B = 4; // a 16-entry table keeps every test cheap

/** c = SHA-256(committed ‖ publics) mod r: the shape of the proof system's oracle (it hashes D, not the values). */
const hashOracle: ChallengeOracle = (committed, publics) => {
  const h = createHash('sha256');
  for (const v of [...committed, -1n, ...publics]) h.update(v.toString(16) + ',');
  return mod(BigInt(`0x${h.digest('hex')}`));
};

const randomField = (): bigint => mod(BigInt(`0x${createHash('sha256').update(String(Math.random())).digest('hex')}`));

/** Checks of these widths (k ≤ 2 decompose, k = B one full limb, k = B + 1 a short top limb, 2B two full limbs). */
const WIDTHS = [2, 3, 4, 5, 7, 8, 11];

interface Built {
  cs: ConstraintSystem;
  ranges: LogUpRanges;
  xs: LinearCombination[];
}

/**
 * The checks of WIDTHS over private inputs. By default each checked value is x_i + z_i with z_i
 * a second private input of value 0: two terms, so every check takes the limb path (committed
 * copies, a recomposition row). With `sole`, x_i alone: a check of one limb then commits x_i
 * itself and queries it (docs/decisions.md 34).
 */
function build(values: readonly bigint[] | undefined, opts: { oracle?: ChallengeOracle; lean?: boolean; blinding?: bigint; sole?: boolean } = {}): Built {
  let ranges: LogUpRanges | undefined;
  const cs = new ConstraintSystem({
    witness: values !== undefined,
    lean: opts.lean,
    ranges: (c) => (ranges = new LogUpRanges(c, { limbBits: B, oracle: opts.oracle ?? hashOracle, blinding: () => opts.blinding ?? 12345n })),
  });
  cs.publicInput('pub', values && 7n);
  cs.ranges.declarePublics();
  const xs = WIDTHS.map((k, i) => (opts.sole ? cs.privateInput(`x${i}`, values?.[i]) : cs.privateInput(`x${i}`, values?.[i]).add(cs.privateInput(`z${i}`, values && 0n))));
  WIDTHS.forEach((k, i) => cs.scope(`c${i}`, () => cs.ranges.check(xs[i], k)));
  cs.ranges.resolve();
  return { cs, ranges: ranges!, xs };
}

const inRange = (): bigint[] => WIDTHS.map((k) => BigInt(Math.floor(Math.random() * 2 ** k)));

/**
 * What a prover computes after c: the multiplicities (unless given), then every inverse, for
 * the challenge `c`, into a copy of the values. Tampering tests change a committed value and
 * call this to make every derived wire consistent again.
 */
function rederive(cs: ConstraintSystem, layout: LogUpLayout, values: bigint[], c: bigint, keepMultiplicities = false): bigint[] {
  const v = [...values];
  v[layout.challenge] = c;
  for (const arg of [layout as ArgumentLayout, ...layout.short, ...layout.tables]) {
    if (!keepMultiplicities) countMultiplicities(v, arg.queries, arg.entries).forEach((m, t) => (v[arg.multiplicities[t]] = m));
    batchInverse(arg.queries.map((f) => mod(c - valueIn(v, f)))).forEach((u, k) => (v[arg.queryInverses[k]] = u));
    arg.multiplicities.forEach((w, t) => (v[arg.tableInverses[t]] = mod(v[w] * inv(mod(c - arg.entries[t])))));
  }
  return v;
}

const committedValues = (cs: ConstraintSystem, v: readonly bigint[]): bigint[] => cs.commitment!.wires.map((w) => v[w]);

describe('LogUp range checks: shape and honest witnesses', () => {
  it('adds exactly the rows of the cost model; J = limbs + multiplicities (of every table) + ρ; the challenge is the last public input', () => {
    const { cs, ranges } = build(undefined);
    const perCheck = WIDTHS.reduce((n, k) => n + logUpCheckRows(k, B), 0);
    expect(cs.nConstraints).toBe(perCheck + logUpFixedRows(B));
    const layout = ranges.layout!;
    const spec = cs.commitment!;
    expect(spec.challengeWire).toBe(cs.nPublic);
    expect(spec.challengeWire).toBe(2);
    expect(spec.wires).toEqual([...layout.limbs, ...layout.multiplicities, ...layout.short.flatMap((a) => a.multiplicities), layout.blinding]);
    expect(layout.short.map((a) => a.entries.length)).toEqual([2, 4, 8]); // r = 1 … B − 1
    const queryWires = [layout, ...layout.short].flatMap((a) => a.queries.flatMap((f) => f.vars));
    expect(new Set(queryWires).size).toBe(queryWires.length); // every limb is queried once
    expect(queryWires.sort((x, y) => x - y)).toEqual([...layout.limbs]);
    // a short top limb of r bits is in the table of 2^r: widths 3, 5, 7, 11 at B = 4 leave 3, 1, 3 and 3 bits
    expect(layout.short.map((a) => a.queries.length)).toEqual([1, 0, 3]);
    for (const w of queryWires) expect(spec.wires).toContain(w);
    // the blinding wire is in a row (its key point is not the identity) with a wire outside J
    const blindRows = cs.constraints.filter((r) => r.c.vars.includes(layout.blinding));
    expect(blindRows).toHaveLength(1);
    expect(blindRows[0].c.vars.some((w) => !spec.wires.includes(w))).toBe(true);
  });

  it('honest witnesses pass for many random challenges, in recording and in lean mode (same values)', () => {
    for (let i = 0; i < 12; i++) {
      const xs = inRange();
      xs[6] = i === 0 ? 2n ** 11n - 1n : xs[6]; // the extremes
      xs[1] = i === 1 ? 0n : xs[1];
      const c = randomField();
      const rec = build(xs, { oracle: () => c });
      expect(findUnsatisfied(rec.cs)).toBeNull();
      expect(rec.cs.values[rec.cs.commitment!.challengeWire]).toBe(c);
      const lean = build(xs, { oracle: () => c, lean: true });
      expect(findUnsatisfied(lean.cs)).toBeNull();
      expect(lean.cs.values).toEqual(rec.cs.values);
    }
  });

  it('the oracle sees the committed values in J order and the publics without the challenge slot', () => {
    const xs = inRange();
    let seen: { committed: readonly bigint[]; publics: readonly bigint[] } | undefined;
    const { cs } = build(xs, { oracle: (committed, publics) => ((seen = { committed, publics }), 99n) });
    expect(seen!.publics).toEqual([7n]);
    expect(seen!.committed).toEqual(committedValues(cs, cs.values));
    expect(seen!.committed[seen!.committed.length - 1]).toBe(12345n); // ρ last
  });

  it('a fresh blinding value changes the committed vector (the commitment hides the prompt-derived values)', () => {
    const xs = inRange();
    const a = build(xs, { blinding: 1n });
    const b = build(xs, { blinding: 2n });
    expect(committedValues(a.cs, a.cs.values)).not.toEqual(committedValues(b.cs, b.cs.values));
    expect(a.cs.values[a.cs.commitment!.challengeWire]).not.toBe(b.cs.values[b.cs.commitment!.challengeWire]);
  });

  it('checkWithBits: a limb check when the bits are never read, a decomposition (not both) when they are; pendingRows is what resolve adds', () => {
    for (const read of [false, true]) {
      for (const witness of [false, true]) {
        let ranges: LogUpRanges | undefined;
        const cs = new ConstraintSystem({ witness, ranges: (c) => (ranges = new LogUpRanges(c, { limbBits: B, oracle: hashOracle })) });
        cs.ranges.declarePublics();
        const x = cs.privateInput('x', witness ? 200n : undefined);
        const get = cs.ranges.checkWithBits(x, 9); // 3 limbs at B = 4: x alone or not, the limb path
        expect(cs.plannedRows).toBe(logUpCheckRows(9, B));
        if (read) {
          const bits = get();
          expect(bits).toHaveLength(9);
          expect(get()).toBe(bits); // made once
          expect(cs.plannedRows).toBe(9);
          if (witness) expect(bits.map((b) => cs.valueOf(b))).toEqual([0n, 0n, 0n, 1n, 0n, 0n, 1n, 1n, 0n]); // 200 = 0b11001000
        }
        const planned = cs.plannedRows;
        cs.ranges.resolve();
        expect(cs.nConstraints).toBe(planned + logUpFixedRows(B));
        expect(ranges!.layout!.limbs).toHaveLength(read ? 0 : 3);
        if (read) expect(() => get()).not.toThrow();
        else expect(() => get()).toThrow(/after resolve/); // too late: the circuit is complete
        if (witness) expect(findUnsatisfied(cs)).toBeNull();
      }
    }
  });

  it('highPart: x = low + 2^n·h, both checked; a wrong split or an x out of range fails', () => {
    const make = (x: bigint | undefined) => {
      let ranges: LogUpRanges | undefined;
      const cs = new ConstraintSystem({ witness: x !== undefined, ranges: (c) => (ranges = new LogUpRanges(c, { limbBits: B, oracle: hashOracle })) });
      cs.ranges.declarePublics();
      const xw = cs.privateInput('x', x);
      const high = cs.ranges.highPart(xw, 13, 5);
      cs.ranges.resolve();
      return { cs, high, layout: ranges!.layout! };
    };
    const honest = make(0b1011001110101n);
    expect(findUnsatisfied(honest.cs)).toBeNull();
    expect(honest.cs.valueOf(honest.high)).toBe(0b10110011n << 5n);
    for (const bad of [1n << 13n, (1n << 13n) + 7n, R - 1n]) expect(findUnsatisfied(make(bad).cs), String(bad)).not.toBeNull();
    // moving 2^5 from the high part to the low part: both recompose, the low part leaves its range
    const { cs, high, layout } = honest;
    const h = high.vars[0];
    const v = [...cs.values];
    v[h] = v[h] - 1n;
    // limbs in check order: h's 8 bits (2 limbs), then the low part's 5 bits (a full limb and a 1-bit top)
    const [h0, h1, l0, l1] = layout.limbs;
    v[h0] = v[h] & 15n;
    v[h1] = v[h] >> 4n;
    const low = 0b10101n + 32n;
    v[l0] = low & 15n;
    v[l1] = low >> 4n;
    expect(findUnsatisfied(cs, rederive(cs, layout, v, v[layout.challenge]))?.label).toBe('logup/range1/sum'); // the low part's top limb, 3, is not a bit
  });

  it('refuses a circuit without its challenge wire and a witness without an oracle', () => {
    const cs = new ConstraintSystem({ witness: false, ranges: (c) => new LogUpRanges(c, { limbBits: B }) });
    cs.ranges.check(cs.privateInput('x'), 9);
    expect(() => cs.ranges.resolve()).toThrow(/no challenge wire/);
    const w = new ConstraintSystem({ witness: true, ranges: (c) => new LogUpRanges(c, { limbBits: B }) });
    w.ranges.declarePublics();
    w.ranges.check(w.privateInput('x', 3n), 9);
    expect(() => w.ranges.resolve()).toThrow(/oracle/);
  });
});

describe('LogUp range checks of a wire alone (x = c·w + d, one limb: w committed, x queried; docs/decisions.md 34)', () => {
  it('rows: one inverse per one-limb check, no copy and no recomposition; several limbs keep the limb path; J holds w', () => {
    const { cs, ranges, xs } = build(undefined, { sole: true });
    const perCheck = WIDTHS.reduce((n, k) => n + logUpCheckRows(k, B, true), 0);
    expect(cs.nConstraints).toBe(perCheck + logUpFixedRows(B));
    expect(WIDTHS.map((k) => logUpCheckRows(k, B, true))).toEqual([1, 1, 1, 3, 3, 3, 4]);
    expect(WIDTHS.map((k) => logUpCheckRows(k, B))).toEqual([2, 2, 2, 3, 3, 3, 4]);
    const layout = ranges.layout!;
    const spec = cs.commitment!;
    // x0 … x2 (2, 3 and 4 bits) are committed as they are and are their own queries
    for (const i of [0, 1, 2]) expect(spec.wires).toContain(xs[i].vars[0]);
    const queried = [layout, ...layout.short].flatMap((a) => a.queries.map((f) => f.soleWire()));
    for (const i of [0, 1, 2]) expect(queried).toContain(xs[i].vars[0]);
    // the wider ones are split into limbs: their inputs stay out of J
    for (const i of [3, 4, 5, 6]) expect(spec.wires).not.toContain(xs[i].vars[0]);
    expect(cs.constraints.filter((r) => r.label?.includes('recompose'))).toHaveLength(4);
  });

  it('an affine x = 3·w − 5 is queried as it is; the same check of w + z (two wires) takes a copy limb', () => {
    const rows = (twoWires: boolean, w?: bigint) => {
      let ranges: LogUpRanges | undefined;
      const cs = new ConstraintSystem({ witness: w !== undefined, ranges: (c) => (ranges = new LogUpRanges(c, { limbBits: B, oracle: hashOracle })) });
      cs.ranges.declarePublics();
      const x = cs.privateInput('w', w).scale(3).sub(5);
      cs.ranges.check(twoWires ? x.add(cs.privateInput('z', w === undefined ? undefined : 0n)) : x, B);
      cs.ranges.resolve();
      return { cs, layout: ranges!.layout! };
    };
    expect(rows(false).cs.nConstraints).toBe(1 + logUpFixedRows(B));
    expect(rows(true).cs.nConstraints).toBe(2 + logUpFixedRows(B));
    for (let w = 0n; w < 12n; w++) {
      const ok = 3n * w - 5n >= 0n && 3n * w - 5n < 16n; // w in 2 … 7
      expect(findUnsatisfied(rows(false, w).cs) === null, `w = ${w}`).toBe(ok);
      expect(findUnsatisfied(rows(true, w).cs) === null, `w = ${w} (two wires)`).toBe(ok);
    }
  });

  it('a public wire is not committed: its check takes a copy limb', () => {
    let ranges: LogUpRanges | undefined;
    const cs = new ConstraintSystem({ witness: false, ranges: (c) => (ranges = new LogUpRanges(c, { limbBits: B })) });
    const p = cs.publicInput('p');
    cs.ranges.declarePublics();
    cs.ranges.check(p, B);
    cs.ranges.resolve();
    expect(cs.nConstraints).toBe(2 + logUpFixedRows(B));
    expect(cs.commitment!.wires).not.toContain(p.vars[0]);
    expect(ranges!.layout!.limbs).toHaveLength(1);
  });

  it('honest values pass for many challenges, recording and lean alike; a value outside its range fails at its table\'s sum', () => {
    for (let i = 0; i < 8; i++) {
      const xs = inRange();
      const c = randomField();
      const rec = build(xs, { oracle: () => c, sole: true });
      expect(findUnsatisfied(rec.cs)).toBeNull();
      const lean = build(xs, { oracle: () => c, lean: true, sole: true });
      expect(findUnsatisfied(lean.cs)).toBeNull();
      expect(lean.cs.values).toEqual(rec.cs.values);
    }
    // x0 (2 bits, the table of 2^2), x1 (3 bits, 2^3), x2 (4 bits, the full table): just above, far above, negative
    for (const [i, x, where] of [[0, 4n, /^logup\/range2\/sum$/], [1, 8n, /^logup\/range3\/sum$/], [2, 16n, /^logup\/sum$/], [2, R - 1n, /^logup\/sum$/], [1, 2n ** 40n, /^logup\/range3\/sum$/]] as const) {
      const xs = inRange();
      xs[i] = x;
      for (let trial = 0; trial < 3; trial++) {
        const c = randomField();
        expect(findUnsatisfied(build(xs, { oracle: () => c, sole: true }).cs)?.label, `x${i} = ${x}`).toMatch(where);
      }
    }
  });

  it('an adaptive prover that changes a queried wire after the challenge changes the committed vector (so the challenge)', () => {
    const xs = inRange();
    const { cs, xs: wires } = build(xs, { sole: true });
    const w = wires[2].vars[0];
    const v = [...cs.values];
    v[w] = (v[w] + 1n) % 16n; // still in range, so the argument alone would accept it
    expect(committedValues(cs, v)).not.toEqual(committedValues(cs, cs.values));
    // the oracle's challenge for the new values differs, and the old inverses then fail
    const publics = [7n];
    expect(hashOracle(committedValues(cs, v), publics)).not.toBe(cs.values[cs.commitment!.challengeWire]);
    expect(findUnsatisfied(cs, v)?.label).toMatch(/^logup\/query/);
  });
});

describe('LogUp range checks: cheating witnesses fail', () => {
  /** Honest values everywhere except check `i`, which gets `x`. */
  const withValue = (i: number, x: bigint): bigint[] => {
    const xs = inRange();
    xs[i] = x;
    return xs;
  };

  it('a value outside the range fails, for a full top limb (limb ≥ 2^b) and a short one (a top limb of r bits ≥ 2^r)', () => {
    for (const [i, x] of [[5, 2n ** 8n], [5, 2n ** 8n + 3n], [3, 2n ** 5n], [6, 2n ** 11n], [2, 16n], [2, R - 1n]] as const) {
      for (let trial = 0; trial < 3; trial++) {
        const c = randomField();
        const { cs } = build(withValue(i, x), { oracle: () => c });
        const bad = findUnsatisfied(cs);
        expect(bad, `x${i} = ${x}`).not.toBeNull();
        expect(bad!.label).toMatch(/logup\/(range\d\/)?sum|recompose/);
      }
    }
  });

  it('a limb that does not recompose its value fails (the lookup rows made consistent with it)', () => {
    const { cs, ranges } = build(inRange());
    const layout = ranges.layout!;
    const c = cs.values[layout.challenge];
    for (const limb of layout.limbs) {
      const v = [...cs.values];
      v[limb] = (v[limb] + 1n) % BigInt(2 ** B); // still in the table
      const bad = findUnsatisfied(cs, rederive(cs, layout, v, c));
      expect(bad).not.toBeNull();
      expect(bad!.label).toMatch(/recompose/);
    }
  });

  it('a wrong multiplicity fails (table inverses made consistent with it)', () => {
    const { cs, ranges } = build(inRange());
    const layout = ranges.layout!;
    const c = cs.values[layout.challenge];
    for (const [t, d] of [[0, 1n], [3, R - 1n], [15, 2n]] as const) {
      const v = [...cs.values];
      v[layout.multiplicities[t]] = mod(v[layout.multiplicities[t]] + d);
      const bad = findUnsatisfied(cs, rederive(cs, layout, v, c, true));
      expect(bad!.label).toBe('logup/sum');
    }
    // moving one count from t to t' keeps Σ m_t but not the multiset: still fails
    const v = [...cs.values];
    v[layout.multiplicities[1]] = mod(v[layout.multiplicities[1]] + 1n);
    v[layout.multiplicities[2]] = mod(v[layout.multiplicities[2]] - 1n);
    expect(findUnsatisfied(cs, rederive(cs, layout, v, c, true))!.label).toBe('logup/sum');
  });

  it('inverses computed for another challenge fail', () => {
    const { cs, ranges } = build(inRange());
    const layout = ranges.layout!;
    const c = cs.values[layout.challenge];
    const v = rederive(cs, layout, cs.values, mod(c + 1n));
    v[layout.challenge] = c;
    expect(findUnsatisfied(cs, v)!.label).toMatch(/logup\/query/);
  });

  it('an out-of-range value makes the sum identity fail for (almost) every challenge: only a root of a polynomial of degree ≤ N + 2^b passes', () => {
    const { cs, ranges } = build(withValue(4, 2n ** 7n + 1n)); // 7-bit check: top limb 8 > 2^3 − 1
    const layout = ranges.layout!;
    for (let i = 0; i < 20; i++) expect(findUnsatisfied(cs, rederive(cs, layout, cs.values, randomField()))!.label).toBe('logup/range3/sum');
  });

  it('an adaptive prover who picks a hint after seeing c must change a committed wire, so c changes and the witness fails', () => {
    // x4 = 2^7 + 1 is out of its 7-bit range; the prover states it honestly as limbs (a top limb
    // of 8 outside the 3-bit table), gets c from its commitment, then fixes that table's sum by choosing m_0 for c.
    const { cs, ranges } = build(withValue(4, 2n ** 7n + 1n));
    const layout = ranges.layout!;
    const arg = layout.short[2];
    const c = cs.values[layout.challenge];
    const v = rederive(cs, layout, cs.values, c);
    const sumU = arg.queryInverses.reduce((s, w) => s + v[w], 0n);
    const sumV = arg.tableInverses.slice(1).reduce((s, w) => s + v[w], 0n);
    v[arg.multiplicities[0]] = mod((sumU - sumV) * c); // m_0/(c − 0) closes the sum
    const adaptive = rederive(cs, layout, v, c, true);
    // 1. Were c independent of the committed values, this witness would pass: the attack is real.
    expect(findUnsatisfied(cs, adaptive)).toBeNull();
    // 2. But m_0 is committed: the committed vector changed, so the oracle gives another c …
    const before = committedValues(cs, cs.values);
    const after = committedValues(cs, adaptive);
    expect(after).not.toEqual(before);
    const c2 = hashOracle(after, [7n]);
    expect(c2).not.toBe(c);
    // 3. … for which the chosen m_0 no longer closes the sum.
    expect(findUnsatisfied(cs, rederive(cs, layout, adaptive, c2, true))!.label).toBe('logup/range3/sum');
  });

  it('a query over an uncommitted wire does not build (shape and witness mode)', () => {
    for (const witness of [false, true]) {
      const cs = new ConstraintSystem({ witness });
      const c = cs.publicInput('c', witness ? 5n : undefined);
      const m = Array.from({ length: 2 ** B }, (_, t) => cs.hint(`m${t}`, () => (t === 3 ? 1n : 0n)));
      const q = cs.hint('q', () => 3n);
      const committed = new Set(m.map((x) => x.vars[0]));
      const inst = { entries: rangeTable(B), queries: [q], multiplicities: m, challenge: c, committed };
      expect(() => stateLogUp(cs, inst)).toThrow(/not committed/);
      expect(() => stateLogUp(cs, { ...inst, committed: new Set([q.vars[0]]) })).toThrow(/multiplicity wire .* not committed/);
      expect(() => stateLogUp(cs, { ...inst, committed: new Set([...committed, q.vars[0]]) })).not.toThrow();
      if (witness) expect(findUnsatisfied(cs)).toBeNull();
    }
  });
});

/** A prover that lies on the named hints (the rest honest, the challenge from the hash oracle over what it committed). */
function liar(lies: Record<string, (honest: () => unknown) => unknown>, onRanges: (r: LogUpRanges) => void): ConstraintSystem {
  return new CheatingSystem(lies, (c) => {
    const r = new LogUpRanges(c, { limbBits: B, oracle: hashOracle, blinding: () => 12345n });
    onRanges(r);
    return r;
  });
}

/** Recomputes t_k = β·value_k of every pair table in a copy of the values (after a tampered value; c and so β unchanged). */
function rescale(layout: LogUpLayout, values: bigint[]): bigint[] {
  const beta = valueIn(values, layout.beta);
  for (const t of layout.tables) t.pairs.forEach((p, k) => (values[t.scaled[k]] = mod(beta * valueIn(values, p.value))));
  return values;
}

describe('LogUp value tables (pairs (index, T[index]) against i + β·T[i], β = Poseidon(c))', () => {
  // 16 entries (k = 4) with values in [−3, 5)
  const TABLE = [4, -3, 0, 1, 1, 2, -1, 3, 4, 0, -2, 2, 1, 4, -3, 0];
  const lookupCircuit = (cs: ConstraintSystem, idx: bigint | undefined) => {
    cs.ranges.declarePublics();
    const i = cs.privateInput('i', idx);
    const y = cs.ranges.lookupAt(i, () => [], TABLE); // the index's own check is the caller's; the lookup does not need it
    cs.ranges.resolve();
    return { i, y };
  };
  const buildLookup = (idx: bigint | undefined, c?: bigint) => {
    let ranges: LogUpRanges | undefined;
    const cs = new ConstraintSystem({ witness: idx !== undefined, ranges: (x) => (ranges = new LogUpRanges(x, { limbBits: B, oracle: c === undefined ? hashOracle : () => c })) });
    return { cs, ...lookupCircuit(cs, idx), layout: ranges!.layout! };
  };

  it('T[i] for every index and many challenges; index and value committed; β = Poseidon(c); rows as planned', () => {
    for (let idx = 0; idx < 16; idx++) {
      const c = randomField();
      const { cs, i, y, layout } = buildLookup(BigInt(idx), c);
      expect(findUnsatisfied(cs)).toBeNull();
      expect(cs.valueOf(y)).toBe(mod(BigInt(TABLE[idx])));
      expect(cs.commitment!.wires).toContain(i.vars[0]);
      expect(cs.commitment!.wires).toContain(y.vars[0]);
      expect(cs.commitment!.wires).not.toContain(layout.tables[0].scaled[0]); // β·value is derived, not committed
      expect(valueIn(cs.values, layout.beta)).toBe(poseidonOff([c]));
      expect(layout.tables).toHaveLength(1);
    }
    const cs = new ConstraintSystem({ witness: false, ranges: (x) => new LogUpRanges(x, { limbBits: B }) });
    cs.ranges.declarePublics();
    cs.ranges.lookupAt(cs.privateInput('i'), () => [], TABLE);
    const planned = cs.plannedRows;
    expect(planned).toBe(2 + 16 + 1); // β·value and the inverse; the table rows and the sum
    cs.ranges.resolve();
    expect(cs.nConstraints).toBe(planned + logUpFixedRows(B));
  });

  it('a value of another entry fails; so does β·value stated wrong', () => {
    const idx = 5;
    const { cs, layout, y } = buildLookup(BigInt(idx));
    const c = cs.values[layout.challenge];
    const setValue = (v: bigint): bigint[] => {
      const vals = [...cs.values];
      vals[y.vars[0]] = mod(v);
      return rederive(cs, layout, rescale(layout, vals), c);
    };
    expect(findUnsatisfied(cs, setValue(BigInt(TABLE[idx])))).toBeNull(); // the helper itself is faithful
    for (const other of [-3n, 0n, 3n, 4n, 1000n]) expect(findUnsatisfied(cs, setValue(other))?.label, `value ${other}`).toBe('logup/lookup0/sum');
    const wrongScale = [...cs.values];
    wrongScale[layout.tables[0].scaled[0]] = mod(wrongScale[layout.tables[0].scaled[0]] + 1n);
    expect(findUnsatisfied(cs, wrongScale)?.label).toBe('logup/lookup0/beta0');
  });

  it('an index outside the table fails whatever the value (a liar who commits index 16 + i)', () => {
    for (const [index, value] of [[16n, 4n], [21n, 2n], [mod(-1n), 0n]] as const) {
      let ranges: LogUpRanges | undefined;
      const cs = liar({ value: () => value }, (r) => (ranges = r));
      lookupCircuit(cs, index);
      expect(findUnsatisfied(cs)?.label, `index ${index}`).toBe('logup/lookup0/sum');
      expect(ranges!.layout!.tables[0].multiplicities.every((w) => cs.values[w] === 0n)).toBe(true);
    }
  });

  it('an adaptive prover who picks the value after seeing β aliases another entry, but the value is committed: c and β change and it fails', () => {
    // index 5 with value T[7] + (7 − 5)/β: the column 5 + β·value is entry 7's, 7 + β·T[7]
    const idx = 5;
    const j = 7;
    const honest = buildLookup(BigInt(idx));
    const beta = valueIn(honest.cs.values, honest.layout.beta);
    const alias = mod(BigInt(TABLE[j]) + BigInt(j - idx) * inv(beta));
    // 1. With β fixed, the alias passes: the attack is real.
    const fixed = [...honest.cs.values];
    fixed[honest.y.vars[0]] = alias;
    expect(findUnsatisfied(honest.cs, rederive(honest.cs, honest.layout, rescale(honest.layout, fixed), honest.cs.values[honest.layout.challenge]))).toBeNull();
    // 2. But the value is committed: the prover's c (and so β) follows it, and the alias no longer matches.
    let ranges: LogUpRanges | undefined;
    const cs = liar({ value: () => alias }, (r) => (ranges = r));
    lookupCircuit(cs, BigInt(idx));
    expect(cs.values[ranges!.layout!.challenge]).not.toBe(honest.cs.values[honest.layout.challenge]);
    expect(findUnsatisfied(cs)?.label).toBe('logup/lookup0/sum');
  });
});

describe('LogUp digit tables (lookupDigits: x = Σ d_k·2^(kD) + 2^(nD)·h, each (d_k, T_k[d_k]) a pair)', () => {
  const D = 3;
  const T0 = [7, 1, 0, 5, 2, 2, 6, 3];
  const T1 = [9, 8, 7, 6, 5, 4, 3, 2];
  const WIDTH = 8; // h has 2 bits
  const digitsCircuit = (cs: ConstraintSystem, x: bigint | undefined, width = WIDTH) => {
    cs.ranges.declarePublics();
    const xv = cs.privateInput('x', x);
    const out = cs.ranges.lookupDigits(xv, width, D, [T0, T1]);
    cs.ranges.resolve();
    return out;
  };
  const expected = (x: number) => ({ v0: T0[x & 7], v1: T1[(x >> 3) & 7], high: x >> 6 });

  it('every x < 2^8 (and 2^5 with a missing high digit) gives T_0, T_1 and the high part, as the plain backend does, rows as planned', () => {
    for (const width of [WIDTH, 5]) {
      for (let x = 0; x < 2 ** width; x++) {
        const cs = new ConstraintSystem({ witness: true, ranges: (c) => new LogUpRanges(c, { limbBits: B, oracle: hashOracle }) });
        const { values, high } = digitsCircuit(cs, BigInt(x), width);
        expect(findUnsatisfied(cs), `x ${x}`).toBeNull();
        const e = expected(x);
        expect(values.map((v) => cs.valueOf(v))).toEqual([BigInt(e.v0), BigInt(e.v1)]);
        if (width > 2 * D) expect(cs.valueOf(high!)).toBe(BigInt(e.high));
        else expect(high).toBeUndefined();
        const plain = new ConstraintSystem({ witness: true });
        const p = plain.ranges.lookupDigits(plain.privateInput('x', BigInt(x)), width, D, [T0, T1]);
        expect(findUnsatisfied(plain)).toBeNull();
        expect(p.values.map((v) => plain.valueOf(v))).toEqual([BigInt(e.v0), BigInt(e.v1)]);
      }
    }
    const shape = new ConstraintSystem({ witness: false, ranges: (c) => new LogUpRanges(c, { limbBits: B }) });
    shape.ranges.declarePublics();
    shape.ranges.lookupDigits(shape.privateInput('x'), WIDTH, D, [T0, T1]);
    const planned = shape.plannedRows;
    expect(planned).toBe(1 + logUpCheckRows(2, B, true) + 2 * 2 + 2 * (8 + 1));
    expect(logUpCheckRows(2, B, true)).toBe(1); // h queried as it is
    shape.ranges.resolve();
    expect(shape.nConstraints).toBe(planned + logUpFixedRows(B));
  });

  it('digits that recompose x but leave a table fail: d_0 + 8 with d_1 − 1, a negative digit, h − 1 with d_1 + 8, x ≥ 2^8', () => {
    const x = 0b10_011_101n; // d0 5, d1 3, h 2
    const lies: [string, Record<string, (h: () => unknown) => unknown>, bigint, RegExp][] = [
      ['d0 + 8, d1 − 1', { d: () => [13n, 2n] }, x, /^logup\/lookup0\/sum$/],
      ['d0 + 64, d1 − 8 (negative)', { d: () => [5n + 64n, mod(3n - 8n)] }, x, /^logup\/lookup0\/sum$/],
      ['h − 1, d1 + 8', { d: () => [5n, 11n], high: () => 1n }, x, /^logup\/lookup1\/sum$/],
      // h is a hint wire alone: its 2-bit check queries h itself in the table of 2^2
      ['x = 2^8 + 5 with h = 4 (out of its 2 bits)', {}, 256n + 5n, /^logup\/range2\/sum$/],
    ];
    for (const [what, lie, xv, where] of lies) {
      const cs = liar(lie, () => {});
      digitsCircuit(cs, xv);
      expect(findUnsatisfied(cs)?.label, what).toMatch(where);
    }
    // and the honest liar system passes (the harness is faithful)
    const cs = liar({}, () => {});
    digitsCircuit(cs, x);
    expect(findUnsatisfied(cs)).toBeNull();
  });
});
