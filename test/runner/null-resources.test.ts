// Found reading elimity-com/scim (Go; docs/notes/third-party-source-reading.md): a handler that
// returns a nil slice answers an empty page with `"Resources": null` (the library documents it),
// for a query that matches nothing, count=0 and a startIndex past the end. RFC 7643 §2.5 holds
// null the same as a Resources left out, which RFC 7644 §3.4.2 allows when totalResults is 0 (and
// §3.4.2.4 for count=0), so 22 core and Okta checks that failed it ("Resources" must be an array)
// blamed a correct server. Entra is another matter: a vendor fixed exactly this because Azure AD
// did not take it (buildbuddy-io/buildbuddy#5774), so the Entra checks and the mock Entra say so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdpEngine } from '../../src/idp/engine.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';
import { ENTRA_FIXTURE, fixture, harness, OKTA_FIXTURE } from '../idp/helpers.ts';

let server: IndependentServer;
let record: RunRecord;
beforeAll(async () => {
  server = await startIndependentServer({ nullResources: true });
  record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], seed: 20_261_129 });
}, 300_000);
afterAll(() => server.close());

const result = (id: string) => record.results.find((r) => r.checkId === id)!;

describe('a server answering an empty page with "Resources": null (a Go nil slice)', () => {
  it('the server under test really answers null', async () => {
    const res = await fetch(`${server.url}/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(await res.json()).toMatchObject({ totalResults: 0, Resources: null });
  });

  it('core and Okta checks take it as a Resources left out (RFC 7643 §2.5): no failure, no warning', () => {
    expect(record.meta.runError).toBeUndefined();
    for (const id of ['discovery.users.list', 'filter.miss-empty-list', 'paging.count-zero', 'paging.beyond-end', 'users.delete.gone-from-list', 'responses.schema', 'okta.spec.3.miss[okta]', 'okta.user.lookup-miss[okta]', 'okta.import.next-page[okta]', 'okta.aiw.user.lookup-miss.empty-list[okta-aiw]']) {
      expect(`${id}: ${result(id).status} ${result(id).message ?? ''}`).toMatch(new RegExp(`^${id.replace(/[[\]]/g, '\\$&')}: pass`));
    }
    const bad = record.results.filter((r) => (r.status === 'fail' || r.status === 'warn' || r.status === 'error') && !r.checkId.startsWith('entra.'));
    expect(bad.map((r) => `${r.checkId}: ${r.message ?? ''}`)).toEqual([]);
    const verdicts = (record.idpVerdicts ?? []).filter((v) => v.dialect.startsWith('okta'));
    expect(verdicts.map((v) => `${v.dialect}: ${v.works ? 'works' : 'fails'}`)).toEqual(['okta: works', 'okta-aiw: works']);
  });

  it('Entra checks fail it, saying that Entra does not take it although the RFC does, and what to send', () => {
    for (const id of ['entra.test-connection.empty-list[entra]', 'entra.create.match-miss[entra-compliant]']) {
      expect(result(id).status, id).toBe('fail');
      expect(result(id).message, id).toMatch(/^"Resources" is null: RFC 7643 §2\.5 holds null equal to leaving Resources out, but Entra's provisioning service does not accept a null Resources \(.*buildbuddy-io\/buildbuddy#5774\); send \[\]/);
    }
  });

  it('the mock Okta imports and syncs through it; the mock Entra stops on it with the same reason', async () => {
    const doc = fixture(OKTA_FIXTURE);
    const okta = harness(server.url, server.token, 'okta');
    const { result: cycle } = await okta.cycle(doc);
    expect(cycle.results.filter((r) => r.outcome !== 'success' && r.outcome !== 'skipped').map((r) => `${r.id}: ${r.reason ?? ''}`)).toEqual([]);
    const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'okta', directory: parseDirectory(JSON.stringify(doc), 'test.json'), statePath: null, logDir: null });
    try {
      // A page past the end of an app with users says null too: the import ends there.
      const imported = await engine.importFromApp({ count: 100 });
      expect(imported.users.error).toBeUndefined();
      expect(imported.users.scanned).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
    const entra = harness(server.url, server.token, 'entra-compliant');
    const { result: stopped } = await entra.cycle(fixture(ENTRA_FIXTURE));
    expect(JSON.stringify(stopped)).toMatch(/the query answered \\"Resources\\": null: RFC 7643 §2\.5 holds null equal to leaving Resources out, but Entra's provisioning service does not accept/);
  });
});
