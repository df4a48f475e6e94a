/**
 * The model side of a package: loading and quantizing a model file for `compile` (cached
 * quantization, model id = SHA-256 of the canonical serialization), and reloading the exact
 * quantized model plus the tokenizer for `prove`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Architecture, Detokenizer } from '@zkinfer/verifier';
import { loadModel } from '../model/load.ts';
import type { FloatModel, Tokenizer } from '../model/types.ts';
import { quantizeForFile } from '../quant/cache.ts';
import { deserializeQuantModel, quantModelId, serializeQuantModel } from '../quant/serialize.ts';
import type { QuantModel, QuantOptions } from '../quant/types.ts';
import { sha256File } from '../snark/ptau.ts';
import type { LoadedPackage } from './layout.ts';
import { ZkinferError } from '../errors.ts';

export interface PreparedModel {
  model: FloatModel;
  q: QuantModel;
  quantBytes: Uint8Array;
  modelId: string;
  fileSha256: string;
  architecture: Architecture;
  detokenizer?: Detokenizer;
  /** A manifest name derived from the file name (1..100 printable characters). */
  name: string;
}

export function architectureOf(model: FloatModel): Architecture {
  const c = model.config;
  let parameters = 0;
  for (const t of model.tensors.values()) parameters += t.data.length;
  return { family: c.family, vocabSize: c.vocabSize, dModel: c.dModel, nLayers: c.nLayers, nHeads: c.nHeads, nKvHeads: c.nKvHeads, headDim: c.headDim, ffnDim: c.ffnDim, parameters };
}

/** What the API and widget need to show generated text: byte or SentencePiece pieces (BPE has no detokenizer in the format). */
export function detokenizerOf(tok: Tokenizer): Detokenizer | undefined {
  if (tok.kind === 'bytes') return { kind: 'bytes' };
  if (tok.kind === 'sentencepiece') return { kind: 'sentencepiece', pieces: tok.pieces() };
  return undefined;
}

export async function prepareModel(path: string, log: (msg: string) => void, quant: Partial<QuantOptions> = {}): Promise<PreparedModel> {
  const model = loadModel(path);
  const q = quantizeForFile(model, { log, quant });
  const quantBytes = serializeQuantModel(q);
  const file = basename(path).replace(/\.(gguf|safetensors)$/, '');
  const name = (file === 'model' ? basename(join(path, '..')) : file).replace(/[^\x20-\x7e]/g, '_').slice(0, 100) || 'model';
  return { model, q, quantBytes, modelId: quantModelId(q), fileSha256: await sha256File(path), architecture: architectureOf(model), detokenizer: detokenizerOf(model.tokenizer), name };
}

/** The quantized model of a package (checked against its model id) and the tokenizer of its model file. */
export async function loadPackageModel(pkg: LoadedPackage): Promise<{ q: QuantModel; tokenizer: Tokenizer }> {
  const { info, dir } = pkg;
  if (!info.quantFile) throw new ZkinferError('bad_package', `${dir}: the package holds no quantized model (compiled from a library call, not a model file)`);
  const qPath = join(dir, info.quantFile);
  if (!existsSync(qPath)) throw new ZkinferError('bad_package', `${qPath}: quantized model not found`);
  const bytes = new Uint8Array(readFileSync(qPath));
  let q: QuantModel;
  try {
    q = deserializeQuantModel(bytes, qPath);
  } catch (err) {
    // Every throw of deserializeQuantModel describes the file (magic, version, truncation):
    // here that file is the package's, so it is the user's package that is broken, not our code.
    throw new ZkinferError('bad_package', (err as Error).message);
  }
  if (quantModelId(q) !== info.modelId) throw new ZkinferError('bad_package', `${qPath}: SHA-256 of the quantized model is not the package's modelId ${info.modelId}`);
  if (!info.model) throw new ZkinferError('bad_package', `${dir}: the package does not reference a model file (needed for its tokenizer)`);
  if (!existsSync(info.model.path)) throw new ZkinferError('bad_package', `${info.model.path}: model file of the package not found (needed for its tokenizer)`);
  const sha = await sha256File(info.model.path);
  if (sha !== info.model.sha256) throw new ZkinferError('bad_package', `${info.model.path}: SHA-256 ${sha} differs from the one the package was compiled from (${info.model.sha256})`);
  return { q, tokenizer: loadModel(info.model.path).tokenizer };
}
