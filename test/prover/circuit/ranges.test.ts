import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decomposeBits } from '@zkinfer/prover/circuit/bit-decomposition.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { reciprocal } from '@zkinfer/prover/circuit/gadgets/reciprocal.ts';
import type { LinearCombination, Scalar } from '@zkinfer/prover/circuit/lc.ts';
import { BitDecompositionRanges, type RangeChecks } from '@zkinfer/prover/circuit/ranges.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';

/**
 * A backend in the style a lookup argument will have (gnark std/rangecheck): `check` only
 * records (x, bits); `resolve` states all recorded checks at the end of the circuit (here by
 * bit decomposition, so its soundness is that of the bits; LogUp would state one argument).
 */
class DeferredRanges implements RangeChecks {
  readonly pending: { x: LinearCombination; bits: number }[] = [];
  readonly calls = { check: 0, bits: 0, lookup: 0 };
  private readonly cs: ConstraintSystem;
  private readonly now: BitDecompositionRanges;

  constructor(cs: ConstraintSystem) {
    this.cs = cs;
    this.now = new BitDecompositionRanges(cs);
  }

  check(x: LinearCombination, bits: number): void {
    this.calls.check++;
    this.pending.push({ x, bits });
  }

  checkWithBits(x: LinearCombination, bits: number): () => LinearCombination[] {
    const b = this.bits(x, bits);
    return () => b;
  }

  bits(x: LinearCombination, bits: number): LinearCombination[] {
    this.calls.bits++;
    return this.now.bits(x, bits);
  }

  lookup(indexBits: readonly LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
    this.calls.lookup++;
    return this.now.lookup(indexBits, table);
  }

  highPart(x: LinearCombination, width: number, low: number): LinearCombination {
    return this.now.highPart(x, width, low);
  }

  lookupAt(_index: LinearCombination, bits: () => LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
    return this.lookup(bits(), table);
  }

  lookupDigits(x: LinearCombination, width: number, digitBits: number, tables: readonly ArrayLike<Scalar>[]): { values: LinearCombination[]; high?: LinearCombination } {
    return this.now.lookupDigits(x, width, digitBits, tables);
  }

  resolve(): void {
    for (const { x, bits } of this.pending.splice(0)) this.cs.scope('deferred', () => decomposeBits(this.cs, x, bits));
  }

  declarePublics(): void {}

  get pendingRows(): number {
    return this.pending.reduce((n, p) => n + p.bits, 0);
  }

  readonly fixedRows = 0;
  readonly commitment = undefined;
  readonly clampTable = undefined;
}

/** 1/d in fixed point (f = 8) with d ∈ [1, 2^4): one bits request (the result) and two range-only checks. */
function buildReciprocal(d: bigint | undefined, deferred: boolean) {
  let backend: DeferredRanges | undefined;
  const cs = new ConstraintSystem({ witness: d !== undefined, ranges: deferred ? (c) => (backend = new DeferredRanges(c)) : undefined });
  const { y } = reciprocal(cs, cs.privateInput('d', d), 4, 8);
  const rowsBeforeResolve = cs.nConstraints;
  cs.ranges.resolve();
  return { cs, y, backend, rowsBeforeResolve };
}

describe('the range-check seam (cs.ranges)', () => {
  it('bit decomposition is the default backend', () => {
    expect(new ConstraintSystem({ witness: false }).ranges).toBeInstanceOf(BitDecompositionRanges);
  });

  it('tells range-only checks from bits requests, and a deferring backend adds the same rows at the end', () => {
    const now = buildReciprocal(5n, false);
    const later = buildReciprocal(5n, true);
    expect(later.backend!.calls).toEqual({ check: 2, bits: 1, lookup: 0 });
    // The two 4-bit checks wait for resolve(), then the circuit has as many rows as before.
    expect(later.rowsBeforeResolve).toBe(now.cs.nConstraints - 8);
    expect(later.cs.nConstraints).toBe(now.cs.nConstraints);
    expect(later.y.value).toBe(256n / 5n);
    expect(findUnsatisfied(later.cs)).toBeNull();
  });

  it('a deferred check still binds: d = 0 has no reciprocal, and only the deferred rows fail', () => {
    // The hint gives q = 0, so q's own bits hold, and e = 2^8 − q·d = 256 ∉ [0, 2^4).
    const { cs } = buildReciprocal(0n, true);
    expect(findUnsatisfied(cs)?.label).toMatch(/^deferred\/toBits4\//);
    expect(findUnsatisfied(buildReciprocal(0n, false).cs)?.label).toMatch(/^reciprocal\/toBits4\//);
  });

  it('no code outside the seam (its two backends) calls the bit-decomposition backend directly', () => {
    const src = fileURLToPath(new URL('../../../prover/src/', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const callers = files(src)
      .filter((f) => /\b(decomposeBits|splitMuxLookup)\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(src, f))
      .sort();
    expect(callers).toEqual(['circuit/bit-decomposition.ts', 'circuit/logup-ranges.ts', 'circuit/ranges.ts', 'circuit/table-lookup.ts']);
  });
});
