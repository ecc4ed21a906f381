// Read from elimity-com/scim (Go, docs/notes/third-party-source-reading.md; run in round 5,
// docs/notes/third-party-round5.md): what an app leaves unset is written as an empty value, so
// every ResourceType says `"id": ""` (RFC 7643 §6: a ResourceType's id is OPTIONAL; the library
// looks resource types up by name), the ServiceProviderConfig `documentationUri: ""` and
// `filter.maxResults: 0` (it pages by 100 all the same). discovery.resource-types.list failed it at
// MUST: "the page lists the same resource twice", of a User and a Group type that share no more
// than an empty id.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('still fails a page that names one id twice', async () => {
    // A proxy that answers /ResourceTypes with both types under the id "User".
    const proxy: Server = createServer((req, res) => {
      void (async () => {
        const upstream = await fetch(`${new URL(server.url).origin}${req.url ?? '/'}`, { headers: { authorization: req.headers.authorization ?? '' } });
        let text = await upstream.text();
        if (/\/ResourceTypes$/.test(new URL(req.url ?? '/', 'http://x').pathname)) {
          const list = JSON.parse(text) as { Resources: { id: string }[] };
          for (const t of list.Resources) t.id = 'User';
          text = JSON.stringify(list);
        }
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/scim+json' });
        res.end(text);
      })();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${new URL(server.url).pathname}`;
      const record = await runConformance({ url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['discovery.resource-types.list'], seed: 4 });
      expect(record.results.find((r) => r.checkId === 'discovery.resource-types.list')).toMatchObject({ status: 'fail', message: 'the page lists the same resource twice (id "User")' });
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
