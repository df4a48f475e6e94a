// The bench worker (worker.ts) run in Miniflare's workerd, with the CPU time of the workerd
// process read from outside: inside workerd, performance.now() only advances on I/O (a
// Spectre mitigation), so a worker cannot time its own computation. Used by
// bench/verify-workerd.ts (synthetic fixture) and bench/proof-pipeline.ts (real bundles).
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childProcesses } from '../../test/helpers/proc.ts';

export interface VerifyWorker {
  /** POST /setup with `{"manifest": …, "bundle": …}` (JSON text, as the API receives them): the worker parses both and prepares the keys. */
  setup(fixtureJson: string): Promise<void>;
  /** POST `path` with a JSON body (e.g. /setup-batch). */
  post(path: string, json: string): Promise<void>;
  /** Mean wall and workerd CPU ms per request over `requests` sequential GETs of `path`. */
  series(path: string, requests: number): Promise<{ wall: number; cpu: number }>;
  dispose(): Promise<void>;
}

/** miniflare's version, for the bench text. */
export function miniflareVersion(): string {
  return JSON.parse(readFileSync(new URL('../../node_modules/miniflare/package.json', import.meta.url), 'utf8')).version;
}

/** The workerd child of this process (Miniflare spawns it directly). */
function workerdPid(): number {
  const workerd = childProcesses().find((c) => c.comm.includes('workerd'));
  if (!workerd) throw new Error('no workerd child process found (is this Linux, and did Miniflare start?)');
  return workerd.pid;
}

/** Nanoseconds on CPU of every thread of `pid` (schedstat's first field). */
function cpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // thread exited
    }
  }
  return total;
}

/** Bundles worker.ts with esbuild and starts it in workerd. */
export async function startVerifyWorker(): Promise<VerifyWorker> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'error',
  });
  // miniflare 5 (wrangler 4's runtime driver) takes a worker as a config with a module manifest.
  const mf = new Miniflare({
    workers: [
      {
        config: {
          name: 'verify-bench',
          type: 'worker',
          compatibilityDate: '2026-08-01',
          manifest: { mainModule: 'worker.js', modules: { 'worker.js': { type: 'esm', contents: bundled.outputFiles[0].text } } },
        },
      },
    ],
  });
  let base: URL;
  let pid: number;
  try {
    base = await mf.ready;
    pid = workerdPid();
  } catch (e) {
    await mf.dispose();
    throw e;
  }
  const post = async (path: string, json: string) => {
    const res = await fetch(new URL(path, base), { method: 'POST', body: json });
    if (!res.ok) throw new Error(`${path} failed: ${res.status} ${await res.text()}`);
  };
  return {
    setup: (fixtureJson) => post('/setup', fixtureJson),
    post,
    async series(path, requests) {
      const cpu0 = cpuNs(pid);
      const t0 = performance.now();
      for (let i = 0; i < requests; i++) {
        const res = await fetch(new URL(path, base));
        if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
      return { wall: (performance.now() - t0) / requests, cpu: (cpuNs(pid) - cpu0) / 1e6 / requests };
    },
    dispose: () => mf.dispose(),
  };
}
