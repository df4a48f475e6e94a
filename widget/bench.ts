/**
 * Widget benchmark: bundle size, and how long "Verify in this browser" takes in Chromium
 * for bundles of 1…16 chunks. `npx node widget/bench.ts` writes the `widget` section of
 * BENCHMARKS.md.
 *
 * The bundles are trapdoor-simulated (test/api/fixtures/trapdoor.ts): they satisfy the
 * Groth16 equation exactly like snarkjs proofs, so the verifier does the same work (strict
 * parsing, subgroup checks, one IC multi-scalar multiplication per chunk, one batched
 * multi-pairing); the cost depends only on the chunk count and ctx (nPublic = 7 + ctx).
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { machineLine, markdownTable, writeBenchSection } from '../bench/report.ts';
import { parseBundle, receiptId } from '@zkinfer/verifier';
import { trapdoorModel } from '../test/api/fixtures/trapdoor.ts';
import { badge, startHarness } from '../test/widget/harness.ts';

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
try {
  for (const { chunks, ctx } of CONFIGS) {
    const model = trapdoorModel({ chunks, ctx });
    const bundle = model.prove({ nPrompt: 4, generated: Array.from({ length: ctx - 4 }, (_, i) => 97 + (i % 26)) });
    const modelId = model.manifest.modelId as string;
    const id = receiptId(modelId, parseBundle(bundle));
    h.api.models.set(modelId, model.manifest);
    h.api.receipts.set(id, { receipt: { id, valid: true, modelId }, bundle });
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await h.open(badge(id));
      await page.waitForFunction(() => document.querySelector('zkinfer-badge')?.getAttribute('state') === 'verified');
      await page.getByRole('button', { name: 'Verify in this browser' }).click();
      await page.waitForFunction(() => (window as unknown as { __events: unknown[] }).__events.length > 0, undefined, { timeout: 300_000 });
      const [event] = await page.evaluate(() => (window as unknown as { __events: { detail: { valid: boolean; ms: number } }[] }).__events);
      if (!event.detail.valid) throw new Error(`bench bundle (${chunks} chunks) did not verify`);
      times.push(event.detail.ms);
      await page.context().close();
    }
    const bytes = Buffer.byteLength(JSON.stringify(bundle));
    rows.push([chunks, ctx, `${(bytes / 1024).toFixed(0)} KiB`, median(times), `${Math.min(...times)}–${Math.max(...times)}`]);
    process.stderr.write(`${chunks} chunks, ctx ${ctx}: ${times.join(', ')} ms\n`);
  }
} finally {
  await h.close();
}

const raw = Buffer.byteLength(js);
const gz = gzipSync(js, { level: 9 }).length;
const br = brotliCompressSync(js).length;
const chromium = 'Debian Chromium, headless, via playwright-core';
writeBenchSection(
  'widget',
  `## Widget: bundle size and in-browser verification

Command: \`npx node widget/bench.ts\`. ${machineLine()}; ${chromium}; other engineers' jobs were
running on the same 2 cores, so treat the times as upper bounds.

\`widget/dist/zkinfer-badge.js\` (Lit + verifier/ + noble bn254, minified ES module):
${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip -9, ${(br / 1024).toFixed(1)} KiB brotli.

"Verify in this browser" end to end (download bundle + manifest from a loopback API, strict
parse, receipt-id check, batched Groth16 verification), median of ${RUNS} fresh page loads:

${markdownTable(['chunks', 'ctx', 'bundle JSON', 'median ms', 'range ms'], rows)}
`,
);
process.stderr.write(`bundle ${raw} B, gzip ${gz} B, brotli ${br} B\n`);
