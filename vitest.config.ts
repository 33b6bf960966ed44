import { defineConfig } from 'vitest/config';

// Pure tests run once; everything that touches a database runs on both dialects.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        // *.postgres.test.ts: what only PostgreSQL has (a network connection that can break).
        test: { name: 'sqlite', include: ['test/integration/**/*.test.ts'], exclude: ['test/integration/**/*.postgres.test.ts'], env: { WAYBILL_TEST_DB: 'sqlite' } },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/integration/**/*.test.ts'],
          env: { WAYBILL_TEST_DB: 'postgres' },
          globalSetup: ['test/harness/postgres-global-setup.ts'],
        },
      },
    ],
  },
});
