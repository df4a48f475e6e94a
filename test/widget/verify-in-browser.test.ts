import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { randomG1, rerandomize } from '../api/fixtures/trapdoor.ts';
import {
  HAVE_CHROMIUM,
  badge,
  eventsOf,
  publishValidReceipt,
  screenshot,
  startHarness,
  statusText,
  waitForState,
  type Harness,
  type RecordedEvent,
} from './harness.ts';

// "Verify in this browser": the bundle and manifest are fetched from the API and every chunk's
// Groth16 proof is re-checked by verifier/ running in Chromium (noble bn254 pairings).
describe.skipIf(!HAVE_CHROMIUM)('<zkinfer-badge> verify in this browser (needs /usr/bin/chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function verifyHere(page: Page): Promise<RecordedEvent> {
    const before = (await eventsOf(page)).length;
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.waitForFunction((n) => (window as unknown as { __events: unknown[] }).__events.length > n, before, { timeout: 60_000 });
    return (await eventsOf(page))[before];
  }

  it('re-verifies a valid bundle and says how long it took', async () => {
    const r = publishValidReceipt(h.api);
    const release = h.api.hold(`/v1/receipts/${r.id}/bundle`);
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    // While the bundle is on its way: busy, and the button says so without losing focus.
    const button = page.locator('zkinfer-badge button');
    await page.waitForFunction(() => document.querySelector('zkinfer-badge')?.shadowRoot?.querySelector('button')?.textContent?.includes('Verifying'));
    expect(await button.getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('zkinfer-badge [role=status]').getAttribute('aria-busy')).toBe('true');
    release();
    await page.waitForFunction(() => (window as unknown as { __events: unknown[] }).__events.length > 0, undefined, { timeout: 60_000 });
    const [event] = await eventsOf(page);
    expect(event).toMatchObject({ type: 'zkinfer-verified', bubbles: true, composed: true, detail: { receipt: r.id, valid: true } });
    expect(event.detail.ms).toBeGreaterThanOrEqual(0);
    expect(await page.locator('zkinfer-badge').getAttribute('state')).toBe('verified');
    expect(await statusText(page)).toMatch(new RegExp(`Re-verified in this browser in ${event.detail.ms} ms`));
    expect(await button.innerText()).toBe('Verify in this browser');
    const paths = h.api.requests.map((q) => q.path);
    expect(paths).toContain(`/v1/receipts/${r.id}/bundle`);
    expect(paths).toContain(`/v1/models/${r.modelId}`);
    await screenshot(page, 'verified-in-browser');
  });

  it("shows the manifest's insecure setup after the in-browser check even when the API's receipt does not say so", async () => {
    const r = publishValidReceipt(h.api, undefined, true);
    h.api.receipts.get(r.id)!.receipt.insecureSetup = false; // an API that hides it
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    expect(await page.locator('zkinfer-badge [part=label]').innerText()).toBe('Verified');
    const event = await verifyHere(page);
    expect(event.detail.valid).toBe(true);
    expect(await page.locator('zkinfer-badge [part=label]').innerText()).toBe('Verified — insecure setup');
    expect(await statusText(page)).toMatch(/whoever made them can forge proofs/);
  });

  it('accepts a re-randomized proof (same statement, other proof bytes, same receipt)', async () => {
    const r = publishValidReceipt(h.api);
    r.bundle.chunks[0].proof = rerandomize(r.bundle.chunks[0].proof);
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    expect((await verifyHere(page)).detail.valid).toBe(true);
  });

  it('refuses a forged proof component: invalid, with the verifier’s reason', async () => {
    const r = publishValidReceipt(h.api);
    r.bundle.chunks[1].proof.pi_c = randomG1();
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    const event = await verifyHere(page);
    expect(event).toMatchObject({ type: 'zkinfer-verified', detail: { receipt: r.id, valid: false } });
    await waitForState(page, 'invalid');
    expect(await statusText(page)).toContain('Groth16 verification failed');
    expect(await statusText(page)).toContain('Refused in this browser');
    await screenshot(page, 'invalid-in-browser');
  });

  it('refuses a bundle whose statement was changed but whose signals were not', async () => {
    const r = publishValidReceipt(h.api);
    r.bundle.statement.generated[0] = (r.bundle.statement.generated[0] + 1) % 256;
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    expect((await verifyHere(page)).detail.valid).toBe(false);
    expect(await statusText(page)).toContain('posTokens');
  });

  it('refuses a consistently re-stated bundle: it is not this receipt’s statement', async () => {
    const r = publishValidReceipt(h.api);
    const token = (r.bundle.statement.generated[0] + 1) % 256;
    r.bundle.statement.generated[0] = token;
    const pos = 7 + r.bundle.statement.nPrompt;
    for (const c of r.bundle.chunks) c.publicSignals[pos] = String(token);
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    expect((await verifyHere(page)).detail.valid).toBe(false);
    expect(await statusText(page)).toContain('other than this receipt');
  });

  it('refuses a bundle the strict parser rejects (point off the curve)', async () => {
    const r = publishValidReceipt(h.api);
    r.bundle.chunks[0].proof.pi_a[1] = '5';
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    expect((await verifyHere(page)).detail.valid).toBe(false);
    expect(await statusText(page)).toMatch(/Proof bundle refused: chunks\[0\]\.proof\.pi_a/);
  });

  it('errors (not invalid) when the API serves another model’s manifest', async () => {
    const r = publishValidReceipt(h.api);
    const other = publishValidReceipt(h.api);
    h.api.models.set(r.modelId, other.manifest);
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    const event = await verifyHere(page);
    expect(event).toMatchObject({ type: 'zkinfer-error', detail: { receipt: r.id, code: 'mismatch' } });
    await waitForState(page, 'error');
  });

  it('is keyboard operable: Tab reaches the button, Enter verifies, the focus ring shows', async () => {
    const r = publishValidReceipt(h.api);
    const page = await h.open(`<a href="#top">before</a>${badge(r.id)}`);
    await waitForState(page, 'verified');
    const focusedPart = () => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('part') ?? null);
    const visited: (string | null)[] = [];
    for (let i = 0; i < 4 && visited.at(-1) !== 'button'; i++) {
      await page.keyboard.press('Tab');
      visited.push(await focusedPart());
    }
    // Reading order: the page's link, the receipt link, then the button.
    expect(visited).toEqual([null, 'link', 'button']);
    const ring = await page.locator('zkinfer-badge button').evaluate((el) => {
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: s.outlineWidth };
    });
    expect(ring).toEqual({ style: 'solid', width: '3px' });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (window as unknown as { __events: unknown[] }).__events.length > 0, undefined, { timeout: 60_000 });
    expect((await eventsOf(page))[0]).toMatchObject({ type: 'zkinfer-verified', detail: { valid: true } });
    // Focus stays on the button after the check (it is never disabled natively).
    expect(await focusedPart()).toBe('button');
  });
});
