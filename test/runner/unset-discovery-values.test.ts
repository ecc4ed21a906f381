// Read from elimity-com/scim (Go, docs/notes/third-party-source-reading.md; run in round 4,
// docs/notes/third-party-round4.md): what an app leaves unset is written as an empty value, so
// every ResourceType says `"id": ""` (RFC 7643 §6: a ResourceType's id is OPTIONAL; the library
// looks resource types up by name), the ServiceProviderConfig `documentationUri: ""` and
// `filter.maxResults: 0` (it pages by 100 all the same). discovery.resource-types.list failed it at
// MUST: "the page lists the same resource twice", of a User and a Group type that share no more
// than an empty id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

describe('discovery documents with the empty values a Go server writes for what is unset', () => {
  let server: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer({ unsetDiscoveryValues: true });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves what it says (two resource types with id "", maxResults 0)', async () => {
    const headers = { authorization: `Bearer ${server.token}` };
    const types = (await (await fetch(`${server.url}/ResourceTypes`, { headers })).json()) as { Resources: { id: string; name: string }[] };
    expect(types.Resources.map((t) => [t.id, t.name])).toEqual([['', 'User'], ['', 'Group']]);
    const spc = (await (await fetch(`${server.url}/ServiceProviderConfig`, { headers })).json()) as { filter: { maxResults: number } };
    expect(spc.filter.maxResults).toBe(0);
  });

  it('passes every discovery check: resource types without an id are not one resource listed twice', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['discovery.*', 'paging.*'], seed: 4 });
    const discovery = record.results.filter((r) => r.checkId.startsWith('discovery.'));
    expect(discovery.length).toBeGreaterThan(5);
    expect(discovery.filter((r) => r.status !== 'pass' && r.status !== 'skip').map((r) => `${r.checkId}: ${r.message ?? ''}`)).toEqual([]);
    expect(record.results.find((r) => r.checkId === 'discovery.resource-types.list')?.status).toBe('pass');
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.checkId)).toEqual([]);
  });
});
