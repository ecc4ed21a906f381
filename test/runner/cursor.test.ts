// The RFC 9865 cursor suite over real HTTP: it passes the reference server in both paging modes that
// offer cursors, skips (with the reason) where cursors are not advertised — the index-only reference
// server and SCIMMY, a correct server that has no cursor paging — and each check fails against the
// server with the defect it exists for, with a message that names that defect.
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { loadSuites } from '../../src/suite/load.ts';
import { startServer, type PaginationMode } from '../../src/server/index.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';

interface Expected {
  status: 'fail' | 'warn' | 'info';
  /** A fragment of the failure message: the check fails for its own reason. */
  because: string;
}

const CURSOR_DEFECTS: Partial<Record<DefectName, Record<string, Expected>>> = {
  'cursor-ignored': {
    'cursor.first-page': { status: 'fail', because: 'has no nextCursor' },
    'cursor.walk.every-match-once': { status: 'fail', because: '3 of 5 matching resources never appeared' },
    'cursor.invalid.rejected': { status: 'warn', because: 'expected HTTP 400, got 200' },
    'cursor.search.walk': { status: 'info', because: 'never appeared' },
  },
  'cursor-repeats-first-page': {
    'cursor.next-page': { status: 'fail', because: 'repeats 2 resource(s) of an earlier page' },
    'cursor.walk.every-match-once': { status: 'fail', because: 'again on page 2' },
    'cursor.churn.walk-ends': { status: 'fail', because: 'again on page 2' },
    'cursor.churn.every-user-once': { status: 'fail', because: 'appear on two pages' },
    'cursor.invalid.rejected': { status: 'warn', because: 'expected HTTP 400, got 200' },
  },
  'cursor-is-offset': {
    'cursor.churn.every-user-once': { status: 'fail', because: 'appear on no page' },
  },
  'cursor-overlaps': {
    'cursor.next-page': { status: 'fail', because: 'repeats 1 resource(s) of an earlier page' },
    'cursor.walk.every-match-once': { status: 'fail', because: 'again on page 2' },
    'cursor.churn.walk-ends': { status: 'fail', because: 'repeats resources' },
    'cursor.churn.every-user-once': { status: 'fail', because: 'appear on two pages' },
  },
  'cursor-invalid-accepted': { 'cursor.invalid.rejected': { status: 'warn', because: 'expected HTTP 400, got 200' } },
  'cursor-invalid-500': {
    'cursor.invalid.no-5xx': { status: 'fail', because: 'HTTP 500' },
    'cursor.invalid.rejected': { status: 'warn', because: 'got 500' },
  },
  'cursor-invalid-wrong-scimtype': { 'cursor.invalid.rejected': { status: 'warn', because: '"scimType" must be "invalidCursor" when one is sent, got "invalidValue"' } },
  'cursor-previous-on-first-page': { 'cursor.first-page': { status: 'fail', because: 'MUST NOT be returned with the first page' } },
  'cursor-previous-goes-forward': {
    'cursor.previous-page': { status: 'fail', because: 'has no nextCursor' },
    'cursor.previous-page.same-users': { status: 'fail', because: 'is missing from the results' },
  },
  'cursor-total-is-page-size': {
    'cursor.next-page': { status: 'fail', because: 'totalResults is 2, but 5 resources match' },
    'cursor.previous-page': { status: 'fail', because: 'totalResults is 2, but 5 resources match' },
    'cursor.walk.total-results': { status: 'fail', because: 'on page 2 but 5 resources match' },
  },
  'cursor-never-ends': {
    'cursor.walk.every-match-once': { status: 'fail', because: 'the walk never ends' },
    'cursor.churn.walk-ends': { status: 'fail', because: 'the walk never ends' },
  },
  'cursor-not-url-safe': { 'cursor.value.url-safe': { status: 'warn', because: 'outside the URL-unreserved set ("+" "/" "=")' } },
  'max-page-size-understated': { 'cursor.count-above-max': { status: 'fail', because: 'more than maxPageSize=3' } },
};

const cursorCheckIds = (): string[] =>
  loadSuites(['cursor']).flatMap((suite) => suite.scenarios.flatMap((scenario) => scenario.steps.flatMap((step) => (step.expect ?? []).map((e) => e.id))));

const cursorResults = (record: RunRecord): CheckResult[] => record.results.filter((r) => r.suite === 'cursor');

async function runCursor(url: string, token: string, extra: { suites?: string[]; only?: string[] } = {}): Promise<RunRecord> {
  return runConformance({ url, auth: { kind: 'bearer', token }, suites: extra.suites ?? ['cursor'], seed: 11, ...(extra.only ? { only: extra.only } : {}), fuzz: { runs: 25 } });
}

