/**
 * Constraint costs of the transformer circuits (section `transformer-costs`; with
 * `--ranges=logup`, section `transformer-costs-logup`; with `--quant P` for a preset other than
 * int8, the section name gains `-P`).
 * Run: npx node bench/transformer-costs.ts [T] [--ranges=plain|logup|logup:B] [--quant P] [--model=FILE]
 *   (default T = 32, plain, int8; P a QUANT_PRESETS name; --model: that model file only, e.g. a
 *   candidate for the bundled model, printed and not written to BENCHMARKS.md)
 * `logup` builds the stages with the LogUp range backend (circuit/logup-ranges.ts) at the limb
 * width the cost model picks (circuit/limb-cost.ts: first measured at b = 8, which gives the
 * check widths, then again at the chosen b); `logup:B` fixes b. A stage's count is then its
 * rows plus one inverse row per LogUp query (deferred to resolve), without the table's
 * 2^b + 2 rows, which each circuit pays once (reported apart).
 * For the default model (prover/models/default) and stories260K (../shared/models): every
 * stage of forwardStages(q, T) is built alone in shape mode (exact counts, no witness), and
 * its constraints are attributed to the op that added them (by gadget scope labels). Per-layer
 * ops are reported per position per layer (averaged over the T positions: attention grows
 * with the number of visible keys), embedding and logits per position.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildStageShape, forwardStages } from '@zkinfer/prover/circuit/transformer/stages.ts';
import { defaultChunkPower, planStages, stagesForLayout } from '@zkinfer/prover/chunks/position.ts';
import { chooseLimbBits, LIMB_CANDIDATES, plainCostUs, predictedCostUs } from '@zkinfer/prover/circuit/limb-cost.ts';
import { LogUpRanges } from '@zkinfer/prover/circuit/logup-ranges.ts';
import { parseRangeBackend, PLAIN_RANGES, rangeBackendName, type RangeBackend, rangePlanOptions } from '@zkinfer/prover/circuit/range-backend.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { QUANT_PRESETS, type QuantPreset } from '@zkinfer/prover/quant/options.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const args = process.argv.slice(2);
const quantAt = args.indexOf('--quant');
const preset = (quantAt >= 0 ? args[quantAt + 1] : 'int8') as QuantPreset;
if (!(preset in QUANT_PRESETS)) throw new Error(`--quant ${preset}: not one of ${Object.keys(QUANT_PRESETS).join(', ')}`);
const positional = args.filter((a, i) => !a.startsWith('--') && !(quantAt >= 0 && i === quantAt + 1));
const rangesArg = args.find((a) => a.startsWith('--ranges='))?.slice('--ranges='.length) ?? 'plain';
const parsedRanges = parseRangeBackend(rangesArg); // refuses anything but plain, logup, logup:B, logup:B:W
const T = Number(positional[0] ?? 32);
const LOGUP = rangesArg !== 'plain';
const fixedB = rangesArg.startsWith('logup:') ? Number(rangesArg.split(':')[1]) : undefined;
const clampBits = parsedRanges.kind === 'logup' ? parsedRanges.clampBits : undefined;
const shared = (p: string) => fileURLToPath(new URL(`../../shared/${p}`, import.meta.url));
const modelArg = args.find((a) => a.startsWith('--model='))?.slice('--model='.length);
const MODELS = modelArg
  ? [{ name: modelArg, path: modelArg }]
  : [
      { name: 'default (prover/models/default)', path: DEFAULT_MODEL_PATH },
      { name: 'stories260K', path: shared('models/stories260K/stories260K.gguf') },
    ];

/** The op a constraint belongs to, from its scope label (see the gadgets' cs.scope names). */
function opOf(label: string): { op: string; perLayer: boolean } {
  const p = label.replace(/^t\d+\//, '').split('/');
  const layer = (op: string) => ({ op, perLayer: true });
  const once = (op: string) => ({ op, perLayer: false });
  if (p[0] === 'onehot') return once('embed: one-hot token');
  if (/^x\d+$/.test(p[0])) return once('embed: requant');
  if (p[0] === 'qkv') {
    if (/^norm\d+$/.test(p[1])) return layer('attn RMSNorm (x², rsqrt, x·r, requant)');
    if (p[1] === 'qNorm' || p[1] === 'kNorm') return layer('QK-norm factor and products (Gemma 3)');
    if (p[1] === 'rope') return layer('q/k requant with fused RoPE');
    return layer('projection requant (v; Gemma 3 also int16 q/k)');
  }
  if (/^head\d+$/.test(p[0])) {
    if (/^qk\d+$/.test(p[1])) return layer('scores q·k (products)');
    if (/^pv\d+$/.test(p[1])) return layer('p·V (products)');
    if (p[1] === 'requant') return layer('attention output requant');
    if (p[2] === 'maximum') return layer('softmax: proven max');
    if (/^e\d+$/.test(p[2])) return layer(p[3] === 'expNeg' ? 'softmax: exp tables' : 'softmax: exp input rescale');
    if (p[2] === 'reciprocal') return layer('softmax: 1/Σe');
    return layer('softmax: normalise (u·r products)');
  }
  if (p[0] === 'wo') return layer(p[1] === 'postNorm' ? 'Wo post-norm + residual (Gemma 3)' : 'Wo rescale / residual add');
  if (p[0] === 'ffn') {
    if (/^norm\d+$/.test(p[1])) return layer('FFN RMSNorm');
    if (p[1] === 'activation') return layer('FFN activation table');
    if (/^au\d+$/.test(p[1])) return layer('FFN gating product');
    if (p[1] === 'postNorm') return layer('post-FFN norm + residual (Gemma 3)');
    return layer('FFN gate/up/hidden/down requant');
  }
  if (p[0] === 'logup' && p[1] === 'clamp') return once('LogUp: clamp table (int8 saturation: β·value and an inverse per lookup)');
  if (p[0] === 'logup') return once(/^lookup\d+$/.test(p[1]) ? 'LogUp: value tables (2^k rows + sum per circuit; β·value and an inverse per lookup)' : 'LogUp: inverse per query (deferred to resolve)');
  // The logits acc·m are linear combinations (free): the logits scope holds only the norm.
  if (p[0] === 'logits') return once(/^norm\d+$/.test(p[1]) ? 'final RMSNorm' : 'logits (besides the norm)');
  if (p[0] === 'greedy') return once('argmax of acc·m + greedy check');
  return once(p[0]);
}

/** What kind of check a constraint is (the same classification for every op). */
function kindOf(label: string): string {
  if (/^logup\/clamp\//.test(label)) return 'saturating int8 outputs by the clamp table (β·value and an inverse per lookup)';
  if (/\/(overshoot|window|lo:bool|hi:bool|loQ|hiQ|inRangeHigh|loHi)(\/|$)/.test(label)) return 'saturating outputs (flags, products, one window check of y or the overshoot)';
  if (/\/requant\/signed\//.test(label)) return 'requantization output range checks';
  if (/\/requant\/toBits\d+\//.test(label)) return 'rounding remainders (s bits per requantization)';
  if (/\/rshift\//.test(label) || /\/expNeg\/(digits|toBits\d+)\//.test(label)) return 'softmax exact shifts (remainder, quotient bits or digits)';
  if (/\/(rsqrt|reciprocal)\//.test(label)) return '1/√ and 1/x hints (range checks, products)';
  if (/\/(maximum|argmax)\//.test(label)) return 'max / argmax (difference range checks, one-hot)';
  if (/\/lookup\d+\//.test(label)) return 'table lookups (activation, exp digits)';
  if (/^logup\/(range\d+\/)?query$/.test(label)) return 'LogUp: one inverse per query (deferred to resolve)';
  if (/^logup\/lookup\d+\//.test(label)) return 'LogUp: value tables (activation, exp digits: β·value and an inverse per lookup)';
  if (/\/recompose$/.test(label)) return 'LogUp: limb recomposition (one per check)';
  if (/onehot\//.test(label)) return 'one-hot token';
  if (/(^|\/)(qk\d+|pv\d+|sq\d+|xr\d+|yr\d+|au\d+|er|acc\d+|inRange)$/.test(label)) return 'private products (q·k, p·v, x², x·r, gating, exp)';
  return 'other';
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const section = `transformer-costs${LOGUP ? '-logup' : ''}${preset === 'int8' ? '' : `-${preset}`}`;
let md = `## ${section}\n\nCommand: \`npx node bench/transformer-costs.ts ${T}${LOGUP ? ` --ranges=${rangesArg}` : ''}${preset === 'int8' ? '' : ` --quant ${preset}`}\`. ${machineLine()}.\n` +
  `Exact constraint counts of the transformer stages (prover/src/circuit/transformer/), T = ${T}, built in shape mode; ` +
  'excludes the chunk overhead (position masks, prompt opening, boundary commitments: prover/src/chunks/). ' +
  'Per-layer ops are per position per layer, averaged over the T positions (attention grows with the visible keys); ' +
  `embedding and logits per position (logits at the T − 1 positions that have a next token).\n`;
if (LOGUP) {
  md += '\n**LogUp circuits** (range checks by the LogUp backend, docs/decisions.md 18; provable with the BSB22 commitment, decisions 22). ' +
    'Counts per stage include one inverse row per query (stated at resolve); ' +
    'each circuit also pays the range table, the short-limb tables of 2^1 … 2^(b−1) (docs/decisions.md 33) and β = Poseidon(c) once (2^b + 2 + 2^b − 2 + b − 1 + 213 rows), and with a clamp table (`logup:B:W`, default W = 10, docs/decisions.md 32) its 2^W + 1 rows, listed apart; a stage using a value table ' +
    '(the FFN activation, the softmax exp digits: pairs (index, T[index]) against i + β·T[i], docs/decisions.md 31) pays its 2^k + 1 rows, and each lookup two (β·value, the inverse). ' +
    'Still decompositions: `bits` requests whose bits a gadget computes with (signs, comparisons, saturation windows).\n';
}

interface Pass {
  total: number;
  byOp: Map<string, { n: number; perLayer: boolean }>;
  byKind: Map<string, number>;
  largest: { name: string; n: number };
  widths: Map<number, number>;
  fixedRows: number;
  nStages: number;
  secs: number;
}

/** Every stage built alone in shape mode with `ranges`, its rows attributed to ops and kinds. */
function measurePass(name: string, q: QuantModel, ranges: RangeBackend): Pass {
  const t0 = performance.now();
  const pass: Pass = { total: 0, byOp: new Map(), byKind: new Map(), largest: { name: '', n: 0 }, widths: new Map(), fixedRows: 0, nStages: 0, secs: 0 };
  const stages = forwardStages(q, T, { ranges });
  pass.nStages = stages.length;
  for (const s of stages) {
    const cs = buildStageShape(q, T, s, ranges);
    const n = cs.nConstraints - cs.ranges.fixedRows;
    pass.fixedRows = cs.ranges.fixedRows;
    pass.total += n;
    if (n > pass.largest.n) pass.largest = { name: s.name, n };
    if (cs.ranges instanceof LogUpRanges) for (const [k, c] of cs.ranges.checkWidths) pass.widths.set(k, (pass.widths.get(k) ?? 0) + c);
    for (let i = 0; i < cs.nConstraints; i++) {
      const label = cs.store.labelOf(i);
      if (/^logup\/(clamp\/|range\d+\/)?(table|sum|blind)$/.test(label)) continue; // the circuit's once-only rows
      const kind = kindOf(label);
      pass.byKind.set(kind, (pass.byKind.get(kind) ?? 0) + 1);
      const { op, perLayer } = opOf(label);
      const e = pass.byOp.get(op) ?? { n: 0, perLayer };
      e.n += 1;
      pass.byOp.set(op, e);
    }
    process.stderr.write(`\r${name} (${rangeBackendName(ranges)}): ${s.name} (${fmt(pass.total)} constraints so far)   `);
  }
  process.stderr.write('\n');
  pass.secs = (performance.now() - t0) / 1000;
  return pass;
}

/** Chunks of one bundle in the default (positions) layout and power with `ranges`: each pays the LogUp table once. */
function bundleChunks(q: QuantModel, ranges: RangeBackend): number {
  const stages = stagesForLayout('positions', q, T, ranges);
  const rows = rangePlanOptions(ranges);
  return planStages(stages, { ctx: T, power: defaultChunkPower(stages, T, rows), ...rows }).length;
}

for (const m of MODELS) {
  if (!existsSync(m.path)) {
    md += `\n### ${m.name}\n\nskipped: ${m.path} not found\n`;
    continue;
  }
  const model = loadModel(m.path);
  const q = quantizeModel(model, calibrationIds((t, o) => model.tokenizer.encode(t, o)), QUANT_PRESETS[preset]);
  const c = q.config;
  let backend: RangeBackend = LOGUP ? { kind: 'logup', limbBits: fixedB ?? 8, clampBits } : PLAIN_RANGES;
  let pass = measurePass(m.name, q, backend);
  let choice = '';
  if (LOGUP) {
    const circuits = bundleChunks(q, backend);
    const b = fixedB ?? chooseLimbBits(pass.widths, circuits);
    const plain = plainCostUs(pass.widths);
    choice = `\n\nLimb width: predicted prover time of the pass's ${fmt([...pass.widths.values()].reduce((a, n) => a + n, 0))} range checks ` +
      `(\`check\` requests; circuit/limb-cost.ts; ${circuits} chunks per bundle, each paying the table) — plain decomposition ${(plain / 1e6).toFixed(2)} s; ` +
      LIMB_CANDIDATES.map((x) => `b = ${x}: ${(predictedCostUs(pass.widths, circuits, x) / 1e6).toFixed(2)} s`).join(', ') +
      `. ${fixedB ? `b fixed at ${b} (--ranges=logup:${b})` : `The model picks **b = ${b}**`}.`;
    if (b !== (fixedB ?? 8)) {
      // The tables below are for b; the default backend's count (b = 8) stays in the text.
      choice += ` At b = ${fixedB ?? 8}, the default backend's, the pass is ${fmt(pass.total)} constraints, **${fmt(pass.total / T)} per position** (the tables below are at b = ${b}).`;
      backend = { kind: 'logup', limbBits: b, clampBits };
      pass = measurePass(m.name, q, backend);
    }
    choice += ` Each circuit pays its tables and β once: ${fmt(pass.fixedRows)} rows; ${bundleChunks(q, backend)} chunks per bundle at b = ${b}.`;
  }
  const { total, byOp, byKind, largest, secs } = pass;
  const rows = [...byOp].sort((a, b) => b[1].n - a[1].n).map(([op, e]) => [
    op,
    e.perLayer ? fmt(e.n / (T * c.nLayers)) : '',
    e.perLayer ? '' : fmt(e.n / T),
    `${((100 * e.n) / total).toFixed(1)} %`,
  ]);
  md += `\n### ${m.name}\n\n${c.family}, d = ${c.dModel}, ${c.nLayers} layers, ${c.nHeads}/${c.nKvHeads} heads of ${c.headDim}, FFN ${c.ffnDim}, vocab ${c.vocabSize}.\n\n`;
  md += markdownTable(['op', 'per position per layer', 'per position', 'share of the pass'], rows);
  md += '\n\nThe same constraints by kind of check:\n\n';
  md += markdownTable(['kind', 'per position', 'share'], [...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, fmt(n / T), `${((100 * n) / total).toFixed(1)} %`]));
  md += `\n\nWhole pass at T = ${T}: **${fmt(total)}** constraints, **${fmt(total / T)} per position**; ${pass.nStages} stages (1 position each), ` +
    `largest ${largest.name} with ${fmt(largest.n)}. Measured in ${secs.toFixed(0)} s.${choice}\n`;
}
if (!modelArg) writeBenchSection(section, md);
process.stdout.write(md);
