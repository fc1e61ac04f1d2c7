import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tags every server of the run and fails it if one outlives the tests.
    globalSetup: ['@coordis/testkit/global-setup'],
    include: ['test/**/*.test.ts'],
    // No fault is injected here: two files at a time (vitest's default is one on two cores).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
