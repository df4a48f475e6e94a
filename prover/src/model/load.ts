/**
 * loadModel(path): reads a GGUF or safetensors model into a validated FloatModel.
 * The format is chosen by content: GGUF files start with the magic "GGUF"; otherwise a
 * `.safetensors` name selects the safetensors reader (which needs config.json beside it).
 * Bad files raise TypeError/RangeError whose message names the file and the field.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ggufToModel } from './gguf-model.ts';
import { safetensorsToModel } from './hf-model.ts';
import type { FloatModel } from './types.ts';
import { ZkinferError } from '../errors.ts';

export function loadModel(path: string): FloatModel {
  if (!existsSync(path)) throw new ZkinferError('bad_model_file', `${path}: model file not found`);
  if (!statSync(path).isFile()) throw new ZkinferError('bad_model_file', `${path}: not a regular file`);
  const buf = readFileSync(path);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic === 'GGUF') return ggufToModel(bytes, path);
  if (path.endsWith('.safetensors')) return safetensorsToModel(bytes, path);
  if (path.endsWith('.gguf')) return ggufToModel(bytes, path); // reports the bad magic
  throw new ZkinferError('bad_model_file', `${path}: unknown model format (expected a GGUF file or a .safetensors file with config.json beside it)`);
}
