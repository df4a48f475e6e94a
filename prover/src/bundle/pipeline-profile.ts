/**
 * Where a bundle's proving time goes (issue 15, item 4): timestamps and CPU times of every
 * phase of proveBundle — each chunk's witness build and serialisation in the main process,
 * its trip to a worker, the prover's own phases and CPU, the reply — and of the workers'
 * start-up, summed into the breakdown bench/proof-pipeline.ts prints.
 *
 * Timestamps are milliseconds since the Unix epoch with sub-millisecond resolution
 * (performance.timeOrigin + performance.now(), the same clock in every process of the
 * machine), so the main process and its workers can be laid on one time line.
 */
import { readFileSync } from 'node:fs';
import type { NativeTimings } from '../snark/native.ts';

let anchorWall = Date.now();
let anchorMono = performance.now();

/**
 * Now, in epoch milliseconds, comparable across processes: within a millisecond of the system's
 * wall clock (Date.now(), which every process reads alike), refined below the millisecond by
 * the monotonic clock. performance.timeOrigin + performance.now() alone is not comparable: it
 * drifts from the wall clock by the NTP slew since the process started, so processes started
 * minutes apart disagreed by about 50 ms on a CI host (a worker's proof "done" after the main
 * process had its reply). The monotonic line is re-anchored whenever it leaves Date.now()'s
 * millisecond, a jump of under a millisecond.
 */
export const epochMs = (): number => {
  const mono = performance.now();
  const wall = Date.now();
  const t = anchorWall + (mono - anchorMono);
  if (t >= wall && t < wall + 1) return t;
  anchorWall = wall;
  anchorMono = mono;
  return wall;
};

/** This process's CPU time (user + system, all its threads), in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Another process's CPU time (user + system) in ms from /proc/<pid>/stat (proc(5): fields 14
 * and 15, in clock ticks; Linux's USER_HZ is 100 on every architecture we build for), or
 * undefined where there is no /proc or the process is gone.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The native prover's own phase timings (prover/native groth16.cpp, main.cpp), ms. */
export type ProverPhases = NativeTimings;

/** One chunk proof's trip through the pool. */
export interface ProofTiming {
  /** Which worker proved it (0-based; 0 for the sequential pool). */
  worker: number;
  /** The main process handed the job to the worker (after waiting for a free one). */
  sentAt: number;
  /** The worker received the job (its witness bytes included). */
  receivedAt: number;
  /** Its proof began (later than receivedAt for a job sent ahead while the worker proved another). */
  startedAt: number;
  /** The worker had the proof. */
  doneAt: number;
  /** The main process had the reply. */
  repliedAt: number;
  /** CPU of the prover itself: the native prover process, or snarkjs in the worker. */
  proverCpuMs?: number;
  /** CPU of the worker's Node process for this job (IPC, piping the witness, the reply). */
  workerCpuMs?: number;
  phases?: ProverPhases;
}

export interface ChunkTiming {
  index: number;
  constraints: number;
  witnessStartAt: number;
  witnessEndAt: number;
  /** Main-process CPU building the chunk's values (and checking its constraints). */
  witnessCpuMs: number;
  /** Main-process CPU turning the values into the prover's input (bytes or a .wtns file). */
  serializeCpuMs: number;
  queuedAt: number;
  proof?: ProofTiming;
}

export interface WorkerTiming {
  spawnAt: number;
  /** The worker had loaded its modules and started its prover. */
  readyAt?: number;
  /** The worker's CPU until then (Node's start-up and its modules). */
  startCpuMs?: number;
}

export interface PipelineProfile {
  startAt: number;
  endAt: number;
  workers: WorkerTiming[];
  chunks: ChunkTiming[];
  /** Assembling and checking the bundle with the strict verifier, after the last proof. */
  verifyStartAt: number;
}

/** The breakdown, in ms (wall unless named CPU). */
export interface PipelineSummary {
  wallMs: number;
  chunks: number;
  workers: number;
  /** Until every worker was ready (spawn → modules loaded, prover started), and their Σ CPU to get there. */
  workersReadyMs?: number;
  workersStartCpuMs?: number;
  firstWitnessMs: number;
  lastWitnessMs: number;
  witnessCpuMs: number;
  serializeCpuMs: number;
  /** Σ worker-side proving wall (started → done) and the provers' CPU in it. */
  proveWallMs: number;
  proverCpuMs?: number;
  /** Σ CPU of the worker processes' Node side over their jobs. */
  workerNodeCpuMs?: number;
  /** Σ of the prover's own phases over all proofs (keysLoaded: Σ over workers, each a fresh prover). */
  phases?: ProverPhases;
  /** Σ main → worker (sent → received; hidden when the worker was still busy) and worker → main (done → replied). */
  toWorkerMs: number;
  toMainMs: number;
  /** Σ time a chunk's witness was ready but no worker free (queued → sent). */
  queuedMs: number;
  /** Σ over workers of their idle time between their first job's arrival and their last reply. */
  workerGapMs: number;
  /** Σ over workers: idle before their first job (from the start) and after their last (to the last proof). */
  workerHeadMs: number;
  workerTailMs: number;
  /** After the last proof: assembling and verifying the bundle. */
  verifyMs: number;
}

