// A server may decline a filter on an attribute it does not filter on with 400 (RFC 7644 §3.12
// Table 9: "the specified attribute and filter comparison combination is not supported"), and
// scimType is OPTIONAL (§3.12): the fuzzer's filter-model sets such a filter aside, whether or
// not the 400 names invalidFilter. The independent server filtering only on userName, externalId,
// id and emails, with no scimType on its errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
beforeAll(async () => {
  server = await startIndependentServer({ filterAttributes: ['userName', 'externalId', 'id', 'emails.value', 'emails.type'], scimTypes: 'none' });
});
afterAll(() => server.close());

describe('fuzz filter-model against a server declining filters with a 400 that names no scimType', () => {
  it('passes: the declined filters are set aside, the others judged', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 5, fuzz: { runs: 100, properties: ['filter-model'] } });
    const [result] = record.results.filter((r) => r.checkId === 'fuzz.filter-model');
    expect(`${result?.status} ${result?.message ?? result?.reason ?? ''}`).toMatch(/^pass/);
  });
});
