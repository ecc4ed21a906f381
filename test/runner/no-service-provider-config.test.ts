// Found against BoxyHQ Jackson's Directory Sync (docs/notes/third-party-jackson.md), which publishes
// no /ServiceProviderConfig (Entra and Okta never read it). Every optional feature was then taken
// for unadvertised: 89 checks of a default run were skipped, PATCH and filtering among them,
// although both IdPs send PATCH and filter queries whatever the server publishes. Now PATCH and
// filters are judged there as the IdPs meet them (a PATCH answered 501 is "not offered", as PUT and
// DELETE), and what only a ServiceProviderConfig can announce (cursor paging, a page size cap, sort,
// ETags, bulk) is skipped saying that there is no such document. The fuzzer still generates only
// what was advertised: a generated PATCH cannot be set aside as not offered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const NO_SPC = 'the server publishes no ServiceProviderConfig (RFC 7644 §4 and §5 advertise optional features there)';

describe('a server without /ServiceProviderConfig', () => {
  let server: IndependentServer;
  let withoutPatch: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer({ noServiceProviderConfig: true });
    withoutPatch = await startIndependentServer({ noServiceProviderConfig: true, noPatch: true });
  });
  afterAll(async () => {
    await server.close();
    await withoutPatch.close();
  });

  it('judges PATCH and filters as Entra and Okta meet them; skips what only the document announces, saying there is none', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'cursor', 'fuzz'], only: ['discovery.spc.status', 'patch.*', 'filter.*', 'cursor.*', 'fuzz.patch-model'], seed: 4 });
    const of = (prefix: string) => record.results.filter((r) => r.checkId.startsWith(prefix));
    expect(record.results.find((r) => r.checkId === 'discovery.spc.status')?.status).toBe('fail');
    for (const area of ['patch.', 'filter.']) {
      const judged = of(area).filter((r) => r.status !== 'skip');
      expect(judged.length, area).toBeGreaterThan(5);
      expect(judged.filter((r) => r.status === 'fail'), area).toEqual([]);
    }
    expect(new Set(of('cursor.').map((r) => r.status))).toEqual(new Set(['skip']));
    expect(new Set(of('cursor.').map((r) => r.reason))).toEqual(new Set([`${NO_SPC}, so it advertises no cursor paging (RFC 9865 §4) and no maximum page size`, `${NO_SPC}, so it advertises no cursor paging (RFC 9865 §4)`]));
    const fuzzPatch = record.results.find((r) => r.checkId === 'fuzz.patch-model');
    expect(fuzzPatch).toMatchObject({ status: 'skip', reason: `${NO_SPC}, so it advertises no patch support` });
  });

  it('sets the PATCH checks aside as not offered when PATCH answers 501, and Entra still fails on it', async () => {
    const record = await runConformance({ url: withoutPatch.url, auth: { kind: 'bearer', token: withoutPatch.token }, suites: ['core', 'entra'], only: ['patch.*', 'entra.update.multi.status'], seed: 4 });
    const patch = record.results.filter((r) => r.checkId.startsWith('patch.'));
    expect(patch.length).toBeGreaterThan(5);
    expect(patch.filter((r) => r.status === 'fail')).toEqual([]);
    const notOffered = patch.filter((r) => r.status === 'skip' && /^not judged: the server does not offer PATCH on \/Users\/\{id\} \(HTTP 501\)/.test(r.reason ?? ''));
    expect(notOffered.length).toBeGreaterThan(0);
    expect(notOffered[0]!.reason).toContain('publishes no ServiceProviderConfig to say so');
    expect(record.results.find((r) => r.checkId.startsWith('entra.update.multi.status'))?.status).toBe('fail');
  });
});
