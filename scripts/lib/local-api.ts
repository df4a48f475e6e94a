/**
 * The local API for `npm start` and the end-to-end test: `wrangler dev --local` (workerd)
 * on 127.0.0.1 with a local D1 that has every migration in migrations/ applied and an
 * ADMIN_TOKEN from .dev.vars (written with a random token when absent). Offline:
 * WRANGLER_SEND_METRICS=false, CLOUDFLARE_CF_FETCH_ENABLED=false.
 *
 * Faults it survives (issue 14, items 5–6):
 * - the public port is served by a buffering front (buffering-proxy.ts) that forwards only
 *   complete requests to wrangler on an internal loopback port: an aborted upload or a
 *   Content-Length larger than the body, which end `wrangler dev` itself, never reach it;
 * - if wrangler exits anyway, it is restarted (a few times per minute at most); requests
 *   meanwhile wait for it;
 * - wrangler runs under group-guard.ts, the leader of its own process group, so whatever way
 *   the stack ends (stop(), wrangler killed, this process killed even by SIGKILL) the whole
 *   group — workerd included — ends with it and nothing is left listening;
 * - a port that is taken is reported with the process holding it (port-holder.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBufferingProxy } from './buffering-proxy.ts';
import { describePortHolder } from './port-holder.ts';
import { isHealthy } from '@zkinfer/prover/client/api.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRANGLER_JS = join(REPO_ROOT, 'node_modules/wrangler/bin/wrangler.js');
const WIDGET_BUNDLE = join(REPO_ROOT, 'widget/dist/widget-bundle.ts');
const GROUP_GUARD = join(REPO_ROOT, 'scripts/lib/group-guard.ts');

/** Environment for wrangler: no telemetry, no request to Cloudflare for request.cf. */
export function wranglerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true', NO_COLOR: '1' };
}

/** The ADMIN_TOKEN of `.dev.vars`; appends a fresh random one when there is none. */
export function ensureAdminToken(root = REPO_ROOT): { token: string; created: boolean } {
  const path = join(root, '.dev.vars');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const found = /^ADMIN_TOKEN=(.+)$/m.exec(text);
  if (found) return { token: found[1].trim().replace(/^"(.*)"$/, '$1'), created: false };
  const token = randomBytes(24).toString('hex');
  appendFileSync(path, `${text.length > 0 && !text.endsWith('\n') ? '\n' : ''}ADMIN_TOKEN=${token}\n`, { mode: 0o600 });
  return { token, created: true };
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for tests; the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** RangeError when something already listens on 127.0.0.1:port (its health check would fool us). */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new RangeError(`port ${port} on 127.0.0.1 is already in use, held by ${describePortHolder(port)}; stop it or choose another with --port`)
          : err,
      ),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

