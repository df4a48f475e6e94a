/**
 * Accuracy of the integer path against the float reference (section `accuracy`).
 * Run: npx node bench/accuracy.ts
 * For every available model and two activation settings: greedy token agreement of
 * generateInt vs generateFloat over up to 32 generated tokens per prompt (fewer where the context is shorter) (first divergence), and the
 * logit error of forwardInt (dequantized) against forwardFloat on the float's own greedy
 * sequence. Calibration: the built-in CALIBRATION_TEXTS (quant/calibration-text.ts).
 * On held-out text (bench/lib/heldout-text.ts, never the calibration texts): teacher-forced
 * top-1 agreement of forwardInt with forwardFloat (both fed the same reference tokens) and the
 * perplexity (nats per token) of the text under each path (prover/src/infer/fidelity.ts).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { forwardFloat, generateFloat } from '@zkinfer/prover/reference/float.ts';
import { dequantizeLogits, forwardInt, generateInt } from '@zkinfer/prover/infer/int.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import type { QuantOptions } from '@zkinfer/prover/quant/types.ts';
import { QUANT_PRESETS } from '@zkinfer/prover/quant/options.ts';
import { DEFAULT_RANGE_BACKEND } from '@zkinfer/prover/circuit/range-backend.ts';
import { sampledCost } from './lib/quant-cost.ts';
import { meanKl, negLogLikelihood, topOneAgreement } from '@zkinfer/prover/infer/fidelity.ts';
import type { FloatModel } from '@zkinfer/prover/model/types.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import { shakespeareValidation, STORIES_HELDOUT } from './lib/heldout-text.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const loadAverage = (): string => loadavg()[0].toFixed(2);
const shared = (p: string) => fileURLToPath(new URL(`../../shared/${p}`, import.meta.url));
const SHAKESPEARE_PROMPTS = ['ROMEO:', 'To be', 'KING:\n', 'First Citizen:', 'JULIET:\nO'];
// Held-out texts: stories written for the bench (stories260K's domain; the random models have
// no domain), and for the bundled model 24 windows of 33 bytes of tinyshakespeare's last 10 %,
// its validation split (32 predictions each at its 32-position context).
const SHAKESPEARE_HELDOUT = shakespeareValidation(shared('corpus/tinyshakespeare.txt'), 24, 33);
// `cost`: count the circuits' constraints too (not for llama-2-tiny-random: its 32,000-entry
// vocabulary makes the logits stage too large to build in memory).
const MODELS: { name: string; path: string; prompts?: string[]; heldout: readonly string[] | null; heldoutName: string; cost?: false }[] = [
  { name: 'stories260K', path: shared('models/stories260K/stories260K.gguf'), heldout: STORIES_HELDOUT, heldoutName: `${STORIES_HELDOUT.length} hand-written stories` },
  { name: 'default (prover/models/default)', path: DEFAULT_MODEL_PATH, prompts: SHAKESPEARE_PROMPTS, heldout: SHAKESPEARE_HELDOUT, heldoutName: 'tinyshakespeare validation, 24 × 33 bytes' },
  { name: 'tiny-gemma3-random', path: shared('models/tiny-gemma3-random/model.safetensors'), heldout: STORIES_HELDOUT, heldoutName: `${STORIES_HELDOUT.length} hand-written stories` },
  { name: 'llama-2-tiny-random', path: shared('models/llama-2-tiny-random/llama-2-tiny-random.gguf'), heldout: STORIES_HELDOUT, heldoutName: `${STORIES_HELDOUT.length} hand-written stories`, cost: false },
];

/** Teacher-forced agreement, perplexities and KL of the integer path against float over the held-out texts. */
function heldoutMeasures(model: FloatModel, q: QuantModel, texts: readonly string[]): { agree: number; total: number; pplInt: number; pplFloat: number; kl: number } {
  let agree = 0;
  let natsInt = 0;
  let natsFloat = 0;
  let total = 0;
  let klSum = 0;
  for (const text of texts) {
    // Row t of ids[0..n−1) predicts ids[t + 1]; a text longer than the context is cut there.
    const ids = model.tokenizer.encode(text, { bos: true }).slice(0, model.config.contextLength + 1);
    const fed = ids.slice(0, -1);
    const targets = ids.slice(1);
    const lf = forwardFloat(model, fed);
    const li = forwardInt(q, fed).map((row) => dequantizeLogits(q, row));
    agree += topOneAgreement(lf, li).agree;
    natsFloat += negLogLikelihood(lf, targets).nats;
    natsInt += negLogLikelihood(li, targets).nats;
    klSum += meanKl(lf, li) * fed.length;
    total += fed.length;
  }
  return { agree, total, pplInt: Math.exp(natsInt / total), pplFloat: Math.exp(natsFloat / total), kl: klSum / total };
}
const PROMPTS = ['Once upon a time', 'The little dog', 'Tom and Sue went to', 'She looked at the sky and', 'ROMEO: What light'];
const VARIANTS: { name: string; opts: Partial<QuantOptions> }[] = [
  { name: 'int8 everywhere', opts: { actBits: 8, attnBits: 8 } },
  { name: 'int8, MSE calibration', opts: { calibration: 'mse' } },
  { name: 'int16 q/k/v/up', opts: { actBits: 8, attnBits: 16 } },
  { name: 'int16 all activations', opts: { actBits: 16, attnBits: 16 } },
  { name: 'int16 all, 10-bit weights, 9-bit gate', opts: { actBits: 16, attnBits: 16, weightBits: 10, siteBits: { gate: 9 } } },
  { name: '**fidelity preset** (12-bit act., 10-bit weights, 9-bit gate)', opts: QUANT_PRESETS.fidelity },
  { name: '**fidelity-logup preset** (12/16-bit act., 9-bit weights, MSE int8 sites)', opts: QUANT_PRESETS['fidelity-logup'] },
];
/** "N (+x.x %)": a cost and its change against the row "int8 everywhere" of the same model and engine. */
const cell = (cost: number, base: number): string => `${Math.round(cost).toLocaleString('en-US')} (${cost >= base ? '+' : ''}${(100 * (cost / base - 1)).toFixed(1)} %)`;
/** Positions of the constraint count beside each row (sampledCost; bench/transformer-costs.ts counts exactly). */
const COST_T = 32;
const N = 32;

