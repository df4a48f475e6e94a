import { Hono } from 'hono';
import { desc, eq } from 'drizzle-orm';
import { db } from '../db/client.ts';
import { models, receipts } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { expectHexId } from '../ids.ts';
import { renderDemoPage, type DemoModel, type DemoReceipt } from './demo-page.ts';
import { widgetUrl } from './widget.ts';

/**
 * GET /: the demo page. Explains the three parts, lists the registered models and the
 * latest verified receipts, and shows a live `<zkinfer-badge>` for `?receipt=ID` (or the
 * latest receipt) with the two lines of HTML that embed it. Mount with `app.route('/', demoRoutes)`.
 *
 * The page is generated per request from D1 (it changes with every receipt), so it is not
 * cached. CSP: scripts only from this origin (the badge bundle), no inline script; the
 * inline <style> and Lit's constructed style sheets need style-src 'unsafe-inline'.
 */
export const demoRoutes = new Hono<AppEnv>();

const MODELS_SHOWN = 20;
const RECEIPTS_SHOWN = 10;

const CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function manifestFacts(manifest: unknown): Pick<DemoModel, 'ctx' | 'chunks' | 'insecure'> {
  const m = manifest as { ctx?: unknown; chunks?: unknown; ptau?: { insecure?: unknown } } | null;
  return {
    ctx: typeof m?.ctx === 'number' ? m.ctx : null,
    chunks: Array.isArray(m?.chunks) ? m.chunks.length : null,
    insecure: typeof m?.ptau?.insecure === 'boolean' ? m.ptau.insecure : null,
  };
}

demoRoutes.get('/', async (c) => {
  const requested = c.req.query('receipt');
  // A malformed id is the caller's mistake (400, the one error shape); an unknown but
  // well-formed one is shown, and the badge itself says "not found".
  const asked = requested === undefined ? null : expectHexId(requested, 'receipt id');
  const d = db(c.env.DB);
  const [modelRows, receiptRows] = await Promise.all([
    d.select({ modelId: models.modelId, name: models.name, manifest: models.manifest, createdAt: models.createdAt }).from(models).orderBy(desc(models.createdAt)).limit(MODELS_SHOWN).all(),
    d
      .select({ id: receipts.id, modelName: models.name, text: receipts.text, statement: receipts.statement, createdAt: receipts.createdAt })
      .from(receipts)
      .innerJoin(models, eq(models.modelId, receipts.modelId))
      .where(eq(receipts.valid, true))
      .orderBy(desc(receipts.createdAt))
      .limit(RECEIPTS_SHOWN)
      .all(),
  ]);
  const origin = new URL(c.req.url).origin;
  const shownModels: DemoModel[] = modelRows.map((r) => ({ modelId: r.modelId, name: r.name, createdAt: r.createdAt, ...manifestFacts(r.manifest) }));
  const shownReceipts: DemoReceipt[] = receiptRows.map((r) => {
    const n = (r.statement as { nGenerated?: unknown } | null)?.nGenerated;
    return { id: r.id, modelName: r.modelName, text: r.text, nGenerated: typeof n === 'number' ? n : null, createdAt: r.createdAt };
  });
  const shown = asked ?? shownReceipts[0]?.id ?? null;
  const shownStored =
    shown !== null && (shownReceipts.some((r) => r.id === shown) || (await d.select({ id: receipts.id }).from(receipts).where(eq(receipts.id, shown)).get()) !== undefined);
  const page = renderDemoPage({
    origin,
    widgetSrc: widgetUrl(origin),
    models: shownModels,
    receipts: shownReceipts,
    shown,
    requested: asked !== null,
    shownStored,
  });
  return c.html(page, 200, { 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
});
