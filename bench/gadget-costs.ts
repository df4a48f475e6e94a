/**
 * Constraints per call of each circuit gadget (prover/src/circuit/gadgets/) at typical widths,
 * next to the circom / circomlib way where one exists. Counts come from building each gadget
 * in shape mode (no witness), so they are exact, not estimates.
 *
 * Run: npx node bench/gadget-costs.ts   (writes the `gadget-costs` section of BENCHMARKS.md)
 */
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import type { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { toBits } from '@zkinfer/prover/circuit/gadgets/bits.ts';
import { assertSigned, assertUnsigned } from '@zkinfer/prover/circuit/gadgets/range.ts';
import { assertLessOrEqual, isEqual, isLessThan, isZero } from '@zkinfer/prover/circuit/gadgets/compare.ts';
import { argmaxLowest, maximum } from '@zkinfer/prover/circuit/gadgets/max.ts';
import { requantize, residualAdd, signedBounds } from '@zkinfer/prover/circuit/gadgets/requant.ts';
import { pack } from '@zkinfer/prover/circuit/gadgets/pack.ts';
import { commit, poseidon } from '@zkinfer/prover/circuit/poseidon.ts';
import { lookup } from '@zkinfer/prover/circuit/gadgets/table.ts';
import { activation, expNeg } from '@zkinfer/prover/circuit/gadgets/nonlinear.ts';
import { reciprocal, rsqrt } from '@zkinfer/prover/circuit/gadgets/reciprocal.ts';
import { activationTable } from '@zkinfer/prover/arith/activation.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

/** Constraints added by `gadget` on fresh private inputs (input range checks not counted unless said). */
function cost(nInputs: number, gadget: (cs: ConstraintSystem, xs: LinearCombination[]) => unknown): number {
  const cs = new ConstraintSystem({ witness: false });
  const xs = Array.from({ length: nInputs }, (_, i) => cs.privateInput(`x${i}`));
  const before = cs.nConstraints;
  gadget(cs, xs);
  return cs.nConstraints - before;
}

/** Like cost, but the inputs' range checks (bits reused by the gadget) are made first and not counted. */
function costAfter<T>(nInputs: number, prepare: (cs: ConstraintSystem, xs: LinearCombination[]) => T, gadget: (cs: ConstraintSystem, prepared: T) => unknown): number {
  const cs = new ConstraintSystem({ witness: false });
  const xs = Array.from({ length: nInputs }, (_, i) => cs.privateInput(`x${i}`));
  const prepared = prepare(cs, xs);
  const before = cs.nConstraints;
  gadget(cs, prepared);
  return cs.nConstraints - before;
}

const rows: (string | number)[][] = [];
const row = (gadget: string, width: string, ours: number, circom: string, note = '') => rows.push([gadget, width, ours, circom, note]);

for (const n of [8, 16, 32]) row('toBits / assertUnsigned', `${n} bits`, cost(1, (cs, [x]) => toBits(cs, x, n)), `Num2Bits(${n}) = ${n}`);
row('assertSigned', '8 bits', cost(1, (cs, [x]) => assertSigned(cs, x, 8)), 'Num2Bits(8) on x + 128 = 8');
row('assertSigned', '16 bits', cost(1, (cs, [x]) => assertSigned(cs, x, 16)), 'Num2Bits(16) on x + 2^15 = 16');
for (const n of [8, 16, 32]) row('isLessThan', `${n} bits`, cost(2, (cs, [a, b]) => isLessThan(cs, a, b, n)), `LessThan(${n}) = ${n + 1}`);
row('assertLessOrEqual', '16 bits', cost(2, (cs, [a, b]) => assertLessOrEqual(cs, a, b, 16)), 'LessEqThan(16) + assert = 17');
row('isZero', 'field', cost(1, (cs, [x]) => isZero(cs, x)), 'IsZero = 2');
row('isEqual', 'field', cost(2, (cs, [a, b]) => isEqual(cs, a, b)), 'IsEqual = 2');
row('ReLU of a 24-bit value (sign from its range check)', '24 bits', cost(1, (cs, [x]) => {
  const { isNegative } = assertSigned(cs, x, 24);
  return cs.mul(x, cs.one.sub(isNegative));
}), 'circomlib-ml ReLU via 254-bit decomposition = 517; with a 32-bit bound 34', 'range check + 1 product');
row('maximum', '64 values, 17-bit differences', cost(64, (cs, xs) => maximum(cs, xs, 17)), '—', 'k·n + k − 1');
row('argmaxLowest', '256 logits, 17-bit differences', cost(256, (cs, xs) => argmaxLowest(cs, xs, 17)), '—', 'k·(n + 2) + 1');
row('requantize', 'int24 acc → int8, s = 16, no saturation possible', cost(1, (cs, [x]) => requantize(cs, x, signedBounds(15), 256, 16, 8)), 'measured 24 (16-bit remainder + int8 range check)');
row('requantize', 'int24 acc → int8, s = 24, saturating', cost(1, (cs, [x]) => requantize(cs, x, signedBounds(24), 1_234_567, 24, 8)), '—', 'remainder + output + overshoot checks + 4');
row('residualAdd', 'int8 + int24·m/2^27 → int8, saturating', cost(2, (cs, [x, y]) => residualAdd(cs, x, signedBounds(8), y, signedBounds(24), 777_777, 27, 8)), '—');
row('pack', '31 int8 values → 1 element', cost(31, (_cs, xs) => pack(xs, 8, true)), '—', 'linear: free');
row('poseidon', '2 inputs', cost(2, (cs, xs) => poseidon(cs, xs)), 'Poseidon(2) = 240 (measured)');
row('poseidon', '16 inputs', cost(16, (cs, xs) => poseidon(cs, xs)), 'Poseidon(16) = 609 (measured)');
row('commit', '1,536 int8 values (50 elements, 4 calls)', cost(1537, (cs, [salt, ...xs]) => commit(cs, pack(xs, 8, true), salt)), '—', 'pack + Poseidon chain');
for (const b of [4, 8, 12]) {
  const table = Array.from({ length: 2 ** b }, (_, i) => i * 7 - 3);
  row('lookup (split mux)', `${b}-bit index`, costAfter(1, (cs, [x]) => assertUnsigned(cs, x, b), (cs, bits) => lookup(cs, bits, table)), b === 8 ? 'mux tree emulated in circom = 135 (measured, incl. 8 for Num2Bits)' : `mux tree = ${2 ** (b - 1) - 1}`, 'input bits reused');
}
const silu = activationTable('silu', 1 / 32, 1 / 64, 8);
row('activation (SiLU / GELU table)', 'int8', costAfter(1, (cs, [x]) => assertSigned(cs, x, 8), (cs, bits) => activation(cs, bits, silu)), '135 (mux tree)', 'input bits reused');
row('expNeg (2 digits × 6 bits, exact 32-bit product)', '12-bit x', costAfter(1, (cs, [x]) => assertUnsigned(cs, x, 12), (cs, bits) => expNeg(cs, bits)), '—', 'input bits reused');
row('expNeg', '16-bit x (zero above 2^12)', costAfter(1, (cs, [x]) => assertUnsigned(cs, x, 16), (cs, bits) => expNeg(cs, bits)), '—');
row('reciprocal ⌊2^40 / d⌋', 'd < 2^24', cost(1, (cs, [d]) => reciprocal(cs, d, 24, 40)), '—', 'q range check + 1 product + 2 range checks');
row('rsqrt ⌊2^16 / √v⌋', 'v < 2^32', cost(1, (cs, [v]) => rsqrt(cs, v, 32, 16)), '—', 'y range check + 3 products + 2 range checks');

const markdown = [
  '## Gadget constraint costs',
  '',
  'Command: `npx node bench/gadget-costs.ts`. Exact constraint counts per call of the gadgets in',
  '`prover/src/circuit/gadgets/`, built in shape mode; the circom column is circomlib\'s count or',
  'the measurement quoted in docs/architecture.md "Arithmetic". "input bits reused" rows do not count the',
  'input\'s own range check (done once per value and shared).',
  '',
  markdownTable(['gadget', 'width / case', 'constraints', 'circom way', 'note'], rows),
  '',
  `Machine: ${machineLine()}.`,
].join('\n');
writeBenchSection('gadget-costs', markdown);
console.log(markdown);
