// The RFC 9865 cursor suite over real HTTP: it passes the reference server in both paging modes that
// offer cursors, skips (with the reason) where cursors are not advertised — the index-only reference
// server and SCIMMY, a correct server that has no cursor paging. An independent correct server with
// keyset cursors (test/servers/independent) passes them all. Each check against the defect it
// exists for: test/support/defect-cases.ts.
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { loadSuites } from '../../src/suite/load.ts';
import { startServer, type PaginationMode } from '../../src/server/index.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { startFaultyServer } from '../support/faulty-server.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { startIndependentServer } from '../servers/independent/index.ts';

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

describe('an independent correct server with keyset cursors (written from the RFC, not the reference server)', () => {
  it('passes every cursor check, the optional search walk and the fuzz walk', async () => {
    const server = await startIndependentServer({ cursors: true });
    try {
      const record = await runCursor(server.url, server.token, { suites: ['cursor', 'fuzz'], only: ['cursor.*', 'fuzz.cursor-partition'] });
      expect(record.meta.runError).toBeUndefined();
      const judged = record.results.filter((r) => r.suite === 'cursor' || r.checkId === 'fuzz.cursor-partition');
      expect(judged.filter((r) => r.status !== 'pass').map((r) => `${r.checkId} ${r.status}: ${r.message ?? r.reason ?? ''}`)).toEqual([]);
      expect(judged.map((r) => r.checkId).sort()).toEqual([...cursorCheckIds(), 'fuzz.cursor-partition'].sort());
    } finally {
      await server.close();
    }
  }, 60_000);
});

// Each cursor check against the defect it exists for, with specificity over a whole default run:
// test/support/defect-cases.ts (the cursor suite is a default suite). The fuzz property here.
describe('fuzz.cursor-partition against a cursor that is an offset in disguise', () => {
  it('finds the user a delete between pages makes it skip, and warns (the RFC has no sentence on writes between pages)', async () => {
    const server = await startFaultyServer('cursor-is-offset');
    try {
      const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], only: ['fuzz.cursor-partition'], seed: 7, fuzz: { runs: 60 } });
      const result = record.results.find((r) => r.checkId === 'fuzz.cursor-partition');
      expect(result?.status, result?.message).toBe('warn');
      expect(result?.level).toBe('SHOULD');
      expect(result?.message).toContain('never returned');
    } finally {
      await server.close();
    }
  }, 60_000);
});
