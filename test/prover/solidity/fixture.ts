/**
 * Real bundles of the bundled default model for the EVM tests: its plain package at T = 4 (2 circuit
 * kinds, so 8 position chunks sharing 2 keys: both the shared-key and the several-key paths of
 * the contract), compiled with `zkinfer compile` through ensurePackage (reused while current,
 * keys cached in $ZKINFER_CACHE_DIR) and proven twice with the real CLI (`--all-positions`: the
 * contract takes whole bundles), so that a chunk of another run of the same prompt is at hand. About 1.5 min of CPU cold (compile ~75 s).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackage } from '../../../scripts/lib/default-package.ts';
import { REPO_ROOT } from '../../../scripts/lib/local-api.ts';
import { zkinferCacheDir } from '@zkinfer/prover/quant/cache.ts';
import type { LoadedPackage } from '@zkinfer/prover/package/layout.ts';

export const FIXTURE_CTX = 4;
export const FIXTURE_PROMPT = 'RO';
export const FIXTURE_TOKENS = 2;

function prove(dir: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [join(REPO_ROOT, 'prover/bin/zkinfer.js'), 'prove', '--package', dir, '--prompt', FIXTURE_PROMPT, '-n', String(FIXTURE_TOKENS), '--all-positions', '--out', out];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`zkinfer prove exited ${code}: ${err.slice(-2000)}`))));
  });
}

export interface DefaultModelBundles {
  pkg: LoadedPackage;
  bundles: [Record<string, unknown>, Record<string, unknown>];
  /** The package directory and the first bundle's file, for the CLI. */
  dir: string;
  bundlePath: string;
}

export async function defaultModelBundles(): Promise<DefaultModelBundles> {
  const dir = join(zkinferCacheDir(), 'solidity-test', `default-ctx${FIXTURE_CTX}`);
  const t0 = performance.now();
  const { pkg, compiled } = await ensurePackage(dir, { ctx: FIXTURE_CTX, chunkPower: 'auto', ranges: 'plain' });
  const work = mkdtempSync(join(tmpdir(), 'zkinfer-sol-'));
  const paths = [join(work, 'a.json'), join(work, 'b.json')];
  for (const p of paths) await prove(dir, p);
  process.stderr.write(`  solidity | ${compiled ? 'compiled' : 'reused'} the default model at T = ${FIXTURE_CTX} (${pkg.manifest.chunks.length} chunks) and proved it twice in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  return { pkg, bundles: [read(paths[0]), read(paths[1])], dir, bundlePath: paths[0] };
}
