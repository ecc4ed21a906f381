import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One temporary folder per run, removed at its end (test/support/temp-root.ts).
    globalSetup: ['test/support/temp-root.ts'],
    // Tests reach their servers directly: a proxy set on the CI machine must not route them
    // (test/http/proxy.test.ts sets its own).
    env: { HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '', NO_PROXY: '', no_proxy: '' },
    // Vitest's default is one fewer worker than cores: one on a 2-core CI machine, where the files
    // then ran one after another (400 s). Most of a test file's time is spent waiting on servers
    // and child processes over real HTTP, so two share two cores well (250–300 s, same results).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The JSON summary lets .ci/run print one plain closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/vitest-results.json' },
  },
});
