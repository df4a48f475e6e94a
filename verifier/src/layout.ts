import { VerifyInputError } from './errors.ts';
import { R } from './fields.ts';

/**
 * The public-signal layout shared by every chunk (docs/proof-format.md, "Public signals of
 * every chunk"). This is the one place that states it; the prover, API and widget import it.
 */

/** Fixed indices of the first seven signals; posTokens[t] is at POS_TOKENS_OFFSET + t. */
export const SIGNAL = {
  modelTag: 0,
  chunkIndex: 1,
  inCommitment: 2,
  outCommitment: 3,
  promptCommitment: 4,
  nPrompt: 5,
  nGenerated: 6,
} as const;
export const POS_TOKENS_OFFSET = 7;
/** Largest context length T a manifest may declare. */
export const MAX_CTX = 4096;
/** Token ids are packed 16 bits each (docs/proof-format.md "Commitments"). */
export const MAX_VOCAB = 1 << 16;

export type SignalName = keyof typeof SIGNAL | `posTokens[${number}]`;

/** nPublic = 7 + T. */
export function nPublicForCtx(ctx: number): number {
  return POS_TOKENS_OFFSET + ctx;
}

/** Names of all 7 + ctx signals in order (for error messages and docs). */
export function publicSignalLayout(ctx: number): { nPublic: number; names: SignalName[] } {
  const names: SignalName[] = Object.keys(SIGNAL) as (keyof typeof SIGNAL)[];
  for (let t = 0; t < ctx; t++) names.push(`posTokens[${t}]`);
  return { nPublic: nPublicForCtx(ctx), names };
}

/** One value per public signal, by name: posTokens[t] for t < ctx, the rest one each. */
export type PublicSignalRecord<W> = { [K in keyof typeof SIGNAL]: W } & {
  /** posTokens[t]: the generated token at t inside the generated window, else 0. */
  posTokens: W[];
};

/**
 * Calls `make` once per signal in layout order and returns the results by name. Circuits
 * declare their public wires through it, so the order of their public inputs is this layout's.
 */
export function publicSignalRecord<W>(ctx: number, make: (name: SignalName, index: number) => W): PublicSignalRecord<W> {
  const values = publicSignalLayout(ctx).names.map(make);
  const named = Object.fromEntries((Object.keys(SIGNAL) as (keyof typeof SIGNAL)[]).map((k) => [k, values[SIGNAL[k]]]));
  return { ...(named as { [K in keyof typeof SIGNAL]: W }), posTokens: values.slice(POS_TOKENS_OFFSET) };
}

/** The model id (64 hex) read as a 256-bit big-endian integer, reduced mod r. */
export function modelTag(modelId: string): bigint {
  if (!/^[0-9a-f]{64}$/.test(modelId)) {
    throw new VerifyInputError('bad_manifest', 'modelId', 'expected 64 lowercase hex digits');
  }
  return BigInt(`0x${modelId}`) % R;
}

/** What a proof bundle claims, independent of how it is proven. */
export interface Statement {
  promptCommitment: bigint;
  nPrompt: number;
  nGenerated: number;
  generated: readonly number[];
}

/**
 * posTokens of the layout: generated[t − nPrompt] for nPrompt ≤ t < nPrompt + nGenerated, else 0.
 * Throws RangeError if the statement does not fit in ctx positions.
 */
export function posTokens(statement: Statement, ctx: number): bigint[] {
  const { nPrompt, nGenerated, generated } = statement;
  if (nPrompt < 1 || nGenerated < 1 || nPrompt + nGenerated > ctx || generated.length !== nGenerated) {
    throw new RangeError(
      `statement does not fit ctx ${ctx}: nPrompt ${nPrompt}, nGenerated ${nGenerated}, ${generated.length} generated tokens`,
    );
  }
  const out = new Array<bigint>(ctx).fill(0n);
  generated.forEach((token, j) => {
    out[nPrompt + j] = BigInt(token);
  });
  return out;
}

/** All 7 + ctx public signals of one chunk, in layout order. */
export function expectedPublicSignals(args: {
  modelId: string;
  ctx: number;
  chunkIndex: number;
  inCommitment: bigint;
  outCommitment: bigint;
  statement: Statement;
}): bigint[] {
  const { modelId, ctx, chunkIndex, inCommitment, outCommitment, statement } = args;
  for (const [name, v] of [['inCommitment', inCommitment], ['outCommitment', outCommitment], ['promptCommitment', statement.promptCommitment]] as const) {
    if (v < 0n || v >= R) throw new RangeError(`${name} ${v} is not a field element`);
  }
  return [
    modelTag(modelId),
    BigInt(chunkIndex),
    inCommitment,
    outCommitment,
    statement.promptCommitment,
    BigInt(statement.nPrompt),
    BigInt(statement.nGenerated),
    ...posTokens(statement, ctx),
  ];
}
