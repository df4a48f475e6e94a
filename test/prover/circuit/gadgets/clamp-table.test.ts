/**
 * Int8 saturation by the clamp table (circuit/clamp-table.ts, docs/decisions.md 32): a LogUp
 * circuit with a clamp table requantizes a saturating int8 site with one pair lookup of
 * (q + 2^(W−1), y + 128). The outputs equal arith `requantize` bit for bit (in range, clamped
 * low, clamped high, exact halves); the rows are the remainder's check plus two; and each lie
 * a prover can tell — a wrong y, a q one off (the remainder then leaves [0, 2^s)), an unclamped
 * y, an index outside the table, any single wire changed — leaves the circuit unsatisfied.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requantize as requantizeRef } from '@zkinfer/prover/arith/fixed.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { clampTableValues, clampTableRows } from '@zkinfer/prover/circuit/clamp-table.ts';
import type { ChallengeOracle } from '@zkinfer/prover/circuit/commitment-spec.ts';
import { mod, toSigned } from '@zkinfer/prover/circuit/field.ts';
import { requantize, requantizeBits, signedBounds, type Bounds } from '@zkinfer/prover/circuit/gadgets/requant.ts';
import { LogUpRanges } from '@zkinfer/prover/circuit/logup-ranges.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { CheatingSystem } from './tamper.ts';

/** c = SHA-256 of the committed values and the publics: a liar's commitment moves the challenge. */
const hashOracle: ChallengeOracle = (committed, publics) => {
  const h = createHash('sha256');
  for (const v of [...committed, -1n, ...publics]) h.update(`${v.toString(16)},`);
  return mod(BigInt(`0x${h.digest('hex')}`));
};

const clampRanges = (clampBits: number | undefined) => (c: ConstraintSystem) => new LogUpRanges(c, { limbBits: 8, clampBits, oracle: hashOracle, blinding: () => 777n });

// x ∈ [−2^15, 2^15), y = ⌊(x·m + 2^(s−1)) / 2^s⌋ with m/2^s = 3/2^7: q ∈ [−768, 768]: too wide for W = 10
// (so it keeps the flags); m/2^s = 1/2^6: q ∈ [−512, 512] also too wide; 1/2^7: q ∈ [−256, 256], inside.
const X_BOUNDS: Bounds = signedBounds(16);
const SITE = { m: 1, s: 7 };

function run(cs: ConstraintSystem, x: number, site = SITE, bounds = X_BOUNDS, withBits = false) {
  cs.ranges.declarePublics();
  const v = cs.privateInput('x', x);
  const out = withBits ? requantizeBits(cs, v, bounds, site.m, site.s, 8) : requantize(cs, v, bounds, site.m, site.s, 8);
  cs.ranges.resolve();
  return out;
}

const labels = (cs: ConstraintSystem) => Array.from({ length: cs.nConstraints }, (_, i) => cs.store.labelOf(i));

