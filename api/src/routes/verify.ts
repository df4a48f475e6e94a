import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { MAX_VERIFY_BODY_BYTES, expectObject, readJsonBody } from '../body.ts';
import { db } from '../db/client.ts';
import { receipts } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { expectHexId } from '../ids.ts';
import { loadModel } from '../model-cache.ts';
import { receiptJson, type ReceiptJson } from '../receipt-view.ts';
import { decodeTokens, parseBundle, receiptId, verifyBundle } from '@zkinfer/verifier';

/**
 * POST /v1/verify `{ model, bundle }`. Malformed input is a 4xx; a well-formed bundle that
 * does not verify is a 200 with `valid: false` and is not stored; a valid one is stored once
 * under its statement-derived receipt id (idempotent, also under concurrent duplicates).
 */
export const verifyRoutes = new Hono<AppEnv>();

verifyRoutes.post('/', async (c) => {
  const body = expectObject(await readJsonBody(c, MAX_VERIFY_BODY_BYTES), 'request body', ['model', 'bundle']);
  for (const key of ['model', 'bundle']) {
    if (!Object.hasOwn(body, key)) throw new ApiError(400, 'missing_field', `request body is missing ${JSON.stringify(key)}`);
  }
  if (typeof body.model !== 'string') throw new ApiError(400, 'invalid_id', 'model must be a model id string (64 lowercase hex)');
  const modelId = expectHexId(body.model, 'model id');
  const bundle = parseBundle(body.bundle); // VerifyInputError → 400/422 in app.onError
  const model = await loadModel(c.env.DB, modelId);
  if (!model) throw new ApiError(404, 'model_not_found', `model ${modelId} is not registered`);

  const verdict = verifyBundle(model.manifest, bundle, model.prepared);
  const id = receiptId(modelId, bundle);
  // The stored statement is the client's JSON (decimal strings), which passed strict parsing.
  const statement = (body.bundle as { statement: unknown }).statement;
  const detokenizer = model.manifest.detokenizer;
  const text = detokenizer ? decodeTokens(detokenizer, bundle.statement.generated) : null;
  const origin = new URL(c.req.url).origin;

  if (!verdict.valid) {
    const receipt: ReceiptJson = { id, url: null, valid: false, modelId, statement, createdAt: new Date().toISOString() };
    if (text !== null) receipt.text = text;
    return c.json({ receipt, valid: false, reason: verdict.reason ?? 'invalid' });
  }

  // INSERT … ON CONFLICT DO NOTHING, then read back: concurrent duplicates of one statement
  // leave exactly one row, and every caller gets that row (its first createdAt).
  const d = db(c.env.DB);
  await d
    .insert(receipts)
    .values({ id, modelId, statement, bundle: body.bundle, valid: true, text, createdAt: Date.now() })
    .onConflictDoNothing();
  const row = await d.query.receipts.findFirst({ where: eq(receipts.id, id) });
  if (!row) throw new Error(`receipt ${id} vanished after insert`);
  return c.json({ receipt: receiptJson(row, origin), valid: true });
});
