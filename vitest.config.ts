import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Native kernels use their own thread pool; one test file at a time per worker keeps timing noise and
    // memory use predictable on small machines.
    pool: 'forks',
  },
});
