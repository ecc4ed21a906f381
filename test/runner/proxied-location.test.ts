// A correct server behind a reverse proxy that answers a create with a relative Location header
// (RFC 9110 §10.2.2) and an absolute meta.location on its public host, tested directly on
// 127.0.0.1: the Location resolves against the request's origin, meta.location names the public
// one, and users.create.location / groups.create.location failed ("Location … differs from
// meta.location"). The same path on another origin is the same resource.
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const servers: IndependentServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('a relative Location header from a server behind a reverse proxy', () => {
  it('is the resource meta.location names on the public host: the location checks pass, with a note', async () => {
    const server = await startIndependentServer({ relativeLocation: true, publicOrigin: 'https://scim.example.com', ids: 'plus', basePath: '/scim' });
    servers.push(server);
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 3, only: ['users.create.location', 'groups.create.location'] });
    const results = record.results.filter((r) => r.checkId.endsWith('.location'));
    expect(results.map((r) => `${r.checkId} ${r.status}`)).toEqual(['users.create.location pass', 'groups.create.location pass']);
    for (const r of results) expect(r.message).toMatch(/^meta\.location names another origin \(https:\/\/scim\.example\.com\) than the request's, as a server behind a reverse proxy does; the paths are equal; the relative Location "\/scim\/(Users|Groups)\/a%2B\d+%20b'c" resolves to http:\/\/127\.0\.0\.1:\d+\/scim\//);
  });
});
