// RFC 7644 §3.12 Table 9 lets a server decline "the specified attribute and filter comparison
// combination" it does not support, PATCH path filters included. Better Auth's SCIM plugin removes a
// user's value by a sub-attribute path (Entra's `emails[type eq "work"].value`) but declines a path
// that targets whole elements (`emails[type eq "home"]`) with 400 invalidPath ("is not supported").
// patch.remove-value-filter is then not judged, with the reason, instead of failing a MUST; a server
// that answers such a remove with another error still fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const run = (server: IndependentServer) => runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['patch.*'], seed: 2 });

describe.each(['invalidPath', 'invalidFilter'] as const)('a server declining whole-element value filters in PATCH paths with 400 %s', (scimType) => {
  let server: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer({ declineElementFilters: scimType });
  });
  afterAll(() => server.close());

  it('skips patch.remove-value-filter as not supported, and fails nothing', async () => {
    const record = await run(server);
    const byId = Object.fromEntries(record.results.map((r) => [r.checkId, r]));
    expect(byId['patch.remove-value-filter.status']?.status).toBe('skip');
    expect(byId['patch.remove-value-filter.status']?.reason).toContain(`not supported: the server declines this value filter in a PATCH path with 400 ${scimType} (detail: "User PATCH path emails[type eq "home"] is not supported")`);
    expect(byId['patch.remove-value-filter']?.status).toBe('skip');
    expect(record.results.filter((r) => r.status === 'fail').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
  });
});
