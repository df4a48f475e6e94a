/**
 * Constraint costs of the transformer circuits (section `transformer-costs`).
 * Run: npx node bench/transformer-costs.ts [T] [--quant P]   (default T = 32; P a QUANT_PRESETS
 * name, default int8: with another preset the section is written as transformer-costs-P)
 * For the default model (prover/models/default) and stories260K (../shared/models): every
 * stage of forwardStages(q, T) is built alone in shape mode (exact counts, no witness), and
 * its constraints are attributed to the op that added them (by gadget scope labels). Per-layer
 * ops are reported per position per layer (averaged over the T positions: attention grows
 * with the number of visible keys), embedding and logits per position.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildStageShape, forwardStages } from '@zkinfer/prover/circuit/transformer/stages.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { QUANT_PRESETS, type QuantPreset } from '@zkinfer/prover/quant/options.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const T = Number(process.argv[2] ?? 32);
const quantAt = process.argv.indexOf('--quant');
const preset = (quantAt > 0 ? process.argv[quantAt + 1] : 'int8') as QuantPreset;
if (!(preset in QUANT_PRESETS)) throw new Error(`--quant ${preset}: not one of ${Object.keys(QUANT_PRESETS).join(', ')}`);
const shared = (p: string) => fileURLToPath(new URL(`../../shared/${p}`, import.meta.url));
const MODELS = [
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
  // The logits acc·m are linear combinations (free): the logits scope holds only the norm.
  if (p[0] === 'logits') return once(/^norm\d+$/.test(p[1]) ? 'final RMSNorm' : 'logits (besides the norm)');
  if (p[0] === 'greedy') return once('argmax of acc·m + greedy check');
  return once(p[0]);
}

/** What kind of check a constraint is (the same classification for every op). */
function kindOf(label: string): string {
  if (/\/(overshoot|window|lo:bool|hi:bool|loQ|hiQ|inRangeHigh|loHi)(\/|$)/.test(label)) return 'saturating outputs (flags, products, one window check of y or the overshoot)';
  if (/\/requant\/signed\//.test(label)) return 'requantization output range checks';
  if (/\/requant\/toBits\d+\//.test(label)) return 'rounding remainders (s bits per requantization)';
  if (/\/rshift\//.test(label)) return 'softmax exact shifts (remainder + quotient bits)';
  if (/\/(rsqrt|reciprocal)\//.test(label)) return '1/√ and 1/x hints (range checks, products)';
  if (/\/(maximum|argmax)\//.test(label)) return 'max / argmax (difference range checks, one-hot)';
  if (/\/lookup\d+\//.test(label)) return 'table lookups (activation, exp digits)';
  if (/onehot\//.test(label)) return 'one-hot token';
  if (/(^|\/)(qk\d+|pv\d+|sq\d+|xr\d+|yr\d+|au\d+|er|acc\d+|inRange)$/.test(label)) return 'private products (q·k, p·v, x², x·r, gating, exp)';
  return 'other';
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const section = preset === 'int8' ? 'transformer-costs' : `transformer-costs-${preset}`;
let md = `## ${section}\n\nCommand: \`npx node bench/transformer-costs.ts ${T}${preset === 'int8' ? '' : ` --quant ${preset}`}\`. ${machineLine()}.\n` +
  `Exact constraint counts of the transformer stages (prover/src/circuit/transformer/), T = ${T}, built in shape mode; ` +
  'excludes the chunk overhead (position masks, prompt opening, boundary commitments: prover/src/chunks/). ' +
  'Per-layer ops are per position per layer, averaged over the T positions (attention grows with the visible keys); ' +
  `embedding and logits per position (logits at the T − 1 positions that have a next token).\n`;

for (const m of MODELS) {
  if (!existsSync(m.path)) {
    md += `\n### ${m.name}\n\nskipped: ${m.path} not found\n`;
    continue;
  }
  const model = loadModel(m.path);
  const q = quantizeModel(model, calibrationIds((t, o) => model.tokenizer.encode(t, o)), QUANT_PRESETS[preset]);
  const c = q.config;
  const t0 = performance.now();
  const byOp = new Map<string, { n: number; perLayer: boolean }>();
  const byKind = new Map<string, number>();
  let total = 0;
  let largest = { name: '', n: 0 };
  const stages = forwardStages(q, T);
  for (const s of stages) {
    const cs = buildStageShape(q, T, s);
    total += cs.nConstraints;
    if (cs.nConstraints > largest.n) largest = { name: s.name, n: cs.nConstraints };
    for (let i = 0; i < cs.nConstraints; i++) {
      const label = cs.store.labelOf(i);
      const kind = kindOf(label);
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      const { op, perLayer } = opOf(label);
      const e = byOp.get(op) ?? { n: 0, perLayer };
      e.n += 1;
      byOp.set(op, e);
    }
    process.stderr.write(`\r${m.name}: ${s.name} (${fmt(total)} constraints so far)   `);
  }
  process.stderr.write('\n');
  const secs = (performance.now() - t0) / 1000;
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
  md += `\n\nWhole pass at T = ${T}: **${fmt(total)}** constraints, **${fmt(total / T)} per position**; ${stages.length} stages (1 position each), ` +
    `largest ${largest.name} with ${fmt(largest.n)}. Measured in ${secs.toFixed(0)} s.\n`;
}
writeBenchSection(section, md);
process.stdout.write(md);
