/**
 * End to end, as a new user: start the local stack with the code of `npm start -- --model
 * FILE` (scripts/lib: wrangler dev + local D1 on a free port with a temporary D1 and cache,
 * `zkinfer compile` of a tiny real model file, registration), prove a prompt with the real
 * `zkinfer prove --submit` CLI, open the demo page in Debian's Chromium and see the badge
 * say "Verified" — and see a tampered bundle (a changed generated token) refused and its
 * badge not verified. Screenshots go to test-output/e2e/.
 *
 * The model and the prover: ./proof-source.ts (default the CLI on the tiny model, cold: about
 * 90 s on 2 busy cores; ZKINFER_E2E_SOURCE=toy for a quick run on toy circuits).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freePort, startLocalApi, type LocalApi } from '../../scripts/lib/local-api.ts';
import { registerManifest, submitBundle } from '@zkinfer/prover/client/api.ts';
import { badgeText, HAVE_CHROMIUM, launchChromium, openPage, screenshot, settledState } from './browser.ts';
import { makeProofSource, tamperGeneratedToken, type ProofSource, type Proved } from './proof-source.ts';

/** Hands both results to `keep` once both promises settled, so afterAll can stop what did start when the other failed. */
async function both<A, B>(a: Promise<A>, b: Promise<B>, keep: (a?: A, b?: B) => void): Promise<void> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  keep(ra.status === 'fulfilled' ? ra.value : undefined, rb.status === 'fulfilled' ? rb.value : undefined);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
}

describe.skipIf(!HAVE_CHROMIUM)('e2e: local stack, prove, submit, badge in Chromium (needs /usr/bin/chromium)', () => {
  let work: string;
  let stack: LocalApi | undefined;
  let browser: Browser | undefined;
  let source: ProofSource | undefined;
  let proved: Proved;
  const abort = new AbortController();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zkinfer-e2e-'));
    // `npm start` starts the API, then compiles; here both run at once (the API's start is
    // mostly waiting), which saves its ~10-20 s of the CI budget.
    const port = await freePort();
    await both(startLocalApi({ port, persistDir: join(work, 'd1') }), makeProofSource({ work, signal: abort.signal }), (s, p) => {
      stack = s;
      source = p;
    });
    const reg = await registerManifest(stack!.api, stack!.adminToken, source!.manifest);
    // The one API client (prover/src/client/api.ts) also returns the registry's manifest hash.
    expect(reg).toEqual({ modelId: source!.manifest.modelId, created: true, manifestHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    abort.abort(); // a compile or prove still running (e.g. after a timeout) must not outlive the test
    await browser?.close();
    await stack?.stop();
    await source?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('registers the model with the admin token (idempotent) and lists it', async () => {
    const again = await registerManifest(stack!.api, stack!.adminToken, source!.manifest);
    expect(again).toEqual({ modelId: source!.manifest.modelId, created: false, manifestHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const listed = (await (await fetch(`${stack!.api}/v1/models`)).json()) as { models: { modelId: string }[] };
    expect(listed.models.map((m) => m.modelId)).toContain(source!.manifest.modelId);
  });

  it('proves and submits; the API verifies, and the demo page shows a verified badge', async () => {
    proved = await source!.proveAndSubmit(stack!.api);
    expect(proved.valid).toBe(true);
    expect(proved.receiptId).toMatch(/^[0-9a-f]{64}$/);
    const stored = (await (await fetch(`${stack!.api}/v1/receipts/${proved.receiptId}`)).json()) as { receipt: { valid: boolean; text?: string } };
    expect(stored.receipt.valid).toBe(true);
    expect(stored.receipt.text).toBe(proved.text); // the API detokenizes what the prover generated

    const { page, errors } = await openPage(browser!, `${stack!.api}/?receipt=${proved.receiptId}`);
    expect(await settledState(page)).toBe('verified');
    expect(await badgeText(page)).toContain('Verified');
    // the page lists the model and the receipt, and shows the two embed lines
    const body = await page.locator('body').innerText();
    expect(body).toContain(source!.manifest.name as string);
    expect(await page.locator('#embed').innerText()).toContain(`<zkinfer-badge receipt="${proved.receiptId}" api="${stack!.api}"></zkinfer-badge>`);
    expect(await page.locator(`#receipts a[href="/?receipt=${proved.receiptId}"]`).count()).toBe(1);
    await screenshot(page, 'demo-verified');

    // "Verify in this browser": every Groth16 proof re-checked in Chromium against the registered keys
    await page.locator('zkinfer-badge button').click();
    const timing = page.locator('zkinfer-badge [part=timing]');
    await timing.waitFor({ timeout: 60_000 });
    expect(await timing.innerText()).toMatch(/^Re-verified in this browser in [\d.]+ m?s\.?$/);
    expect(await settledState(page)).toBe('verified');
    await screenshot(page, 'demo-verified-in-browser');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 600_000);

  it('refuses a bundle whose generated token was changed, and its badge is not verified', async () => {
    const tampered = tamperGeneratedToken(proved.bundle);
    const result = await submitBundle(stack!.api, tampered);
    expect(result.valid).toBe(false);
    expect(result.receiptUrl).toBeNull();
    expect(result.receiptId).toBeNull(); // nothing verified, no receipt id
    const claimed = result.claimedStatementId!;
    expect(claimed).toMatch(/^[0-9a-f]{64}$/);
    expect(claimed).not.toBe(proved.receiptId);
    const missing = await fetch(`${stack!.api}/v1/receipts/${claimed}`);
    expect(missing.status).toBe(404);

    const { page } = await openPage(browser!, `${stack!.api}/?receipt=${claimed}`);
    const state = await settledState(page);
    expect(['invalid', 'not-found']).toContain(state);
    expect(await badgeText(page)).not.toMatch(/^zkinfer Verified/);
    expect(await page.locator('#not-stored').count()).toBe(1);
    await screenshot(page, 'demo-tampered');
    await page.context().close();
  }, 120_000);
});
