// RFC 9865 lets a service provider page by cursor only: /ServiceProviderConfig says
// `"pagination": {"cursor": true, "index": false, "defaultPaginationMethod": "cursor"}` (§4), a list
// asked without `cursor` is paged by its default method, and nextCursor leads on. Entra's own SCIM
// API and AWS IAM Identity Center do this. Written apart from the reference server's cursor mode
// (test/servers/independent: `indexPaging`), with its own choice for a later startIndex: refused
// (400 invalidValue) or ignored (the first page again). No RFC check may fail it; the Okta replay,
// which pages by startIndex (OKTA-2.6), says what Okta would meet: no startIndex to read, and a
// second page that is refused or repeats the first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const servers: IndependentServer[] = [];
const records = new Map<string, RunRecord>();
beforeAll(async () => {
  for (const indexPaging of ['refused', 'ignored'] as const) {
    const server = await startIndependentServer({ cursors: true, indexPaging });
    servers.push(server);
    // (The cursor suite and fuzz do not send startIndex: run once, against the refusing server.)
    const suites = indexPaging === 'refused' ? ['core', 'cursor', 'entra', 'okta', 'fuzz'] : ['core', 'entra', 'okta'];
    records.set(indexPaging, await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites, seed: 20_261_129, fuzz: { runs: 5 } }));
  }
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe.each(['refused', 'ignored'])('a cursor-only server (index paging off, a later startIndex %s)', (mode) => {
  it('fails no RFC check; the cursor suite judges it, and Entra works', () => {
    const record = records.get(mode)!;
    expect(record.meta.runError).toBeUndefined();
    const rfc = record.results.filter((r) => (r.status === 'fail' || r.status === 'error') && r.variant === undefined);
    expect(rfc.map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    if (mode === 'refused') for (const id of ['cursor.first-page', 'cursor.next-page', 'cursor.walk.every-match-once', 'cursor.churn.every-user-once', 'fuzz.cursor-partition']) expect(record.results.find((r) => r.checkId === id)?.status, id).toBe('pass');
    expect(record.idpVerdicts?.filter((v) => v.dialect.startsWith('entra')).map((v) => `${v.dialect}: ${v.works}`)).toEqual(['entra: true', 'entra-compliant: true']);
    expect(record.cleanup.filter((c) => c.status !== 'deleted' && c.status !== 'gone')).toEqual([]);
  });

  it('the Okta replay says Okta, paging by startIndex, finds none to read', () => {
    const record = records.get(mode)!;
    expect(record.results.find((r) => r.checkId === 'okta.import.integers[okta]')).toMatchObject({ status: 'fail', message: '/startIndex must be integer, got nothing' });
    expect(record.idpVerdicts?.find((v) => v.dialect === 'okta')?.works).toBe(false);
  });
});
