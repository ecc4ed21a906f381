// A server that filters only with `eq` on userName, externalId, id and emails (Better Auth's SCIM
// plugin) answers neither `userName sw "<prefix>"` nor `displayName eq` (RFC 7644 §3.4.2.2 lets it
// support only some filters; Entra and Okta need `eq` and `and`): no query can list one run's users.
// The stateful fuzz then checks users one by one (GET, `userName eq`) and never lists the run by
// prefix, whose 400 invalidFilter would blame the server for a filter it may decline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
beforeAll(async () => {
  server = await startIndependentServer({ filterOperators: ['eq', 'and'], filterAttributes: ['userName', 'externalId', 'id', 'emails.value'] });
});
afterAll(() => server.close());

describe('fuzz against a server with no filter that scopes a run', () => {
  it('passes without listing the run by a prefix filter the server declines', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 3, fuzz: { runs: 40, properties: ['stateful-directory'] } });
    expect(record.discovery?.capabilities.scopedQueries).toBe(false);
    const [result] = record.results.filter((r) => r.checkId === 'fuzz.stateful-directory');
    expect(`${result?.status} ${result?.message ?? result?.reason ?? ''}`).toMatch(/^pass \d+ generated cases passed/);
    const sw = record.exchanges.filter((x) => x.request.url.includes('filter=') && /\bsw\b/.test(decodeURIComponent(new URL(x.request.url).search.replace(/\+/g, ' '))) && x.origin?.suite === 'fuzz');
    expect(sw.map((x) => x.request.url)).toEqual([]);
  });

  it('does not judge filter-model, for the reason that matters: no query can fence off its population', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 3, fuzz: { runs: 10, properties: ['filter-model'] } });
    const [result] = record.results.filter((r) => r.checkId === 'fuzz.filter-model');
    expect(result?.status).toBe('skip');
    expect(result?.reason).toMatch(/^the server answers neither `userName sw` nor `displayName eq` queries/);
    expect(record.exchanges.filter((x) => x.request.method === 'POST' && x.origin?.suite === 'fuzz')).toEqual([]);
  });
});
