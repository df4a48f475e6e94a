import { Hono } from 'hono';
import { asc, eq, gt } from 'drizzle-orm';
import { requireAdmin } from '../auth.ts';
import { MAX_MODEL_BODY_BYTES, readJsonBody } from '../body.ts';
import { db } from '../db/client.ts';
import { models, type ModelRow } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { sha256Hex } from '../hash.ts';
import { expectHexId } from '../ids.ts';
import { cacheModel } from '../model-cache.ts';
import { manifestToJson, parseManifest } from '@zkinfer/verifier';

/** POST /v1/models (admin), GET /v1/models, GET /v1/models/:id. The registry is append-only. */
export const modelRoutes = new Hono<AppEnv>();

function summary(row: Pick<ModelRow, 'modelId' | 'name' | 'manifestHash' | 'createdAt'>) {
  return { modelId: row.modelId, name: row.name, manifestHash: row.manifestHash, createdAt: new Date(row.createdAt).toISOString() };
}

modelRoutes.post('/', async (c) => {
  await requireAdmin(c);
  // parseManifest checks every field and every key (docs/proof-format.md: registration
  // refuses unsafe keys); its VerifyInputError becomes 400/422 in app.onError.
  const manifest = parseManifest(await readJsonBody(c, MAX_MODEL_BODY_BYTES));
  const stored = manifestToJson(manifest);
  // manifestToJson fixes key order and drops derived fields, so equal manifests hash equal.
  const manifestHash = sha256Hex(JSON.stringify(stored));
  const d = db(c.env.DB);
  const inserted = await d
    .insert(models)
    .values({ modelId: manifest.modelId, name: manifest.name, manifest: stored, manifestHash, createdAt: Date.now() })
    .onConflictDoNothing()
    .returning({ modelId: models.modelId });
  const row = await d.query.models.findFirst({ where: eq(models.modelId, manifest.modelId) });
  if (!row) throw new Error(`model ${manifest.modelId} vanished after insert`);
  if (row.manifestHash !== manifestHash) {
    throw new ApiError(409, 'model_conflict', `model ${manifest.modelId} is already registered with a different manifest (hash ${row.manifestHash}); registry rows are immutable, publish a new model id`);
  }
  if (inserted.length === 1) cacheModel(manifest.modelId, manifest);
  return c.json({ model: { ...summary(row), manifest: row.manifest } }, inserted.length === 1 ? 201 : 200);
});

modelRoutes.get('/', async (c) => {
  const limitText = c.req.query('limit') ?? '50';
  if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100) {
    throw new ApiError(400, 'invalid_query', `limit ${JSON.stringify(limitText.slice(0, 20))} is not an integer in 1..100`);
  }
  const limit = Number(limitText);
  const after = c.req.query('after');
  const rows = await db(c.env.DB)
    .select({ modelId: models.modelId, name: models.name, manifestHash: models.manifestHash, createdAt: models.createdAt })
    .from(models)
    .where(after === undefined ? undefined : gt(models.modelId, expectHexId(after, 'model id')))
    .orderBy(asc(models.modelId))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  return c.json({ models: page.map(summary), next: rows.length > limit ? page[page.length - 1].modelId : null });
});

modelRoutes.get('/:id', async (c) => {
  const id = expectHexId(c.req.param('id'), 'model id');
  const row = await db(c.env.DB).query.models.findFirst({ where: eq(models.modelId, id) });
  if (!row) throw new ApiError(404, 'model_not_found', `no model ${id}`);
  // Rows never change, so the manifest (with its verification keys) can be cached anywhere.
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  return c.json({ model: { ...summary(row), manifest: row.manifest } });
});
