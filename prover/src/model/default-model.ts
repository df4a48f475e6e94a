/** Path of the bundled default model (prover/models/default), used when --model is omitted. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/default/model.safetensors', import.meta.url));

/** The default model path, or undefined when the bundled model is not present. */
export function defaultModelPath(): string | undefined {
  return existsSync(DEFAULT_MODEL_PATH) ? DEFAULT_MODEL_PATH : undefined;
}
