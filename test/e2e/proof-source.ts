/**
 * Where the end-to-end test gets its model and proofs (ZKINFER_E2E_SOURCE=cli|toy; default toy).
 *
 * Why toy by default: the phase-2 setup of the default model's package, even at T = 2
 * (7 chunks, ~160K constraints), takes far longer than a CI suite may on 2 shared cores
 * (measured in the report of this change); keys are cached afterwards, so
 * `ZKINFER_E2E_SOURCE=cli npx vitest run --project node test/e2e` is fast from the second run.
 *
 * cli: what a new user runs — the bundled default model compiled by `zkinfer compile` (the
 *      code path of `npm start`, scripts/lib/default-package.ts) but with a smaller context
 *      E2E_CHOICE so that the test fits CI, registered, then `zkinfer prove --submit --api`.
 *      The package goes to the test's temp dir; ptau and chunk keys come from the user's
 *      cache (~/.cache/zkinfer, $ZKINFER_CACHE_DIR), so only the first run pays the setup.
 * toy: test/helpers/toy-model.ts (real snarkjs keys and proofs of toy circuits with the full
 *      public layout), registered and submitted with prover/src/cli/submit.ts, the same
 *      calls `npm start` and `zkinfer prove --submit` make.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeToyModel } from '../helpers/toy-model.ts';
import { ensurePackage, type PackageChoice } from '../../scripts/lib/default-package.ts';
import { REPO_ROOT } from '../../scripts/lib/local-api.ts';
import { shutdownProver } from '../../prover/src/snark/prove.ts';
import { registerManifest, submitAndDescribe } from '../../prover/src/cli/submit.ts';

export interface Proved {
  receiptId: string;
  valid: boolean;
  bundle: Record<string, unknown>;
}

export interface ProofSource {
  kind: 'cli' | 'toy';
  /** The registered manifest. */
  manifest: Record<string, unknown>;
  /** Proves a short prompt and submits it to the API. */
  proveAndSubmit(): Promise<Proved>;
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

async function toySource(api: string, adminToken: string): Promise<ProofSource> {
  const first = await makeToyModel({ chunks: 2, ctx: 8, prompt: 'Hi', generated: [...Buffer.from('!ok')], variant: 'e2e' });
  const reg = await registerManifest(api, adminToken, first.manifest);
  if (reg.modelId !== first.manifest.modelId) throw new Error(`registered ${reg.modelId}, expected ${String(first.manifest.modelId)}`);
  return {
    kind: 'toy',
    manifest: first.manifest,
    async proveAndSubmit() {
      const r = await submitAndDescribe(api, first.bundle);
      return { receiptId: r.receiptId, valid: r.valid, bundle: first.bundle };
    },
    close: () => shutdownProver(),
  };
}

/** The default model at T = 2 (one prompt token, one generated): the smallest complete forward pass. */
export const E2E_CHOICE: PackageChoice = { ctx: 2, chunkPower: 15 };
export const E2E_PROMPT = 'R';

function runCli(args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'prover/bin/zkinfer.js'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`zkinfer ${args.join(' ')} exited ${code}:\n${err.slice(-3000)}`))));
  });
}

async function cliSource(work: string, api: string, adminToken: string, signal?: AbortSignal): Promise<ProofSource> {
  const dir = join(work, 'package');
  const { pkg } = await ensurePackage(dir, E2E_CHOICE, { signal, onLine: (line) => process.stderr.write(`  compile | ${line}\n`) });
  const reg = await registerManifest(api, adminToken, pkg.manifestJson);
  if (reg.modelId !== pkg.manifest.modelId) throw new Error(`registered ${reg.modelId}, expected ${pkg.manifest.modelId}`);
  return {
    kind: 'cli',
    manifest: pkg.manifestJson,
    async proveAndSubmit() {
      const out = join(work, 'proof.json');
      const stdout = await runCli(['prove', '--package', dir, '--prompt', E2E_PROMPT, '-n', '1', '--out', out, '--submit', '--api', api, '--json'], signal);
      const r = JSON.parse(stdout) as { bundle: string; submitted: { receiptId: string; valid: boolean } };
      return { receiptId: r.submitted.receiptId, valid: r.submitted.valid, bundle: JSON.parse(readFileSync(r.bundle, 'utf8')) as Record<string, unknown> };
    },
    close: async () => {},
  };
}

export async function makeProofSource(opts: { work: string; api: string; adminToken: string; signal?: AbortSignal }): Promise<ProofSource> {
  const kind = process.env.ZKINFER_E2E_SOURCE ?? 'toy';
  if (kind === 'toy') return toySource(opts.api, opts.adminToken);
  if (kind !== 'cli') throw new RangeError(`ZKINFER_E2E_SOURCE=${JSON.stringify(kind)}: expected cli or toy`);
  return cliSource(opts.work, opts.api, opts.adminToken, opts.signal);
}
