import { UsageError, type Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { DEFAULT_MODEL_PATH, defaultModelPath } from '../../model/default-model.ts';
import { loadModel } from '../../model/load.ts';
import type { FloatModel } from '../../model/types.ts';
import { parameterCount } from '../../model/validate.ts';

const usage = `usage: zkinfer inspect [--model FILE] [--json]

Shows a model's architecture, sizes, parameter count, tokenizer and tensor types.

  --model FILE   GGUF file, or model.safetensors with config.json beside it
                 (default: ${DEFAULT_MODEL_PATH})
  --json         machine-readable output`;

/** The summary `inspect` prints; exported for tests and other tools. */
export function describeModel(m: FloatModel) {
  const typeCounts: Record<string, number> = {};
  for (const type of Object.values(m.source.tensorTypes ?? {})) typeCounts[type] = (typeCounts[type] ?? 0) + 1;
  return {
    path: m.source.path,
    format: m.source.format,
    config: m.config,
    parameters: parameterCount(m),
    tensors: m.tensors.size,
    tensorTypes: typeCounts,
    tokenizer: { kind: m.tokenizer.kind, vocabSize: m.tokenizer.vocabSize, bos: m.tokenizer.bos ?? null, eos: m.tokenizer.eos ?? null },
  };
}

export const command: Command = {
  name: 'inspect',
  summary: 'show a model file’s architecture, sizes and tensor types',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, { options: { model: { type: 'string' }, json: { type: 'boolean' } } });
    const path = values.model ?? defaultModelPath();
    if (!path) throw new UsageError(`--model is required (no bundled default model at ${DEFAULT_MODEL_PATH})`);
    const d = describeModel(loadModel(path));
    if (values.json) {
      console.log(JSON.stringify(d, null, 2));
      return 0;
    }
    const c = d.config;
    const lines = [
      `model        ${d.path} (${d.format})`,
      `family       ${c.family}`,
      `parameters   ${d.parameters.toLocaleString('en-US')} in ${d.tensors} tensors (${Object.entries(d.tensorTypes).map(([t, n]) => `${n} ${t}`).join(', ')})`,
      `vocab        ${c.vocabSize} (${d.tokenizer.kind} tokenizer, bos ${d.tokenizer.bos ?? '-'}, eos ${d.tokenizer.eos ?? '-'})`,
      `layers       ${c.nLayers} × d_model ${c.dModel}, ffn ${c.ffnDim}`,
      `attention    ${c.nHeads} heads × ${c.headDim}, ${c.nKvHeads} kv heads, rope ${c.ropeStyle} θ=${c.ropeTheta}` +
        (c.family === 'gemma3' ? `, local θ=${c.ropeLocalTheta}, window ${c.slidingWindow} (1 in ${c.slidingWindowPattern} layers global)` : ''),
      `context      ${c.contextLength}`,
      `norm eps     ${c.normEps}`,
      `embeddings   ${c.tieEmbeddings ? 'tied' : 'separate output matrix'}`,
    ];
    console.log(lines.join('\n'));
    return 0;
  },
};
