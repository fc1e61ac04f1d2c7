import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tags every server of the run and fails it if one outlives the tests.
    globalSetup: ['@coordis/testkit/global-setup'],
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
