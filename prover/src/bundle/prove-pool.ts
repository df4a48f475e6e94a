/**
 * A pool of worker processes (prove-worker.ts) proving chunks concurrently: all chunks of one forward pass are
 * independent once their witnesses exist (docs/architecture.md "What one proof bundle says"), so with
 * N workers N proofs run at once while the main thread builds the next witnesses.
 * `threads: 0` proves one chunk at a time from this process instead, on all cores (the native
 * prover's threads, or snarkjs's own multi-threaded curve; bench/proof-pipeline.ts compares).
 * The engine (native or snarkjs, snark/engine.ts) is chosen once, here, for every worker.
 * Witnesses travel as .wtns paths or, for the native engine, as bytes over the IPC channel
 * (advanced serialization: a Uint8Array is copied as one buffer, not as JSON), which the worker
 * passes to its native prover through the pipe: no file is written or read.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chosenEngine, proveWithEngine, type ProverEngine, type WitnessInput } from '../snark/engine.ts';
import type { ProofResult, SnarkjsProof } from '../snark/prove.ts';
import { SnarkError } from '../snark/errors.ts';
import type { ProveJob, ProveReply } from './prove-worker.ts';
import { epochMs, type ProofTiming, type WorkerTiming } from './pipeline-profile.ts';

/** A proof, with its trip through the pool (pipeline-profile.ts). */
export interface PoolProofResult extends ProofResult {
  timing: ProofTiming;
}

export interface ProveJobOptions {
  /**
   * May the job queue at a worker behind the one it proves (default true, up to the pool's
   * depth)? A bundle's last jobs say no: queued behind another while a second worker has just
   * finished its last, such a job would leave that worker idle through a whole proof.
   */
  ahead?: boolean;
}

