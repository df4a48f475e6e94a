// The native commitment D of witness generation (commitment-native.ts, `zkinfer-prover commit`)
// equals the TypeScript D (commitment-prove.ts) under a real commitment key, for zeros, ones,
// small, negative (r − k), 64-bit and full-width values; its oracle gives the same challenge;
// and it refuses a wrong number of values, a value not below r, and a key without commitment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { challengeOracle, commitmentBases, commitmentPoints } from '@zkinfer/prover/snark/commitment-prove.ts';
import { nativeChallengeOracle, nativeCommitmentD } from '@zkinfer/prover/snark/commitment-native.ts';
import { setupCircuit } from '@zkinfer/prover/snark/pipeline.ts';
import { readZkeyCommitment } from '@zkinfer/prover/snark/zkey-file.ts';
import { commitKeys, type CommitKeys } from '../snark/commit-circuit.ts';
import { nativeSkipReason, randomBelow } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-commit-native-'));
let keys: CommitKeys;

describe.skipIf(nativeSkipReason !== undefined)('native commitment D for witness generation', () => {
  beforeAll(async () => {
    keys = await commitKeys(dir);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const pairs: [string, bigint, bigint][] = [
    ['zeros', 0n, 0n],
    ['one and zero', 1n, 0n],
    ['small', 7n, 255n],
    ['negative', R - 1n, R - 300n],
    ['64-bit', (1n << 64n) - 1n, 1n << 63n],
    ['full width', randomBelow(R), randomBelow(R)],
  ];
  it.each(pairs)('equals the TypeScript D: %s', (_, x, rho) => {
    const bases = commitmentBases(readZkeyCommitment(keys.zkeyPath)!);
    const want = commitmentPoints(bases, [x, rho]).d;
    expect(nativeCommitmentD(keys.zkeyPath, [x, rho]).equals(want)).toBe(true);
  });

  it('its oracle gives the challenge the TypeScript oracle gives', () => {
    const ts = challengeOracle(readZkeyCommitment(keys.zkeyPath)!, keys.keyHash);
    const native = nativeChallengeOracle(keys.zkeyPath, keys.keyHash);
    const rho = randomBelow(R);
    expect(native([5n, rho], [25n])).toBe(ts([5n, rho], [25n]));
    expect(native([5n, rho], [25n])).not.toBe(ts([6n, rho], [25n]));
  });

  it('refuses a wrong number of values, a value not below r, and a key without a commitment', async () => {
    expect(() => nativeCommitmentD(keys.zkeyPath, [1n])).toThrow(/commits to 2 wires/);
    expect(() => nativeCommitmentD(keys.zkeyPath, [1n, 2n, 3n])).toThrow(/commits to 2 wires/);
    expect(() => nativeCommitmentD(keys.zkeyPath, [1n, R])).toThrow(/not a field element/);
    expect(() => nativeCommitmentD(join(dir, 'missing.zkey'), [1n, 2n])).toThrow(/missing\.zkey/);
    const cs = new ConstraintSystem({ witness: false });
    const a = cs.publicInput('a');
    cs.assertR1(a, a, a, 'a² = a');
    const plain = await setupCircuit(cs, { dir, name: 'plain', ptau: keys.ptauPath });
    expect(() => nativeCommitmentD(plain.zkeyPath, [1n, 2n])).toThrow(/has no commitment/);
  }, 60_000);
});
