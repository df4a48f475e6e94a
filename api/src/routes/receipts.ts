import { Hono } from 'hono';
import { eq, sql } from 'drizzle-orm';
import { db } from '../db/client.ts';
import { models, receipts } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { expectHexId } from '../ids.ts';
import { receiptJson } from '../receipt-view.ts';
import { renderBadge } from '../badge.ts';

/** GET /v1/receipts/:id, …/bundle, …/badge.svg. Receipts are immutable once stored. */
export const receiptRoutes = new Hono<AppEnv>();

// A stored receipt never changes, so clients and CDNs may keep it; an unknown id may
// become a receipt later, so its badge is cached only briefly.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'public, max-age=60';

// The model's `ptau.insecure` flag, read in SQL from the stored manifest (which passed
// parseManifest at registration, so the flag is a JSON boolean: json_extract gives 1 or 0).
// Only an explicit false (0) counts as a trusted setup; anything else is shown as insecure.
const insecureSetup = sql<number | null>`json_extract(${models.manifest}, '$.ptau.insecure')`;

receiptRoutes.get('/:id', async (c) => {
  const id = expectHexId(c.req.param('id'), 'receipt id');
  const found = await db(c.env.DB)
    .select({ row: receipts, insecure: insecureSetup })
    .from(receipts)
    .innerJoin(models, eq(models.modelId, receipts.modelId))
    .where(eq(receipts.id, id))
    .get();
  if (!found) throw new ApiError(404, 'receipt_not_found', `no receipt ${id}`);
  c.header('Cache-Control', IMMUTABLE);
  return c.json({ receipt: receiptJson(found.row, new URL(c.req.url).origin, found.insecure !== 0) });
});

receiptRoutes.get('/:id/bundle', async (c) => {
  const id = expectHexId(c.req.param('id'), 'receipt id');
  const row = await db(c.env.DB).query.receipts.findFirst({ where: eq(receipts.id, id), columns: { bundle: true } });
  if (!row) throw new ApiError(404, 'receipt_not_found', `no receipt ${id}`);
  c.header('Cache-Control', IMMUTABLE);
  return c.json(row.bundle as object);
});

receiptRoutes.get('/:id/badge.svg', async (c) => {
  const raw = c.req.param('id');
  let svg: string;
  let cache = SHORT;
  const id = /^[0-9a-f]{64}$/.test(raw) ? raw : null;
  const found = id
    ? await db(c.env.DB)
        .select({ valid: receipts.valid, name: models.name, insecure: insecureSetup })
        .from(receipts)
        .innerJoin(models, eq(models.modelId, receipts.modelId))
        .where(eq(receipts.id, id))
        .get()
    : undefined;
  if (found?.valid && found.insecure !== 0) {
    // In words, first (the model name may be cut off): the colour alone is not the warning.
    svg = renderBadge('insecure', 'zkinfer', `verified, INSECURE SETUP · ${found.name}`);
    cache = IMMUTABLE;
  } else if (found?.valid) {
    svg = renderBadge('verified', 'zkinfer', `verified · ${found.name}`);
    cache = IMMUTABLE;
  } else {
    // A malformed or unknown id still gets an image (an <img> cannot show a JSON error).
    svg = renderBadge('unknown', 'zkinfer', 'unknown receipt');
  }
  return c.body(svg, 200, {
    'Content-Type': 'image/svg+xml; charset=utf-8',
    'Cache-Control': cache,
    // Opened directly, the SVG is a document: forbid scripts and external loads.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'X-Content-Type-Options': 'nosniff',
  });
});
