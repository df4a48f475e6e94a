/**
 * Which quantization sites the integer/float divergence comes from (section `accuracy-sites`).
 * Run: npx node bench/accuracy-sites.ts
 * For stories260K and the bundled model under the default options: the float reference with one
 * site group's rounding and saturation injected (at the scales quantizeModel chose, every
 * layer), and with every group but one, against the plain float pass, on the held-out texts of
 * bench/accuracy.ts: teacher-forced top-1 agreement, mean KL(float ‖ variant) and perplexity.
 * bench/lib/quant-sites.ts says what the injection does not model.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { meanKl, negLogLikelihood, topOneAgreement } from '@zkinfer/prover/infer/fidelity.ts';
import { dequantizeLogits, forwardInt } from '@zkinfer/prover/infer/int.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import type { FloatModel } from '@zkinfer/prover/model/types.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { quantizeModelWithSites } from '@zkinfer/prover/quant/quantize.ts';
import { forwardFloat, type FloatObserver } from '@zkinfer/prover/reference/float.ts';
import { shakespeareValidation, STORIES_HELDOUT } from './lib/heldout-text.ts';
import { injectQuantization, presentGroups, SITE_GROUPS, withQuantizedWeights } from './lib/quant-sites.ts';
import type { SiteScale } from '@zkinfer/prover/quant/builders.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const shared = (p: string): string => fileURLToPath(new URL(`../../shared/${p}`, import.meta.url));
const loadAverage = (): string => loadavg()[0].toFixed(2);
const MODELS: { name: string; path: string; heldout: readonly string[] | null }[] = [
  { name: 'stories260K', path: shared('models/stories260K/stories260K.gguf'), heldout: STORIES_HELDOUT },
  { name: 'default (prover/models/default)', path: DEFAULT_MODEL_PATH, heldout: shakespeareValidation(shared('corpus/tinyshakespeare.txt'), 24, 33) },
];

interface Texts { fed: number[][]; targets: number[][]; float: Float32Array[][] }

function measure(t: Texts, rows: (ids: number[]) => ArrayLike<number>[]): { agree: string; kl: string; ppl: number } {
  let agree = 0;
  let total = 0;
  let kl = 0;
  let nats = 0;
  t.fed.forEach((ids, i) => {
    const r = rows(ids);
    agree += topOneAgreement(t.float[i], r).agree;
    kl += meanKl(t.float[i], r) * ids.length;
    nats += negLogLikelihood(r, t.targets[i]).nats;
    total += ids.length;
  });
  return { agree: `${agree}/${total} (${((100 * agree) / total).toFixed(1)} %)`, kl: (kl / total).toFixed(5), ppl: Math.exp(nats / total) };
}

/**
 * At int16 activations: the integer path, every activation group injected (float weights), the
 * weights alone at 8–10 bits (withQuantizedWeights), the gate alone at 8–10 bits, and the
 * integer path with 10-bit weights and a 9-bit gate.
 */
function wideRows(model: FloatModel, texts: Texts, withObserver: (o: FloatObserver) => (s: number[]) => ArrayLike<number>[], pct: (ppl: number) => string): (string | number)[][] {
  const calib = calibrationIds((x, o) => model.tokenizer.encode(x, o));
  const { model: q16, sites } = quantizeModelWithSites(model, calib, { actBits: 16, attnBits: 16 });
  const gate = SITE_GROUPS.filter((g) => g.name === 'FFN gate');
  const gateAt = (bits: number): Map<string, SiteScale> => {
    const m = new Map(sites);
    for (const [k, v] of sites) if (k.startsWith('gate.')) m.set(k, { scale: (v.scale * (2 ** (v.bits - 1) - 1)) / (2 ** (bits - 1) - 1), bits });
    return m;
  };
  const groups = presentGroups(sites);
  const row = (name: string, r: { agree: string; kl: string; ppl: number }) => [name, r.agree, r.kl, pct(r.ppl)];
  const intPath = (o: Parameters<typeof quantizeModelWithSites>[2]) => {
    const q = o ? quantizeModelWithSites(model, calib, o).model : q16;
    return (s: number[]) => forwardInt(q, s).map((r) => dequantizeLogits(q, r));
  };
  const weights = (bits: number) => {
    const m = withQuantizedWeights(model, bits);
    return (s: number[]) => forwardFloat(m, s);
  };
  const m8 = withQuantizedWeights(model, 8);
  const allWith8 = (s: number[]) => forwardFloat(m8, s, { observe: injectQuantization(sites, groups) });
  return [
    row('**the integer path** (forwardInt), int16 activations', measure(texts, intPath(undefined))),
    row('all activation groups at int16 scales (gate int8), float weights', measure(texts, withObserver(injectQuantization(sites, groups)))),
    row('the same with int8 weights', measure(texts, allWith8)),
    row('all activation groups but the gate', measure(texts, withObserver(injectQuantization(sites, groups.filter((g) => g !== gate[0]))))),
    ...[8, 9, 10].map((b) => row(`only the gate, ${b} bits`, measure(texts, withObserver(injectQuantization(gateAt(b), gate))))),
    ...[8, 9, 10].map((b) => row(`only the weights, ${b} bits per row`, measure(texts, weights(b)))),
    row('**the integer path**, int16 activations, 10-bit weights, 9-bit gate', measure(texts, intPath({ actBits: 16, attnBits: 16, weightBits: 10, siteBits: { gate: 9 } }))),
  ];
}

