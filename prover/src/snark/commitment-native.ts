/**
 * The challenge oracle of witness generation on the native prover (prover/native/src/
 * commit_cmd.cpp): D = Σ_{j∈J} w_j·P_j over the key's section 12, computed by
 * `zkinfer-prover commit <zkey>` in one synchronous child process per chunk, because a LogUp
 * circuit's witness is built synchronously and needs c = H(D, publics, keyHash) halfway
 * (docs/decisions.md 27). commitment-prove.ts computes the same D in TypeScript (@noble/curves)
 * and is the test oracle for this one (test/prover/snark/commitment-native.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { bn254 } from '@noble/curves/bn254.js';
import { commitmentChallenge, type G1Point } from '@zkinfer/verifier';
import type { ChallengeOracle } from '../circuit/commitment-spec.ts';
import { SnarkError } from './errors.ts';
import { nativeBinary, nativeUnavailableReason, witnessBytes } from './native.ts';

const G1 = bn254.G1.Point;

/**
 * D for `committed` (the key's committed wires' values, in its wire order) under the proving
 * key at `zkeyPath`. One thread by default: the proving workers hold the machine's cores while
 * the next chunk's witness is built.
 */
export function nativeCommitmentD(zkeyPath: string, committed: readonly bigint[], threads = 1): G1Point {
  assertNativeRuns();
  return runCommit(zkeyPath, committed, threads);
}

/** The oracle for the circuit whose proving key is at `zkeyPath` (commitment-prove.ts challengeOracle's native twin); checks the build once, not per chunk. */
export function nativeChallengeOracle(zkeyPath: string, keyHash: string): ChallengeOracle {
  assertNativeRuns();
  return (committed, publics) => commitmentChallenge(runCommit(zkeyPath, committed, 1), publics, keyHash);
}

function assertNativeRuns(): void {
  const reason = nativeUnavailableReason(); // reads the source folder's times: once per key, not per chunk
  if (reason) throw new SnarkError(`LogUp witness: ${reason}`);
}

function runCommit(zkeyPath: string, committed: readonly bigint[], threads: number): G1Point {
  const run = spawnSync(nativeBinary(), ['commit', zkeyPath, '--threads', String(threads)], { input: witnessBytes(committed), maxBuffer: 1 << 20 });
  // A binary that refuses its key exits before reading all its input: the write then fails with
  // EPIPE, and the reason is on its stderr, not in the error.
  const refused = (run.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && run.status !== 0 && (run.stderr?.length ?? 0) > 0;
  if (run.error && !refused) throw new SnarkError(`native commitment ${zkeyPath}: ${run.error.message}`);
  const out = run.stdout.toString().trim();
  if (run.status !== 0) throw new SnarkError(`native commitment ${zkeyPath}: ${run.stderr.toString().trim() || `exit ${run.status ?? run.signal}`}`);
  if (out === 'infinity') return G1.ZERO;
  const m = /^(\d+) (\d+)$/.exec(out);
  if (!m) throw new SnarkError(`native commitment ${zkeyPath}: unreadable output ${JSON.stringify(out.slice(0, 200))}`);
  const d = G1.fromAffine({ x: BigInt(m[1]), y: BigInt(m[2]) });
  d.assertValidity();
  return d;
}
