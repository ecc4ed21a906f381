// filter.datetime-gt against a correct server that shows no meta.lastModified (RFC 7643 §3.1 does
// not require it) and whose filter on it compares with no value, so matches nothing: "gt 2000"
// finding no one is right there, and failed filter.datetime-gt.matches ("totalResults is 0,
// expected 1"). The dateTime filters read their user first and are not judged without the value.
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer, type IndependentServerOptions } from '../servers/independent/index.ts';

const servers: IndependentServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function datetimeChecks(options: IndependentServerOptions): Promise<RunRecord['results']> {
  const server = await startIndependentServer(options);
  servers.push(server);
  const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 7, only: ['filter.datetime-gt', 'filter.datetime-gt.matches'] });
  expect(record.meta.runError).toBeUndefined();
  expect(record.cleanup.filter((c) => c.status !== 'deleted' && c.status !== 'gone')).toEqual([]);
  return record.results.filter((r) => r.checkId.startsWith('filter.datetime'));
}

describe('dateTime filters and meta.lastModified', () => {
  it('a server without meta.lastModified whose filter on it matches nothing: not judged, with the reason', async () => {
    const results = await datetimeChecks({ omitMeta: ['created', 'lastModified'], unkeptMetaMatchesNothing: true });
    expect(results.map((r) => `${r.checkId} ${r.status}`)).toEqual(['filter.datetime-gt skip', 'filter.datetime-gt.matches skip']);
    for (const r of results) expect(r.reason).toMatch(/the server shows no meta\.lastModified, which RFC 7643 §3\.1 does not require/);
  });

  it('a server that shows meta.lastModified: both judged and passed', async () => {
    const results = await datetimeChecks({});
    expect(results.map((r) => `${r.checkId} ${r.status}`)).toEqual(['filter.datetime-gt pass', 'filter.datetime-gt.matches pass']);
  });
});
