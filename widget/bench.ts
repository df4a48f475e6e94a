/**
 * Widget benchmark: bundle size, and how long "Verify in this browser" takes in Chromium
 * for bundles of 1…16 chunks. `npx node widget/bench.ts` writes the `widget` section of
 * BENCHMARKS.md.
 *
 * The bundles are trapdoor-simulated (test/api/fixtures/trapdoor.ts): they satisfy the
 * Groth16 equation exactly like snarkjs proofs, so the verifier does the same work (strict
 * parsing, subgroup checks, one IC multi-scalar multiplication per chunk, one batched
 * multi-pairing); the cost depends only on the chunk count and ctx (nPublic = 7 + ctx).
 *
 * Then real bundles: the bundled default model at T = 32 (every position), compiled plain and
 * LogUp (each chunk with a BSB22 commitment: the verifier recomputes its challenge and checks
 * D and π in the same batch) through scripts/lib/default-package.ts (keys from the zkinfer
 * cache), proven once each with an 8-token generation after "ROMEO:".
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { machineLine, markdownTable, writeBenchSection } from '../bench/report.ts';
import { parseBundle, receiptId } from '@zkinfer/verifier';
import { trapdoorModel } from '../test/api/fixtures/trapdoor.ts';
import { badge, startHarness, type Harness } from '../test/widget/harness.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackage } from '../scripts/lib/default-package.ts';
import { proveBundle } from '@zkinfer/prover/bundle/prove-bundle.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { loadPackageModel } from '@zkinfer/prover/package/model.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts'

const RUNS = 3;
const CONFIGS = [
  { chunks: 1, ctx: 32 },
  { chunks: 4, ctx: 32 },
  { chunks: 16, ctx: 32 },
  { chunks: 4, ctx: 256 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const h = await startHarness();
const js = await (await fetch(`${h.api.origin}/widget.js`)).text();
const rows: (string | number)[][] = [];
const realRows: (string | number)[][] = [];
try {
  for (const { chunks, ctx } of CONFIGS) {
    const model = trapdoorModel({ chunks, ctx });
    const bundle = model.prove({ nPrompt: 4, generated: Array.from({ length: ctx - 4 }, (_, i) => 97 + (i % 26)) });
    const times = await timeVerify(h, model.manifest, bundle, `${chunks} chunks`);
    const bytes = Buffer.byteLength(JSON.stringify(bundle));
    rows.push([chunks, ctx, `${(bytes / 1024).toFixed(0)} KiB`, median(times), `${Math.min(...times)}–${Math.max(...times)}`]);
    process.stderr.write(`${chunks} chunks, ctx ${ctx}: ${times.join(', ')} ms\n`);
  }
  for (const ranges of ['plain', 'logup']) {
    const dir = join(mkdtempSync(join(tmpdir(), 'zkinfer-widget-bench-')), 'pkg');
    const { pkg } = await ensurePackage(dir, { ctx: 32, chunkPower: 'auto', ranges }, { onLine: (l) => process.stderr.write(`  compile | ${l}\n`) });
    const { q, tokenizer } = await loadPackageModel(pkg);
    const prompt = tokenizer.encode('ROMEO:', { bos: true });
    // Every position (the worst case: `zkinfer prove` proves the 13 this statement reads).
    const { bundle } = await proveBundle({ pkg, q, promptTokens: prompt, generated: generateInt(q, prompt, 8), threads: 2, positions: 'all' });
    const times = await timeVerify(h, pkg.manifestJson, bundle, `bundled model, ${ranges}`);
    const bytes = Buffer.byteLength(JSON.stringify(bundle));
    realRows.push([ranges, pkg.manifest.chunks.length, `${(bytes / 1024).toFixed(0)} KiB`, median(times), `${Math.min(...times)}–${Math.max(...times)}`]);
    process.stderr.write(`bundled model, ${ranges}: ${times.join(', ')} ms\n`);
  }
} finally {
  await h.close();
  await shutdownProver();
}

/** Milliseconds of "Verify in this browser" for `bundle` under `manifest`, one fresh page per run. */
async function timeVerify(h: Harness, manifest: Record<string, unknown>, bundle: unknown, what: string): Promise<number[]> {
  const modelId = manifest.modelId as string;
  const id = receiptId(modelId, parseBundle(bundle));
  h.api.models.set(modelId, manifest);
  h.api.receipts.set(id, { receipt: { id, valid: true, modelId }, bundle });
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await h.open(badge(id));
    await page.waitForFunction(() => document.querySelector('zkinfer-badge')?.getAttribute('state') === 'verified');
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.waitForFunction(() => (window as unknown as { __events: unknown[] }).__events.length > 0, undefined, { timeout: 300_000 });
    const [event] = await page.evaluate(() => (window as unknown as { __events: { detail: { valid: boolean; ms: number } }[] }).__events);
    if (!event.detail.valid) throw new Error(`bench bundle (${what}) did not verify`);
    times.push(event.detail.ms);
    await page.context().close();
  }
  return times;
}

const raw = Buffer.byteLength(js);
const gz = gzipSync(js, { level: 9 }).length;
const br = brotliCompressSync(js).length;
const chromium = 'Debian Chromium, headless, via playwright-core';
writeBenchSection(
  'widget',
  `## Widget: bundle size and in-browser verification

Command: \`npx node widget/bench.ts\`. ${machineLine()}; ${chromium}; a shared 2-core machine,
so treat the times as upper bounds.

\`widget/dist/zkinfer-badge.js\` (Lit + verifier/ + noble bn254, minified ES module):
${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip -9, ${(br / 1024).toFixed(1)} KiB brotli.

"Verify in this browser" end to end (download bundle + manifest from a loopback API, strict
parse, receipt-id check, batched Groth16 verification), median of ${RUNS} fresh page loads:

${markdownTable(['chunks', 'ctx', 'bundle JSON', 'median ms', 'range ms'], rows)}

Real bundles of the bundled default model (T = 32, every position proven, "ROMEO:" + 8 generated
tokens), plain and LogUp (a BSB22 commitment per chunk: its challenge recomputed, D and π
checked in the same batch), same measurement:

${markdownTable(['circuits', 'chunks', 'bundle JSON', 'median ms', 'range ms'], realRows)}
`,
);
process.stderr.write(`bundle ${raw} B, gzip ${gz} B, brotli ${br} B\n`);
