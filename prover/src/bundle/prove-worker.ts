/**
 * Worker process of the proving pool (prove-pool.ts): proves one chunk per IPC message, the
 * pool providing the parallelism across chunks. The engine comes from the pool (argv[2],
 * chosen once in the parent: snark/engine.ts): `native` drives one single-threaded native
 * prover process for all its jobs (which keeps the last keys mapped between proofs);
 * `snarkjs` uses one single-threaded curve for every proof (curve.ts installSingleThreadedCurve).
 * A child process, not a worker thread: ffjavascript's `web-worker` dependency takes over
 * any worker thread that imports it (it expects to be its own worker's entry point).
 */
import { installSingleThreadedCurve } from '../snark/curve.ts';
import { closeNativeProver, sharedNativeProver, type WitnessInput } from '../snark/engine.ts';
import { groth16Prove, shutdownProver, type ProofResult } from '../snark/prove.ts';

export interface ProveJob {
  id: number;
  zkeyPath: string;
  /** A .wtns path, or (native engine) the witness bytes of native.ts witnessBytes. */
  witness: WitnessInput;
}

export type ProveReply = { id: number; ok: true; proof: unknown; publicSignals: string[]; ms: number } | { id: number; ok: false; error: string };

const send = process.send?.bind(process);
if (!send) throw new TypeError('prove-worker.ts must run as a forked child process (IPC channel)');
const engine = process.argv[2] === 'native' ? 'native' : 'snarkjs';
// Built while the first witness is; a failure surfaces as the first job's error.
const ready: Promise<unknown> = engine === 'native' ? Promise.resolve().then(() => sharedNativeProver(1)) : installSingleThreadedCurve();
ready.catch(() => {});
const prove = (job: ProveJob): Promise<ProofResult> =>
  // (groth16Prove's default curve is the installed single-threaded one.)
  engine === 'native' ? sharedNativeProver(1).prove(job.zkeyPath, job.witness) : groth16Prove(job.zkeyPath, wtnsPathOf(job));
/** snarkjs reads files; the pool sends it paths only (prove-pool.ts checkWitness). */
const wtnsPathOf = (job: ProveJob): string => {
  if (typeof job.witness !== 'string') throw new TypeError('prove worker: snarkjs needs a .wtns path');
  return job.witness;
};
process.on('message', (msg: ProveJob | 'exit') => {
  if (msg === 'exit') {
    void Promise.all([closeNativeProver(), shutdownProver()]).finally(() => process.disconnect());
    return;
  }
  const t0 = performance.now();
  // Jobs come one at a time (the pool waits for each reply), so proofs never share the curve concurrently.
  ready.then(() => prove(msg)).then(
    (r) => send({ id: msg.id, ok: true, proof: r.proof, publicSignals: r.publicSignals, ms: performance.now() - t0 } satisfies ProveReply),
    (err: unknown) => send({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies ProveReply),
  );
});
