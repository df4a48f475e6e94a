/**
 * Which Groth16 prover zkinfer runs: the native one (prover/native) by default, snarkjs where
 * the native one is not built (no C++ compiler at install time) or is older than its sources,
 * announced once in one line on stderr. `ZKINFER_PROVER=native|snarkjs` forces either (a
 * forced native prover that cannot run is an error, not a fallback).
 */
import { availableParallelism } from 'node:os';
import { SnarkError } from './errors.ts';
import { NativeProver, nativeUnavailableReason } from './native.ts';
import { groth16Prove, type ProofResult } from './prove.ts';
import { readZkeyCommitment } from './zkey-file.ts';

export type ProverEngine = 'native' | 'snarkjs';

let announced = false;

/** The engine for this process, from ZKINFER_PROVER and whether the native prover can run. */
export function chosenEngine(env: NodeJS.ProcessEnv = process.env): ProverEngine {
  const forced = env.ZKINFER_PROVER;
  if (forced !== undefined && forced !== '' && forced !== 'native' && forced !== 'snarkjs') {
    throw new SnarkError(`ZKINFER_PROVER=${forced}: expected native or snarkjs`);
  }
  if (forced === 'snarkjs') return 'snarkjs';
  const reason = nativeUnavailableReason(env);
  if (forced === 'native') {
    if (reason) throw new SnarkError(`ZKINFER_PROVER=native, but ${reason}`);
    return 'native';
  }
  if (reason) {
    if (!announced) process.stderr.write(`zkinfer: ${reason}; proving with snarkjs (slower)\n`);
    announced = true;
    return 'snarkjs';
  }
  return 'native';
}

let shared: NativeProver | undefined;

/** One native prover per process on `threads` threads (default: all cores), kept for later proofs. */
export function sharedNativeProver(threads = availableParallelism()): NativeProver {
  if (shared && shared.threads !== threads) {
    void shared.close();
    shared = undefined;
  }
  shared ??= new NativeProver(threads);
  return shared;
}

/** Closes the shared native prover, if any (it never keeps the process alive while idle anyway). */
export async function closeNativeProver(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.close();
}

/**
 * A chunk's witness as a prover takes it: a .wtns path, or the values in memory as
 * native.ts witnessBytes writes them (the native prover only; snarkjs reads files).
 */
export type WitnessInput = string | Uint8Array;

/**
 * Proves a witness (.wtns path, or in-memory bytes for the native engine) against a .zkey on
 * the chosen engine. `threads`: the native prover's threads (default all cores); snarkjs uses
 * its own multi-threaded curve unless `singleThread`.
 */
export async function proveWithEngine(zkeyPath: string, witness: WitnessInput, options: { engine?: ProverEngine; threads?: number; singleThread?: boolean } = {}): Promise<ProofResult> {
  const engine = options.engine ?? chosenEngine();
  if (engine === 'snarkjs') {
    if (typeof witness !== 'string') throw new TypeError(`proveWithEngine ${zkeyPath}: snarkjs proves from a .wtns file, not from witness bytes`);
    // snarkjs knows no commitment (D, π), and its multi-exponentiation would take the committed
    // wires' L entries (the point at infinity, encoded (0, 0)) for a point.
    if (readZkeyCommitment(zkeyPath)) throw new SnarkError(`proveWithEngine ${zkeyPath}: the key has a BSB22 commitment, which only the native prover computes`);
    return groth16Prove(zkeyPath, witness, { singleThread: options.singleThread });
  }
  const threads = options.threads ?? (options.singleThread ? 1 : availableParallelism());
  const { proof, publicSignals } = await sharedNativeProver(threads).prove(zkeyPath, witness);
  return { proof, publicSignals };
}