const rows: (string | number)[][] = [];
const load0 = loadAverage();
const heldoutRows: (string | number)[][] = [];
for (const { name, path, prompts = PROMPTS, heldout, heldoutName, cost: withCost = true } of MODELS) {
  if (!existsSync(path)) {
    console.error(`accuracy: skipping ${name} (${path} not found)`);
    continue;
  }
  const model = loadModel(path);
  const calib = calibrationIds((t, o) => model.tokenizer.encode(t, o));
  let baseCost = 0;
  let baseLogUp = 0;
  const costT = Math.min(COST_T, model.config.contextLength);
  for (const v of VARIANTS) {
    const q = quantizeModel(model, calib, v.opts);
    const cost = withCost ? sampledCost(q, costT) : NaN;
    const logUpCost = withCost ? sampledCost(q, costT, DEFAULT_RANGE_BACKEND) : NaN;
    if (v === VARIANTS[0]) {
      baseCost = cost;
      baseLogUp = logUpCost;
    }
    const costCell = withCost ? cell(cost, baseCost) : '—';
    const logUpCell = withCost ? cell(logUpCost, baseLogUp) : '—';
    let agreeTotal = 0;
    let generatedTotal = 0;
    const firstDiv: string[] = [];
    let maxErr = 0;
    let sumErr = 0;
    let count = 0;
    let maxLogit = 0;
    for (const prompt of prompts) {
      const ids = model.tokenizer.encode(prompt, { bos: true });
      // A small context (the bundled model's is 32) limits how far a prompt can continue.
      const n = Math.min(N, model.config.contextLength - ids.length);
      const f = generateFloat(model, ids, n);
      const g = generateInt(q, ids, n);
      let first = 0;
      while (first < n && f[first] === g[first]) first++;
      firstDiv.push(first === n ? '—' : String(first));
      agreeTotal += f.filter((t, i) => t === g[i]).length;
      generatedTotal += n;
      const seq = [...ids, ...f];
      const lf = forwardFloat(model, seq);
      const li = forwardInt(q, seq);
      for (let t = 0; t < seq.length; t++) {
        const d = dequantizeLogits(q, li[t]);
        for (let k = 0; k < d.length; k++) {
          const e = Math.abs(d[k] - lf[t][k]);
          maxErr = Math.max(maxErr, e);
          sumErr += e;
          count++;
          maxLogit = Math.max(maxLogit, Math.abs(lf[t][k]));
        }
      }
    }
    rows.push([name, v.name, firstDiv.join(', '), `${agreeTotal}/${generatedTotal}`, maxErr.toFixed(4), (sumErr / count).toFixed(4), maxLogit.toFixed(2)]);
    console.error(rows[rows.length - 1].join(' | '));
    if (heldout) {
      const h = heldoutMeasures(model, q, heldout);
      heldoutRows.push([
        name, v.name, heldoutName, `${agreeTotal}/${generatedTotal}`, `${h.agree}/${h.total} (${((100 * h.agree) / h.total).toFixed(1)} %)`,
        h.pplFloat.toFixed(3), h.pplInt.toFixed(3), `${(100 * (h.pplInt / h.pplFloat - 1)).toFixed(2)} %`, h.kl.toFixed(4), costCell, logUpCell,
      ]);
      console.error(heldoutRows[heldoutRows.length - 1].join(' | '));
    }
  }
}

