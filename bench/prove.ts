/**
 * Groth16 proving and local powers-of-tau creation.
 *
 *   npx node bench/prove.ts                      # 2^12, 2^14, 2^16; writes BENCHMARKS.md
 *   npx node bench/prove.ts --powers 10,12 --ceremony 8,10 --no-write
 *
 * Prove: circuits of 2^k − 2 requantization-like rows (A = Σ w·x over 8 wires − 2^8·y,
 * B = ONE, C = remainder; one public input), so snarkjs's domain is exactly 2^k; proving
 * key from our `zkey new` (zkey-new.ts, snarkjs's initial key) on a fresh fast local ptau of power k (proving cost does not
 * depend on phase-2 contributions, so the bench skips them). Timed: snarkjs groth16 prove
 * (multi-threaded, default) from .zkey + .wtns files. Ptau: the fast path
 * (writeLocalPtau) for each power, and the snarkjs ceremony (new → contribute → prepare
 * phase2) for the small powers given by --ceremony.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { writeLocalPtau } from '@zkinfer/prover/snark/ptau-local.ts';
import { snarkjsCeremonyPtau } from '@zkinfer/prover/snark/ptau-ceremony.ts';
import { exportVerificationKey } from '@zkinfer/prover/snark/setup.ts';
import { writeInitialZkey } from '@zkinfer/prover/snark/zkey-new.ts';
import { groth16Prove, shutdownProver, verifyStrict } from '@zkinfer/prover/snark/prove.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const { values } = parseArgs({
  options: {
    powers: { type: 'string', default: '12,14,16' },
    ceremony: { type: 'string', default: '8,10' },
    'no-write': { type: 'boolean', default: false },
  },
});
const list = (s: string) => s.split(',').filter(Boolean).map((x) => {
  const n = Number(x);
  if (!Number.isInteger(n) || n < 2 || n > 20) throw new RangeError(`power ${x} not in [2, 20]`);
  return n;
});
const powers = list(values.powers!);
const ceremonyPowers = list(values.ceremony!);
const log = (m: string) => process.stderr.write(`${m}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;

function requantCircuit(rows: number, witness: boolean): ConstraintSystem {
  const cs = new ConstraintSystem({ witness });
  const out = cs.publicInput('checksum', witness ? 0 : undefined);
  const xs = Array.from({ length: 256 }, (_, i) => cs.privateInput(`x${i}`, witness ? ((i * 37) % 255) - 127 : undefined));
  const w = [3, -7, 11, -13, 17, -19, 23, -29];
  let checksumTerms = 0;
  for (let r = 0; r < rows; r++) {
    const base = (r * 5) % (256 - 8);
    const acc = LinearCombination.dot(xs.slice(base, base + 8), w);
    const accVal = witness ? Number(BigInt.asIntN(64, acc.value! > 1n << 253n ? acc.value! - 21888242871839275222246405745257275088548364400416034343698204186575808495617n : acc.value!)) : 0;
    const y = cs.hint('y', () => Math.floor(accVal / 256));
    const rem = cs.hint('rem', () => accVal - 256 * Math.floor(accVal / 256));
    cs.assertR1(acc.sub(y.scale(256)), cs.one, rem, 'requant');
    checksumTerms++;
  }
  // The public input is bound by one more row (checksum · 1 = 0).
  cs.assertEqual(out, 0, 'checksum');
  void checksumTerms;
  return cs;
}

const loadBefore = loadavg()[0];
const dir = mkdtempSync(join(tmpdir(), 'zkinfer-bench-prove-'));
const proveRows: (string | number)[][] = [];
const ptauRows: (string | number)[][] = [];
try {
  for (const k of powers) {
    const rows = 2 ** k - 2 - 1; // + the checksum row; + 1 public input + ONE = 2^k rows in snarkjs's domain
    log(`prove 2^${k}: local ptau…`);
    let t0 = performance.now();
    const ptau = await writeLocalPtau(join(dir, `fast-${k}.ptau`), k, log);
    const fastS = seconds(t0);
    ptauRows.push([`2^${k}`, 'fast path (writeLocalPtau)', fastS.toFixed(1)]);
    const shape = requantCircuit(rows, false);
    const r1cs = join(dir, `c${k}.r1cs`);
    writeR1cs(shape, r1cs);
    log(`prove 2^${k}: groth16 setup (${shape.nConstraints} constraints)…`);
    t0 = performance.now();
    const zkey = join(dir, `c${k}.zkey`);
    await writeInitialZkey(r1cs, ptau.path, zkey);
    const setupS = seconds(t0);
    const cs = requantCircuit(rows, true);
    const wtns = join(dir, `c${k}.wtns`);
    writeWtns(cs, wtns);
    log(`prove 2^${k}: prove…`);
    t0 = performance.now();
    const { proof, publicSignals } = await groth16Prove(zkey, wtns);
    const proveS = seconds(t0);
    const ok = verifyStrict(await exportVerificationKey(zkey), publicSignals, proof);
    if (!ok) throw new RangeError(`bench prove 2^${k}: proof does not verify`);
    proveRows.push([`2^${k}`, cs.nConstraints, cs.nWires, setupS.toFixed(1), proveS.toFixed(2), ((proveS / cs.nConstraints) * 1e6).toFixed(1)]);
    rmSync(ptau.path, { force: true });
    rmSync(zkey, { force: true });
  }
  for (const k of ceremonyPowers) {
    log(`ptau 2^${k}: snarkjs ceremony…`);
    let t0 = performance.now();
    await snarkjsCeremonyPtau(join(dir, `ceremony-${k}.ptau`), k, log);
    const ceremonyS = seconds(t0);
    t0 = performance.now();
    await writeLocalPtau(join(dir, `fast-small-${k}.ptau`), k);
    const fastS = seconds(t0);
    ptauRows.push([`2^${k}`, 'snarkjs new → contribute → prepare phase2', ceremonyS.toFixed(1)]);
    ptauRows.push([`2^${k}`, 'fast path (writeLocalPtau)', fastS.toFixed(1)]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await shutdownProver();
}

const md = `## Groth16 proving and local powers of tau

Reproduce: \`npx node bench/prove.ts --powers ${powers.join(',')} --ceremony ${ceremonyPowers.join(',')}\` (${machineLine()}; shared machine: 1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end, so times are inflated accordingly).

Circuits of requantization-like rows (8-wire constant-weight dot product minus 256·y,
checked against a hinted remainder), sized so snarkjs's domain is exactly 2^k. "setup" is
\`groth16 setup\` alone (no contributions); "prove" is \`snarkjs groth16 prove\` from .zkey
and .wtns files, multi-threaded; every proof is checked with the strict verifier.

${markdownTable(['domain', 'constraints', 'wires', 'setup (s)', 'prove (s)', 'µs / constraint'], proveRows)}

Local (INSECURE, one-party) prepared ptau files, every level 2^0…2^power plus the
2^(power+1) tauG1 level, as \`groth16 setup\` reads them:

${markdownTable(['power', 'method', 'time (s)'], ptauRows)}`;
if (!values['no-write']) writeBenchSection('prove', md);
process.stdout.write(`${md}\n`);
