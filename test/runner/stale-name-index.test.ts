// Found against BoxyHQ Jackson's Directory Sync (docs/notes/third-party-jackson.md): its search
// index keeps the name a resource had at create, so after Entra renames "… Sales" to "… Sales EMEA"
// the query for "… Sales" still finds the renamed group. entra.group.match-exact rightly fails, but
// its message said only "totalResults is 1, expected 0" under a title about prefix matching, which
// Jackson does not do: its authors would dismiss it. A query `attr eq "v"` that answers too much
// now names each resource whose current value is another, and what that means.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

describe('a server whose queries match the names resources had at create (a user by its first email)', () => {
  let server: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer({ namesIndexedAtCreate: true });
  });
  afterAll(() => server.close());

  it('entra.group.match-exact fails and names the renamed group the former name found', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['entra'], only: ['entra.group.*'], dialects: ['entra-compliant'], seed: 3 });
    const exact = record.results.find((r) => r.checkId === 'entra.group.match-exact[entra-compliant]')!;
    expect(exact.status).toBe('fail');
    expect(exact.message).toMatch(/^totalResults is 1, expected 0 \(the number of matching resources\); the answer holds [0-9a-f-]+ \(displayName ".* Sales EMEA"\), whose displayName is not ".* Sales": the server matched something other than the current displayName \(a former value kept in its search index, a part of the value, or the filter ignored\)$/);
  });

  // The same index kept Entra's renamed user out of its own userName query: the disabled user's
  // match (entra.disable.still-matched) failed, which read as "disabled users are hidden" although
  // the disable had nothing to do with it. The query right after the rename now says so.
  it('entra.update.rename.matched fails after the userName change, and still-matched is not blamed on the disable', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['entra'], only: ['entra.create.*', 'entra.update.*', 'entra.disable.*'], dialects: ['entra-compliant'], seed: 3 });
    const byId = Object.fromEntries(record.results.map((r) => [r.checkId, r]));
    expect(byId['entra.update.single.applied[entra-compliant]']?.status).toBe('pass');
    expect(byId['entra.update.rename.matched[entra-compliant]']).toMatchObject({ status: 'fail', message: 'totalResults is 0, expected 1 (the number of matching resources)' });
    expect(byId['entra.disable.still-matched[entra-compliant]']?.status).toBe('skip');
    expect(byId['entra.disable.still-matched[entra-compliant]']?.reason).toContain('entra.update.rename.matched[entra-compliant] did not pass first');
    expect(record.results.filter((r) => r.status === 'fail').map((r) => r.checkId)).toEqual(['entra.update.rename.matched[entra-compliant]']);
  });

  // Its userName index holds each user's first email: the projection checks, which read a query by
  // userName for a user whose email differs, failed as if attributes= were ignored (one said
  // "/Resources/0/displayName is undefined"). The query is now judged on its own first.
  it('attributes.list.found fails, and the projection checks on that query are not judged', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['attributes.*'], seed: 3 });
    const byId = Object.fromEntries(record.results.map((r) => [r.checkId, r]));
    expect(byId['attributes.list.found']).toMatchObject({ status: 'fail', message: 'totalResults is 0, expected 1 (the number of matching resources)' });
    for (const id of ['attributes.list.only-requested', 'attributes.list.excluded']) {
      expect(byId[id]?.status, id).toBe('skip');
      expect(byId[id]?.reason, id).toContain('attributes.list.found did not pass first');
    }
    expect(record.results.filter((r) => r.status === 'fail').map((r) => r.checkId)).toEqual(['attributes.list.found']);
  });
});
