// `scimproof/vitest` where `scimproof run` would exit 3 or 2 without a failing check: a run cut
// short by its time budget, and a run that left what it created on the target. Each fails a test
// of its own with the reason; before, the first declared only skips (the file passed, 210 skipped,
// where the CLI said INCOMPLETE, exit 3) and the second said nothing. Real runs over HTTP; the
// tests they declare are collected with a stand-in for vitest's `test` and run here.
import { describe, expect, it } from 'vitest';
import { runConformance, type ConformanceOptions } from '../../src/index.ts';
import { declareTests } from '../../src/report/vitest-tests.ts';
import { startHostileTarget } from '../support/hostile.ts';

interface Outcome { title: string; status: 'passed' | 'failed' | 'skipped'; message?: string }

/** The tests describeScimConformance declares for this run, and how each ends. */
async function declared(options: ConformanceOptions): Promise<Outcome[]> {
  const record = await runConformance(options);
  const tests: { title: string; fn: Parameters<Parameters<typeof declareTests>[2]>[1] }[] = [];
  declareTests(record, options.noCleanup === true, (title, fn) => tests.push({ title, fn }));
  const outcomes: Outcome[] = [];
  for (const { title, fn } of tests) {
    let skipped = false;
    try {
      await fn({ skip: () => void (skipped = true), annotate: async () => undefined });
      outcomes.push({ title, status: skipped ? 'skipped' : 'passed' });
    } catch (error) {
      outcomes.push({ title, status: 'failed', message: `${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return outcomes;
}
const failed = (outcomes: Outcome[]): [string, string | undefined][] => outcomes.filter((o) => o.status === 'failed').map((o) => [o.title, o.message]);

describe('describeScimConformance, where the CLI exits 3 or 2 without a failing check', () => {
  it('a run whose time budget ran out fails "the run reached every check"; the checks it never reached are skipped', async () => {
    // Any real run takes longer than 1 ms: the budget runs out before the first check.
    const outcomes = await declared({ suites: ['core'], only: ['users.create.*'], maxTimeMs: 1, seed: 1 });
    expect(failed(outcomes)).toEqual([['the run reached every check', expect.stringMatching(/^ScimRunError: the time budget \(maxTimeMs: 1\) ran out: 8 check\(s\) not reached, skipped below with that reason; the run is INCOMPLETE, not a pass/)]]);
    expect(outcomes.filter((o) => o.status === 'skipped')).toHaveLength(8);
  });

  it('a run that could not delete what it created fails "everything the run created was deleted", naming the clean command; noCleanup keeps them on purpose', async () => {
    const target = await startHostileTarget('delete-ignored');
    try {
      const options = { url: target.url, token: target.token, suites: ['core'], only: ['users.create.status'], seed: 1 };
      const outcomes = await declared(options);
      expect(failed(outcomes)).toEqual([['everything the run created was deleted', expect.stringMatching(/^ScimRunError: \d+ resource\(s\) this run created may still be on the target; remove them with: npx scimproof clean /)]]);
      expect(outcomes.find((o) => o.title.startsWith('users.create.status'))?.status).toBe('passed');
      expect(failed(await declared({ ...options, seed: 2, noCleanup: true }))).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('a whole run declares neither test', async () => {
    const outcomes = await declared({ suites: ['core'], only: ['users.create.status'], seed: 1 });
    expect(outcomes.map((o) => [o.title.split(':')[0], o.status])).toEqual([['users.create.status', 'passed']]);
  });
});
