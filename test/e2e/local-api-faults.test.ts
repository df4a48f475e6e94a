/**
 * The local stack (scripts/lib/local-api.ts, what `npm start` runs) under the faults of
 * issue 14 (items 5–6), against real `wrangler dev` on loopback ports:
 * - an aborted upload and a Content-Length larger than the body (each of which ends a bare
 *   `wrangler dev`), then good requests: answered, and wrangler was never restarted;
 * - `kill -9` of wrangler: its workerd goes too, wrangler is restarted, requests meanwhile wait;
 * - `kill -9` of the process running the stack: nothing is left in the group or on the port;
 * - a taken port is reported with the pid and command line of what holds it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPortFree, freePort, REPO_ROOT, startLocalApi, type LocalApi } from '../../scripts/lib/local-api.ts';
import { groupMembers } from '../helpers/proc.ts';

/** Sends request head + part of a body, then drops the connection (an aborted upload). */
function abortedUpload(port: number, contentLength: number, sent: string, holdMs: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(`POST /v1/verify HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n${sent}`);
      setTimeout(() => {
        s.destroy();
        resolve();
      }, holdMs);
    });
    s.on('error', () => resolve());
  });
}

/** Sends the whole declared body slowly, in pieces, and gives up halfway (like curl -m 2 --limit-rate 1k). */
function slowAbortedUpload(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(`POST /v1/verify HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 20000\r\n\r\n`);
      let n = 0;
      const timer = setInterval(() => {
        s.write(' '.repeat(500));
        if (++n === 10) {
          clearInterval(timer);
          s.destroy();
          resolve();
        }
      }, 100);
    });
    s.on('error', () => resolve());
  });
}

const health = async (api: string) => (await fetch(`${api}/v1/health`, { signal: AbortSignal.timeout(60_000) })).status;
const waitFor = async (what: string, ok: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
/** The wrangler node process under the guard (same group, not the guard, not workerd). */
const wranglerOf = (guard: number) => groupMembers(guard).find((p) => p.pid !== guard && p.comm !== 'workerd');
const workerdOf = (guard: number) => groupMembers(guard).filter((p) => p.comm === 'workerd');

describe('local API under faults (real wrangler dev on 127.0.0.1)', () => {
  let work: string;
  let stack: LocalApi | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zkinfer-faults-'));
    stack = await startLocalApi({ port: await freePort(), persistDir: join(work, 'd1'), onLine: (l) => lines.push(l) });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers good requests after aborted uploads and a Content-Length larger than the body, without a restart', async () => {
    const port = Number(new URL(stack!.api).port);
    const guard = stack!.child.pid!;
    await abortedUpload(port, 100_000, '{"model":"', 300);
    await slowAbortedUpload(port);
    await abortedUpload(port, 5_000_000, '', 100); // over the front's cap, never sent
    expect(await health(stack!.api)).toBe(200);
    const res = await fetch(`${stack!.api}/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'f'.repeat(64), bundle: {} }) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    expect(stack!.restarts).toBe(0);
    expect(stack!.child.pid).toBe(guard);
    expect(stack!.child.exitCode).toBeNull();
  }, 120_000);

  it('restarts wrangler after kill -9 (its workerd goes with it); a request meanwhile waits and is answered', async () => {
    const guard = stack!.child.pid!;
    const wrangler = wranglerOf(guard);
    const oldWorkerd = workerdOf(guard);
    expect(wrangler).toBeDefined();
    expect(oldWorkerd.length).toBeGreaterThan(0);
    process.kill(wrangler!.pid, 'SIGKILL');
    await waitFor('the old group to end', () => groupMembers(guard).length === 0, 15_000);
    expect(await health(stack!.api)).toBe(200); // waits for the restarted wrangler
    expect(stack!.restarts).toBe(1);
    expect(stack!.child.pid).not.toBe(guard);
    expect(lines.some((l) => /\[local-api\] wrangler dev exited unexpectedly .*; restarting it/.test(l))).toBe(true);
  }, 180_000);

  it('names what holds a taken port', async () => {
    const srv = createServer();
    const port = await freePort();
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    try {
      await expect(assertPortFree(port)).rejects.toThrow(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use, held by pid ${process.pid} \\(`));
    } finally {
      srv.close();
    }
  });
});

describe('local API after kill -9 of the process running it', () => {
  it('leaves no wrangler or workerd behind and the port free for the next start', async () => {
    const work = mkdtempSync(join(tmpdir(), 'zkinfer-kill9-'));
    const port = await freePort();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'test/helpers/local-api-child.ts'), String(port), join(work, 'd1')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const up = await new Promise<{ guard: number }>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line) as { guard: number });
        });
        child.once('exit', (code) => reject(new Error(`the stack exited early (${code})`)));
      });
      expect(workerdOf(up.guard).length).toBeGreaterThan(0);
      child.kill('SIGKILL');
      await waitFor('the group to end', () => groupMembers(up.guard).length === 0, 15_000);
      await assertPortFree(port);
    } finally {
      child.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});
