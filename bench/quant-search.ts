/**
 * Precision per site by a greedy search (section `quant-search`; issue 17).
 * Run: npx node bench/quant-search.ts [T] [--ranges=plain|logup|logup:B:W]   (default T = 32,
 * plain; stories260K from ../shared). With LogUp ranges the cost is the LogUp stages' (section
 * `quant-search-logup`): a wider site costs another limb there, not 4 more bits, and only int8
 * outputs saturate by the clamp table (docs/decisions.md 32), so the search can pick otherwise.
 * Starting from the default options (int8 activations, int8 weights), each step takes the move
 * with the largest drop in error per constraint added — one site group (every layer) 4 bits
 * wider up to 16, the gate one bit wider up to 10 (a table twice as large), or the weights one
 * bit wider up to 10 — until no move lowers the error (lazy greedy: see the loop). Error: mean KL(float ‖ int)
 * of the integer path over the CALIBRATION texts (never the held-out texts the accuracy bench
 * reports on, so the choice is not fitted to them). Cost: constraints per position of the
 * circuits' stages at T (bench/lib/quant-cost.ts sampledCost; each move's added cost measured
 * against the current options). The table is the path; bench/accuracy.ts measures its points.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseRangeBackend, rangeBackendName } from '@zkinfer/prover/circuit/range-backend.ts';
import { meanKl } from '@zkinfer/prover/infer/fidelity.ts';
import { dequantizeLogits, forwardInt } from '@zkinfer/prover/infer/int.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { siteBits, weightBits } from '@zkinfer/prover/quant/options.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import { ACT_SITES, DEFAULT_QUANT_OPTIONS, type ActSite, type QuantOptions } from '@zkinfer/prover/quant/types.ts';
import { forwardFloat } from '@zkinfer/prover/reference/float.ts';
import { sampledCost } from './lib/quant-cost.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const args = process.argv.slice(2);
const T = Number(args.find((a) => !a.startsWith('--')) ?? 32);
const rangesArg = args.find((a) => a.startsWith('--ranges='))?.slice('--ranges='.length) ?? 'plain';
const ranges = parseRangeBackend(rangesArg);
const LOGUP = ranges.kind === 'logup';
const path = fileURLToPath(new URL('../../shared/models/stories260K/stories260K.gguf', import.meta.url));
if (!existsSync(path)) {
  console.error(`quant-search: skipping (${path} not found)`);
  process.exit(0);
}
const load0 = loadavg()[0].toFixed(2);
const model = loadModel(path);
const calib = calibrationIds((t, o) => model.tokenizer.encode(t, o));
const texts = calib.map((ids) => ids.slice(0, model.config.contextLength));
const floatLogits = texts.map((ids) => forwardFloat(model, ids));

/** Error and cost of one option set (one quantization for both). */
function measure(opts: Partial<QuantOptions>): { err: number; cost: number } {
  const q = quantizeModel(model, calib, opts);
  let kl = 0;
  let n = 0;
  texts.forEach((ids, i) => {
    kl += meanKl(floatLogits[i], forwardInt(q, ids).map((r) => dequantizeLogits(q, r))) * ids.length;
    n += ids.length;
  });
  return { err: kl / n, cost: sampledCost(q, T, ranges) };
}

type Options = Partial<QuantOptions> & { siteBits: Partial<Record<ActSite, number>> };
/** A move: one site group (every layer) 4 bits wider up to 16, the gate or the weights 1 bit wider up to 10. */
interface Move { name: string; apply(o: Options): Options | null }
const full = (o: Options): QuantOptions => ({ ...DEFAULT_QUANT_OPTIONS, ...o });
const MOVES: Move[] = [
  ...ACT_SITES.filter((s) => s !== 'gate').map((s): Move => ({
    name: `${s} + 4 bits`,
    apply: (o) => { const b = siteBits(full(o), s); return b >= 16 ? null : { ...o, siteBits: { ...o.siteBits, [s]: b + 4 } }; },
  })),
  { name: 'gate + 1 bit', apply: (o) => { const b = siteBits(full(o), 'gate'); return b >= 10 ? null : { ...o, siteBits: { ...o.siteBits, gate: b + 1 } }; } },
  { name: 'weights + 1 bit', apply: (o) => { const b = weightBits(full(o)); return b >= 10 ? null : { ...o, weightBits: b + 1 }; } },
];
const describeOptions = (o: Options): string => JSON.stringify({ ...(o.weightBits ? { weightBits: o.weightBits } : {}), siteBits: o.siteBits });

