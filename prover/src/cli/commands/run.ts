import { UsageError, type Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { generateFloat } from '../../reference/float.ts';
import { generateInt } from '../../infer/int.ts';
import { DEFAULT_MODEL_PATH, defaultModelPath } from '../../model/default-model.ts';
import { loadModel } from '../../model/load.ts';
import { quantizeForFile } from '../../quant/cache.ts';
import { QUANT_FLAG_HELP, QUANT_PRESET_NAMES, QUANT_PRESETS, type QuantPreset } from '../../quant/options.ts';

const usage = `usage: zkinfer run [--model FILE] --prompt TEXT [-n N] [--quant Q] [--float] [--json]

Greedy generation: prints the continuation of TEXT.

  --model FILE    GGUF file, or model.safetensors with config.json beside it
                  (default: ${DEFAULT_MODEL_PATH})
  --prompt TEXT   prompt (BOS is prepended when the tokenizer has one)
  -n, --tokens N  number of tokens to generate (default 32)
  --quant Q       ${QUANT_FLAG_HELP.replace(/\n {21}/g, '\n                  ')}
  --float         use the float32 reference inference instead of the integer one
                  (integer: the --quant quantization, cached per model file and options
                  under $ZKINFER_CACHE_DIR; the computation the proofs check)
  --json          print { inference, promptIds, generatedIds, text } as JSON`;

export const command: Command = {
  name: 'run',
  summary: 'generate a greedy continuation of a prompt',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      options: {
        model: { type: 'string' },
        prompt: { type: 'string', required: true },
        tokens: { type: 'integer', short: 'n', default: 32, min: 0 },
        quant: { type: 'string', default: 'int8', choices: QUANT_PRESET_NAMES },
        float: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
    const n = values.tokens;
    const path = values.model ?? defaultModelPath();
    if (!path) throw new UsageError(`--model is required (no bundled default model at ${DEFAULT_MODEL_PATH})`);

    const model = loadModel(path);
    const promptIds = model.tokenizer.encode(values.prompt, { bos: true });
    if (promptIds.length === 0) throw new UsageError('--prompt is empty and the tokenizer has no BOS token');
    const inference = values.float ? 'float' : 'integer';
    console.error(`zkinfer run: ${promptIds.length} prompt tokens, generating ${n} with ${inference} inference`);
    let generatedIds: number[];
    if (values.float) generatedIds = generateFloat(model, promptIds, n);
    else generatedIds = generateInt(quantizeForFile(model, { log: (msg) => console.error(`zkinfer run: ${msg}`), quant: QUANT_PRESETS[values.quant as QuantPreset] }), promptIds, n);
    const text = model.tokenizer.decode(generatedIds);
    if (values.json) console.log(JSON.stringify({ inference, promptIds, generatedIds, text }));
    else console.log(text);
    return 0;
  },
};
