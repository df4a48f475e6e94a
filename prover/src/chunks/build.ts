/**
 * Chunk circuit builder: one Groth16 circuit per ChunkPlan. Layout (docs/proof-format.md):
 * the 7 + T public inputs first (iden3 wire order: ONE, public, private), modelTag fixed to
 * this model, the input boundary opened, the chunk's stages, the output boundary committed.
 * Layer-major chunks fix chunkIndex to their index (a chunk of another position cannot be
 * swapped in); chunk 0 has inCommitment = 0 and the prompt opening instead of an input, the
 * last chunk outCommitment = 0. Position chunks (plan.position, chunks/position.ts) are the
 * same circuit at every position: they derive the position's one-hot from chunkIndex, open
 * the prompt where they embed, and gate the first input and the last output to 0 by the
 * one-hot's first and last entries. The same code builds the shape (setup) and the witness
 * (prove).
 */
import { expectedPublicSignals, modelTag, publicSignalRecord, SIGNAL, type Statement } from '@zkinfer/verifier';
import type { LinearCombination } from '../circuit/lc.ts';
import type { ChallengeOracle } from '../circuit/commitment-spec.ts';
import { PLAIN_RANGES, rangesFactory, type RangeBackend } from '../circuit/range-backend.ts';
import { ConstraintSystem } from '../circuit/system.ts';
import type { QuantModel } from '../quant/types.ts';
import { commitOutBoundary, openInBoundary, rememberDigest, tensorValues, type BoundaryTensor, type TensorValues } from './boundary.ts';
import { openedInputs, type ChunkPlan } from './plan.ts';
import type { PositionMasks, PublicWires, Stage, StageContext, TensorWires } from '../circuit/transformer/stage.ts';
import { positionOneHot } from './position.ts';
import { positionMasks, promptTokens } from '../circuit/transformer/statement.ts';

/** The private data of a proof (witness mode). */
export interface ProofWitness {
  statement: Statement;
  promptTokens: readonly number[];
  promptSalt: bigint;
  /** salts[i] salts the boundary between chunk i−1 and chunk i (salts[0] is unused). */
  boundarySalts: readonly bigint[];
}

export interface ChunkBuildArgs {
  modelId: string;
  ctx: number;
  q: QuantModel;
  stages: readonly Stage[];
  plans: readonly ChunkPlan[];
  index: number;
  /** Witness mode: the proof's private data and the input boundary values from chunk index − 1. */
  witness?: { proof: ProofWitness; inCommitment: bigint; inValues: readonly TensorValues[] };
  /** Witness mode: build a lean system (values only, constraints checked as stated; system.ts). */
  lean?: boolean;
  /** The range backend (range-backend.ts; default plain). The stages must be measured with the same one. */
  ranges?: RangeBackend;
  /** Witness mode with LogUp: the challenge from the commitment (commitment-spec.ts). */
  oracle?: ChallengeOracle;
}

export interface BuiltChunk {
  cs: ConstraintSystem;
  /** Witness mode: public signals (decimal order of the layout). */
  publicSignals?: bigint[];
  /** Witness mode: the output boundary values and their commitment (0 for the last chunk). */
  outValues?: TensorValues[];
  outCommitment?: bigint;
}

/** Wire index of the outCommitment public input: wire 0 is ONE, public inputs follow in layout order. */
const OUT_COMMITMENT_WIRE = 1 + SIGNAL.outCommitment;

