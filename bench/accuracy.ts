/**
 * Accuracy of the integer path against the float reference (section `accuracy`).
 * Run: npx node bench/accuracy.ts
 * For every available model and two activation settings: greedy token agreement of
 * generateInt vs generateFloat over up to 32 generated tokens per prompt (fewer where the context is shorter) (first divergence), and the
 * logit error of forwardInt (dequantized) against forwardFloat on the float's own greedy
 * sequence. Calibration: the built-in CALIBRATION_TEXTS (quant/calibration-text.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forwardFloat, generateFloat } from '@zkinfer/prover/reference/float.ts';
import { dequantizeLogits, forwardInt, generateInt } from '@zkinfer/prover/infer/int.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import type { QuantOptions } from '@zkinfer/prover/quant/types.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const shared = (p: string) => fileURLToPath(new URL(`../../shared/${p}`, import.meta.url));
const SHAKESPEARE_PROMPTS = ['ROMEO:', 'To be', 'KING:\n', 'First Citizen:', 'JULIET:\nO'];
const MODELS: { name: string; path: string; prompts?: string[] }[] = [
  { name: 'stories260K', path: shared('models/stories260K/stories260K.gguf') },
  { name: 'default (prover/models/default)', path: DEFAULT_MODEL_PATH, prompts: SHAKESPEARE_PROMPTS },
  { name: 'tiny-gemma3-random', path: shared('models/tiny-gemma3-random/model.safetensors') },
  { name: 'llama-2-tiny-random', path: shared('models/llama-2-tiny-random/llama-2-tiny-random.gguf') },
];
const PROMPTS = ['Once upon a time', 'The little dog', 'Tom and Sue went to', 'She looked at the sky and', 'ROMEO: What light'];
const VARIANTS: { name: string; opts: Partial<QuantOptions> }[] = [
  { name: 'int8 everywhere', opts: { actBits: 8, attnBits: 8 } },
  { name: 'int16 q/k/v/up', opts: { actBits: 8, attnBits: 16 } },
  { name: 'int16 all activations', opts: { actBits: 16, attnBits: 16 } },
];
const N = 32;

const rows: (string | number)[][] = [];
for (const { name, path, prompts = PROMPTS } of MODELS) {
  if (!existsSync(path)) {
    console.error(`accuracy: skipping ${name} (${path} not found)`);
    continue;
  }
  const model = loadModel(path);
  const calib = calibrationIds((t, o) => model.tokenizer.encode(t, o));
  for (const v of VARIANTS) {
    const q = quantizeModel(model, calib, v.opts);
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
  }
}

writeBenchSection(
  'accuracy',
  `## Integer vs float accuracy

\`npx node bench/accuracy.ts\` — ${machineLine()}.

Greedy decoding of ${N} tokens after each prompt (${PROMPTS.map((p) => JSON.stringify(p)).join(', ')}; BOS prepended).
"first divergence" lists, per prompt, the index of the first generated token where int and float differ (— = all ${N} agree).
Logit error: |dequantized forwardInt − forwardFloat| over every position and vocabulary entry of the float's greedy sequence.
Calibration: the built-in texts of prover/src/quant/calibration-text.ts. Weights int8 per output channel, residual int16, logits acc·m exact (no rescale, 12-bit multipliers).
"activations" = bits of matmul inputs (norm outputs, attention output, FFN hidden) and of the attention operands q/k/v and FFN up; the default (DEFAULT_QUANT_OPTIONS) is int8 everywhere.
Models not present on the machine are skipped (listed on stderr).

${markdownTable(['model', 'activations', 'first divergence per prompt', 'tokens agreeing', 'max logit err', 'mean logit err', 'max abs float logit'], rows)}
`,
);
