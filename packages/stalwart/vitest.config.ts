import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tags every server of the run and fails it if one outlives the tests.
    globalSetup: ['@coordis/testkit/global-setup'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
