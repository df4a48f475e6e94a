/**
 * The private opening file (docs/proof-format.md "Opening file"): the prompt, its tokens and
 * the salt of promptCommitment. Written with mode 0600; `zkinfer open` checks it against a
 * bundle by recomputing the commitment.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { R } from '@zkinfer/verifier';
import { commit, promptCommitment, promptElements } from '../commit/commit.ts';
import { ZkinferError } from '../errors.ts';

export interface Opening {
  version: 1;
  modelId: string;
  promptCommitment: string;
  salt: string;
  promptTokens: number[];
  prompt: string;
}

export function writeOpening(path: string, opening: Opening): void {
  writeFileSync(path, `${JSON.stringify(opening, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode on write: set it explicitly
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Parses an opening file strictly; TypeError naming the field. */
export function parseOpening(json: unknown, file = 'opening'): Opening {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ZkinferError('bad_input', `${file}: expected a JSON object`);
  const o = json as Record<string, unknown>;
  const keys = ['version', 'modelId', 'promptCommitment', 'salt', 'promptTokens', 'prompt'];
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ZkinferError('bad_input', `${file}: unknown field ${JSON.stringify(k)}`);
  if (o.version !== 1) throw new ZkinferError('bad_input', `${file}: version must be 1`);
  if (typeof o.modelId !== 'string' || !/^[0-9a-f]{64}$/.test(o.modelId)) throw new ZkinferError('bad_input', `${file}: modelId must be 64 lowercase hex digits`);
  for (const k of ['promptCommitment', 'salt'] as const) {
    const v = o[k];
    if (typeof v !== 'string' || !DECIMAL.test(v) || BigInt(v) >= R) throw new ZkinferError('bad_input', `${file}: ${k} must be a decimal field element`);
  }
  if (!Array.isArray(o.promptTokens) || o.promptTokens.length === 0 || o.promptTokens.some((t) => !Number.isInteger(t) || (t as number) < 0 || (t as number) > 0xffff)) {
    throw new ZkinferError('bad_input', `${file}: promptTokens must be a non-empty array of token ids (0..65535)`);
  }
  if (typeof o.prompt !== 'string') throw new ZkinferError('bad_input', `${file}: prompt must be a string`);
  return o as unknown as Opening;
}

/**
 * Whether the opening opens a bundle's statement: same model, nPrompt = promptTokens.length,
 * and commit([nPrompt, pack16(promptTokens padded to ctx)…], salt) equals the bundle's
 * promptCommitment (the length is committed too, so [a, b] and [a, b, 0] differ). Returns the
 * reason when it does not.
 */
export function checkOpening(
  opening: Opening,
  bundle: { modelId: string; ctx: number; statement: { promptCommitment: bigint; nPrompt: number } },
): { ok: true } | { ok: false; reason: string } {
  if (opening.modelId !== bundle.modelId) return { ok: false, reason: `opening is for model ${opening.modelId}, the bundle for ${bundle.modelId}` };
  if (opening.promptTokens.length !== bundle.statement.nPrompt) {
    return { ok: false, reason: `opening has ${opening.promptTokens.length} prompt tokens, the bundle says nPrompt = ${bundle.statement.nPrompt}` };
  }
  const c = promptCommitment(opening.promptTokens, bundle.ctx, BigInt(opening.salt));
  if (c !== bundle.statement.promptCommitment) {
    // Bundles made before the length was committed used commit(pack16(tokens), salt): name that
    // case instead of calling the opening wrong (such a commitment does not fix the length).
    const unbound = commit(promptElements(opening.promptTokens, bundle.ctx).slice(1), BigInt(opening.salt));
    if (unbound === bundle.statement.promptCommitment) {
      return { ok: false, reason: 'the bundle uses the old prompt commitment that does not bind the prompt length (made by an older zkinfer); prove it again' };
    }
    return { ok: false, reason: 'the prompt tokens and salt do not commit to the bundle\'s promptCommitment' };
  }
  return { ok: true };
}
