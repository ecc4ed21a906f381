import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { sep } from 'node:path';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/support/longest-first.ts';

const TEST_FILES = ['test/**/*.test.ts', 'src/**/*.test.ts'];

/**
 * Test files that mock a module (vi.mock): they need a module registry of their own, which a
 * shared worker cannot give them (a module an earlier file loaded would keep its real import).
 * Found by reading the files, so a new one cannot be forgotten here.
 */
const OWN_PROCESS = ['test', 'src']
  .flatMap((dir) => readdirSync(new URL(dir, import.meta.url), { recursive: true, encoding: 'utf8' }).map((file) => `${dir}/${file.split(sep).join('/')}`))
  .filter((file) => file.endsWith('.test.ts') && /\bvi\.(do)?[mM]ock\(/.test(readFileSync(new URL(file, import.meta.url), 'utf8')));

export default defineConfig({
  test: {
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
    // Longest files first (from the last run's durations, committed for a fresh clone), so the run
    // does not end on one worker finishing a long file alone (test/support/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    // The JSON summary lets .ci/run print one plain closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/vitest-results.json' },
    // A fresh process per test file cost every file a Node start and the import of the whole
    // harness again (undici, hono, ajv, fast-check, the suites): about a tenth of the suite's CPU
    // time. The files share their worker's imports instead; each file still gets its own test
    // module, servers and temporary folders, and none leans on a fresh process (the CLI tests that
    // need one start a child process). Only the files that mock a module run alone.
    projects: [
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS } },
      { extends: true, test: { name: 'shared', include: TEST_FILES, exclude: OWN_PROCESS, isolate: false } },
    ],
  },
});
