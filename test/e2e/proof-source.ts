/**
 * Where the end-to-end test gets its model and proofs (ZKINFER_E2E_SOURCE=cli|toy; default cli).
 *
 * cli (default, what CI runs): what a new user does, on a tiny REAL model file. The test
 *      writes test/helpers/tiny-model.ts's seeded llama (d = 2, 1 layer, byte vocabulary 256)
 *      to its temp dir, compiles it with `zkinfer compile` through ensurePackage (the code
 *      path of `npm start -- --model FILE`, scripts/lib/default-package.ts) at T = 3 with
 *      chunks < 2^14 rows, and proves with the real CLI as a child process:
 *      `zkinfer prove --package DIR --prompt R -n 1 --submit --api URL --json`.
 *      Why a tiny model and not the bundled default one: the phase-2 setup of the default
 *      model's package, even at T = 2 (7 chunks, ~158k constraints at 2^15), takes far
 *      longer than a CI suite may on 2 shared cores; the tiny one is 2 chunks (14.7k + 8.3k
 *      constraints; each position's 256-way logits and greedy check is ~7.9k) on a ptau of
 *      power 14, 91 s cold on 2 busy cores.
 *      The cache ($ZKINFER_CACHE_DIR: ptau, keys, quantization) is a fresh temp dir, so
 *      every run is as cold as CI and a new user's first `npm start` (a cold-only bug, a
 *      compile that never exited, went unseen while keys came from a warm cache). Set
 *      ZKINFER_E2E_CACHE_DIR=DIR to keep and reuse one across local runs.
 * toy: test/helpers/toy-model.ts (real snarkjs keys and proofs of toy circuits with the full
 *      public layout), submitted with prover/src/cli/submit.ts (the calls `zkinfer prove
 *      --submit` makes); no compile, no prove CLI: a quick local check of API + widget.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeToyModel } from '../helpers/toy-model.ts';
import { writeTinyModel } from '../helpers/tiny-model.ts';
import { currentPackage, ensurePackage, type PackageChoice } from '../../scripts/lib/default-package.ts';
import { REPO_ROOT } from '../../scripts/lib/local-api.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { submitAndDescribe } from '@zkinfer/prover/cli/submit.ts';

export interface Proved {
  receiptId: string;
  valid: boolean;
  bundle: Record<string, unknown>;
  /** The generated text as the prover reports it. */
  text: string;
}

export interface ProofSource {
  kind: 'cli' | 'toy';
  /** The manifest to register (the test registers it, as `npm start` does). */
  manifest: Record<string, unknown>;
  /** Proves a short prompt and submits it to the API (which must know the model). */
  proveAndSubmit(api: string): Promise<Proved>;
  close(): Promise<void>;
}

/**
 * A copy of `bundle` with its first generated token changed, consistently in the statement
 * and in every chunk's public signals (posTokens[nPrompt], docs/proof-format.md), so the
 * bundle is well-formed and only the Groth16 checks can refuse it.
 */
export function tamperGeneratedToken(bundle: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(bundle) as { statement: { nPrompt: number; generated: number[] }; chunks: { publicSignals: string[] }[] };
  const t = copy.statement.generated[0];
  const changed = t === 0 ? 1 : t - 1;
  copy.statement.generated[0] = changed;
  for (const chunk of copy.chunks) chunk.publicSignals[7 + copy.statement.nPrompt] = String(changed);
  return copy as unknown as Record<string, unknown>;
}

async function toySource(): Promise<ProofSource> {
  const generated = [...Buffer.from('!ok')];
  const toy = await makeToyModel({ chunks: 2, ctx: 8, prompt: 'Hi', generated, variant: 'e2e' });
  return {
    kind: 'toy',
    manifest: toy.manifest,
    async proveAndSubmit(api) {
      const r = await submitAndDescribe(api, toy.bundle);
      if (r.receiptId === null) throw new Error(`the API refused the toy bundle: ${r.reason}`);
      return { receiptId: r.receiptId, valid: r.valid, bundle: toy.bundle, text: Buffer.from(generated).toString('utf8') };
    },
    close: () => shutdownProver(),
  };
}

/**
 * T = 3 (one prompt byte, one generated, one padding position). 2^14 is the smallest chunk
 * size a logits stage fits (~7.9k constraints plus the boundary overhead: 8.5k > 2^13); at
 * T = 2 the whole pass (12.2k) fits one 2^14 chunk (30 s cold), so T = 3 (23k) makes it 2
 * chunks: the boundary commitments between chunks are exercised too, and the ptau has power
 * 14, made in ~10 s. (One 2^15 chunk measured slower: for the d = 8 variant, 106 s against
 * 99 s for the whole compile.)
 */
export const E2E_CHOICE: Omit<PackageChoice, 'model'> = { ctx: 3, chunkPower: 14 };
export const E2E_PROMPT = 'R';

function runCli(args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'prover/bin/zkinfer.js'), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`zkinfer ${args.join(' ')} exited ${code}:\n${err.slice(-3000)}`))));
  });
}

async function cliSource(work: string, signal?: AbortSignal): Promise<ProofSource> {
  const env = { ...process.env, ZKINFER_CACHE_DIR: process.env.ZKINFER_E2E_CACHE_DIR || join(work, 'cache') };
  // The directory name becomes the manifest name the demo page shows.
  const model = writeTinyModel(join(work, 'tiny-llama'));
  const dir = join(work, 'package');
  const t0 = performance.now();
  const { pkg, compiled } = await ensurePackage(dir, { ...E2E_CHOICE, model }, { env, signal, onLine: (line) => process.stderr.write(`  compile | ${line}\n`) });
  // npm start reuses a package only for the same choice: not for another layout.
  if (await currentPackage(dir, { ...E2E_CHOICE, model, layout: 'layers' })) throw new Error(`${dir}: a position-layout package was offered for --layout layers`);
  if (!(await currentPackage(dir, { ...E2E_CHOICE, model }))) throw new Error(`${dir}: the package just compiled is not current`);
  const constraints = pkg.manifest.chunks.map((c) => c.constraints);
  process.stderr.write(`  e2e | ${compiled ? 'compiled' : 'reused'} the tiny model: ${constraints.length} chunks (${constraints.join(' + ')} constraints) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return {
    kind: 'cli',
    manifest: pkg.manifestJson,
    async proveAndSubmit(api) {
      const out = join(work, 'proof.json');
      const stdout = await runCli(['prove', '--package', dir, '--prompt', E2E_PROMPT, '-n', '1', '--out', out, '--submit', '--api', api, '--json'], env, signal);
      const r = JSON.parse(stdout) as { bundle: string; text: string; submitted: { receiptId: string; valid: boolean } };
      return { receiptId: r.submitted.receiptId, valid: r.submitted.valid, bundle: JSON.parse(readFileSync(r.bundle, 'utf8')) as Record<string, unknown>, text: r.text };
    },
    close: async () => {},
  };
}

/** Makes the model's keys (cli: compiles the tiny model; toy: toy circuits); needs no API. */
export async function makeProofSource(opts: { work: string; signal?: AbortSignal }): Promise<ProofSource> {
  const kind = process.env.ZKINFER_E2E_SOURCE || 'cli';
  if (kind === 'toy') return toySource();
  if (kind !== 'cli') throw new RangeError(`ZKINFER_E2E_SOURCE=${JSON.stringify(kind)}: expected cli or toy`);
  return cliSource(opts.work, opts.signal);
}
