// Found against BoxyHQ Jackson's Directory Sync (docs/notes/third-party-jackson.md): its search
// index keeps the name a resource had at create, so after Entra renames "… Sales" to "… Sales EMEA"
// the query for "… Sales" still finds the renamed group. entra.group.match-exact rightly fails, but
// its message said only "totalResults is 1, expected 0" under a title about prefix matching, which
// Jackson does not do: its authors would dismiss it. A query `attr eq "v"` that answers too much
// now names each resource whose current value is another, and what that means.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

describe('a server whose queries match the names resources had at create', () => {
  let server: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer({ namesIndexedAtCreate: true });
  });
  afterAll(() => server.close());

  it('entra.group.match-exact fails and names the renamed group the former name found', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['entra'], only: ['entra.group.*'], dialects: ['entra-compliant'], seed: 3 });
    const exact = record.results.find((r) => r.checkId === 'entra.group.match-exact[entra-compliant]')!;
    expect(exact.status).toBe('fail');
    expect(exact.message).toMatch(/^totalResults is 1, expected 0 \(the number of matching resources\); the answer holds [0-9a-f-]+ \(displayName ".* Sales EMEA"\), whose displayName is not ".* Sales": the server matched something other than the current displayName \(a former value kept in its search index, or a part of the value\)$/);
  });
});
