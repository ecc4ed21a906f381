// The whole-run time budget (--max-time): against a server that hangs on one kind of request the
// run stops sending when the budget runs out (the request in flight is aborted), still audits what
// it recorded, cleans up everything it created, reports every check it did not reach as skipped
// with that reason, and exits 3. The assertions are about the outcome, never about how long it
// took: if a slow machine spends the budget before the hanging request, the outcome is the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/cli/execute.ts';
import { parseMaxTime } from '../../src/cli/options.ts';
import { runConformance } from '../../src/runner/run.ts';
import { markUnreached, TimeBudget } from '../../src/runner/budget.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { verdictOf } from '../../src/report/summarize.ts';
import { startProxy } from '../support/proxy.ts';

let server: RunningServer;
let proxy: { url: string; close(): Promise<void> };
let record: RunRecord;
const BUDGET_MS = 2_500;
const REASON = "not reached: the run's time budget (--max-time 2500 ms) ran out";

beforeAll(async () => {
  server = await startServer({ port: 0 });
  // Every PUT hangs: the per-request timeout (the default 15 s) is far beyond the budget, so
  // only the budget can end the wait. Everything else (cleanup's DELETEs too) is answered.
  proxy = await startProxy(server.url, server.token, {
    onRequest: (ctx) => (ctx.req.method === 'PUT' ? new Promise<never>(() => undefined) : undefined),
  });
  record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'fuzz'], seed: 5, maxTimeMs: BUDGET_MS });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe('a run that runs out of its time budget', () => {
  it('says so in the record, and is not a run error', () => {
    expect(record.meta.budget).toMatchObject({ maxTimeMs: BUDGET_MS, ranOut: true });
    expect(record.meta.runError).toBeUndefined();
    expect(record.meta.budget!.notReached).toBe(record.results.filter((r) => r.status === 'skip' && r.reason?.startsWith(REASON)).length);
  });

  it('skips every check it did not reach with that reason, the fuzz properties included', () => {
    const notReached = record.results.filter((r) => r.reason?.startsWith(REASON));
    expect(notReached.length).toBeGreaterThan(10);
    expect(notReached.every((r) => r.status === 'skip')).toBe(true);
    expect(notReached.some((r) => r.suite === 'fuzz')).toBe(true);
    // The last core scenarios were never started; their checks are listed all the same.
    expect(notReached.some((r) => r.checkId.startsWith('robustness.'))).toBe(true);
  });

  it('aborts the request in flight instead of waiting for its timeout', () => {
    const put = record.exchanges.find((x) => x.request.method === 'PUT');
    if (put) {
      // Reached before the budget ran out: it hung, and the budget ended the wait.
      expect(put.transportError).toEqual({ code: 'aborted', message: `aborted: ${REASON}` });
      expect(record.exchanges.filter((x) => x.request.method === 'PUT')).toHaveLength(1);
    }
    expect(record.exchanges.some((x) => x.transportError?.code === 'timeout')).toBe(false);
  });

  it('still audits what it recorded and cleans up everything it created', () => {
    // On a slow, busy machine the budget may run out before a scenario's answer arrived: nothing to audit then.
    const answered = record.exchanges.some((x) => x.response && x.origin && !['cleanup', 'fuzz', 'oauth'].includes(x.origin.suite));
    expect(record.results.find((r) => r.checkId === 'responses.schema')).toMatchObject(answered ? { status: 'pass' } : { status: 'skip', reason: 'no responses to audit' });
    const created = record.exchanges.filter((x) => x.request.method === 'POST' && x.response?.status === 201).length;
    expect(record.cleanup).toHaveLength(created);
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
    expect(record.exchanges.filter((x) => x.origin?.suite === 'cleanup').every((x) => x.transportError === undefined)).toBe(true);
  });

  it('reads INCOMPLETE, and exits 3', () => {
    expect(verdictOf(record)).toMatchObject({ kind: 'incomplete', headline: 'INCOMPLETE' });
    expect(verdictOf(record).detail).toMatch(/^The time budget \(--max-time 2\.5 s\) ran out: \d+ checks not reached/);
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      expect(exitCodeOf({ record, paths: { files: [] }, outDir: 'reports/x', replayFiles: [], kept: false })).toBe(3);
    } finally {
      process.stderr.write = stderr;
    }
  });
});

describe('IdP verdicts after the budget ran out', () => {
  it('read "not judged" (never "would work", nor "would fail" without a failure) while checks of that IdP were not reached', () => {
    const budget = new TimeBudget(1000);
    budget.stop();
    const skipped = { checkId: 'entra.disable.applied[entra]', title: 't', area: 'entra', suite: 'entra', level: 'MUST' as const, refs: [], status: 'skip' as const, reason: `${budget.reason} (while waiting for the answer to PATCH /Users/1, x0042)`, exchangeIds: [] };
    const failing = { checkId: 'entra.disable.applied[entra-compliant]', title: 't', area: 'entra', suite: 'entra', level: 'MUST' as const, refs: [], status: 'skip' as const, reason: skipped.reason, exchangeIds: [] };
    const verdicts = markUnreached(
      [
        { dialect: 'entra', label: 'Entra', works: true, blocking: [] },
        { dialect: 'entra-compliant', label: 'Entra (flag)', works: false, blocking: [{ checkId: 'entra.create[entra-compliant]', title: 'create refused' }] },
        { dialect: 'okta', label: 'Okta', works: true, blocking: [] },
      ],
      [skipped, failing],
    );
    expect(verdicts.map((v) => [v.dialect, v.works, v.notJudged ?? false, v.blocking.map((b) => b.checkId)])).toEqual([
      ['entra', false, true, ['entra.not-reached']],
      // A failure seen before the budget ran out still blocks.
      ['entra-compliant', false, false, ['entra.create[entra-compliant]', 'entra-compliant.not-reached']],
      ['okta', true, false, []],
    ]);
  });
});

describe('--max-time', () => {
  it('takes a duration or seconds, and 0 for no limit', () => {
    expect(parseMaxTime('15m')).toBe(900_000);
    expect(parseMaxTime('90s')).toBe(90_000);
    expect(parseMaxTime(120)).toBe(120_000);
    expect(parseMaxTime('0')).toBe(0);
    expect(parseMaxTime(undefined)).toBeUndefined();
    expect(() => parseMaxTime('soon')).toThrow(/--max-time must be a duration/);
  });
});
