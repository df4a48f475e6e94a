import { randomBytes } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { rmSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { runSnark } from './errors.ts';
import { assertPtauLevel, r1csDomainPower } from './ptau.ts';
import contributeAndBeacon from './vendor/zkey-contribute-beacon.js';
import newZKeyShortScalars from './vendor/zkey-new.js';

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
}

export interface SetupResult {
  zkeyPath: string;
  vkey: SnarkjsVkey;
}

/**
 * Phase 2 for one circuit with snarkjs: groth16 setup → contribute (random entropy) ×n →
 * beacon (2^10 iterations), these two in one pass → zkey verify (the contribution chain and
 * every key section against the initial key that `groth16 setup` made from the .r1cs and
 * .ptau) → export the verification key, refused if it shows no contribution.
 */
export async function groth16Setup(opts: SetupOptions): Promise<SetupResult> {
  const n = opts.contributions ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`groth16Setup: contributions ${n} must be an integer ≥ 1`);
  const progress = opts.onProgress ?? (() => {});
  const stage = (i: number) => `${opts.zkeyPath}.${i}.tmp`;
  const temps: string[] = [];
  try {
    progress(`groth16 setup ${opts.r1csPath}`);
    // A local ptau may hold only some Lagrange levels (writeLocalPtau): refuse one that lacks
    // this circuit's, before zkey new reads points at infinity into the key.
    const power = r1csDomainPower(opts.r1csPath);
    assertPtauLevel(opts.ptauPath, power);
    assertHeapFor(power);
    temps.push(stage(0));
    // snarkjs's `zkey new` with short scalars (vendor/zkey-new.js): the same file, ~2.5× faster.
    await runSnark(`snarkjs groth16 setup ${opts.r1csPath} ${opts.ptauPath}`, (l) => newZKeyShortScalars(opts.r1csPath, opts.ptauPath, stage(0), l), (r) => r === -1 || r === false);
    // `zkey contribute` ×n then `zkey beacon` in one pass (vendor/zkey-contribute-beacon.js):
    // the same contribution records and the same file as the sequential commands, with the
    // key's L and H points multiplied once by 1/(δ_1·…·δ_beacon) instead of once per step.
    progress(`zkey contribute ×${n} + beacon`);
    const beacon = opts.beaconHash ?? randomBytes(32).toString('hex');
    const contributions = Array.from({ length: n }, (_, i) => ({ name: `zkinfer contribution ${i + 1}`, entropy: randomBytes(32).toString('hex') }));
    await runSnark('snarkjs zkey contribute + beacon', (l) => contributeAndBeacon(stage(0), opts.zkeyPath, contributions, { name: 'zkinfer beacon', hash: beacon, numIterationsExp: 10 }, l));
    // `snarkjs zkey verify` (verifyFromR1cs) is `zkey new` from the .r1cs and .ptau followed
    // by verifyFromInit against that initial key. `zkey new` is deterministic and stage 0 is
    // exactly its output for these two files, made above, so we verify from it and skip the
    // recomputation: the same check for half the setup time (measured: 95 s instead of 185 s
    // for a 54k-constraint chunk, BENCHMARKS.md "Phase-2 setup").
    progress('zkey verify');
    await runSnark(`snarkjs zkey verify ${opts.zkeyPath}`, (l) => snarkjs.zKey.verifyFromInit(stage(0), opts.ptauPath, opts.zkeyPath, l), (ok) => ok !== true);
    const vkey = await exportVerificationKey(opts.zkeyPath);
    assertContributed(vkey);
    return { zkeyPath: opts.zkeyPath, vkey };
  } finally {
    for (const t of temps) rmSync(t, { force: true });
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

/** snarkjs zkey export verificationkey. */
export async function exportVerificationKey(zkeyPath: string): Promise<SnarkjsVkey> {
  return runSnark<SnarkjsVkey>(`snarkjs zkey export verificationkey ${zkeyPath}`, (l) => snarkjs.zKey.exportVerificationKey(zkeyPath, l));
}

/** snarkjs's own groth16 setup alone (no contribution): for tests of the refusal above and of vendor/zkey-new.js. */
export async function newZkeyWithoutContribution(r1csPath: string, ptauPath: string, zkeyPath: string): Promise<void> {
  await runSnark('snarkjs groth16 setup', (l) => snarkjs.zKey.newZKey(r1csPath, ptauPath, zkeyPath, l), (r) => r === -1 || r === false);
}
