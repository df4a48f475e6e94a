/** Paths of the shared models (../shared beside the repo); tests skip when absent. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SHARED = new URL('../../../../../shared/', import.meta.url);
export const sharedPath = (rel: string): string => fileURLToPath(new URL(rel, SHARED));
export const STORIES = sharedPath('models/stories260K/stories260K.gguf');
export const STORIES_REF = sharedPath('models/stories260K/reference-greedy.txt');
export const LLAMA2_TINY = sharedPath('models/llama-2-tiny-random/llama-2-tiny-random.gguf');
export const GEMMA3_TINY = sharedPath('models/tiny-gemma3-random/model.safetensors');
export const has = (p: string): boolean => existsSync(p);
