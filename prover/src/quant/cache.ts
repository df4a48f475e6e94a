/**
 * quantizeForFile(model): the default quantization of a loaded model file (built-in
 * calibration texts, default options), cached in the user's cache directory under the
 * SHA-256 of the model file (and config.json for safetensors), the quantization format
 * version and the default options, so repeated `zkinfer run`/`prove` calls skip
 * calibration. A cache entry that fails to parse is recomputed and overwritten.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { FloatModel } from '../model/types.ts';
import { calibrationIds } from './calibration-text.ts';
import { quantizeModel } from './quantize.ts';
import { deserializeQuantModel, QUANT_FORMAT_VERSION, serializeQuantModel } from './serialize.ts';
import { resolveOptions } from './options.ts';
import type { QuantModel, QuantOptions } from './types.ts';

/** $ZKINFER_CACHE_DIR, else $XDG_CACHE_HOME/zkinfer, else ~/.cache/zkinfer. */
export function zkinferCacheDir(): string {
  if (process.env.ZKINFER_CACHE_DIR) return process.env.ZKINFER_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'zkinfer');
}

function fileHash(model: FloatModel): string {
  const h = sha256.create();
  h.update(readFileSync(model.source.path));
  if (model.source.format === 'safetensors') {
    const cfg = join(dirname(model.source.path), 'config.json');
    if (existsSync(cfg)) h.update(readFileSync(cfg));
  }
  return bytesToHex(h.digest());
}

export function quantizeForFile(model: FloatModel, opts: { cache?: boolean; log?: (msg: string) => void; quant?: Partial<QuantOptions> } = {}): QuantModel {
  const log = opts.log ?? (() => {});
  // The resolved options are part of the key: changing a default must not reuse old entries.
  // (For the defaults this is JSON.stringify(DEFAULT_QUANT_OPTIONS), the key it always was.)
  const options = resolveOptions(opts.quant ?? {}, model.config.nLayers);
  const optionsTag = bytesToHex(sha256(new TextEncoder().encode(JSON.stringify(options)))).slice(0, 12);
  const path = join(zkinferCacheDir(), 'quant', `${fileHash(model)}-v${QUANT_FORMAT_VERSION}-${optionsTag}.zkqm`);
  if (opts.cache !== false && existsSync(path)) {
    try {
      return deserializeQuantModel(new Uint8Array(readFileSync(path)), path);
    } catch (err) {
      log(`ignoring unreadable cache entry ${path}: ${(err as Error).message}`);
    }
  }
  log(`quantizing ${model.source.path} (calibration over the built-in texts)`);
  const q = quantizeModel(model, calibrationIds((t, o) => model.tokenizer.encode(t, o)), options);
  if (opts.cache !== false) {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, serializeQuantModel(q));
    renameSync(tmp, path); // atomic: concurrent runs never read a half-written entry
  }
  return q;
}
