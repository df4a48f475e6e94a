import { randomBytes } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { renameSync, rmSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import type { CommitmentSpec } from '../circuit/commitment-spec.ts';
import { runSnark } from './errors.ts';
import { assertPtauLevel, r1csDomainPower } from './ptau.ts';
import { checkZkey } from './zkey-check.ts';
import { applyFactors, contributeBeacon, contributeRandom, type ContributionFactors } from './zkey-contribute.ts';
import { readZkeyCommitment, writeZkey } from './zkey-file.ts';
import { composeInitialKey, pointCurve } from './zkey-new.ts';

/** snarkjs verification_key.json (groth16, bn128). */
export interface SnarkjsVkey {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  vk_alphabeta_12?: unknown;
  IC: string[][];
  /** Ours, for a key with a BSB22 commitment (docs/proof-format.md): the challenge's IC slot and [σ]₂. */
  commitment?: { publicIndex: number; sigmaG2: string[][] };
}

/** The BN254 G2 generator (EIP-197) in snarkjs JSON order [[x0, x1], [y0, y1], [1, 0]]. */
const G2_GENERATOR = [
  ['10857046999023057135944570762232829481370756359578518086990519993285655852781', '11559732032986387107991004021392285783925812861821192530917403151452391805634'],
  ['8495653923123431417604973247489272438418190587263600148770280649306958101930', '4082367875863433681332203403145435568316851327593401208105741076214120093531'],
  ['1', '0'],
];

function sameG2(a: string[][], b: string[][]): boolean {
  return a.length >= 2 && b.length >= 2 && [0, 1].every((i) => a[i][0] === b[i][0] && a[i][1] === b[i][1]);
}

/**
 * Refuses a key with no phase-2 contribution: δ = γ (as zkey new leaves it) or δ = the G2
 * generator. Such a key is forgeable (docs/architecture.md "Trusted setup").
 */
export function assertContributed(vkey: SnarkjsVkey): void {
  if (sameG2(vkey.vk_delta_2, vkey.vk_gamma_2)) throw new RangeError('verification key has δ = γ: no phase-2 contribution, proofs would be forgeable');
  if (sameG2(vkey.vk_delta_2, G2_GENERATOR)) throw new RangeError('verification key has δ = G2 generator: no phase-2 contribution, proofs would be forgeable');
}

export interface SetupOptions {
  r1csPath: string;
  ptauPath: string;
  /** Final proving key. Intermediate keys are written beside it and removed. */
  zkeyPath: string;
  /** Random-entropy contributions before the beacon; at least 1. */
  contributions?: number;
  /** Beacon hash (hex); default: 32 fresh random bytes. */
  beaconHash?: string;
  onProgress?: (msg: string) => void;
  /** The circuit's committed wires and challenge wire, if it has a BSB22 commitment (docs/lookups-design.md). */
  commitment?: CommitmentSpec;
}

export interface SetupResult {
  zkeyPath: string;
  vkey: SnarkjsVkey;
}

/**
 * Phase 2 for one circuit, in our own code (no snarkjs on this path but the verification-key
 * export): the initial key from the .r1cs and the prepared .ptau (zkey-new.ts, the key
 * `snarkjs groth16 setup` writes), n contributions from fresh randomness and the beacon
 * (zkey-contribute.ts, snarkjs's contribution records), L and H divided by all factors in one
 * pass; written beside the target, checked against the .r1cs and .ptau by the independent
 * randomised check (zkey-check.ts: it recomputes no point, so it shares no arithmetic with
 * the code that made them), then renamed into place; the verification key exported and
 * refused if it shows no contribution. Keys made here pass `snarkjs zkey verify` (tests).
 */
export async function groth16Setup(opts: SetupOptions): Promise<SetupResult> {
  const n = opts.contributions ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`groth16Setup: contributions ${n} must be an integer ≥ 1`);
  const progress = opts.onProgress ?? (() => {});
  const tmp = `${opts.zkeyPath}.${process.pid}.tmp`;
  try {
    progress(`groth16 setup ${opts.r1csPath}`);
    // A local ptau may hold only some Lagrange levels (writeLocalPtau): refuse one that lacks
    // this circuit's, before reading points at infinity into the key.
    const power = r1csDomainPower(opts.r1csPath);
    assertPtauLevel(opts.ptauPath, power);
    assertHeapFor(power);
    const { key, pool } = await composeInitialKey(opts.r1csPath, opts.ptauPath, undefined, progress, undefined, opts.commitment);
    try {
      progress(`zkey contribute ×${n} + beacon`);
      const curve = await pointCurve();
      const factors: ContributionFactors[] = [];
      for (let i = 0; i < n; i++) factors.push(contributeRandom(curve, key, `zkinfer contribution ${i + 1}`));
      factors.push(contributeBeacon(curve, key, { name: 'zkinfer beacon', hash: opts.beaconHash ?? randomBytes(32).toString('hex'), numIterationsExp: 10 }));
      await applyFactors(curve, pool, key, factors);
    } finally {
      await pool.close();
    }
    writeZkey(tmp, key);
    progress('zkey check');
    await checkZkey(opts.r1csPath, opts.ptauPath, tmp, progress, undefined, opts.commitment);
    renameSync(tmp, opts.zkeyPath);
    const vkey = await exportVerificationKey(opts.zkeyPath);
    assertContributed(vkey);
    return { zkeyPath: opts.zkeyPath, vkey };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Refuses, before minutes of work, a setup the JS heap cannot hold: snarkjs's `zkey new` keeps
 * every constraint as JS objects, and a 2^20 circuit (1.03M constraints) exhausted Node's
 * default 4 GB heap; 2^19 circuits fit it. The limit is Node's (--max-old-space-size).
 */
export function assertHeapFor(power: number, heapLimit = getHeapStatistics().heap_size_limit): void {
  const needGiB = power <= 19 ? 0 : 2 ** (power - 20) * 10;
  if (heapLimit < needGiB * 2 ** 30) {
    throw new RangeError(`a circuit of domain 2^${power} needs about ${needGiB} GiB of JS heap to set up, this process has ${(heapLimit / 2 ** 30).toFixed(1)} GiB: run with NODE_OPTIONS=--max-old-space-size=${needGiB * 1024}, or a smaller --chunk-power`);
  }
}

/**
 * snarkjs zkey export verificationkey; for a key with a commitment (sections 11–15, which
 * snarkjs does not read) plus `commitment: { publicIndex, sigmaG2 }` from them.
 */
export async function exportVerificationKey(zkeyPath: string): Promise<SnarkjsVkey> {
  const vkey = await runSnark<SnarkjsVkey>(`snarkjs zkey export verificationkey ${zkeyPath}`, (l) => snarkjs.zKey.exportVerificationKey(zkeyPath, l));
  const c = readZkeyCommitment(zkeyPath);
  if (!c) return vkey;
  const { G2 } = await pointCurve();
  const sigma = G2.toObject(G2.toAffine(G2.fromRprLEM(c.sigma2, 0))) as bigint[][];
  return { ...vkey, commitment: { publicIndex: c.spec.challengeWire, sigmaG2: sigma.map((pair) => pair.map(String)) } };
}

/** snarkjs's own groth16 setup alone (no contribution): the reference for tests of the refusal above and of zkey-new.ts. */
export async function newZkeyWithoutContribution(r1csPath: string, ptauPath: string, zkeyPath: string): Promise<void> {
  await runSnark('snarkjs groth16 setup', (l) => snarkjs.zKey.newZKey(r1csPath, ptauPath, zkeyPath, l), (r) => r === -1 || r === false);
}
