import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProvePool } from '@zkinfer/prover/bundle/prove-pool.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { preparedPtau, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { groth16Setup } from '@zkinfer/prover/snark/setup.ts';
import { toyCircuit } from '../snark/toy-circuit.ts';
import { childProcesses, processState } from '../../helpers/proc.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** This test process's proving workers (vitest runs each test file in its own process). */
const proveWorkerPids = () => childProcesses().filter((c) => c.cmdline.includes('prove-worker.ts')).map((c) => c.pid);

describe('prove pool', () => {
  it('gives a free worker the heaviest waiting job, in arrival order among equals', async () => {
    const shape = toyCircuit(undefined, 200);
    const r1csPath = join(dir, 'c.r1cs');
    writeR1cs(shape, r1csPath);
    const ptau = await preparedPtau({ power: requiredPtauPower(shape.nConstraints, shape.nPublic), cacheDir: join(dir, 'cache') });
    const zkeyPath = join(dir, 'c.zkey');
    await groth16Setup({ r1csPath, ptauPath: ptau.path, zkeyPath });
    // Six witnesses told apart by their public y = 3·x0 (the other inputs 0).
    const wtns = [1n, 2n, 3n, 4n, 5n, 6n].map((x0) => {
      const path = join(dir, `w${x0}.wtns`);
      writeWtns(toyCircuit([x0, 0n, 0n, 0n], 200), path);
      return path;
    });
    const pool = createProvePool(1);
    const finished: string[] = [];
    try {
      const weights = [1, 2, 9, 2, 5, 9]; // the first starts at once; the rest wait for the one worker
      await Promise.all(wtns.map((w, i) => pool.prove(zkeyPath, w, weights[i]).then((r) => void finished.push(r.publicSignals[0]))));
    } finally {
      await pool.close();
    }
    // y = 3·x0: job i has y = 3(i + 1). Order: job 0 (running), then 9, 9 (arrival order), 5, 2, 2.
    expect(finished).toEqual([3, 9, 18, 15, 6, 12].map(String));

    // Depth 2: the worker holds the next job while it proves one, so job 1 goes out at once
    // behind job 0 (and is written to the worker before flushed() resolves); the heaviest-first
    // order holds for the rest. Every job's timing lies on one time line.
    const deep = createProvePool(1, undefined, { depth: 2 });
    const order: string[] = [];
    try {
      const weights = [1, 2, 9, 2, 5, 9];
      const jobs = wtns.map((w, i) => deep.prove(zkeyPath, w, weights[i]).then((r) => (order.push(r.publicSignals[0]), r.timing)));
      await new Promise<void>((resolve) => setImmediate(resolve));
      await deep.flushed();
      const timings = await Promise.all(jobs);
      for (const t of timings) {
        expect(t.worker).toBe(0);
        expect(t.sentAt).toBeLessThanOrEqual(t.receivedAt + 1);
        expect(t.receivedAt).toBeLessThanOrEqual(t.startedAt);
        expect(t.startedAt).toBeLessThan(t.doneAt);
      }
      // Job 1 arrived while job 0 was proven and started right after it.
      expect(timings[1].receivedAt).toBeLessThan(timings[0].doneAt);
      expect(timings[1].startedAt).toBeGreaterThanOrEqual(timings[0].doneAt - 1);
    } finally {
      await deep.close();
    }
    expect(order).toEqual([3, 6, 9, 18, 15, 12].map(String));

    // A job that may not queue (`ahead: false`) waits for a worker with nothing in flight,
    // even when another has a free slot: jobs 0 and 1 run on the two workers, job 2 queues
    // behind one of them, job 3 starts only on a worker that has finished all it held.
    const two = createProvePool(2, undefined, { depth: 2 });
    try {
      const ts = await Promise.all(wtns.slice(0, 4).map((w, i) => two.prove(zkeyPath, w, 1, { ahead: i < 3 }).then((r) => r.timing)));
      expect(new Set([ts[0].worker, ts[1].worker]).size).toBe(2);
      expect(ts[2].receivedAt).toBeLessThan(Math.max(ts[0].doneAt, ts[1].doneAt));
      const before = ts.slice(0, 3).filter((t) => t.worker === ts[3].worker);
      expect(before.length).toBeGreaterThan(0);
      for (const t of before) expect(ts[3].sentAt).toBeGreaterThanOrEqual(t.repliedAt);
    } finally {
      await two.close();
    }
  }, 120_000);

  const linuxOnly = it.skipIf(process.platform !== 'linux');

  linuxOnly.each([1, 2])('fails the running job, the waiting ones and every later one when a worker dies, naming how it ended (depth %i)', async (depth) => {
    const pool = createProvePool(1, undefined, { depth });
    try {
      const pids = proveWorkerPids();
      expect(pids).toHaveLength(1);
      // The worker is still starting, so the first job is in flight and the second waits for it
      // (depth 1) or is held by the worker behind it (depth 2).
      const running = pool.prove(join(dir, 'c.zkey'), join(dir, 'w1.wtns'));
      const waiting = pool.prove(join(dir, 'c.zkey'), join(dir, 'w2.wtns'));
      process.kill(pids[0], 'SIGKILL');
      await expect(running).rejects.toThrow(/proving worker exited \(SIGKILL\)/);
      await expect(waiting).rejects.toThrow(/proving worker exited \(SIGKILL\)/);
      await expect(pool.prove(join(dir, 'c.zkey'), join(dir, 'w3.wtns'))).rejects.toThrow(/proving worker exited \(SIGKILL\)/);
    } finally {
      await pool.close();
    }
  }, 60_000);

  linuxOnly('names the exit, not the broken pipe, when a job goes to a worker that died unnoticed', async () => {
    const pool = createProvePool(1);
    try {
      const [pid] = proveWorkerPids();
      process.kill(pid, 'SIGKILL');
      // Block the event loop until the worker is a zombie: it is dead, but its 'exit' has not been
      // seen, so the job's IPC write fails with EPIPE first (the order CI hit under load).
      const deadline = Date.now() + 10_000;
      while (processState(pid) !== 'Z' && Date.now() < deadline);
      expect(processState(pid)).toBe('Z');
      await expect(pool.prove(join(dir, 'c.zkey'), join(dir, 'w1.wtns'))).rejects.toThrow(/proving worker exited \(SIGKILL\)/);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