let cur: Options = { siteBits: {} };
let { err: curErr, cost: curCost } = measure(cur);
const baseCost = curCost;
const rows: (string | number)[][] = [['start (defaults)', '', '', curErr.toFixed(5), Math.round(curCost).toLocaleString('en-US'), '+0.0 %', describeOptions(cur)]];
// Lazy greedy: every move's gain per constraint is known from when it was last measured; the
// best stale one is measured again and taken if it still beats every other stale value (gains
// shrink as the error falls, so a stale value is usually an upper bound). Each move's cost is
// measured on the options it would produce.
const stale = new Map<Move, number>(MOVES.map((m) => [m, Infinity]));
while (stale.size > 0) {
  const [move] = [...stale].sort((a, b) => b[1] - a[1])[0];
  const o = move.apply(cur);
  if (!o) {
    stale.delete(move);
    continue;
  }
  const { err, cost: c } = measure(o);
  const ratio = (curErr - err) / Math.max(c - curCost, 1);
  console.error(`  ${move.name}: KL ${err.toFixed(5)}, ${Math.round(c)} constraints/position, gain ${ratio.toExponential(2)}`);
  stale.set(move, ratio);
  const others = [...stale].filter(([m]) => m !== move).map(([, r]) => r);
  if (others.length > 0 && ratio < Math.max(...others)) continue;
  if (ratio <= 0) break; // nothing left that lowers the error
  const added = c - curCost;
  cur = o;
  curErr = err;
  curCost = c;
  rows.push([move.name, ratio.toExponential(2), Math.round(added).toLocaleString('en-US'), curErr.toFixed(5), Math.round(curCost).toLocaleString('en-US'), `${(100 * (curCost / baseCost - 1)).toFixed(1)} %`, describeOptions(cur)]);
  console.error(rows[rows.length - 1].join(' | '));
  stale.set(move, Infinity); // its next level is a new move: measure it fresh
}

const engine = LOGUP
  ? `the LogUp engine (\`${rangeBackendName(ranges)}\`: ${ranges.limbBits}-bit limbs${ranges.clampBits ? `, a clamp table of 2^${ranges.clampBits} for int8 outputs` : ''}; the per-circuit tables not counted)`
  : "today's plain engine (bit-decomposition range checks, split-mux tables)";
writeBenchSection(
  LOGUP ? 'quant-search-logup' : 'quant-search',
  `## Precision per site: the greedy search${LOGUP ? ' (LogUp engine)' : ''}

\`npx node bench/quant-search.ts ${T}${LOGUP ? ` --ranges=${rangesArg}` : ''}\` — ${machineLine()}; load average (1 min) ${load0} at the start, ${loadavg()[0].toFixed(2)} at the end.

stories260K. Each step takes the move with the largest drop in error per constraint added (lazy greedy): one site group (every layer) 4 bits wider up to 16, the gate one bit wider up to 10 (a table twice as large), or the weights one bit wider up to 10. Error: mean KL(float ‖ int) of the integer path over the calibration texts (${texts.reduce((a, s) => a + s.length, 0)} positions; not the held-out texts). Cost: constraints per position of the stage circuits at T = ${T} under ${engine}, sampled at the middle positions (bench/lib/quant-cost.ts).

${markdownTable(['step', 'KL drop per constraint', 'constraints added', 'KL (calibration texts)', 'constraints / position', 'vs default', 'options after the step'], rows)}
`,
);