export interface ProvePool {
  /** The engine every proof of this pool runs on. */
  readonly engine: ProverEngine;
  /**
   * Proves one chunk. `weight` (e.g. its constraints) orders the jobs waiting for a worker:
   * the heaviest goes first (longest-processing-time-first), so the last proofs to finish are
   * short ones and no worker idles through a big one at the end.
   */
  prove(zkeyPath: string, witness: WitnessInput, weight?: number, options?: ProveJobOptions): Promise<PoolProofResult>;
  /** When each worker was spawned and became ready (empty for the sequential pool). */
  workerTimings(): WorkerTiming[];
  /**
   * Resolves once every job handed to a worker so far has been written to its channel (a
   * witness of a MiB takes several event-loop turns to write): a caller about to block its
   * event loop (building the next witness) awaits it first.
   */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

export interface ProvePoolOptions {
  /**
   * Jobs a worker holds at once (default 1): with 2 the next job travels to a worker while it
   * still proves the current one, so it starts the moment the current one ends instead of
   * after a round trip through this process — whose event loop is blocked while it builds a
   * witness, so a reply could wait a whole witness build for the next job (measured: Σ 4.8 s of
   * idle workers over the bundled model's 32 proofs; bench/proof-pipeline.ts). The price: a
   * job is bound to its worker earlier, so the heaviest-first order holds a little less.
   */
  depth?: number;
}

export function createProvePool(threads: number, engine: ProverEngine = chosenEngine(), options: ProvePoolOptions = {}): ProvePool {
  const depth = options.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 1 || depth > 8) throw new RangeError(`prove pool: depth ${depth} not an integer in 1..8`);
  if (!Number.isInteger(threads) || threads < 0 || threads > 64) throw new RangeError(`prove pool: threads ${threads} not an integer in 0..64`);
  const checkWitness = (zkeyPath: string, witness: WitnessInput) => {
    if (engine === 'snarkjs' && typeof witness !== 'string') throw new TypeError(`prove pool ${zkeyPath}: snarkjs proves from a .wtns file, not from witness bytes`);
  };
  if (threads === 0) {
    // Sequential: one proof at a time on all cores.
    let queue: Promise<unknown> = Promise.resolve();
    return {
      engine,
      workerTimings: () => [],
      flushed: async () => {},
      prove(zkeyPath, witness) {
        checkWitness(zkeyPath, witness);
        const next = queue.then(async (): Promise<PoolProofResult> => {
          const sentAt = epochMs();
          const r = await proveWithEngine(zkeyPath, witness, { engine });
          const doneAt = epochMs();
          return { ...r, timing: { worker: 0, sentAt, receivedAt: sentAt, startedAt: sentAt, doneAt, repliedAt: doneAt } };
        });
        queue = next.catch(() => undefined);
        return next;
      },
      close: async () => {
        await queue;
      },
    };
  }
  const script = fileURLToPath(new URL('./prove-worker.ts', import.meta.url));
  // execArgv [] : the parent's flags (e.g. a test runner's loaders) are not for the worker.
  const spawned: WorkerTiming[] = [];
  const workers = Array.from({ length: threads }, () => {
    spawned.push({ spawnAt: epochMs() });
    return fork(script, [engine], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
  });
  // A free slot per job a worker may hold, the workers interleaved: the first jobs go to distinct workers.
  const idle: ChildProcess[] = [];
  for (let d = 0; d < depth; d++) idle.push(...workers);
  let unflushed = 0;
  let onFlushed: (() => void)[] = [];
  /** Jobs waiting for a slot; `give` hands one over (a worker), or wakes the job to fail (undefined). */
  const waiting: { weight: number; seq: number; ahead: boolean; give: (w: ChildProcess | undefined) => void }[] = [];
  const pending = new Map<number, { resolve: (r: PoolProofResult) => void; reject: (e: Error) => void; worker: ChildProcess; sentAt: number }>();
  let nextId = 0;
  let failure: Error | undefined;
  let closing = false;
  workers.forEach((w, index) => {
    w.on('message', (r: ProveReply) => {
      if ('ready' in r) {
        spawned[index].readyAt = r.at;
        spawned[index].startCpuMs = r.cpuMs;
        return;
      }
      const repliedAt = epochMs();
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      held.set(w, inFlight(w) - 1);
      idle.push(w);
      dispatchWaiting();
      if (r.ok) p.resolve({ proof: r.proof as SnarkjsProof, publicSignals: r.publicSignals, timing: { worker: index, sentAt: p.sentAt, repliedAt, ...r.timing } });
      else p.reject(new SnarkError(r.error));
    });
    const fail = (err: Error): void => {
      failure = err;
      for (const [id, p] of pending) if (p.worker === w) {
        pending.delete(id);
        p.reject(err);
      }
      // Jobs waiting for a worker fail too (acquire checks `failure`): the last worker may be the dead one.
      for (const waiter of waiting.splice(0)) waiter.give(undefined);
    };
    // A job sent to a worker that has just died fails with EPIPE before its 'exit' arrives; the
    // exit names the cause (signal or code), so an error waits briefly for it. 'exit' may never
    // follow an error (Node child_process docs, e.g. a worker that could not start): then the error itself.
    w.on('error', (err) => {
      setTimeout(() => {
        if (!hasExited(w) && !closing) fail(err);
      }, 1000);
    });
    w.on('exit', (code, signal) => {
      if (!closing) fail(new SnarkError(`proving worker exited (${signal ?? `code ${code}`})`));
    });
  });
  let seq = 0;
  /** Jobs each worker holds: counted when a slot is taken (before the job is sent), until its reply. */
  const held = new Map<ChildProcess, number>(workers.map((w) => [w, 0]));
  const inFlight = (w: ChildProcess) => held.get(w)!;
  const take = (slot: number): ChildProcess => {
    const w = idle.splice(slot, 1)[0];
    held.set(w, inFlight(w) + 1);
    return w;
  };
  /**
   * A free slot for a job, on the worker holding the fewest jobs; `ahead` false: only on a
   * worker holding none (a job that must not queue behind another, e.g. one of a bundle's last).
   */
  const freeSlot = (ahead: boolean): number | undefined => {
    let best: number | undefined;
    for (let i = 0; i < idle.length; i++) if (best === undefined || inFlight(idle[i]) < inFlight(idle[best])) best = i;
    if (best === undefined || (!ahead && inFlight(idle[best]) > 0)) return undefined;
    return best;
  };
  /** Hands free slots to waiting jobs: the heaviest that can take one first, first come first served among equals. */
  const dispatchWaiting = () => {
    for (;;) {
      let pick: number | undefined;
      for (let i = 0; i < waiting.length; i++) {
        const a = waiting[i];
        if (freeSlot(a.ahead) === undefined) continue;
        const b = pick === undefined ? undefined : waiting[pick];
        if (!b || a.weight > b.weight || (a.weight === b.weight && a.seq < b.seq)) pick = i;
      }
      if (pick === undefined) return;
      const [waiter] = waiting.splice(pick, 1);
      waiter.give(take(freeSlot(waiter.ahead)!));
    }
  };
  const acquire = async (weight: number, ahead: boolean): Promise<ChildProcess> => {
    const mine = seq++;
    if (failure) throw failure;
    const slot = waiting.length === 0 ? freeSlot(ahead) : undefined;
    const w = slot !== undefined ? take(slot) : await new Promise<ChildProcess | undefined>((give) => {
      waiting.push({ weight, seq: mine, ahead, give });
      dispatchWaiting();
    });
    if (failure || !w) throw failure ?? new SnarkError('prove pool: no worker');
    return w;
  };
  return {
    engine,
    workerTimings: () => spawned.map((t) => ({ ...t })),
    flushed: () => (unflushed === 0 ? Promise.resolve() : new Promise<void>((resolve) => onFlushed.push(resolve))),
    async prove(zkeyPath, witness, weight = 0, options = {}) {
      checkWitness(zkeyPath, witness);
      const w = await acquire(weight, options.ahead !== false);
      const id = nextId++;
      return new Promise<PoolProofResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, worker: w, sentAt: epochMs() });
        unflushed++;
        // Called once the message is written (or failed to be: the worker's exit reports why).
        w.send({ id, zkeyPath, witness } satisfies ProveJob, () => {
          if (--unflushed > 0) return;
          const wake = onFlushed;
          onFlushed = [];
          for (const f of wake) f();
        });
      });
    },
    async close() {
      closing = true;
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (hasExited(w)) return resolve();
              w.once('exit', () => resolve());
              if (w.connected) w.send('exit');
              setTimeout(() => w.kill(), 5000).unref();
            }),
        ),
      );
    },
  };
}

/** Node sets exitCode or signalCode before it emits 'exit'. */
const hasExited = (w: ChildProcess): boolean => w.exitCode !== null || w.signalCode !== null;
