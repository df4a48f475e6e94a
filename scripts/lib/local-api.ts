/**
 * The local API for `npm start` and the end-to-end test: `wrangler dev --local` (workerd)
 * on 127.0.0.1 with a local D1 that has every migration in migrations/ applied and an
 * ADMIN_TOKEN from .dev.vars (written with a random token when absent). Offline:
 * WRANGLER_SEND_METRICS=false, CLOUDFLARE_CF_FETCH_ENABLED=false.
 *
 * Children are started in their own process group (wrangler starts workerd below itself),
 * so stop() ends the whole group and nothing is left listening on the port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRANGLER_JS = join(REPO_ROOT, 'node_modules/wrangler/bin/wrangler.js');
const WIDGET_BUNDLE = join(REPO_ROOT, 'widget/dist/widget-bundle.ts');

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
      reject(err.code === 'EADDRINUSE' ? new RangeError(`port ${port} on 127.0.0.1 is already in use (another \`npm start\`?); stop it or choose another with --port`) : err),
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
  /** Each line wrangler prints (default: dropped). */
  onLine?: (line: string) => void;
  /** How long to wait for GET /v1/health (default 120 s: workerd's first start is slow on 2 busy cores). */
  readyTimeoutMs?: number;
}

export interface LocalApi {
  /** http://127.0.0.1:PORT */
  api: string;
  adminToken: string;
  child: ChildProcess;
  /** Stops wrangler and workerd. */
  stop(): Promise<void>;
}

/** Starts the local API and resolves once it answers GET /v1/health. */
export async function startLocalApi(opts: LocalApiOptions): Promise<LocalApi> {
  const persistDir = opts.persistDir ?? join(REPO_ROOT, '.wrangler/state');
  await assertPortFree(opts.port);
  const { token } = ensureAdminToken();
  await ensureWidgetBuilt(opts.onLine);
  await applyLocalMigrations(persistDir, opts.onLine);
  const args = [WRANGLER_JS, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(opts.port), '--persist-to', persistDir, '--show-interactive-dev-session=false'];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: wranglerEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const tail: string[] = [];
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.onLine?.(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const api = `http://127.0.0.1:${opts.port}`;
  const stop = () => stopGroup(child);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  while (true) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited before the API answered (${child.signalCode ?? `exit ${child.exitCode}`}):\n${tail.join('\n')}`);
    }
    try {
      const res = await fetch(`${api}/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        const body = (await res.json()) as { ok?: unknown };
        if (body.ok === true) break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the local API did not answer ${api}/v1/health in time:\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { api, adminToken: token, child, stop };
}
