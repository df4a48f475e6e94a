/**
 * buildForward: the whole forward pass as ONE circuit (tests on tiny models, cost reports):
 * the public inputs of docs/proof-format.md, the statement gadgets of circuit/transformer/statement.ts
 * (position masks, prompt opening bound to promptCommitment, posTokens window) and every stage
 * of forwardStages in order. The chunked pipeline builds the same stages across many circuits.
 */
import { promptCommitment } from '../../commit/commit.ts';
import type { PositionMasks, PublicWires, StageContext, TensorWires } from './stage.ts';
import { positionMasks, promptTokens } from './statement.ts';
import type { QuantModel } from '../../quant/types.ts';
import type { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { declarePublicWires, forwardStages, type ForwardStageOptions } from './stages.ts';

export interface ForwardWitness {
  promptTokens: readonly number[];
  generated: readonly number[];
  salt: bigint;
  /** Test hook: public values to use instead of the ones the statement implies. */
  override?: { promptCommitment?: bigint; nPrompt?: number; nGenerated?: number; posTokens?: readonly number[] };
}

export interface ForwardCircuit {
  pub: PublicWires;
  masks: PositionMasks;
  tokens: LinearCombination[];
  /** logits[t] for t < T − 1 (position T − 1 has no next token to check). */
  logits: LinearCombination[][];
  /** Constraints per stage, in order (measured while building). */
  stageConstraints: { name: string; constraints: number }[];
}

/** The public signal values of a statement, in layout order (modelTag, chunkIndex and the boundary commitments 0). */
function publicValues(T: number, w: ForwardWitness): bigint[] {
  const nPrompt = w.override?.nPrompt ?? w.promptTokens.length;
  const nGenerated = w.override?.nGenerated ?? w.generated.length;
  const pos = w.override?.posTokens ?? Array.from({ length: T }, (_, t) => (t >= w.promptTokens.length && t < w.promptTokens.length + w.generated.length ? w.generated[t - w.promptTokens.length] : 0));
  const commitment = w.override?.promptCommitment ?? promptCommitment(w.promptTokens, T, w.salt);
  return [0n, 0n, 0n, 0n, commitment, BigInt(nPrompt), BigInt(nGenerated), ...pos.map((v) => BigInt(v))];
}

/** Builds the forward pass of `q` over T positions into the empty system `cs` (witness mode needs `witness`). */
export function buildForward(cs: ConstraintSystem, q: QuantModel, T: number, witness?: ForwardWitness, opts: ForwardStageOptions = {}): ForwardCircuit {
  if (cs.nWires !== 1) throw new TypeError('buildForward: needs an empty constraint system (public inputs come first)');
  if (cs.computesWitness && !witness) throw new TypeError('buildForward: witness mode needs a ForwardWitness');
  const pub = declarePublicWires(cs, T, witness && publicValues(T, witness));
  const masks = positionMasks(cs, pub, T);
  const tokens = promptTokens(cs, pub, masks, T, witness && { promptTokens: witness.promptTokens, salt: witness.salt });
  const ctx: StageContext = { cs, q, T, chunkIndex: 0, pub, tokens: () => tokens, masks: () => masks, position: () => {
    throw new TypeError('no position one-hot outside position chunks');
  } };
  const logits: LinearCombination[][] = [];
  const env = new Map<string, TensorWires>();
  const stageConstraints: { name: string; constraints: number }[] = [];
  for (const stage of forwardStages(q, T, opts)) {
    const inputs: Record<string, TensorWires> = {};
    for (const s of stage.inputs) inputs[s.name] = env.get(s.name)!;
    const before = cs.nConstraints;
    const out = cs.scope(stage.name, () => stage.build(ctx, inputs, (t, l) => (logits[t] = l)));
    stageConstraints.push({ name: stage.name, constraints: cs.nConstraints - before });
    for (const s of stage.outputs) env.set(s.name, out[s.name]);
  }
  return { pub, masks, tokens, logits, stageConstraints };
}
