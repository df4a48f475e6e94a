/**
 * A tiny REAL model file for tests that must run the whole CLI path (import, quantize,
 * compile, prove) in CI time: a Hugging Face checkpoint (model.safetensors, F32, plus
 * config.json beside it) with deterministic random weights, in the format
 * prover/src/model/hf-model.ts imports. The bundled default model costs ~81k constraints per
 * position, far too many for a cold phase-2 setup in CI; this one is about as small as the
 * importer allows (d = 2, one head of dim 2, ffn 2, one layer), so the 256-entry logits and
 * greedy check dominate its cost (~7.9k constraints per position). Measured at T = 2 in chunks
 * < 2^14 rows, before the logits lost their requantization (then ~13k per position): d = 2
 * compiled (4.5k + 13.1k constraints) in 68 s cold, d = 4 in 77 s, d = 8 (14.3k + 13.9k) in
 * 99 s; now d = 2 at T = 3 (14.7k + 8.3k) in 91 s on 2 busy cores.
 *
 * Vocabulary 256 with no tokenizer.json: the importer then uses its byte-level tokenizer.
 * The weights are seeded (same bytes for the same options), so the model id, circuits and
 * keys are the same on every run and machine.
 *
 * CLI: `npx node test/helpers/tiny-model.ts DIR [--family llama|gemma3] [--seed N]` writes
 * DIR/model.safetensors and DIR/config.json and prints the safetensors path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeSafetensors, type StTensor } from '../prover/model/helpers/write-safetensors.ts';
import { rng } from '../prover/model/helpers/synthetic.ts';

export interface TinyModelOptions {
  /** Architecture (default llama: no q/k norms and post-norms, so fewer constraints than gemma3). */
  family?: 'llama' | 'gemma3';
  /** PRNG seed (default 1). */
  seed?: number;
  hidden?: number;
  intermediate?: number;
  /** Per head; one query head and one key/value head. */
  headDim?: number;
  layers?: number;
  /** max_position_embeddings: the largest ctx a package of this model can have. */
  maxPositions?: number;
}

function positiveInt(name: string, v: number, lo: number): number {
  if (!Number.isInteger(v) || v < lo) throw new RangeError(`tiny model: ${name} = ${v} must be an integer ≥ ${lo}`);
  return v;
}

/** The config.json and tensors of the tiny model (HF names, [out, in] matrices). */
export function tinyModel(opts: TinyModelOptions = {}): { config: Record<string, unknown>; tensors: StTensor[] } {
  const family = opts.family ?? 'llama';
  if (family !== 'llama' && family !== 'gemma3') throw new TypeError(`tiny model: family ${JSON.stringify(family)} is not llama or gemma3`);
  const d = positiveInt('hidden', opts.hidden ?? 2, 1);
  const ff = positiveInt('intermediate', opts.intermediate ?? 2, 1);
  const hd = positiveInt('headDim', opts.headDim ?? 2, 2);
  if (hd % 2 !== 0) throw new RangeError(`tiny model: headDim = ${hd} must be even (RoPE pairs)`);
  const layers = positiveInt('layers', opts.layers ?? 1, 1);
  const maxPositions = positiveInt('maxPositions', opts.maxPositions ?? 4, 2);
  const rand = rng(positiveInt('seed', opts.seed ?? 1, 0)); // uniform in [−1, 1)
  // Uniform in ±1/√fanIn keeps activations O(1), so quantization calibrates to sane scales.
  const matrix = (rows: number, cols: number, scale = 1 / Math.sqrt(cols)) => Array.from({ length: rows * cols }, () => rand() * scale);
  // Norm weights: llama stores the multiplier (≈ 1); Gemma stores w and computes x·(1 + w).
  const norm = (n: number) => Array.from({ length: n }, () => (family === 'llama' ? 1 : 0) + 0.1 * rand());
  const tensors: StTensor[] = [];
  const add = (name: string, shape: number[], data: number[]) => tensors.push({ name, shape, data, dtype: 'F32' });

  // Embedding rows scaled up so that the final norm's input is not dominated by rounding.
  add('model.embed_tokens.weight', [256, d], matrix(256, d, 1));
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    add(`${p}input_layernorm.weight`, [d], norm(d));
    add(`${p}self_attn.q_proj.weight`, [hd, d], matrix(hd, d));
    add(`${p}self_attn.k_proj.weight`, [hd, d], matrix(hd, d));
    add(`${p}self_attn.v_proj.weight`, [hd, d], matrix(hd, d));
    add(`${p}self_attn.o_proj.weight`, [d, hd], matrix(d, hd));
    add(`${p}post_attention_layernorm.weight`, [d], norm(d));
    add(`${p}mlp.gate_proj.weight`, [ff, d], matrix(ff, d));
    add(`${p}mlp.up_proj.weight`, [ff, d], matrix(ff, d));
    add(`${p}mlp.down_proj.weight`, [d, ff], matrix(d, ff));
    if (family === 'gemma3') {
      add(`${p}self_attn.q_norm.weight`, [hd], norm(hd));
      add(`${p}self_attn.k_norm.weight`, [hd], norm(hd));
      add(`${p}pre_feedforward_layernorm.weight`, [d], norm(d));
      add(`${p}post_feedforward_layernorm.weight`, [d], norm(d));
    }
  }
  add('model.norm.weight', [d], norm(d));

  const common = {
    vocab_size: 256,
    hidden_size: d,
    num_hidden_layers: layers,
    num_attention_heads: 1,
    num_key_value_heads: 1,
    head_dim: hd,
    intermediate_size: ff,
    max_position_embeddings: maxPositions,
    rms_norm_eps: 1e-6,
    tie_word_embeddings: true,
  };
  const config =
    family === 'llama'
      ? { model_type: 'llama', ...common, rope_theta: 10000.0, hidden_act: 'silu' }
      : { model_type: 'gemma3_text', ...common, rope_theta: 1000000.0, rope_local_base_freq: 10000.0, sliding_window: maxPositions, sliding_window_pattern: 1, query_pre_attn_scalar: hd };
  return { config, tensors };
}

/** Writes DIR/model.safetensors and DIR/config.json; returns the safetensors path (what `--model` takes). */
export function writeTinyModel(dir: string, opts: TinyModelOptions = {}): string {
  const { config, tensors } = tinyModel(opts);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'model.safetensors');
  writeFileSync(path, writeSafetensors(tensors, { format: 'pt' }));
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { family: { type: 'string', default: 'llama' }, seed: { type: 'string', default: '1' } } });
  if (positionals.length !== 1) throw new TypeError('usage: tiny-model.ts DIR [--family llama|gemma3] [--seed N]');
  console.log(writeTinyModel(positionals[0], { family: values.family as TinyModelOptions['family'], seed: Number(values.seed) }));
}
