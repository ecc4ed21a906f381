// Found against BoxyHQ Jackson's Directory Sync (docs/notes/third-party-jackson.md), which publishes
// no /ServiceProviderConfig (Entra and Okta never read it). Every optional feature is then
// unadvertised and its checks are skipped, 89 of them in a default run, each with the reason "the
// server does not advertise patch (ServiceProviderConfig patch.supported is not true)", as if its
// document had said so. The reason now says that there is no such document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

describe('a server without /ServiceProviderConfig', () => {
  let server: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer({ noServiceProviderConfig: true });
  });
  afterAll(() => server.close());

  it('skips what needs an advertised feature, saying the server publishes no ServiceProviderConfig', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'cursor', 'fuzz'], only: ['discovery.spc.status', 'patch.*', 'cursor.*', 'fuzz.patch-model'], seed: 4 });
    expect(record.results.find((r) => r.checkId === 'discovery.spc.status')?.status).toBe('fail');
    const reasons = new Set(record.results.filter((r) => r.checkId.startsWith('patch.') || r.checkId.startsWith('cursor.') || r.checkId === 'fuzz.patch-model').map((r) => `${r.status}: ${r.reason}`));
    expect([...reasons].sort()).toEqual([
      'skip: the server publishes no ServiceProviderConfig (RFC 7644 §4 and §5 advertise optional features there), so it advertises no cursor paging (RFC 9865 §4) and no maximum page size',
      'skip: the server publishes no ServiceProviderConfig (RFC 7644 §4 and §5 advertise optional features there), so it advertises no filter support and no cursor paging (RFC 9865 §4)',
      'skip: the server publishes no ServiceProviderConfig (RFC 7644 §4 and §5 advertise optional features there), so it advertises no patch support',
    ]);
  });
});
