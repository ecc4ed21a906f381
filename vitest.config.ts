import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The JSON summary lets .ci/run print one plain closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/vitest-results.json' },
  },
});
