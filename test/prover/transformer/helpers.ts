/** Shared setup of the transformer circuit tests: small quantized models and tamper helpers. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { toField, toSigned } from '@zkinfer/prover/circuit/field.ts';
import { forwardInt, generateInt } from '@zkinfer/prover/infer/int.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { buildForward, type ForwardCircuit, type ForwardWitness } from '@zkinfer/prover/circuit/transformer/forward.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';

const SHARED = new URL('../../../../shared/', import.meta.url);
const shared = (p: string): string => fileURLToPath(new URL(p, SHARED));
export const STORIES = shared('models/stories260K/stories260K.gguf');
export const TINY_GEMMA = shared('models/tiny-gemma3-random/model.safetensors');
export const DEFAULT_MODEL = DEFAULT_MODEL_PATH;
export { existsSync };

const cache = new Map<string, QuantModel>();

/** The default quantization of a model file (built-in calibration), memoized per file. */
export function quantized(path: string): QuantModel {
  let q = cache.get(path);
  if (!q) {
    const model = loadModel(path);
    q = quantizeModel(model, calibrationIds((t, o) => model.tokenizer.encode(t, o)));
    cache.set(path, q);
  }
  return q;
}

/** The same model truncated to its first `n` layers, optionally with some layers' sliding window replaced. */
export function truncated(q: QuantModel, n: number, windows: Record<number, number> = {}): QuantModel {
  return { ...q, layers: q.layers.slice(0, n).map((L, l) => (l in windows ? { ...L, window: windows[l] } : L)) };
}

export function build(q: QuantModel, T: number, witness?: ForwardWitness): { cs: ConstraintSystem; f: ForwardCircuit } {
  const cs = new ConstraintSystem({ witness: witness !== undefined });
  const f = buildForward(cs, q, T, witness);
  return { cs, f };
}

/** Wire indices whose debug name matches `re` (names carry the gadget scopes). */
export function wiresNamed(cs: ConstraintSystem, re: RegExp): number[] {
  const out: number[] = [];
  cs.wireNames.forEach((n, i) => {
    if (re.test(n)) out.push(i);
  });
  return out;
}

/** The first unsatisfied constraint's label after adding `delta` to wire `w` (null if still satisfied). */
export function tamper(cs: ConstraintSystem, w: number, delta: bigint): string | null {
  const values = [...cs.values];
  values[w] = toField(values[w] + delta);
  return findUnsatisfied(cs, values)?.label ?? null;
}

/**
 * Builds the witness for prompt + greedy continuation (T positions), expects it satisfied and
 * every logit equal to forwardInt's; returns the system for tamper checks.
 */
export function checkBitExact(q: QuantModel, T: number, prompt: number[], salt = 42n): ConstraintSystem {
  const generated = generateInt(q, prompt, T - prompt.length);
  const { cs, f } = build(q, T, { promptTokens: prompt, generated, salt });
  expect(findUnsatisfied(cs)).toBeNull();
  const ref = forwardInt(q, [...prompt, ...generated]);
  f.logits.forEach((row, t) => expect(Float64Array.from(row, (lc) => Number(toSigned(cs.valueOf(lc)))), `position ${t}`).toEqual(ref[t]));
  return cs;
}