/** Runs a child to completion; rejects with its last output when it fails. */
export function runChild(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${[cmd, ...args].join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`));
    });
  });
}

/** Builds widget/dist when absent (`npm start` runs `build:widget` first anyway). */
export async function ensureWidgetBuilt(onLine?: (line: string) => void): Promise<void> {
  if (existsSync(WIDGET_BUNDLE)) return;
  await runChild(process.execPath, [join(REPO_ROOT, 'widget/build.ts')], { onLine });
}

/** `wrangler d1 migrations apply zkinfer --local`: idempotent, applies only what is new. */
export async function applyLocalMigrations(persistDir: string, onLine?: (line: string) => void): Promise<void> {
  await runChild(process.execPath, [WRANGLER_JS, 'd1', 'migrations', 'apply', 'zkinfer', '--local', '--persist-to', persistDir], { env: wranglerEnv(), onLine });
}

/** Ends a child's whole process group (it was spawned detached), SIGKILL after a grace period. */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // the group is already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL'); // workerd may outlive wrangler by a moment: make sure the group is gone
}

export interface LocalApiOptions {
  port: number;
  /** Where wrangler keeps the local D1 (default .wrangler/state, as scripts/dev-api.sh). */
  persistDir?: string;
  /** Each line wrangler prints, and the supervisor's notes (default: dropped). */
  onLine?: (line: string) => void;
  /** How long to wait for GET /v1/health (default 120 s: workerd's first start is slow on 2 busy cores). */
  readyTimeoutMs?: number;
  /** Restarts allowed within a minute after unexpected exits of wrangler (default 5). */
  maxRestartsPerMinute?: number;
}

export interface LocalApi {
  /** http://127.0.0.1:PORT */
  api: string;
  adminToken: string;
  /** The current wrangler dev (under its group guard); replaced on a restart. */
  readonly child: ChildProcess;
  /** How often wrangler was restarted after exiting unexpectedly. */
  readonly restarts: number;
  /** Resolves (with the reason) when the API stopped for good: too many restarts, or stop(). */
  exited: Promise<string>;
  /** Stops the front, wrangler and workerd. */
  stop(): Promise<void>;
}

/** Spawns `wrangler dev` on 127.0.0.1:internalPort under group-guard.ts, in its own process group. */
function spawnWrangler(internalPort: number, persistDir: string, onData: (buf: Buffer) => void): ChildProcess {
  const args = [GROUP_GUARD, process.execPath, WRANGLER_JS, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(internalPort), '--persist-to', persistDir, '--show-interactive-dev-session=false'];
  // stdin is a pipe the guard watches: it reads EOF when this process is gone, however it went.
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: wranglerEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.stdin!.on('error', () => {}); // EPIPE once the guard is gone
  return child;
}

/** Waits for GET /v1/health on 127.0.0.1:port; throws if the child exits first or time runs out. */
async function waitHealthy(child: ChildProcess, port: number, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited before the API answered (${child.signalCode ?? `exit ${child.exitCode}`}):\n${tail()}`);
    }
    if (await isHealthy(`http://127.0.0.1:${port}`, 2000)) return;
    if (Date.now() > deadline) throw new Error(`the local API did not answer /v1/health in time:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Starts the local API and resolves once it answers GET /v1/health on the public port. */
export async function startLocalApi(opts: LocalApiOptions): Promise<LocalApi> {
  const persistDir = opts.persistDir ?? join(REPO_ROOT, '.wrangler/state');
  const readyMs = opts.readyTimeoutMs ?? 120_000;
  const maxRestarts = opts.maxRestartsPerMinute ?? 5;
  await assertPortFree(opts.port);
  const { token } = ensureAdminToken();
  await ensureWidgetBuilt(opts.onLine);
  await applyLocalMigrations(persistDir, opts.onLine);

  const lines: string[] = [];
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      opts.onLine?.(line);
    }
  };
  const tail = () => lines.join('\n');
  const note = (line: string) => opts.onLine?.(`[local-api] ${line}`);

  // The upstream as a promise: pending while wrangler (re)starts, so requests wait for it.
  let ready!: Promise<number>;
  let stopped = false;
  let child!: ChildProcess;
  let restarts = 0;
  const recentRestarts: number[] = [];
  let resolveExited!: (why: string) => void;
  const exited = new Promise<string>((r) => (resolveExited = r));

  const giveUp = (why: string) => {
    stopped = true;
    ready = Promise.reject(new Error(why));
    ready.catch(() => {});
    resolveExited(why);
  };
  // After a healthy wrangler exits unexpectedly: start another until one is healthy, at most
  // maxRestarts per minute. `ready` is replaced synchronously, so new requests wait for it.
  const supervise = async (why: string) => {
    while (!stopped) {
      const now = Date.now();
      while (recentRestarts.length > 0 && now - recentRestarts[0] > 60_000) recentRestarts.shift();
      if (recentRestarts.length >= maxRestarts) {
        note(`${why}; ${maxRestarts} restarts within a minute already, giving up`);
        giveUp(`${why}, after ${maxRestarts} restarts within a minute:\n${tail()}`);
        return;
      }
      recentRestarts.push(now);
      restarts++;
      note(`${why}; restarting it`);
      ready = launch();
      try {
        await ready;
        note(`wrangler dev is back (restart ${restarts})`);
        return;
      } catch (err) {
        why = `the restarted wrangler dev failed (${(err as Error).message.split('\n')[0]})`;
      }
    }
  };
  const launch = async (): Promise<number> => {
    const internalPort = await freePort();
    const current = spawnWrangler(internalPort, persistDir, onData);
    child = current;
    let healthy = false;
    current.once('exit', (code, signal) => {
      if (!healthy || stopped || current !== child) return;
      void supervise(`wrangler dev exited unexpectedly (${signal ?? `exit ${code}`})`);
    });
    try {
      await waitHealthy(current, internalPort, readyMs, tail);
    } catch (err) {
      await stopGroup(current);
      throw err;
    }
    healthy = true;
    return internalPort;
  };

  // The public port is the front's: taken first, so nothing else can bind it meanwhile.
  const proxy = await startBufferingProxy(opts.port, () => ready);
  const api = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    stopped = true;
    await Promise.all([proxy.close(), stopGroup(child)]);
    resolveExited('stopped');
  };
  ready = launch();
  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    api,
    adminToken: token,
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    exited,
    stop,
  };
}
