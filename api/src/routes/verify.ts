import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { MAX_VERIFY_BODY_BYTES, expectObject, readJsonBody } from '../body.ts';
import { db } from '../db/client.ts';
import { receipts } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { expectHexId } from '../ids.ts';
import { loadModel } from '../model-cache.ts';
import { receiptJson } from '../receipt-view.ts';
import { decodeTokens, parseBundle, receiptId, verifyBundle } from '@zkinfer/verifier';

/**
 * POST /v1/verify `{ model, bundle }`. Malformed input is a 4xx; a well-formed bundle that
 * does not verify is a 200 with `valid: false`, `receipt: null` and is not stored; a valid one
 * is stored once under its statement-derived receipt id (idempotent, also under concurrent
 * duplicates).
 *
 * Order of checks, cheapest refusal first: the body's shape and model id, then the registry
 * (an unknown model is a 404 before any of the bundle is parsed: parsing checks every proof
 * point on the curve and in its subgroup, ~0.5 ms per chunk), then the bundle parsed against
 * the model's manifest (wrong model id, ctx or chunk count refused before the points), then
 * the Groth16 proofs.
 */
export const verifyRoutes = new Hono<AppEnv>();

verifyRoutes.post('/', async (c) => {
  const body = expectObject(await readJsonBody(c, MAX_VERIFY_BODY_BYTES), 'request body', ['model', 'bundle']);
  for (const key of ['model', 'bundle']) {
    if (!Object.hasOwn(body, key)) throw new ApiError(400, 'missing_field', `request body is missing ${JSON.stringify(key)}`);
  }
  if (typeof body.model !== 'string') throw new ApiError(400, 'invalid_id', 'model must be a model id string (64 lowercase hex)');
  const modelId = expectHexId(body.model, 'model id');
  const model = await loadModel(c.env.DB, modelId);
  if (!model) throw new ApiError(404, 'model_not_found', `model ${modelId} is not registered`);
  const bundle = parseBundle(body.bundle, model.manifest); // VerifyInputError → 400/422 in app.onError

  const verdict = verifyBundle(model.manifest, bundle, model.prepared);
  const id = receiptId(modelId, bundle);
  if (!verdict.valid) {
    // No receipt: nothing was verified, so no receipt id and no text decoded from the claimed
    // tokens. The id the claimed statement would have is named for what it is (a client that
    // looks for `receipt.id` without reading `valid` finds nothing).
    return c.json({ valid: false, reason: verdict.reason ?? 'invalid', receipt: null, claimedStatementId: id });
  }

  // The stored statement is the client's JSON (decimal strings), which passed strict parsing.
  const statement = (body.bundle as { statement: unknown }).statement;
  const detokenizer = model.manifest.detokenizer;
  const text = detokenizer ? decodeTokens(detokenizer, bundle.statement.generated) : null;
  const origin = new URL(c.req.url).origin;

  // INSERT … ON CONFLICT DO NOTHING, then read back: concurrent duplicates of one statement
  // leave exactly one row, and every caller gets that row (its first createdAt).
  const d = db(c.env.DB);
  await d
    .insert(receipts)
    .values({ id, modelId, statement, bundle: body.bundle, valid: true, text, createdAt: Date.now() })
    .onConflictDoNothing();
  const row = await d.query.receipts.findFirst({ where: eq(receipts.id, id) });
  if (!row) throw new Error(`receipt ${id} vanished after insert`);
  return c.json({ receipt: receiptJson(row, origin, model.manifest.ptau.insecure), valid: true });
});
