/**
 * Circuit scale: builds a constraint system of ROWS constraints with TERMS_PER_ROW non-zero
 * coefficients each (10^6 × 10 = 10^7 by default) through the public gadget API — each row
 * is a requantization-like constant-weight dot product of 8 wires checked against a hinted
 * output, A = Σ w_k·x_k (8 terms), B = ONE, C = y — then streams the .r1cs (and in witness
 * mode the .wtns) to disk. Each case runs in its own process so peak RSS is its own.
 *
 *   npx node bench/circuit-scale.ts            # runs both cases, writes BENCHMARKS.md
 *   npx node bench/circuit-scale.ts --rows 100000 --no-write
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const INPUTS = 1024;
const FAN_IN = 8;

interface CaseResult {
  mode: 'shape' | 'witness';
  rows: number;
  terms: number;
  buildS: number;
  r1csS: number;
  r1csMiB: number;
  wtnsS?: number;
  checkS?: number;
  peakRssMiB: number;
}

function runCase(mode: 'shape' | 'witness', rows: number): CaseResult {
  const witness = mode === 'witness';
  const dir = mkdtempSync(join(tmpdir(), 'zkinfer-scale-'));
  try {
    let t = performance.now();
    const cs = new ConstraintSystem({ witness });
    const xs = Array.from({ length: INPUTS }, (_, i) => cs.privateInput(`x${i}`, witness ? (i * 37) % 255 - 127 : undefined));
    const weights = Array.from({ length: FAN_IN }, (_, k) => ((k * 29) % 253) - 126 || 1);
    for (let r = 0; r < rows; r++) {
      const base = (r * 7) % (INPUTS - FAN_IN);
      const dot = LinearCombination.dot(xs.slice(base, base + FAN_IN), weights);
      const y = cs.hint('y', () => cs.valueOf(dot));
      cs.assertR1(dot, cs.one, y, 'row');
    }
    const buildS = (performance.now() - t) / 1000;
    t = performance.now();
    const r1csPath = join(dir, 'scale.r1cs');
    writeR1cs(cs, r1csPath);
    const r1csS = (performance.now() - t) / 1000;
    const result: CaseResult = { mode, rows, terms: cs.store.termCount, buildS, r1csS, r1csMiB: statSync(r1csPath).size / 2 ** 20, peakRssMiB: 0 };
    if (witness) {
      t = performance.now();
      writeWtns(cs, join(dir, 'scale.wtns'));
      result.wtnsS = (performance.now() - t) / 1000;
      t = performance.now();
      if (findUnsatisfied(cs) !== null) throw new RangeError('scale circuit: witness does not satisfy the constraints');
      result.checkS = (performance.now() - t) / 1000;
    }
    result.peakRssMiB = process.resourceUsage().maxRSS / 1024;
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, case: { type: 'string' }, 'no-write': { type: 'boolean', default: false } },
});
const rows = Number(values.rows);
if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`--rows ${values.rows} is not a positive integer`);

if (values.case === 'shape' || values.case === 'witness') {
  process.stdout.write(JSON.stringify(runCase(values.case, rows)));
} else {
  const self = fileURLToPath(import.meta.url);
  const loadBefore = loadavg()[0];
  const results: CaseResult[] = [];
  for (const mode of ['shape', 'witness'] as const) {
    process.stderr.write(`circuit-scale: ${mode}, ${rows} rows…\n`);
    const out = execFileSync(process.execPath, [self, '--rows', String(rows), '--case', mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out) as CaseResult;
    process.stderr.write(`${JSON.stringify(r)}\n`);
    results.push(r);
  }
  const f = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(2));
  const table = markdownTable(
    ['mode', 'constraints', 'non-zero coefficients', 'build (s)', 'write .r1cs (s)', '.r1cs (MiB)', 'write .wtns (s)', 'findUnsatisfied (s)', 'peak RSS (MiB)'],
    results.map((r) => [r.mode, r.rows, r.terms, f(r.buildS), f(r.r1csS), r.r1csMiB.toFixed(0), f(r.wtnsS), f(r.checkS), r.peakRssMiB.toFixed(0)]),
  );
  const md = `## Circuit scale (constraint system build and .r1cs/.wtns streaming)

Reproduce: \`npx node bench/circuit-scale.ts\` (${machineLine()}; shared machine: 1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end).

Rows are constant-weight dot products of 8 wires checked against a hinted output
(A = Σ w·x, B = ONE, C = y: 10 non-zero coefficients per row), built through the public
ConstraintSystem API; "shape" builds without a witness (setup), "witness" computes values
(prove) and also writes the .wtns and runs the satisfiability check. Each mode runs in its
own process; peak RSS is that process's maximum resident set.

${table}`;
  if (!values['no-write']) writeBenchSection('circuit-scale', md);
  process.stdout.write(`${md}\n`);
}