/** Builds chunk `index` (shape mode without `witness`). */
export function buildChunk(args: ChunkBuildArgs): BuiltChunk {
  const { modelId, ctx, q, stages, plans, index, witness } = args;
  const plan = plans[index];
  if (!plan) throw new RangeError(`buildChunk: chunk ${index} not in a plan of ${plans.length}`);
  const first = index === 0;
  const last = index === plans.length - 1;
  const cs = new ConstraintSystem({ witness: witness !== undefined, lean: witness !== undefined && args.lean === true, ranges: rangesFactory(args.ranges ?? PLAIN_RANGES, args.oracle) });

  // Public inputs, all before any private wire. outCommitment is the last thing the chunk
  // computes, so it is a late public input: its wire gets the value once known (below).
  let signals: bigint[] | undefined;
  if (witness) {
    signals = expectedPublicSignals({ modelId, ctx, chunkIndex: index, inCommitment: witness.inCommitment, outCommitment: 0n, statement: witness.proof.statement });
  }
  const pub: PublicWires = publicSignalRecord(ctx, (name, k) => (k === SIGNAL.outCommitment ? cs.latePublicInput(name) : cs.publicInput(name, signals?.[k])));
  // LogUp's challenge: one more public input after the layout's (none for plain circuits).
  // publicSignals below stay the layout's: the verifier computes the challenge itself.
  cs.ranges.declarePublics();
  cs.assertEqual(pub.modelTag, modelTag(modelId), 'modelTag');
  // A layer-major chunk is fixed to its index; a position chunk (the same circuit at every
  // position) derives its position from the index instead.
  const pos = plan.position;
  const at = pos ? positionOneHot(cs, pub.chunkIndex, ctx, pos.kinds, pos.kind) : undefined;
  if (!pos) cs.assertEqual(pub.chunkIndex, index, 'chunkIndex');

  // Masks are chunk overhead (planned per chunk), built on first use: their rows are not
  // charged to the stage that happens to ask first.
  let masks: PositionMasks | undefined;
  const overhead = { rows: 0 };
  const getMasks = (): PositionMasks => {
    if (!masks) {
      const before = cs.plannedRows;
      masks = positionMasks(cs, pub, ctx);
      overhead.rows += cs.plannedRows - before;
    }
    return masks;
  };
  let tokens: LinearCombination[] | undefined;
  const env = new Map<string, TensorWires>();
  // Input tensors no stage of this chunk reads: packed elements or digest (and their values, witness mode).
  const passing = new Map<string, { tensor: BoundaryTensor; values?: TensorValues }>();
  // Opened inputs as opened (an output with the very same wires reuses the input's digest).
  const openedIn = new Map<TensorWires, BoundaryTensor>();
  const openPrompt = (): LinearCombination[] => {
    const masks = getMasks(); // charged to the overhead by getMasks itself
    const before = cs.plannedRows;
    const proof = witness?.proof;
    const t = promptTokens(cs, pub, masks, ctx, proof && { promptTokens: proof.promptTokens, salt: proof.promptSalt });
    overhead.rows += cs.plannedRows - before;
    return t;
  };
  if (first && !pos) {
    cs.assertEqual(pub.inCommitment, 0, 'inCommitment=0');
    tokens = openPrompt();
  } else {
    const opened = openedInputs(stages, plan.stages);
    // The first position chunk has no previous chunk: its caches are free (zeros here).
    const inValues = witness && (first ? plan.inputs.map((s) => Array.from({ length: s.rows }, () => new Array<bigint>(s.cols).fill(0n))) : witness.inValues);
    const absentWhen = pos?.kind === 0 ? at![0] : undefined;
    const inputs = openInBoundary(cs, plan.inputs, pub.inCommitment, opened, witness && { values: inValues!, salt: witness.proof.boundarySalts[index] }, absentWhen);
    plan.inputs.forEach((s, k) => {
      const t = inputs[k];
      if ('wires' in t) {
        env.set(s.name, t.wires);
        openedIn.set(t.wires, t);
      } else passing.set(s.name, { tensor: t, values: inValues?.[k] });
    });
  }

  const ctxObj: StageContext = {
    cs,
    q,
    T: ctx,
    chunkIndex: index,
    pub,
    tokens: () => {
      if (pos && !tokens) tokens = openPrompt(); // position chunks open the prompt where they embed
      if (!tokens) throw new TypeError(`chunk ${index}: tokens are only available in chunk 0 (the prompt opening is there)`);
      return tokens;
    },
    masks: getMasks,
    position: () => {
      if (!at) throw new TypeError(`chunk ${index}: a layer-major chunk has no position one-hot (stage from a position layout?)`);
      return at;
    },
  };
  for (const s of plan.stages) runStage(cs, ctxObj, stages[s], env, overhead);

  const result: BuiltChunk = { cs };
  if (last && !pos) {
    cs.assertEqual(pub.outCommitment, 0, 'outCommitment=0');
    if (witness) result.outCommitment = 0n;
  } else {
    // A tensor a stage produced or that was opened (env) goes out as its wires; one that only
    // passed through goes out as the same packed elements or digest it came in as.
    const outs = plan.outputs.map((s): BoundaryTensor => {
      const wires = env.get(s.name);
      if (wires) return openedIn.get(wires) ?? { wires };
      const p = passing.get(s.name);
      if (!p) throw new TypeError(`chunk ${index}: output boundary tensor ${s.name} was not produced`);
      return p.tensor;
    });
    // The last position chunk's boundary is absent (outCommitment 0): any salt will do.
    const salt = witness && (last ? 0n : witness.proof.boundarySalts[index + 1]);
    const absentWhen = pos && pos.kind === pos.kinds - 1 ? at![ctx - 1] : undefined;
    const committed = commitOutBoundary(cs, plan.outputs, outs, pub.outCommitment, salt, absentWhen);
    if (witness) {
      result.outValues = outs.map((t, k) => ('wires' in t ? tensorValues(cs, t.wires) : passing.get(plan.outputs[k].name)!.values!));
      // The circuit has just computed the commitment and the digests of the tensors it opened or
      // produced (their combinations' values; a lean system checked every row): the next chunk's
      // openings take those digests instead of hashing the values again off-circuit (poseidon-lite
      // took 2.5 CPU s of stories260K's 64 position chunks). boundary-digest.test.ts: in = off circuit.
      outs.forEach((t, k) => {
        if ('wires' in t && t.digest?.value !== undefined) rememberDigest(plan.outputs[k], result.outValues![k], t.digest.value);
      });
      result.outCommitment = last ? 0n : cs.valueOf(committed);
      cs.values[OUT_COMMITMENT_WIRE] = result.outCommitment;
    }
  }
  // Range checks a backend deferred (none with bit decomposition) join the circuit last.
  cs.ranges.resolve();
  // The planner's count is what chose the chunk's power (and its ptau): a chunk that outgrows it
  // is a planner bug, refused here rather than as a failed setup (plan-exact.test.ts).
  if (cs.nConstraints > plan.constraints) throw new RangeError(`chunk ${index}: built ${cs.nConstraints} constraints, the plan has ${plan.constraints}`);
  if (signals) {
    signals[SIGNAL.outCommitment] = result.outCommitment!;
    result.publicSignals = signals;
  }
  return result;
}

