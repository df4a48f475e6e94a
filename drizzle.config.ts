import { defineConfig } from 'drizzle-kit';

// Regenerate migrations after editing api/src/db/schema.ts:
//   npx drizzle-kit generate --name <what_changed>
// drizzle-kit 0.31 writes flat migrations/NNNN_name.sql (+ migrations/meta/ snapshots),
// which is exactly what `wrangler d1 migrations apply` and readD1Migrations() read.
export default defineConfig({
  dialect: 'sqlite',
  schema: './api/src/db/schema.ts',
  out: './migrations',
  // Keep the default "index" prefix (0000_, 0001_, …): wrangler orders by that number.
  migrations: { prefix: 'index' },
});
