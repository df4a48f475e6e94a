/**
 * Soundness of the statement gadgets (prover/src/circuit/transformer/statement.ts) on their own, with a
 * cheating prover: the prompt commitment binds the prompt's length, and the prefix masks'
 * hints cannot be bent away from [t < n].
 */
import { describe, expect, it } from 'vitest';
import { commit, pack, promptCommitment } from '@zkinfer/prover/commit/commit.ts';
import { checkOpening } from '@zkinfer/prover/bundle/opening.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { declarePublicWires } from '@zkinfer/prover/circuit/transformer/stages.ts';
import { positionMasks, promptTokens } from '@zkinfer/prover/circuit/transformer/statement.ts';
import { cheatingFails, cheatingOutcome } from '../circuit/gadgets/tamper.ts';

const T = 6;
const SALT = 987654321n;

/** Public values of a statement (modelTag, chunkIndex, boundaries 0) for the statement gadgets. */
function publicValues(commitment: bigint, nPrompt: number, nGenerated: number, posTokens: number[] = []): bigint[] {
  const pos = Array.from({ length: T }, (_, t) => BigInt(posTokens[t] ?? 0));
  return [0n, 0n, 0n, 0n, commitment, BigInt(nPrompt), BigInt(nGenerated), ...pos];
}

/** Masks and the prompt opening in one witness-mode system; null when satisfied, else the failing label. */
function openPrompt(values: bigint[], prompt: number[]): string | null {
  const cs = new ConstraintSystem({ witness: true });
  const pub = declarePublicWires(cs, T, values);
  const masks = positionMasks(cs, pub, T);
  promptTokens(cs, pub, masks, T, { promptTokens: prompt, salt: SALT });
  return findUnsatisfied(cs)?.label ?? null;
}

describe('the prompt commitment binds the prompt length (token 0 is a real token)', () => {
  const ab = [65, 66];
  const ab0 = [65, 66, 0];

  it('off circuit: [a, b] and [a, b, 0] commit to different values under one salt', () => {
    expect(promptCommitment(ab, T, SALT)).not.toBe(promptCommitment(ab0, T, SALT));
    expect(promptCommitment([0], T, SALT)).not.toBe(promptCommitment([0, 0], T, SALT));
  });

  it('in the circuit: the honest openings pass, and the commitment of [a, b] cannot be opened as [a, b, 0] with nPrompt = 3', () => {
    expect(openPrompt(publicValues(promptCommitment(ab, T, SALT), 2, 1, [0, 0, 7]), ab)).toBeNull();
    expect(openPrompt(publicValues(promptCommitment(ab0, T, SALT), 3, 1, [0, 0, 0, 7]), ab0)).toBeNull();
    expect(openPrompt(publicValues(promptCommitment(ab, T, SALT), 3, 1, [0, 0, 0, 7]), ab0)).toMatch(/promptCommitment/);
    expect(openPrompt(publicValues(promptCommitment(ab0, T, SALT), 2, 1, [0, 0, 7]), ab)).toMatch(/promptCommitment/);
  });

  it('the opening check refuses [a, b, 0] against a bundle that committed to [a, b]', () => {
    const modelId = 'a'.repeat(64);
    const bundle = (prompt: number[]) => ({ modelId, ctx: T, statement: { promptCommitment: promptCommitment(ab, T, SALT), nPrompt: prompt.length } });
    const opening = (prompt: number[]) => ({ version: 1 as const, modelId, promptCommitment: promptCommitment(ab, T, SALT).toString(), salt: SALT.toString(), promptTokens: prompt, prompt: '' });
    expect(checkOpening(opening(ab), bundle(ab))).toEqual({ ok: true });
    expect(checkOpening(opening(ab0), bundle(ab0)).ok).toBe(false);
    // A bundle of an older zkinfer (commitment without the length) is named as such.
    const legacy = { modelId, ctx: T, statement: { promptCommitment: commit(pack([65, 66, 0, 0, 0, 0], 16, false), SALT), nPrompt: 2 } };
    expect(checkOpening(opening(ab), legacy)).toMatchObject({ ok: false, reason: expect.stringMatching(/old prompt commitment/) });
  });
});

describe('position masks against a cheating prover', () => {
  const masksOnly = (nPrompt: number, nGenerated: number) => (cs: ConstraintSystem) => declarePublicWires(cs, T, publicValues(0n, nPrompt, nGenerated));
  const gadget = (cs: ConstraintSystem, pub: ReturnType<typeof declarePublicWires>) => positionMasks(cs, pub, T);

  it('the honest masks are [t < nPrompt] and [nPrompt ≤ t < nPrompt + nGenerated]', () => {
    const { satisfied, out } = cheatingOutcome(masksOnly(2, 3), gadget, {});
    expect(satisfied).toBe(true);
    const cs = new ConstraintSystem({ witness: true });
    const m = gadget(cs, masksOnly(2, 3)(cs));
    expect(m.isPrompt.map((x) => cs.valueOf(x))).toEqual([1n, 1n, 0n, 0n, 0n, 0n]);
    expect(m.isGenerated.map((x) => cs.valueOf(x))).toEqual([0n, 0n, 1n, 1n, 1n, 0n]);
    expect(out.isPrompt).toHaveLength(T);
  });

  // Every 0/1 vector of length T and some non-boolean ones of the right count (−1 is r − 1).
  const candidates: bigint[][] = [
    ...Array.from({ length: 1 << T }, (_, bits) => Array.from({ length: T }, (_, t) => BigInt((bits >> t) & 1))),
    [2n, 0n, 0n, 0n, 0n, 0n],
    [1n, 2n, -1n, 0n, 0n, 0n],
    [1n, 1n, 1n, -1n, 0n, 0n],
    [3n, 2n, 0n, 0n, 0n, 0n],
    [2n, 2n, 1n, 0n, 0n, 0n],
  ];
  for (const [mask, honest] of [['isPrompt', [1n, 1n, 0n, 0n, 0n, 0n]], ['isActive', [1n, 1n, 1n, 1n, 1n, 0n]]] as const) {
    it(`accepts only the honest ${mask} hint among ${candidates.length} candidates (nPrompt = 2, nGenerated = 3)`, () => {
      let rejected = 0;
      for (const lie of candidates) {
        const isHonest = lie.every((v, t) => v === honest[t]);
        expect(cheatingFails(masksOnly(2, 3), gadget, { [mask]: () => lie }), `${mask} = [${lie}]`).toBe(!isHonest);
        if (!isHonest) rejected++;
      }
      expect(rejected).toBe(candidates.length - 1);
    });
  }

  it('rejects a prompt mask that claims one position more or less than nPrompt, and nPrompt = 0', () => {
    expect(cheatingFails(masksOnly(2, 3), gadget, { isPrompt: () => [1n, 1n, 1n, 0n, 0n, 0n] })).toBe(true);
    expect(cheatingFails(masksOnly(2, 3), gadget, { isPrompt: () => [1n, 0n, 0n, 0n, 0n, 0n] })).toBe(true);
    expect(cheatingFails(masksOnly(0, 3), gadget, {})).toBe(true);
    expect(cheatingFails(masksOnly(0, 3), gadget, { isPrompt: () => [0n, 0n, 0n, 0n, 0n, 0n] })).toBe(true);
  });

  it('rejects nPrompt + nGenerated > T whatever the hints', () => {
    expect(cheatingFails(masksOnly(3, 4), gadget, {})).toBe(true);
    expect(cheatingFails(masksOnly(3, 4), gadget, { isActive: () => [1n, 1n, 1n, 1n, 1n, 1n] })).toBe(true);
  });
});
