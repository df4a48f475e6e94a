import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command.ts';
import { generateFloat } from '../../infer/float.ts';
import { DEFAULT_MODEL_PATH, defaultModelPath } from '../../model/default-model.ts';
import { loadModel } from '../../model/load.ts';
import type { FloatModel } from '../../model/types.ts';

const usage = `usage: zkinfer run [--model FILE] --prompt TEXT [-n N] [--float] [--json]

Greedy generation: prints the continuation of TEXT.

  --model FILE    GGUF file, or model.safetensors with config.json beside it
                  (default: ${DEFAULT_MODEL_PATH})
  --prompt TEXT   prompt (BOS is prepended when the tokenizer has one)
  -n, --tokens N  number of tokens to generate (default 32)
  --float         use the float32 reference inference instead of the integer one
  --json          print { inference, promptIds, generatedIds, text } as JSON`;

type Generate = (model: FloatModel, promptIds: number[], n: number) => number[];

/** The integer path (prover/src/infer/int.ts, `generateInt`) when it exists, else undefined. */
async function integerGenerator(): Promise<Generate | undefined> {
  const intModule = fileURLToPath(new URL('../../infer/int.ts', import.meta.url));
  if (!existsSync(intModule)) return undefined;
  const mod = (await import(intModule)) as { generateInt?: Generate };
  return mod.generateInt;
}

export const command: Command = {
  name: 'run',
  summary: 'generate a greedy continuation of a prompt',
  usage,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          model: { type: 'string' },
          prompt: { type: 'string' },
          tokens: { type: 'string', short: 'n', default: '32' },
          float: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
        },
        strict: true,
      }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (values.prompt === undefined) throw new UsageError('--prompt is required');
    const n = Number(values.tokens);
    if (!/^\d+$/.test(values.tokens) || !Number.isSafeInteger(n)) throw new UsageError(`-n ${JSON.stringify(values.tokens)} is not a non-negative integer`);
    const path = values.model ?? defaultModelPath();
    if (!path) throw new UsageError(`--model is required (no bundled default model at ${DEFAULT_MODEL_PATH})`);

    const model = loadModel(path);
    const promptIds = model.tokenizer.encode(values.prompt, { bos: true });
    if (promptIds.length === 0) throw new UsageError('--prompt is empty and the tokenizer has no BOS token');
    const integer = values.float ? undefined : await integerGenerator();
    const inference = integer ? 'integer' : 'float';
    console.error(`zkinfer run: ${promptIds.length} prompt tokens, generating ${n} with ${inference} inference`);
    const generatedIds = (integer ?? generateFloat)(model, promptIds, n);
    const text = model.tokenizer.decode(generatedIds);
    if (values.json) console.log(JSON.stringify({ inference, promptIds, generatedIds, text }));
    else console.log(text);
    return 0;
  },
};
