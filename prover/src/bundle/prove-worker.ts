/**
 * Worker process of the proving pool (prove-pool.ts): proves one chunk per IPC message with
 * snarkjs on a single-threaded curve (the pool provides the parallelism across chunks), the
 * same curve for every proof (curve.ts installSingleThreadedCurve).
 * A child process, not a worker thread: ffjavascript's `web-worker` dependency takes over
 * any worker thread that imports it (it expects to be its own worker's entry point).
 */
import { installSingleThreadedCurve } from '../snark/curve.ts';
import { groth16Prove, shutdownProver } from '../snark/prove.ts';

export interface ProveJob {
  id: number;
  zkeyPath: string;
  wtnsPath: string;
}

export type ProveReply = { id: number; ok: true; proof: unknown; publicSignals: string[]; ms: number } | { id: number; ok: false; error: string };

const send = process.send?.bind(process);
if (!send) throw new TypeError('prove-worker.ts must run as a forked child process (IPC channel)');
// Built while the first witness is; a failure surfaces as the first job's error.
const curve = installSingleThreadedCurve();
curve.catch(() => {});
process.on('message', (msg: ProveJob | 'exit') => {
  if (msg === 'exit') {
    void shutdownProver().finally(() => process.disconnect());
    return;
  }
  const t0 = performance.now();
  // Jobs come one at a time (the pool waits for each reply), so proofs never share the curve concurrently.
  // (groth16Prove's default curve is the installed single-threaded one.)
  curve.then(() => groth16Prove(msg.zkeyPath, msg.wtnsPath)).then(
    (r) => send({ id: msg.id, ok: true, proof: r.proof, publicSignals: r.publicSignals, ms: performance.now() - t0 } satisfies ProveReply),
    (err: unknown) => send({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies ProveReply),
  );
});
