/**
 * Witness generation for a whole forward pass: chunks are built in witness mode in chain
 * order, each one's output boundary values feeding the next one's private inputs (the
 * stages compute the integer inference's values as they state the constraints), so each
 * chunk's witness is its slice of one pass. Only one chunk's system is alive at a time.
 */
import { randomSalt } from '../commit/commit.ts';
import { findUnsatisfied } from '../circuit/check.ts';
import type { QuantModel } from '../quant/types.ts';
import type { TensorValues } from './boundary.ts';
import { buildChunk, type BuiltChunk, type ProofWitness } from './build.ts';
import type { ChunkPlan } from './plan.ts';
import type { Stage } from '../circuit/transformer/stage.ts';
import type { Statement } from '@zkinfer/verifier';
import type { ChallengeOracle } from '../circuit/commitment-spec.ts';
import type { RangeBackend } from '../circuit/range-backend.ts';

/** Fresh private randomness of one proof: the prompt salt and one salt per boundary. */
export function freshProofWitness(statement: Statement, promptTokens: readonly number[], promptSalt: bigint, nChunks: number): ProofWitness {
  return { statement, promptTokens, promptSalt, boundarySalts: Array.from({ length: nChunks }, (_, i) => (i === 0 ? 0n : randomSalt())) };
}

export interface WitnessArgs {
  modelId: string;
  ctx: number;
  q: QuantModel;
  stages: readonly Stage[];
  plans: readonly ChunkPlan[];
  proof: ProofWitness;
  /** Check every constraint before handing the chunk out (default true): a bad witness would make snarkjs emit an invalid proof. */
  check?: boolean;
  /**
   * Lean systems (system.ts): values only, each constraint checked as it is stated — what
   * proving needs, several times cheaper than recording rows and wire names and re-evaluating
   * the rows. Default false: tests inspect rows and wire names, and tamper with values.
   */
  lean?: boolean;
  /** The range backend the circuits were compiled with (default plain), and LogUp's challenge oracle. */
  ranges?: RangeBackend;
  oracle?: ChallengeOracle;
  /** LogUp circuits of different keys: chunk `index`'s oracle (its key's commitment); overrides `oracle`. */
  oracleFor?: (index: number) => ChallengeOracle;
  /** Build chunks 0 … count − 1 only (a position prefix, docs/proof-format.md); default every plan. */
  count?: number;
}

/** Yields every chunk built in witness mode, in order; throws a RangeError naming the first unsatisfied constraint. */
export function* chunkWitnesses(args: WitnessArgs): Generator<BuiltChunk & { index: number }> {
  let inCommitment = 0n;
  let inValues: readonly TensorValues[] = [];
  const count = args.count ?? args.plans.length;
  if (!Number.isInteger(count) || count < 1 || count > args.plans.length) throw new RangeError(`chunkWitnesses: count ${count} not in 1..${args.plans.length}`);
  for (let index = 0; index < count; index++) {
    const oracle = args.oracleFor?.(index) ?? args.oracle;
    const built = buildChunk({ ...args, oracle, index, witness: { proof: args.proof, inCommitment, inValues } });
    if (args.check !== false) {
      const bad = findUnsatisfied(built.cs);
      if (bad) throw new RangeError(`chunk ${index}: witness does not satisfy constraint #${bad.index} (${bad.label})`);
    }
    yield { ...built, index };
    inCommitment = built.outCommitment!;
    inValues = built.outValues ?? [];
  }
}
