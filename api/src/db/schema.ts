import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// D1 schema (SQLite). Migrations in migrations/ are generated from this file:
//   npx drizzle-kit generate --name <what_changed>
// (drizzle.config.ts writes flat migrations/NNNN_name.sql, the layout both
// `wrangler d1 migrations apply` and the test pool's readD1Migrations read;
// migrations/meta/ is drizzle-kit's own snapshot and is ignored by both.)

/**
 * The model registry. Rows are immutable (docs/architecture.md "Model commitment"): a new model
 * version is a new modelId, so nothing ever UPDATEs this table and a verification key
 * prepared from a row may be cached for the lifetime of an isolate.
 */
export const models = sqliteTable('models', {
  /** 64 lowercase hex: SHA-256 of the canonical quantized model. */
  modelId: text('model_id').primaryKey(),
  name: text('name').notNull(),
  /** The manifest as parsed and re-serialized by the verifier (docs/proof-format.md). */
  manifest: text('manifest', { mode: 'json' }).notNull(),
  /** SHA-256 (hex) of the canonical manifest JSON: equal manifests, equal hashes. */
  manifestHash: text('manifest_hash').notNull(),
  /** Unix time in milliseconds. */
  createdAt: integer('created_at').notNull(),
});

/**
 * Verified receipts. The id is receiptId(modelId, bundle): a hash of the statement's
 * public signals, never of proof bytes, so re-proving or re-randomizing the same
 * statement lands on the same row (INSERT ... ON CONFLICT DO NOTHING).
 */
export const receipts = sqliteTable(
  'receipts',
  {
    id: text('id').primaryKey(),
    modelId: text('model_id')
      .notNull()
      .references(() => models.modelId),
    /** The bundle's statement: promptCommitment, nPrompt, nGenerated, generated. */
    statement: text('statement', { mode: 'json' }).notNull(),
    /** The full proof bundle, served back so a browser can re-verify it. */
    bundle: text('bundle', { mode: 'json' }).notNull(),
    /** Only bundles that verified are stored; the column keeps that explicit in the data. */
    valid: integer('valid', { mode: 'boolean' }).notNull(),
    /** Detokenized generated text when the model has a detokenizer. */
    text: text('text'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('receipts_model_id_idx').on(t.modelId), check('receipts_valid_bool', sql`${t.valid} IN (0, 1)`)],
);

export type ModelRow = typeof models.$inferSelect;
export type ReceiptRow = typeof receipts.$inferSelect;
