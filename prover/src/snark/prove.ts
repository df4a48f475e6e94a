import * as snarkjs from 'snarkjs';
import { parseProof, parsePublicSignals, parseVerificationKey, prepareVerificationKey, verifyGroth16 } from '@zkinfer/verifier';
import { runSnark, SnarkError } from './errors.ts';
import type { SnarkjsVkey } from './setup.ts';
import { terminateCurve } from './curve.ts';

/** snarkjs proof.json. */
export interface SnarkjsProof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
  /** BSB22 commitment D and its proof of knowledge π (keys with a commitment only; docs/proof-format.md). */
  commitment?: string[];
  commitmentPok?: string[];
}

export interface ProofResult {
  proof: SnarkjsProof;
  /** Decimal strings, in public-input order. */
  publicSignals: string[];
}

/**
 * snarkjs groth16 prove from a proving key and a .wtns. Multi-threaded by default
 * (ffjavascript workers, kept alive until {@link shutdownProver}); `singleThread` uses a
 * private single-threaded curve instead.
 */
export async function groth16Prove(zkeyPath: string, wtnsPath: string, options: { singleThread?: boolean } = {}): Promise<ProofResult> {
  const res = await runSnark<ProofResult>(`snarkjs groth16 prove ${zkeyPath} ${wtnsPath}`, (l) =>
    snarkjs.groth16.prove(zkeyPath, wtnsPath, l, { singleThread: options.singleThread === true }),
  );
  if (!res || !res.proof || !Array.isArray(res.publicSignals)) throw new SnarkError(`snarkjs groth16 prove ${zkeyPath}: no proof returned`);
  return res;
}

/** snarkjs groth16 verify (the reference). */
export async function verifyWithSnarkjs(vkey: SnarkjsVkey, publicSignals: readonly string[], proof: SnarkjsProof): Promise<boolean> {
  // snarkjs logs "Invalid proof" as an error and returns false: that is a verdict, not a failure.
  return runSnark<boolean>('snarkjs groth16 verify', (l) => snarkjs.groth16.verify(vkey, publicSignals, proof, l));
}

/**
 * The project's strict verifier (verifier/, @noble/curves), the one the API and the
 * widget run. Malformed input throws its VerifyInputError.
 */
export function verifyStrict(vkey: SnarkjsVkey, publicSignals: readonly string[], proof: SnarkjsProof): boolean {
  const vk = parseVerificationKey(vkey);
  return verifyGroth16(prepareVerificationKey(vk), parseProof(proof), parsePublicSignals(publicSignals, vk.nPublic));
}

/** Stops ffjavascript's worker threads so the process exits cleanly after proving. */
export async function shutdownProver(): Promise<void> {
  await terminateCurve();
}
