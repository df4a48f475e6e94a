/**
 * Prints the SHA-256 of the serialized quantized model (.zkqm bytes, the model id) of every
 * available model under the default options and two wider activation settings. A refactoring
 * of prover/src/quant or prover/src/reference that must not change the quantization is shown
 * by running this before and after and diffing the output.
 * Run: npx node scripts/quant-hashes.ts
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import { serializeQuantModel } from '@zkinfer/prover/quant/serialize.ts';
import type { QuantOptions } from '@zkinfer/prover/quant/types.ts';

const shared = (p: string): string => fileURLToPath(new URL(`../../shared/models/${p}`, import.meta.url));
const MODELS = [
  ['default', DEFAULT_MODEL_PATH],
  ['stories260K', shared('stories260K/stories260K.gguf')],
  ['tiny-gemma3-random', shared('tiny-gemma3-random/model.safetensors')],
  ['llama-2-tiny-random', shared('llama-2-tiny-random/llama-2-tiny-random.gguf')],
];
const VARIANTS: [string, Partial<QuantOptions>][] = [
  ['defaults', {}],
  ['attnBits 16', { attnBits: 16 }],
  ['actBits 16, attnBits 16', { actBits: 16, attnBits: 16 }],
];

for (const [name, path] of MODELS) {
  if (!existsSync(path)) {
    console.log(`${name}: absent (${path})`);
    continue;
  }
  const model = loadModel(path);
  const calib = calibrationIds((t, o) => model.tokenizer.encode(t, o));
  for (const [variant, opts] of VARIANTS) {
    console.log(`${name} [${variant}]: ${bytesToHex(sha256(serializeQuantModel(quantizeModel(model, calib, opts))))}`);
  }
}
