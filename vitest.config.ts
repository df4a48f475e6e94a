import { defineConfig } from 'vitest/config';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';

// Two projects: `node` runs prover, verifier, widget and end-to-end tests in Node 22;
// `workers` runs the API inside workerd against D1 with the real migrations.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/repo/**/*.test.ts', 'test/prover/**/*.test.ts', 'test/verify/**/*.test.ts', 'test/widget/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('migrations'),
                ADMIN_TOKEN: 'test-admin-token',
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/api/**/*.test.ts'],
          setupFiles: ['test/api/apply-migrations.ts'],
          // Node-side: builds real snarkjs fixtures (toy model) and provides them to the tests.
          globalSetup: ['test/api/global-setup.ts'],
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
