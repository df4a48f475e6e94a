/**
 * Debian's Chromium driven by playwright-core for the end-to-end test: open a page of the
 * local API, wait for the badge's final state, take a screenshot to test-output/e2e/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/e2e/', import.meta.url));

export type BadgeState = 'loading' | 'verified' | 'invalid' | 'not-found' | 'error';

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface OpenedPage {
  page: Page;
  /** Uncaught page errors and console errors (a CSP violation shows up here). */
  errors: string[];
}

export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  return { page, errors };
}

/** Waits until the badge leaves `loading` and returns the state it settled in. */
export async function settledState(page: Page, selector = 'zkinfer-badge'): Promise<BadgeState> {
  await page.waitForFunction((sel) => {
    const s = document.querySelector(sel)?.getAttribute('state');
    return s !== null && s !== undefined && s !== 'loading';
  }, selector, { timeout: 30_000 });
  return (await page.locator(selector).getAttribute('state')) as BadgeState;
}

/** The badge's live region text (Playwright's CSS engine pierces the open shadow root). */
export async function badgeText(page: Page, selector = 'zkinfer-badge'): Promise<string> {
  return (await page.locator(`${selector} [role=status]`).innerText()).replace(/\s+/g, ' ').trim();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true, animations: 'disabled' });
}
