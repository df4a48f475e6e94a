import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Group } from './fixed-base-core.ts';
import { engineSource } from './fixed-base.ts';
import type { ComposeInit } from './zkey-compose-core.ts';

/**
 * Worker threads for the point arithmetic of phase-2 key generation (zkey-compose-core.ts).
 * Each worker loads the ptau's Lagrange points and the coefficient table once, then takes
 * jobs — contiguous ranges of a section's outputs — from one queue, so the threads stay busy
 * whatever the ranges cost.
 */

interface Pending {
  resolve(msg: Record<string, unknown>): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

type JobBody = { op: 'compose'; group: Group; counts: Uint32Array; terms: Uint32Array } | { op: 'scale'; points: Uint8Array; scalar: Uint8Array } | { op: 'differences'; a: Uint8Array; b: Uint8Array };

/** Copies into shared memory, so every worker reads one copy of the sources. */
function shared(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(data.length));
  out.set(data);
  return out;
}

export class ComposePool {
  private readonly slots: Slot[];
  private readonly pending = new Map<number, Pending>();
  private readonly queue: { id: number; body: JobBody }[] = [];
  private nextId = 0;
  private failed: Error | undefined;

  private constructor(workers: Worker[]) {
    this.slots = workers.map((worker) => ({ worker, busy: false }));
    for (const slot of this.slots) {
      slot.worker.on('message', (msg: Record<string, unknown>) => {
        if (msg.ready) return;
        const id = msg.id as number;
        const p = this.pending.get(id);
        this.pending.delete(id);
        slot.busy = false;
        if (p) {
          if (typeof msg.error === 'string') p.reject(new Error(`zkey compose worker: ${msg.error}`));
          else p.resolve(msg);
        }
        this.dispatch();
      });
      slot.worker.on('error', (err) => this.fail(err));
      slot.worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`zkey compose worker exited with code ${code}`));
      });
    }
  }

  /** Starts `threads` workers (default: available cores, at most 4) holding these sources. */
  static async start(init: Omit<ComposeInit, 'engine'>, threads = Math.min(availableParallelism(), 4)): Promise<ComposePool> {
    const data: ComposeInit = {
      engine: await engineSource(),
      sources: init.sources.map(shared),
      magnitude: init.magnitude,
      length: init.length,
      negative: init.negative,
    };
    const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(new URL('./zkey-compose-worker.ts', import.meta.url), { workerData: data }));
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const onMsg = (m: { ready?: boolean }) => {
              if (m.ready) {
                w.off('message', onMsg);
                resolve();
              }
            };
            w.on('message', onMsg);
            w.once('error', reject);
          }),
      ),
    );
    return new ComposePool(workers);
  }

  get threads(): number {
    return this.slots.length;
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private run(body: JobBody): Promise<Record<string, unknown>> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const done = new Promise<Record<string, unknown>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.queue.push({ id, body });
    this.dispatch();
    return done;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.busy = true;
      slot.worker.postMessage({ id: job.id, ...job.body });
    }
  }

  /**
   * The sparse sums of zkey-compose-core.ts composePoints for every output, split into about
   * 4 ranges per thread of equal term counts.
   */
  async compose(group: Group, counts: Uint32Array, terms: Uint32Array): Promise<{ lem: Uint8Array; u: Uint8Array }> {
    const affine = group === 'G1' ? 64 : 128;
    const n = counts.length;
    const parts = Math.max(1, Math.min(n, 4 * this.slots.length));
    const perPart = terms.length / 2 / parts;
    const jobs: Promise<Record<string, unknown>>[] = [];
    const starts: number[] = [];
    let out = 0;
    let term = 0;
    while (out < n) {
      const first = out;
      const firstTerm = term;
      let budget = perPart;
      do {
        budget -= counts[out];
        term += counts[out];
        out++;
      } while (out < n && budget > 0 && out - first < 1 << 20);
      starts.push(first);
      jobs.push(this.run({ op: 'compose', group, counts: counts.slice(first, out), terms: terms.slice(2 * firstTerm, 2 * term) }));
    }
    const results = await Promise.all(jobs);
    const lem = new Uint8Array(n * affine);
    const u = new Uint8Array(n * affine);
    results.forEach((r, k) => {
      lem.set(r.lem as Uint8Array, starts[k] * affine);
      u.set(r.u as Uint8Array, starts[k] * affine);
    });
    return { lem, u };
  }

  /** k·P_i for affine LEM G1 points (k: 32 bytes little-endian, standard form). */
  async scale(points: Uint8Array, scalar: Uint8Array): Promise<Uint8Array> {
    return this.splitG1(points.length / 64, (a, b) => this.run({ op: 'scale', points: points.slice(64 * a, 64 * b), scalar }).then((r) => r.points as Uint8Array));
  }

  /** U(a_i − b_i) for affine LEM G1 points. */
  async differences(a: Uint8Array, b: Uint8Array): Promise<Uint8Array> {
    return this.splitG1(a.length / 64, (s, e) => this.run({ op: 'differences', a: a.slice(64 * s, 64 * e), b: b.slice(64 * s, 64 * e) }).then((r) => r.u as Uint8Array));
  }

  private async splitG1(count: number, job: (start: number, end: number) => Promise<Uint8Array>): Promise<Uint8Array> {
    const parts = Math.max(1, Math.min(count, 4 * this.slots.length));
    const per = Math.ceil(count / parts);
    const starts: number[] = [];
    const jobs: Promise<Uint8Array>[] = [];
    for (let s = 0; s < count; s += per) {
      starts.push(s);
      jobs.push(job(s, Math.min(count, s + per)));
    }
    const out = new Uint8Array(count * 64);
    (await Promise.all(jobs)).forEach((part, k) => out.set(part, starts[k] * 64));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
