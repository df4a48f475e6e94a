import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAVE_CHROMIUM,
  badge,
  eventsOf,
  pageErrors,
  publishValidReceipt,
  screenshot,
  startHarness,
  statusText,
  waitForState,
  type Harness,
} from './harness.ts';

// Every state of <zkinfer-badge> in a real Chromium, against a fake API on another origin.
describe.skipIf(!HAVE_CHROMIUM)('<zkinfer-badge> states (needs /usr/bin/chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows loading (busy, spinner, text) until the receipt arrives, then verified', async () => {
    const r = publishValidReceipt(h.api);
    const release = h.api.hold(`/v1/receipts/${r.id}`);
    const page = await h.open(badge(r.id));
    try {
      await waitForState(page, 'loading');
      await page.locator('zkinfer-badge [role=status]').waitFor();
      expect(await statusText(page)).toContain('Checking receipt');
      expect(await page.locator('zkinfer-badge [role=status]').getAttribute('aria-busy')).toBe('true');
      expect(await page.locator('zkinfer-badge svg.icon-loading').count()).toBe(1);
      // Nothing to verify yet: no button.
      expect(await page.locator('zkinfer-badge button').count()).toBe(0);
      await screenshot(page, 'loading');
    } finally {
      release();
    }
    await waitForState(page, 'verified');
    expect(await page.locator('zkinfer-badge [role=status]').getAttribute('aria-busy')).toBe('false');
  });

  it('shows verified with the receipt link on the API origin (the default api is the script origin)', async () => {
    const r = publishValidReceipt(h.api);
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    expect(await statusText(page)).toMatch(/zkinfer\s*Verified/);
    expect(await page.locator('zkinfer-badge svg.icon-verified').count()).toBe(1);
    const link = page.locator('zkinfer-badge a[part=link]');
    expect(await link.getAttribute('href')).toBe(`${h.api.origin}/v1/receipts/${r.id}`);
    expect(await link.innerText()).toContain(new URL(h.api.origin).host);
    expect(await page.locator('zkinfer-badge [part=text]').innerText()).toBe(r.text);
    // The page is on another origin than the API, and no cookie was sent.
    expect(new URL(page.url()).origin).not.toBe(h.api.origin);
    expect(h.api.requests.filter((q) => q.path === `/v1/receipts/${r.id}`)).toEqual([{ path: `/v1/receipts/${r.id}`, cookie: false }]);
    expect(await eventsOf(page)).toEqual([]);
    await screenshot(page, 'verified');
  });

  it('says "insecure setup" in words (label, detail, accessible text) for a model whose keys come from a one-party setup', async () => {
    const r = publishValidReceipt(h.api, undefined, true);
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    expect(await page.locator('zkinfer-badge [part=label]').innerText()).toBe('Verified — insecure setup');
    expect(await statusText(page)).toMatch(/one-party test setup: whoever made them can forge proofs/);
    expect(await page.locator('zkinfer-badge').getAttribute('insecure')).toBe('');
    const tree = await page.locator('zkinfer-badge').ariaSnapshot();
    expect(tree).toMatch(/status[^\n]*\n?[\s\S]*Verified — insecure setup/);
    expect(tree).toContain('can forge proofs');
    await screenshot(page, 'verified-insecure');
    // A receipt of a trusted setup carries none of it.
    const safe = publishValidReceipt(h.api);
    const page2 = await h.open(badge(safe.id));
    await waitForState(page2, 'verified');
    expect(await page2.locator('zkinfer-badge [part=label]').innerText()).toBe('Verified');
    expect(await statusText(page2)).not.toMatch(/insecure|forge/);
    expect(await page2.locator('zkinfer-badge').getAttribute('insecure')).toBeNull();
  });

  it('shows invalid when the API recorded the proof invalid', async () => {
    const r = publishValidReceipt(h.api);
    h.api.receipts.get(r.id)!.receipt.valid = false;
    const page = await h.open(badge(r.id));
    await waitForState(page, 'invalid');
    expect(await statusText(page)).toContain('Invalid proof');
    expect(await statusText(page)).toContain('recorded this proof as invalid');
    expect(await page.locator('zkinfer-badge svg.icon-invalid').count()).toBe(1);
    // The generated text of an invalid receipt is not shown as if it were proven.
    expect(await page.locator('zkinfer-badge [part=text]').count()).toBe(0);
    await screenshot(page, 'invalid');
  });

  it('shows not found on 404 and reports it as a zkinfer-error event', async () => {
    const id = 'ab'.repeat(32);
    const page = await h.open(badge(id));
    await waitForState(page, 'not-found');
    expect(await statusText(page)).toContain('Receipt not found');
    expect(await page.locator('zkinfer-badge svg.icon-not-found').count()).toBe(1);
    expect(await page.locator('zkinfer-badge button').count()).toBe(0);
    const events = await eventsOf(page);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'zkinfer-error', bubbles: true, composed: true, detail: { receipt: id, code: 'receipt_not_found' } });
    await screenshot(page, 'not-found');
  });

  it('shows error on a 5xx, on an unreachable API and on a malformed receipt id', async () => {
    const r = publishValidReceipt(h.api);
    h.api.failures.set(`/v1/receipts/${r.id}`, 503);
    const page = await h.open(
      `${badge(r.id, 'id="first"')}
       <zkinfer-badge id="down" receipt="${r.id}" api="http://127.0.0.1:9"></zkinfer-badge>
       <zkinfer-badge id="bad" receipt="../../v1/models?x"></zkinfer-badge>
       <zkinfer-badge id="ftp" receipt="${r.id}" api="javascript:alert(1)"></zkinfer-badge>`,
    );
    await waitForState(page, 'error', '#first');
    await waitForState(page, 'error', '#down');
    await waitForState(page, 'error', '#bad');
    await waitForState(page, 'error', '#ftp');
    expect(await statusText(page, '#first')).toContain('Could not check');
    expect(await statusText(page, '#first')).toContain('503');
    expect(await statusText(page, '#down')).toContain('Could not reach the API');
    expect(await page.locator('#first svg.icon-error').count()).toBe(1);
    const codes = (await eventsOf(page)).map((e) => e.detail.code).sort();
    expect(codes).toEqual(['http_error', 'invalid_api', 'invalid_receipt_id', 'network_error']);
    // A malformed id is never put into a URL, and gives no link.
    expect(h.api.requests.some((q) => q.path.includes('models?x'))).toBe(false);
    expect(await page.locator('#bad a').count()).toBe(0);
    expect(await page.locator('#ftp a').count()).toBe(0);
    await screenshot(page, 'error');
    h.api.failures.delete(`/v1/receipts/${r.id}`);
  });

  it('states every state in text and with a distinct icon, never by colour alone', async () => {
    const ok = publishValidReceipt(h.api);
    const bad = publishValidReceipt(h.api);
    h.api.receipts.get(bad.id)!.receipt.valid = false;
    const slow = publishValidReceipt(h.api);
    const release = h.api.hold(`/v1/receipts/${slow.id}`);
    const page = await h.open(
      `<zkinfer-badge id="loading" receipt="${slow.id}"></zkinfer-badge>
       <zkinfer-badge id="verified" receipt="${ok.id}"></zkinfer-badge>
       <zkinfer-badge id="invalid" receipt="${bad.id}"></zkinfer-badge>
       <zkinfer-badge id="not-found" receipt="${'cd'.repeat(32)}"></zkinfer-badge>
       <zkinfer-badge id="error" receipt="nope"></zkinfer-badge>`,
    );
    try {
      const states = ['loading', 'verified', 'invalid', 'not-found', 'error'] as const;
      for (const s of states) await waitForState(page, s, `#${s}`);
      const seen = new Map<string, { label: string; icon: string }>();
      for (const s of states) {
        const label = await page.locator(`#${s} [part=label]`).innerText();
        const icon = await page.locator(`#${s} svg[part=icon]`).evaluate((el) => el.innerHTML);
        expect(await page.locator(`#${s} svg[part=icon]`).getAttribute('aria-hidden')).toBe('true');
        seen.set(s, { label, icon });
      }
      expect(new Set([...seen.values()].map((v) => v.label)).size).toBe(states.length);
      expect(new Set([...seen.values()].map((v) => v.icon)).size).toBe(states.length);
      // The live region is polite and atomic, so a change is announced once, in full.
      for (const s of states) {
        const region = page.locator(`#${s} [role=status]`);
        expect(await region.getAttribute('aria-live')).toBe('polite');
        expect(await region.getAttribute('aria-atomic')).toBe('true');
      }
      // What assistive technology gets: the state in words, an accessibly named button and link.
      const tree = await page.locator('#verified').ariaSnapshot();
      expect(tree).toContain('status');
      expect(tree).toContain('Verified');
      expect(tree).toMatch(/button "Verify in this browser"/);
      expect(tree).toMatch(/link "Receipt [0-9a-f]{8}… on 127\.0\.0\.1:\d+"/);
    } finally {
      release();
    }
  });

  it('renders API text as text, never as HTML', async () => {
    const r = publishValidReceipt(h.api);
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    h.api.receipts.get(r.id)!.receipt.text = evil;
    const page = await h.open(badge(r.id));
    await waitForState(page, 'verified');
    expect(await page.locator('zkinfer-badge [part=text]').innerText()).toBe(evil);
    expect(await page.locator('zkinfer-badge img, zkinfer-badge b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('refuses a receipt response for another id (mismatch) instead of showing it', async () => {
    const r = publishValidReceipt(h.api);
    const other = 'ef'.repeat(32);
    h.api.receipts.set(other, { receipt: { ...h.api.receipts.get(r.id)!.receipt } });
    const page = await h.open(badge(other));
    await waitForState(page, 'error');
    expect((await eventsOf(page))[0].detail.code).toBe('mismatch');
  });

  it('reloads when the receipt attribute changes and ignores the stale answer', async () => {
    const first = publishValidReceipt(h.api);
    const second = publishValidReceipt(h.api);
    h.api.receipts.get(second.id)!.receipt.valid = false;
    const release = h.api.hold(`/v1/receipts/${first.id}`);
    const page = await h.open(badge(first.id));
    await waitForState(page, 'loading');
    await page.locator('zkinfer-badge').evaluate((el, id) => el.setAttribute('receipt', id), second.id);
    await waitForState(page, 'invalid');
    release();
    // Give the stale response time to arrive; it must not flip the badge back.
    await page.waitForFunction((id) => performance.getEntriesByType('resource').some((e) => e.name.endsWith(id)), first.id);
    await page.waitForTimeout(100);
    expect(await page.locator('zkinfer-badge').getAttribute('state')).toBe('invalid');
    expect(await page.locator('zkinfer-badge a[part=link]').getAttribute('href')).toContain(second.id);
  });

  it('can be loaded twice on one page (two script URLs) without errors', async () => {
    const r = publishValidReceipt(h.api);
    const page = await h.open(badge(r.id), { scripts: ['/widget.js', '/widget.js?copy=2'] });
    await waitForState(page, 'verified');
    await page.waitForFunction(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/widget.js')).length === 2);
    expect(await pageErrors(page)).toEqual([]);
    expect(h.api.requests.filter((q) => q.path === '/widget.js?copy=2').length).toBeGreaterThanOrEqual(1);
  });

  it('is themeable through custom properties and ::part()', async () => {
    const r = publishValidReceipt(h.api);
    const page = await h.open(
      `<style>
         zkinfer-badge { --zkinfer-badge-verified-color: rgb(1, 2, 3); --zkinfer-badge-background: rgb(250, 240, 230); }
         zkinfer-badge::part(button) { text-transform: uppercase; }
       </style>${badge(r.id)}`,
    );
    await waitForState(page, 'verified');
    expect(await page.locator('zkinfer-badge [part=label]').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(1, 2, 3)');
    expect(await page.locator('zkinfer-badge [part=base]').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(250, 240, 230)');
    expect(await page.locator('zkinfer-badge button').evaluate((el) => getComputedStyle(el).textTransform)).toBe('uppercase');
  });
});