writeBenchSection(
  'accuracy',
  `## Integer vs float accuracy

\`npx node bench/accuracy.ts\` — ${machineLine()}; load average (1 min) ${load0} at the start, ${loadAverage()} at the end.

Greedy decoding of ${N} tokens after each prompt (${PROMPTS.map((p) => JSON.stringify(p)).join(', ')}; BOS prepended).
"first divergence" lists, per prompt, the index of the first generated token where int and float differ (— = all ${N} agree).
Logit error: |dequantized forwardInt − forwardFloat| over every position and vocabulary entry of the float's greedy sequence.
Calibration: the built-in texts of prover/src/quant/calibration-text.ts. Weights per output channel (int8 unless the row says otherwise), residual int16, logits acc·m exact (no rescale, 12-bit multipliers).
"activations" = bits of matmul inputs (norm outputs, attention output, FFN hidden) and of the attention operands q/k/v and FFN up; the FFN gate (the activation table's input) stays int8 unless the row says otherwise; the default (DEFAULT_QUANT_OPTIONS) is int8 everywhere. The presets are prover/src/quant/options.ts QUANT_PRESETS (\`--quant fidelity\`, \`--quant fidelity-logup\`; docs/quantization.md "Precision per site").
Models not present on the machine are skipped (listed on stderr).

${markdownTable(['model', 'activations', 'first divergence per prompt', 'tokens agreeing', 'max logit err', 'mean logit err', 'max abs float logit'], rows)}

### Teacher-forced agreement and perplexity on held-out text

Both paths are fed the same reference tokens (the held-out text, BOS prepended where the model has one, cut at the context length), so a single early flip does not derail the rest.
"teacher-forced top-1": positions where forwardInt's argmax equals forwardFloat's. Perplexity: exp(mean nats per token) of the text's next tokens under each path ("int/float − 1" is the increase the quantization costs); KL: mean KL(float ‖ int) of the next-token distributions, nats.
Held-out texts (bench/lib/heldout-text.ts, never the calibration texts): for stories260K eight short stories written for this bench (TinyStories domain); for the bundled model 24 evenly spaced 33-byte windows of the last 10 % of tinyshakespeare, the validation split its card names; the random models get the stories too (their perplexities mean nothing, their agreement still does).
Measures: prover/src/infer/fidelity.ts. Free-running greedy agreement from the table above, beside.
Constraints per position: the stage circuits at T = ${COST_T} (the model's context if shorter), sampled at the middle positions (bench/lib/quant-cost.ts, within 0.1 % of the exact sum of bench/transformer-costs.ts), under each engine: plain (bit-decomposition range checks, split-mux tables; \`--plain\`) and LogUp (the default \`logup8c10\`: 8-bit limbs, a clamp table for int8 outputs; the tables a circuit holds once not counted); the percentage is against the row "int8 everywhere" of the same model and engine.

${markdownTable(['model', 'activations', 'held-out text', 'greedy agreement', 'teacher-forced top-1', 'float ppl', 'int ppl', 'int/float − 1', 'KL nats/token', 'plain constraints / position', 'LogUp constraints / position'], heldoutRows)}
`,
);
