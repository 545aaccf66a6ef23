import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One PostgreSQL server for the run (embedded, or TROVE_TEST_DATABASE_URL); see test/harness/backends.ts.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers; two workers match the CI machine's two cores.
    maxWorkers: 2,
  },
});