const sections: string[] = [];
const load0 = loadAverage();
for (const { name, path, heldout } of MODELS) {
  if (!existsSync(path) || !heldout) {
    console.error(`accuracy-sites: skipping ${name} (${path} or its held-out text not found)`);
    continue;
  }
  const model: FloatModel = loadModel(path);
  const { model: q, sites } = quantizeModelWithSites(model, calibrationIds((x, o) => model.tokenizer.encode(x, o)));
  const ids = heldout.map((x) => model.tokenizer.encode(x, { bos: true }).slice(0, model.config.contextLength + 1));
  const fed = ids.map((s) => s.slice(0, -1));
  const texts: Texts = { fed, targets: ids.map((s) => s.slice(1)), float: fed.map((s) => forwardFloat(model, s)) };
  const withObserver = (observe: FloatObserver) => (s: number[]) => forwardFloat(model, s, { observe });
  const groups = presentGroups(sites);
  const floatPpl = measure(texts, (s) => texts.float[fed.indexOf(s)]).ppl;
  const pct = (ppl: number): string => `${(100 * (ppl / floatPpl - 1)).toFixed(2)} %`;
  const rows: (string | number)[][] = [];
  const all = measure(texts, withObserver(injectQuantization(sites, groups)));
  const intPath = measure(texts, (s) => forwardInt(q, s).map((r) => dequantizeLogits(q, r)));
  for (const g of groups) {
    const alone = measure(texts, withObserver(injectQuantization(sites, [g])));
    const allBut = measure(texts, withObserver(injectQuantization(sites, groups.filter((x) => x !== g))));
    rows.push([g.name, alone.agree, alone.kl, pct(alone.ppl), allBut.agree, allBut.kl, pct(allBut.ppl)]);
    console.error(`${name} | ${rows[rows.length - 1].join(' | ')}`);
  }
  // The two groups that add the most KL alone, one layer at a time.
  const worst = groups.map((g) => ({ g, kl: Number(rows[groups.indexOf(g)][2]) })).sort((a, b) => b.kl - a.kl).slice(0, 2);
  const layerRows: (string | number)[][] = [];
  for (const { g } of worst) {
    for (let l = 0; l < model.config.nLayers; l++) {
      const m = measure(texts, withObserver(injectQuantization(sites, [g], l)));
      layerRows.push([g.name, l, m.agree, m.kl, pct(m.ppl)]);
    }
  }
  const wide = wideRows(model, texts, withObserver, pct);
  rows.push(['**all groups** (simulated integer path)', all.agree, all.kl, pct(all.ppl), '—', '—', '—']);
  rows.push(['**the integer path** (forwardInt)', intPath.agree, intPath.kl, pct(intPath.ppl), '—', '—', '—']);
  sections.push(`### ${name}\n\nFloat perplexity ${floatPpl.toFixed(3)} over ${fed.reduce((a, s) => a + s.length, 0)} positions.\n\n${markdownTable(
    ['site group (every layer)', 'only this group: teacher-forced top-1', 'KL', 'ppl increase', 'all but this group: top-1', 'KL', 'ppl increase'], rows)}\n\nThe two groups with the largest KL alone, one layer at a time (only that layer's site quantized):\n\n${markdownTable(['site group', 'layer', 'teacher-forced top-1', 'KL', 'ppl increase'], layerRows)}\n\nWhat is left at int16 activations (actBits = attnBits = 16, scales of that quantization), and what the weights and the gate (the activation table's input, int8 there) add:\n\n${markdownTable(['variant', 'teacher-forced top-1', 'KL', 'ppl increase'], wide)}`);
}

writeBenchSection(
  'accuracy-sites',
  `## Integer vs float accuracy, site by site

\`npx node bench/accuracy-sites.ts\` — ${machineLine()}; load average (1 min) ${load0} at the start, ${loadAverage()} at the end.

The float reference with the integer path's rounding and saturation injected at chosen sites through its observer (bench/lib/quant-sites.ts), at the scales and bits quantizeModel chose under the default options (int8 activations, int16 residual; quantizeModelWithSites), against the plain float pass on the held-out texts of the accuracy section.
"only this group": that site quantized in every layer, everything else float (the error the site adds alone). "all but this group": every other site quantized (what making that site exact, e.g. int16, would buy; compare with the "all groups" row).
Not modelled by the injection: int8 weights, the integer rsqrt, the exp tables of the softmax, the multipliers' own rounding: the gap between "all groups" and the integer path is theirs. The weights are measured apart in the last table of each model (the float pass with every matrix rounded per row as quantizeRows does: bench/lib/quant-sites.ts withQuantizedWeights).

${sections.join('\n\n')}
`,
);