export function summarizeProfile(p: PipelineProfile): PipelineSummary {
  const proofs = p.chunks.map((c) => c.proof).filter((t): t is ProofTiming => t !== undefined);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const lastProof = Math.max(...proofs.map((t) => t.repliedAt));
  const nWorkers = Math.max(p.workers.length, 1);
  let gap = 0;
  let head = 0;
  let tail = 0;
  for (let w = 0; w < nWorkers; w++) {
    const mine = proofs.filter((t) => t.worker === w).sort((a, b) => a.startedAt - b.startedAt);
    if (mine.length === 0) continue;
    head += mine[0].startedAt - p.startAt;
    tail += lastProof - mine[mine.length - 1].doneAt;
    for (let i = 1; i < mine.length; i++) gap += Math.max(0, mine[i].startedAt - mine[i - 1].doneAt);
  }
  const optionalSum = (xs: (number | undefined)[]) => (xs.every((x) => x !== undefined) ? sum(xs as number[]) : undefined);
  const ready = p.workers.map((w) => w.readyAt);
  const withPhases = proofs.filter((t) => t.phases);
  const phases = withPhases.length === proofs.length && proofs.length > 0
    ? {
        ...(Object.fromEntries((['abc', 'ntt', 'msmWires', 'msmA', 'msmB1', 'msmB2', 'msmC', 'msmCommit', 'msmH', 'total', 'keyLoad'] as const).map((k) => [k, sum(withPhases.map((t) => t.phases![k] ?? 0))])) as unknown as ProverPhases),
        keysLoaded: sum(Array.from({ length: nWorkers }, (_, w) => Math.max(0, ...withPhases.filter((t) => t.worker === w).map((t) => t.phases!.keysLoaded ?? 0)))),
      }
    : undefined;
  return {
    wallMs: p.endAt - p.startAt,
    chunks: p.chunks.length,
    workers: p.workers.length,
    workersReadyMs: ready.length && ready.every((r) => r !== undefined) ? Math.max(...(ready as number[])) - p.startAt : undefined,
    workersStartCpuMs: p.workers.length ? optionalSum(p.workers.map((w) => w.startCpuMs)) : undefined,
    firstWitnessMs: Math.min(...p.chunks.map((c) => c.witnessEndAt)) - p.startAt,
    lastWitnessMs: Math.max(...p.chunks.map((c) => c.witnessEndAt)) - p.startAt,
    witnessCpuMs: sum(p.chunks.map((c) => c.witnessCpuMs)),
    serializeCpuMs: sum(p.chunks.map((c) => c.serializeCpuMs)),
    proveWallMs: sum(proofs.map((t) => t.doneAt - t.startedAt)),
    proverCpuMs: optionalSum(proofs.map((t) => t.proverCpuMs)),
    workerNodeCpuMs: optionalSum(proofs.map((t) => t.workerCpuMs)),
    phases,
    toWorkerMs: sum(proofs.map((t) => t.receivedAt - t.sentAt)),
    toMainMs: sum(proofs.map((t) => t.repliedAt - t.doneAt)),
    queuedMs: sum(p.chunks.map((c) => (c.proof ? c.proof.sentAt - c.queuedAt : 0))),
    workerGapMs: gap,
    workerHeadMs: head,
    workerTailMs: tail,
    verifyMs: p.endAt - p.verifyStartAt,
  };
}

/** The breakdown as one line per phase, seconds. */
export function formatSummary(s: PipelineSummary): string[] {
  const sec = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
  const lines = [
    `wall ${sec(s.wallMs)}: ${s.chunks} chunks on ${s.workers || 'no'} worker${s.workers === 1 ? '' : 's'}`,
    `workers ready at ${sec(s.workersReadyMs)} (spawn, modules, prover started; Σ CPU ${sec(s.workersStartCpuMs)})`,
    `witness (main process): first at ${sec(s.firstWitnessMs)}, last at ${sec(s.lastWitnessMs)}; build CPU ${sec(s.witnessCpuMs)}, serialise CPU ${sec(s.serializeCpuMs)}`,
    `proving (workers): Σ wall ${sec(s.proveWallMs)}, Σ prover CPU ${sec(s.proverCpuMs)}, Σ worker Node CPU ${sec(s.workerNodeCpuMs)}`,
  ];
  if (s.phases) lines.push(`prover phases (Σ wall): keys ${sec(s.phases.keyLoad)} (${s.phases.keysLoaded} loads), abc ${sec(s.phases.abc)}, NTTs ${sec(s.phases.ntt)}, wire MSMs ${sec(s.phases.msmWires)} (A ${sec(s.phases.msmA)}, B in G1 ${sec(s.phases.msmB1)}, B in G2 ${sec(s.phases.msmB2)}, C ${sec(s.phases.msmC)}, commitment ${sec(s.phases.msmCommit)}), H MSM ${sec(s.phases.msmH)}, proof total ${sec(s.phases.total)}`);
  lines.push(
    `transfer: Σ main→worker ${sec(s.toWorkerMs)}, Σ worker→main ${sec(s.toMainMs)}; Σ witness waiting for a worker ${sec(s.queuedMs)}`,
    `worker idle: Σ before first job ${sec(s.workerHeadMs)}, Σ between jobs ${sec(s.workerGapMs)}, Σ after last job ${sec(s.workerTailMs)}`,
    `after the last proof: assemble + strict verification ${sec(s.verifyMs)}`,
  );
  return lines;
}
