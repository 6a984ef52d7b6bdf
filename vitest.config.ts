import { defineConfig } from 'vitest/config';

// Unit tests: pure modules (next to their *.test.ts) and engine integration tests under test/unit.
// The Chromium suite is not here: it runs through `npm run test:e2e` (test/e2e/run.ts).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
