/**
 * The tensor set a ModelConfig implies, and the check that an imported model has exactly
 * it: every expected tensor present with the expected shape, nothing unexpected. Both
 * importers call checkModel so that inference never meets a malformed model.
 */
import { CANONICAL, type FloatModel, type ModelConfig, type Tensor } from './types.ts';
import { ZkinferError } from '../errors.ts';

/** Expected canonical tensor names and [out, in] shapes for a config. */
export function expectedShapes(c: ModelConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const qDim = c.nHeads * c.headDim;
  const kvDim = c.nKvHeads * c.headDim;
  m.set(CANONICAL.tokenEmbd, [c.vocabSize, c.dModel]);
  m.set(CANONICAL.outputNorm, [c.dModel]);
  if (!c.tieEmbeddings) m.set(CANONICAL.output, [c.vocabSize, c.dModel]);
  for (let l = 0; l < c.nLayers; l++) {
    m.set(CANONICAL.attnNorm(l), [c.dModel]);
    m.set(CANONICAL.attnQ(l), [qDim, c.dModel]);
    m.set(CANONICAL.attnK(l), [kvDim, c.dModel]);
    m.set(CANONICAL.attnV(l), [kvDim, c.dModel]);
    m.set(CANONICAL.attnOutput(l), [c.dModel, qDim]);
    m.set(CANONICAL.ffnNorm(l), [c.dModel]);
    m.set(CANONICAL.ffnGate(l), [c.ffnDim, c.dModel]);
    m.set(CANONICAL.ffnUp(l), [c.ffnDim, c.dModel]);
    m.set(CANONICAL.ffnDown(l), [c.dModel, c.ffnDim]);
    if (c.family === 'gemma3') {
      m.set(CANONICAL.attnQNorm(l), [c.headDim]);
      m.set(CANONICAL.attnKNorm(l), [c.headDim]);
      m.set(CANONICAL.postAttentionNorm(l), [c.dModel]);
      m.set(CANONICAL.postFfwNorm(l), [c.dModel]);
    }
  }
  return m;
}

function checkConfig(file: string, c: ModelConfig): void {
  const positive: (keyof ModelConfig)[] = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'nKvHeads', 'headDim', 'ffnDim', 'contextLength'];
  for (const k of positive) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ZkinferError('bad_model_file', `${file}: config ${k} = ${String(v)} must be a positive integer`);
  }
  if (c.nHeads % c.nKvHeads !== 0) throw new ZkinferError('bad_model_file', `${file}: config nHeads ${c.nHeads} is not a multiple of nKvHeads ${c.nKvHeads}`);
  if (c.headDim % 2 !== 0) throw new ZkinferError('bad_model_file', `${file}: config headDim ${c.headDim} must be even for RoPE`);
  if (!(c.normEps > 0)) throw new ZkinferError('bad_model_file', `${file}: config normEps ${c.normEps} must be positive`);
  if (!(c.ropeTheta > 0)) throw new ZkinferError('bad_model_file', `${file}: config ropeTheta ${c.ropeTheta} must be positive`);
  if (c.family === 'gemma3') {
    if (!c.slidingWindow || !c.slidingWindowPattern || !c.ropeLocalTheta) {
      throw new ZkinferError('bad_model_file', `${file}: gemma3 config needs slidingWindow, slidingWindowPattern and ropeLocalTheta`);
    }
  }
}

/** Throws (naming the file and tensor) unless `tensors` is exactly the set the config implies. */
export function checkTensors(file: string, c: ModelConfig, tensors: Map<string, Tensor>): void {
  checkConfig(file, c);
  const expected = expectedShapes(c);
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) throw new ZkinferError('bad_model_file', `${file}: missing tensor ${name} (expected shape [${shape}])`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ZkinferError('bad_model_file', `${file}: tensor ${name} has shape [${t.shape}], config implies [${shape}]`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new ZkinferError('bad_model_file', `${file}: tensor ${name} holds ${t.data.length} values, shape needs ${n}`);
  }
  for (const name of tensors.keys()) {
    if (!expected.has(name)) throw new ZkinferError('bad_model_file', `${file}: unexpected tensor ${name} for a ${c.family} model with this config`);
  }
}

export function checkModel(m: FloatModel): void {
  checkTensors(m.source.path, m.config, m.tensors);
  if (m.tokenizer.vocabSize > m.config.vocabSize) {
    throw new ZkinferError('bad_model_file', `${m.source.path}: tokenizer has ${m.tokenizer.vocabSize} tokens, model vocabSize is ${m.config.vocabSize}`);
  }
}

/** Number of parameters (sum of tensor sizes). */
export function parameterCount(m: FloatModel): number {
  let n = 0;
  for (const t of m.tensors.values()) n += t.data.length;
  return n;
}
