// The mock IdP as an Okta Identity Governance app (okta-oig): a user's entitlements and roles from
// the directory file go out with the create and land on the server (real HTTP, the reference
// server with Okta entitlement types published).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { fixture, harness, OKTA_FIXTURE, user, type Json } from './helpers.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, oktaEntitlements: true });
});
afterAll(() => server.close());

describe('mock IdP with --dialect okta-oig', () => {
  it('provisions a user with the entitlements and roles the directory gives', async () => {
    const doc = fixture(OKTA_FIXTURE);
    Object.assign(user(doc, '00umeganxAq1x'), { entitlements: 'license-pro, profile-sales', roles: 'role-admin' });
    const { result, exchanges } = await harness(server.url, server.token, 'okta-oig').cycle(doc);
    expect(result.status).not.toBe('stopped');
    const create = exchanges.find((x) => x.request.method === 'POST' && (x.request.body ?? '').includes('megan.bowen'))!;
    const sent = JSON.parse(create.request.body!) as Json;
    expect(sent.entitlements).toEqual([{ value: 'license-pro' }, { value: 'profile-sales' }]);
    expect(sent.roles).toEqual([{ value: 'role-admin' }]);
    const stored = (await (await fetch(`${server.url}/Users/${(create.response!.json as Json).id}`, { headers: { authorization: `Bearer ${server.token}` } })).json()) as Json;
    expect(stored.entitlements.map((e: Json) => e.value)).toEqual(['license-pro', 'profile-sales']);
    // Users without grants are created as the okta dialect creates them.
    const other = exchanges.find((x) => x.request.method === 'POST' && (x.request.body ?? '').includes('adele.vance'))!;
    expect(JSON.parse(other.request.body!).entitlements).toBeUndefined();
  });
});
