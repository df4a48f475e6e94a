import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { decodeTokens, parseBundle, receiptId } from '@zkinfer/verifier';
import { trapdoorModel } from '../api/fixtures/trapdoor.ts';
import { buildWidget } from '../../widget/build.ts';
import { startFakeApi, startPageServer, type FakeApi, type PageServer } from './fake-api.ts';

/**
 * One real Chromium (Debian's, never a downloaded one) plus a fake API and a host-page
 * server on two loopback origins, with the widget freshly built from widget/src.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/widget/', import.meta.url));

export type State = 'loading' | 'verified' | 'invalid' | 'not-found' | 'error';

export interface Harness {
  api: FakeApi;
  pages: PageServer;
  browser: Browser;
  /** A fresh context and page showing `body` on the host origin, with the widget script loaded. */
  open(body: string, opts?: { scripts?: string[] }): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const { js } = await buildWidget();
  const api = await startFakeApi(() => js);
  const pages = await startPageServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const contexts: BrowserContext[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    api,
    pages,
    browser,
    async open(body, opts = {}) {
      const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
      contexts.push(context);
      const page = await context.newPage();
      // Record every badge event reaching the document, and every uncaught page error.
      await page.addInitScript(() => {
        const w = window as unknown as { __events: unknown[]; __errors: string[] };
        w.__events = [];
        w.__errors = [];
        for (const type of ['zkinfer-verified', 'zkinfer-error']) {
          document.addEventListener(type, (e) => {
            const ev = e as CustomEvent;
            w.__events.push({ type, detail: ev.detail, bubbles: ev.bubbles, composed: ev.composed });
          });
        }
        window.addEventListener('error', (e) => w.__errors.push(String(e.message)));
      });
      const scripts = (opts.scripts ?? ['/widget.js']).map((s) => `<script type="module" src="${api.origin}${s}"></script>`).join('\n');
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>badge test</title>${scripts}</head><body>${body}</body></html>`;
      await page.goto(pages.page(html));
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await api.close();
      await pages.close();
    },
  };
}

export interface PublishedReceipt {
  id: string;
  modelId: string;
  manifest: Record<string, any>;
  bundle: Record<string, any>;
  text: string;
}

/**
 * Registers a model and one receipt with a genuinely valid bundle in the fake API. The proofs
 * come from test/api/fixtures/trapdoor.ts: keys with known trapdoors, so the Groth16 equation
 * holds and every verifier accepts them (real pairings in the browser, no snarkjs).
 */
/** A valid receipt on the fake API; `insecure` is the manifest's ptau.insecure, echoed in the receipt as the API does. */
export function publishValidReceipt(api: FakeApi, generated = [...'Hi there'].map((c) => c.charCodeAt(0)), insecure = false): PublishedReceipt {
  const model = trapdoorModel({ ctx: 12, chunks: 2, insecure });
  const bundle = model.prove({ nPrompt: 3, generated });
  const modelId = model.manifest.modelId as string;
  const id = receiptId(modelId, parseBundle(bundle));
  const text = decodeTokens({ kind: 'bytes' }, generated);
  api.models.set(modelId, model.manifest);
  api.receipts.set(id, { receipt: { id, url: `${api.origin}/v1/receipts/${id}`, valid: true, modelId, statement: bundle.statement, text, insecureSetup: insecure }, bundle });
  return { id, modelId, manifest: model.manifest, bundle, text };
}

export function badge(id: string, extra = ''): string {
  return `<zkinfer-badge receipt="${id}"${extra ? ` ${extra}` : ''}></zkinfer-badge>`;
}

export async function waitForState(page: Page, state: State, selector = 'zkinfer-badge'): Promise<void> {
  await page.waitForFunction(
    ([sel, s]) => document.querySelector(sel)?.getAttribute('state') === s,
    [selector, state] as const,
    { timeout: 30_000 },
  );
}

export interface RecordedEvent {
  type: string;
  detail: Record<string, any>;
  bubbles: boolean;
  composed: boolean;
}

export async function eventsOf(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as unknown as { __events: RecordedEvent[] }).__events);
}

export async function pageErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __errors: string[] }).__errors);
}

/** The text of the badge's live region (Playwright's CSS engine pierces open shadow roots). */
export async function statusText(page: Page, selector = 'zkinfer-badge'): Promise<string> {
  return (await page.locator(`${selector} [role=status]`).innerText()).replace(/\s+/g, ' ').trim();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.locator('zkinfer-badge').first().screenshot({ path: `${SCREENSHOTS}${name}.png`, animations: 'disabled' });
}
