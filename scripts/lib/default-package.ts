/**
 * The compiled package of the bundled default model (prover/models/default) that `npm start`
 * registers and `zkinfer prove` uses without --package: compiled ONCE with `zkinfer compile`
 * into defaultPackageDir() (prover/src/cli/submit.ts), reused while the model file, T and
 * the chunk power (and the range backend) are unchanged. Compile itself caches the quantization, the ptau and every
 * chunk's keys, so even a recompile after a change reuses what it can.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChunkLayout } from '@zkinfer/prover/chunks/position.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { parseRangeBackend, PLAIN_RANGES, rangeBackendName } from '@zkinfer/prover/circuit/range-backend.ts';
import { defaultRangesFor } from '@zkinfer/prover/package/default-ranges.ts';
import { circuitCodeFingerprint } from '@zkinfer/prover/package/code-fingerprint.ts';
import { readPackage, staleCircuitsReason, type LoadedPackage } from '@zkinfer/prover/package/layout.ts';
import { sha256File } from '@zkinfer/prover/snark/ptau.ts';
import { REPO_ROOT } from './local-api.ts';

const ZKINFER_BIN = join(REPO_ROOT, 'prover/bin/zkinfer.js');

export interface PackageChoice {
  /** Positions per proof (prompt + generated ≤ ctx). */
  ctx: number;
  /**
   * Chunks have fewer than 2^chunkPower constraint rows; 'auto': the smallest power at which
   * every stage fits (zkinfer compile's default), and any compiled power is reused.
   */
  chunkPower: number | 'auto';
  /** The model file (default: the bundled default model). */
  model?: string;
  /**
   * How the pass is cut (zkinfer compile --layout; default positions: a short setup;
   * layers: one key per chunk, less proving per bundle for larger models, docs/decisions.md 9).
   */
  layout?: ChunkLayout;
  /**
   * The range backend (zkinfer compile --ranges: `plain`, `logup`, `logup:B`); default: what
   * compile picks here (LogUp where the native prover runs, plain where it does not).
   */
  ranges?: string;
}

/**
 * What `npm start` compiles: the bundled model's whole context (T = 32: a prompt plus up to
 * 31 generated tokens). With LogUp (the default where the native prover runs) one circuit of
 * < 2^14 rows serves all 32 positions; a cold compile with its ptau took 10 s in the first
 * `npm start` and a 32-position proof 5–6 s on 2 cores (README; BENCHMARKS.md "Proof pipeline
 * by range backend", 2026-12-02).
 */
export const DEFAULT_CHOICE: PackageChoice = { ctx: 32, chunkPower: 'auto' };

/** The package at `dir` when it was compiled from the same model file with the same T and chunk power, by this circuit code. */
export async function currentPackage(dir: string, choice: PackageChoice): Promise<LoadedPackage | null> {
  if (!existsSync(join(dir, 'manifest.json'))) return null;
  let pkg: LoadedPackage;
  try {
    pkg = readPackage(dir);
  } catch {
    return null;
  }
  const model = choice.model ?? DEFAULT_MODEL_PATH;
  const info = pkg.info;
  if (info.ctx !== choice.ctx || (choice.chunkPower !== 'auto' && info.chunkPower !== choice.chunkPower) || !info.model || info.model.path !== model) return null;
  if ((info.layout ?? 'positions') !== (choice.layout ?? 'positions')) return null;
  const ranges = choice.ranges === undefined ? defaultRangesFor() : parseRangeBackend(choice.ranges);
  if (rangeBackendName(info.ranges ?? PLAIN_RANGES) !== rangeBackendName(ranges)) return null;
  if (!existsSync(model) || (await sha256File(model)) !== info.model.sha256) return null;
  if (staleCircuitsReason(info, circuitCodeFingerprint())) return null; // compiled by other circuit code
  return pkg;
}

export interface EnsureResult {
  pkg: LoadedPackage;
  /** True when this call compiled (false: the cached package was current). */
  compiled: boolean;
  seconds: number;
}

/**
 * Compiles the package into `dir` unless a current one is there. Progress lines of
 * `zkinfer compile` go to `onLine` as they come. `env` reaches the compile (cache dir);
 * `signal` aborts it (the child is killed: keys already made stay in the cache).
 */
export async function ensurePackage(dir: string, choice: PackageChoice, opts: { onLine?: (line: string) => void; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<EnsureResult> {
  const t0 = performance.now();
  const cached = await currentPackage(dir, choice);
  if (cached) return { pkg: cached, compiled: false, seconds: (performance.now() - t0) / 1000 };
  rmSync(dir, { recursive: true, force: true }); // a stale or half-written package
  const args = [ZKINFER_BIN, 'compile', '--ctx', String(choice.ctx), '--chunk-power', String(choice.chunkPower), '--out', dir];
  if (choice.model) args.push('--model', choice.model);
  if (choice.layout) args.push('--layout', choice.layout);
  if (choice.ranges) args.push('--ranges', choice.ranges);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    const tail: string[] = [];
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`zkinfer compile failed (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`))));
  });
  const pkg = await currentPackage(dir, choice);
  if (!pkg) throw new Error(`zkinfer compile finished but ${dir} is not a package for ctx ${choice.ctx}, chunk power ${choice.chunkPower}, layout ${choice.layout ?? 'positions'}`);
  return { pkg, compiled: true, seconds: (performance.now() - t0) / 1000 };
}
