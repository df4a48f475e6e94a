/**
 * Worker process of the proving pool (prove-pool.ts): proves one chunk per IPC message, the
 * pool providing the parallelism across chunks. The engine comes from the pool (argv[2],
 * chosen once in the parent: snark/engine.ts): `native` drives one single-threaded native
 * prover process for all its jobs (which keeps the last keys mapped between proofs);
 * `snarkjs` uses one single-threaded curve for every proof (curve.ts installSingleThreadedCurve).
 * Each engine's modules are imported only by a worker of that engine (snarkjs and its
 * WebAssembly curve cost a native worker ≈ 0.2 s of CPU at start-up for nothing).
 * A child process, not a worker thread: ffjavascript's `web-worker` dependency takes over
 * any worker thread that imports it (it expects to be its own worker's entry point).
 *
 * Besides the proof, every reply carries the job's timing (pipeline-profile.ts): when the job
 * arrived and when its proof was done (epoch ms), the prover's CPU (the native process's,
 * from /proc, or this process's for snarkjs), this process's own CPU, the native phases.
 */
import type { WitnessInput } from '../snark/engine.ts';
import type { ProofResult } from '../snark/prove.ts';
import { epochMs, processCpuMs, selfCpuMs, type ProverPhases } from './pipeline-profile.ts';

export interface ProveJob {
  id: number;
  zkeyPath: string;
  /** A .wtns path, or (native engine) the witness bytes of native.ts witnessBytes. */
  witness: WitnessInput;
}

/** What a worker measured for one job (pipeline-profile.ts ProofTiming, worker side). */
export interface JobTiming {
  receivedAt: number;
  /** The proof began (a job sent ahead waits for the one before it). */
  startedAt: number;
  doneAt: number;
  proverCpuMs?: number;
  workerCpuMs: number;
  phases?: ProverPhases;
}

/** `ready` once the worker's modules are loaded and its prover started (or failed to), with this process's CPU so far. */
export type ProveReply =
  | { ready: true; at: number; cpuMs: number }
  | { id: number; ok: true; proof: unknown; publicSignals: string[]; timing: JobTiming }
  | { id: number; ok: false; error: string };

const send = process.send?.bind(process);
if (!send) throw new TypeError('prove-worker.ts must run as a forked child process (IPC channel)');
const engine = process.argv[2] === 'native' ? 'native' : 'snarkjs';

interface Prover {
  prove(job: ProveJob): Promise<ProofResult & { phases?: ProverPhases }>;
  /** The process whose CPU is the prover's (this one for snarkjs). */
  pid(): number | undefined;
  close(): Promise<unknown>;
}

async function startNative(): Promise<Prover> {
  const { NativeProver } = await import('../snark/native.ts');
  const prover = new NativeProver(1);
  return {
    prove: async (job) => {
      const r = await prover.prove(job.zkeyPath, job.witness);
      return { proof: r.proof, publicSignals: r.publicSignals, phases: r.timings };
    },
    pid: () => prover.pid,
    close: () => prover.close(),
  };
}

async function startSnarkjs(): Promise<Prover> {
  const [{ installSingleThreadedCurve }, { groth16Prove, shutdownProver }] = await Promise.all([import('../snark/curve.ts'), import('../snark/prove.ts')]);
  await installSingleThreadedCurve();
  return {
    // snarkjs reads files; the pool sends it paths only (prove-pool.ts checkWitness).
    // (groth16Prove's default curve is the installed single-threaded one.)
    prove: (job) => {
      if (typeof job.witness !== 'string') throw new TypeError('prove worker: snarkjs needs a .wtns path');
      return groth16Prove(job.zkeyPath, job.witness);
    },
    pid: () => process.pid,
    close: shutdownProver,
  };
}

// Started while the first witness is built; a failure surfaces as the first job's error.
const ready: Promise<Prover> = engine === 'native' ? startNative() : startSnarkjs();
const announce = () => send({ ready: true, at: epochMs(), cpuMs: selfCpuMs() } satisfies ProveReply);
ready.then(announce, announce);

let queue: Promise<void> = Promise.resolve();
process.on('message', (msg: ProveJob | 'exit') => {
  if (msg === 'exit') {
    void queue.then(() => ready).then((p) => p.close(), () => {}).finally(() => process.disconnect());
    return;
  }
  const receivedAt = epochMs();
  // One proof at a time, in arrival order (the pool may send the next job while this one runs;
  // a snarkjs curve must not be shared by two proofs at once).
  queue = queue.then(async () => {
    try {
      const p = await ready;
      const startedAt = epochMs();
      const cpu0 = selfCpuMs();
      const prover0 = processCpuMs(p.pid());
      const r = await p.prove(msg);
      const prover1 = processCpuMs(p.pid());
      const own = selfCpuMs() - cpu0;
      const proverCpuMs = prover0 === undefined || prover1 === undefined ? undefined : prover1 - prover0;
      // For snarkjs the prover is this process: its CPU is the prover's, none is left for the "Node side".
      const workerCpuMs = p.pid() === process.pid ? 0 : own;
      const timing: JobTiming = { receivedAt, startedAt, doneAt: epochMs(), proverCpuMs, workerCpuMs, phases: r.phases };
      send({ id: msg.id, ok: true, proof: r.proof, publicSignals: r.publicSignals, timing } satisfies ProveReply);
    } catch (err) {
      send({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies ProveReply);
    }
  });
});