describe('int8 saturation by the clamp table', () => {
  it('the table holds clamp(i − 2^(W−1)) + 128 and costs 2^W + 1 rows', () => {
    const t = clampTableValues(10);
    expect(t.length).toBe(1024);
    expect([t[0], t[512 - 129], t[512 - 128], t[512], t[512 + 127], t[512 + 128], t[1023]]).toEqual([0n, 0n, 0n, 128n, 255n, 255n, 255n]);
    expect(clampTableRows(10)).toBe(1025);
    expect(() => clampTableValues(7)).toThrow(RangeError);
  });

  it('equals arith requantize on in-range, clamped, edge and half-way inputs, through the table (no flags)', () => {
    const xs = [0, 1, -1, 63, 64, -64, -65, 127 * 128 + 63, 127 * 128 + 64, -128 * 128 - 64, -128 * 128 - 65, 2 ** 15 - 1, -(2 ** 15), 20_000, -20_000];
    for (const withBits of [false, true]) {
      for (const x of xs) {
        const cs = new ConstraintSystem({ witness: true, ranges: clampRanges(10) });
        const out = run(cs, x, SITE, X_BOUNDS, withBits);
        expect(findUnsatisfied(cs), `x=${x}`).toBeNull();
        expect(toSigned(cs.valueOf(out.y)), `x=${x}`).toBe(BigInt(requantizeRef(x, SITE.m, SITE.s, 8)));
        const ls = labels(cs);
        expect(ls.filter((l) => l === 'logup/clamp/query')).toHaveLength(1);
        expect(ls.some((l) => /lo:bool|hi:bool|loQ|hiQ|window/.test(l))).toBe(false);
      }
    }
  });

  it('the bits of a table value, when asked for, are its offset decomposition', () => {
    const cs = new ConstraintSystem({ witness: true, ranges: clampRanges(10) });
    cs.ranges.declarePublics();
    const out = requantizeBits(cs, cs.privateInput('x', -20_000), X_BOUNDS, SITE.m, SITE.s, 8);
    const bits = out.yBits.offsetBits.map((b) => cs.valueOf(b));
    expect(bits).toEqual(Array(8).fill(0n)); // y = −128: offset 0
    expect(cs.valueOf(out.yBits.isNegative)).toBe(1n);
    cs.ranges.resolve();
    expect(findUnsatisfied(cs)).toBeNull();
  });

  it('costs the remainder check and two rows per site; sites the table does not cover keep the flags', () => {
    const rows = (clampBits: number | undefined, site = SITE) => {
      const cs = new ConstraintSystem({ witness: false, ranges: clampRanges(clampBits) });
      run(cs, 0, site);
      return { rows: cs.nConstraints - cs.ranges.fixedRows, ls: labels(cs) };
    };
    const table = rows(10);
    const flags = rows(undefined);
    // remainder: 7 bits = one short limb (recompose + its query in the 2^7 table); the site: β·value and its inverse
    expect(table.rows).toBe(1 + 1 + 2);
    expect(flags.rows).toBeGreaterThanOrEqual(table.rows + 4);
    const wide = rows(10, { m: 3, s: 7 }); // q ∈ [−768, 768]: outside [−512, 512)
    expect(wide.ls.includes('logup/clamp/query')).toBe(false);
    expect(wide.ls.some((l) => /lo:bool/.test(l))).toBe(true);
    expect(rows(12, { m: 3, s: 7 }).ls.includes('logup/clamp/query')).toBe(true); // a 2^12 table covers it
  });

  it('a circuit whose sites the table does not cover still holds it, unused, and its honest witness passes', () => {
    for (const x of [0, 20_000, -20_000]) {
      const cs = new ConstraintSystem({ witness: true, ranges: clampRanges(10) });
      const out = run(cs, x, { m: 3, s: 7 });
      expect(findUnsatisfied(cs), `x=${x}`).toBeNull();
      expect(toSigned(cs.valueOf(out.y))).toBe(BigInt(requantizeRef(x, 3, 7, 8)));
      const clamp = (cs.ranges as LogUpRanges).layout!.tables[0];
      expect(clamp.pairs).toHaveLength(0);
      expect(clamp.multiplicities.every((w) => cs.values[w] === 0n)).toBe(true);
    }
  });

  describe('a cheating prover fails', () => {
    const lies: [string, Record<string, (honest: () => unknown) => unknown>, number][] = [
      ['y one more than the clamp (the pair is not in the table)', { value: (h) => (h() as bigint) + 1n }, 5_000],
      ['y one less than the clamp', { value: (h) => (h() as bigint) - 1n }, 5_000],
      ['q one more (the remainder goes negative)', { u: (h) => (h() as bigint) + 1n }, 5_000],
      ['q one less (the remainder reaches 2^s)', { u: (h) => (h() as bigint) - 1n }, 5_000],
      ['no clamping: y = q for q = 156 > 127', { value: (h) => (h() as bigint) + 29n }, 20_000],
      ['no clamping below: y = q for q = −156 < −128', { value: (h) => (h() as bigint) - 28n }, -20_000],
      ['an index 2^W above (outside the table) with y as if in range', { u: (h) => (h() as bigint) + 1024n }, 5_000],
      ['an index 2^W below', { u: (h) => (h() as bigint) - 1024n }, 5_000],
    ];
    for (const [what, lie, x] of lies) {
      it(what, () => {
        const cs = new CheatingSystem(lie, clampRanges(10));
        run(cs, x);
        expect(findUnsatisfied(cs)).not.toBeNull();
      });
    }

    it('each wire of the site changed on its own (the remainder limb, u, y, β·y, the inverses, the multiplicities)', () => {
      for (const x of [5_000, 20_000, -20_000]) {
        const cs = new ConstraintSystem({ witness: true, ranges: clampRanges(10) });
        const first = cs.nWires;
        run(cs, x);
        expect(findUnsatisfied(cs)).toBeNull();
        const ranges = cs.ranges as LogUpRanges;
        const clamp = ranges.layout!.tables.find((t) => t.pairs.length === 1)!;
        const used = clamp.multiplicities.filter((w) => cs.values[w] !== 0n);
        expect(used).toHaveLength(1);
        const wires = [...Array.from({ length: cs.nWires - first }, (_, i) => first + i).filter((w) => !ranges.layout!.multiplicities.includes(w) && !clamp.multiplicities.includes(w) && !clamp.tableInverses.includes(w)), ...used];
        for (const w of wires) {
          if (w === ranges.layout!.challenge || w === ranges.layout!.blinding || w === ranges.layout!.blinding + 1) continue; // c is the verifier's; ρ is free by design
          const values = [...cs.values];
          values[w] = mod(values[w] + 1n);
          expect(findUnsatisfied(cs, values), `x=${x}: wire ${w} (${cs.wireNames[w]})`).not.toBeNull();
        }
      }
    });
  });
});
