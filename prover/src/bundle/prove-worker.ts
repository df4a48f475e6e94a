/**
 * Worker process of the proving pool (prove-pool.ts): proves one chunk per IPC message with
 * snarkjs on a single-threaded curve (the pool provides the parallelism across chunks).
 * A child process, not a worker thread: ffjavascript's `web-worker` dependency takes over
 * any worker thread that imports it (it expects to be its own worker's entry point).
 */
import { groth16Prove, shutdownProver } from '../snark/prove.ts';

export interface ProveJob {
  id: number;
  zkeyPath: string;
  wtnsPath: string;
  singleThread: boolean;
}

export type ProveReply = { id: number; ok: true; proof: unknown; publicSignals: string[]; ms: number } | { id: number; ok: false; error: string };

const send = process.send?.bind(process);
if (!send) throw new TypeError('prove-worker.ts must run as a forked child process (IPC channel)');
process.on('message', (msg: ProveJob | 'exit') => {
  if (msg === 'exit') {
    void shutdownProver().finally(() => process.disconnect());
    return;
  }
  const t0 = performance.now();
  groth16Prove(msg.zkeyPath, msg.wtnsPath, { singleThread: msg.singleThread }).then(
    (r) => send({ id: msg.id, ok: true, proof: r.proof, publicSignals: r.publicSignals, ms: performance.now() - t0 } satisfies ProveReply),
    (err: unknown) => send({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies ProveReply),
  );
});