function runStage(cs: ConstraintSystem, ctx: StageContext, stage: Stage, env: Map<string, TensorWires>, overhead: { rows: number }): void {
  const inputs: Record<string, TensorWires> = {};
  for (const spec of stage.inputs) {
    const t = env.get(spec.name);
    if (!t) throw new TypeError(`stage ${stage.name}: input tensor ${spec.name} is not available in chunk ${ctx.chunkIndex}`);
    inputs[spec.name] = t;
  }
  // Rows the stage adds and the rows the range backend will add for its requests at resolve().
  const before = cs.plannedRows - overhead.rows;
  const out = cs.scope(stage.name, () => stage.build(ctx, inputs));
  const added = cs.plannedRows - overhead.rows - before;
  // The planner packed chunks with the declared count: it must be an upper bound.
  if (added > stage.constraints) {
    throw new RangeError(`stage ${stage.name} declares ${stage.constraints} constraints but added ${added}`);
  }
  for (const spec of stage.outputs) {
    const t = out[spec.name];
    if (!t || t.length !== spec.rows || t.some((r) => r.length !== spec.cols)) {
      throw new TypeError(`stage ${stage.name}: output ${spec.name} is missing or not ${spec.rows}×${spec.cols}`);
    }
    env.set(spec.name, t);
  }
}