describe('the cursor suite against correct servers', () => {
  for (const mode of ['both', 'cursor'] as PaginationMode[]) {
    it(`passes the reference server with --pagination ${mode}, and the fuzz property too`, async () => {
      const server = await startServer({ port: 0, pagination: mode, maxResults: 50 });
      try {
        const record = await runCursor(server.url, server.token, { suites: ['cursor', 'fuzz'], only: ['cursor.*', 'fuzz.cursor-partition', 'discovery.*'] });
        const notPassed = record.results.filter((r) => r.status !== 'pass').map((r) => `${r.checkId}: ${r.status} ${r.reason ?? r.message ?? ''}`);
        expect(notPassed).toEqual([]);
        expect(cursorResults(record).map((r) => r.checkId).sort()).toEqual(cursorCheckIds().sort());
      } finally {
        await server.close();
      }
    });
  }

  it('passes a cursor server that leaves totalResults out (RFC 9865 allows it), discovery included', async () => {
    const server = await startFaultyServer('cursor-without-total', { server: { pagination: 'cursor', maxResults: 50 } });
    try {
      const record = await runCursor(server.url, server.token);
      expect(record.results.filter((r) => r.status !== 'pass').map((r) => `${r.checkId}: ${r.status} ${r.reason ?? r.message ?? ''}`)).toEqual([]);
      expect(record.exchanges.some((x) => x.response?.json && typeof x.response.json === 'object' && 'nextCursor' in x.response.json && !('totalResults' in x.response.json))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('skips every cursor check, with the reason, on an index-only reference server', async () => {
    const server = await startServer({ port: 0, pagination: 'index' });
    try {
      const record = await runCursor(server.url, server.token);
      expect(cursorResults(record).length).toBe(cursorCheckIds().length);
      for (const r of cursorResults(record)) {
        expect(r.status, r.checkId).toBe('skip');
        expect(r.reason).toContain('pagination.cursor is not true');
      }
    } finally {
      await server.close();
    }
  });

  it('skips every cursor check on SCIMMY, a correct server without cursor paging, and fails nothing', async () => {
    const server = await startScimmyServer();
    try {
      const record = await runCursor(server.url, server.token, { suites: ['cursor', 'fuzz'], only: ['cursor.*', 'fuzz.cursor-partition'] });
      const results = record.results.filter((r) => r.checkId.startsWith('cursor.') || r.checkId === 'fuzz.cursor-partition');
      expect(results.length).toBe(cursorCheckIds().length + 1);
      for (const r of results) {
        expect(r.status, r.checkId).toBe('skip');
        expect(r.reason).toContain('does not advertise cursor paging');
      }
    } finally {
      await server.close();
    }
  });
});

describe('each cursor check fails against its defect, for its reason', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  for (const [defect, expected] of Object.entries(CURSOR_DEFECTS) as [DefectName, Record<string, Expected>][]) {
    it(defect, async () => {
      const server = await startFaultyServer(defect);
      closers.push(() => server.close());
      const record = await runCursor(server.url, server.token);
      const wrong: string[] = [];
      for (const result of cursorResults(record)) {
        const want = expected[result.checkId];
        // Specificity: a check this defect is not about still passes (or is skipped because a step
        // it builds on could not be made).
        if (!want) {
          if (result.status !== 'pass' && result.status !== 'skip') wrong.push(`${result.checkId}: expected pass, got ${result.status} (${result.message ?? result.reason})`);
          continue;
        }
        if (result.status !== want.status) wrong.push(`${result.checkId}: expected ${want.status}, got ${result.status} (${result.message ?? result.reason})`);
        else if (!result.message?.includes(want.because)) wrong.push(`${result.checkId}: message "${result.message}" does not say "${want.because}"`);
        else if (result.exchangeIds.length === 0) wrong.push(`${result.checkId}: no exchange shown`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('covers every cursor check id with a defect', () => {
    const covered = new Set(Object.values(CURSOR_DEFECTS).flatMap((e) => Object.keys(e!)));
    expect(cursorCheckIds().filter((id) => !covered.has(id))).toEqual([]);
  });

  for (const [defect, because] of [['cursor-overlaps', 'again on page'], ['cursor-is-offset', 'never returned']] as [DefectName, string][]) {
    it(`fuzz.cursor-partition finds ${defect}`, async () => {
      const server = await startFaultyServer(defect);
      closers.push(() => server.close());
      const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], only: ['fuzz.cursor-partition'], seed: 7, fuzz: { runs: 60 } });
      const result = record.results.find((r) => r.checkId === 'fuzz.cursor-partition');
      expect(result?.status, result?.message).toBe('fail');
      expect(result?.message).toContain(because);
    }, 60_000);
  }
});
