// Now() and RandomString(), as Learn documents them ("Reference for writing expressions for
// attribute mappings"): Now is "the current UTC DateTime in the format M/d/yyyy h:mm:ss tt";
// RandomString(Length, MinimumNumbers, MinimumSpecialCharacters, MinimumCapital, MinimumLowerCase,
// CharactersToAvoid). Customers map RandomString to an initial password and Now to a timestamp,
// usually "only during object creation". Evaluated on the cycle's clock and a seeded random, so a
// replayed cycle sends the same values; Entra evaluates a user again only when it changes, so an
// "always" Now() goes out with another change, never on its own every cycle. Real HTTP: the
// reference server and SCIMMY.
import { describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { compileExpression, evaluateExpression } from '../../src/idp/expression.ts';
import { startServer } from '../../src/server/index.ts';
import { startProxy } from '../support/proxy.ts';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { closeAfterEach, harness, type Json } from './helpers.ts';

const closing = closeAfterEach();

const doc = (): Json => ({
  source: 'entra',
  users: [
    { id: 'u1', userPrincipalName: 'ann@contoso.example', givenName: 'Ann', surname: 'Lee', jobTitle: 'Engineer' },
    { id: 'u2', userPrincipalName: 'bob@contoso.example', givenName: 'Bob', surname: 'Ray', jobTitle: 'Designer' },
  ],
  app: {
    scope: 'all',
    provisionGroups: false,
    mappings: [
      { source: 'userPrincipalName', target: 'userName', matching: true },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
      { source: 'jobTitle', target: 'title' },
      { expression: 'RandomString(12, 2, 2, 2, 2, "?,")', target: 'password', apply: 'on create only' },
      { expression: 'Now()', target: 'nickName' },
    ],
  },
});

/**
 * The app behind a proxy that keeps every body as it arrived: the recorder redacts a password in
 * the IdP's own record, so what the app received is read here.
 */
async function behindProxy(app: { url: string; token: string; close(): Promise<unknown> }) {
  const received: { method: string; body: Json }[] = [];
  const proxy = await startProxy(app.url, app.token, {
    onRequest(ctx) {
      if (ctx.received.body) received.push({ method: ctx.received.method, body: JSON.parse(ctx.received.body) as Json });
    },
  });
  return { url: proxy.url, token: app.token, received, close: async () => { await proxy.close(); await app.close(); } };
}

const SERVERS = REFERENCE_AND_SCIMMY;

describe.each(SERVERS)('Now() and RandomString() against %s', (_name, start) => {
  it('are evaluated on the cycle clock and a seeded random; an "always" Now() goes out only with another change', async () => {
    const server = closing(await behindProxy(await start()));
    const h = harness(server.url, server.token, 'entra');
    await h.cycle(doc());
    const sent = (method: string): Json[] => server.received.splice(0).filter((r) => r.method === method).map((r) => r.body);
    const posts = sent('POST');
    expect(posts).toHaveLength(2);
    for (const p of posts) {
      // Learn's format, on the harness clock (2026-01-05T09:00:00Z).
      expect(p.nickName).toBe('1/5/2026 9:00:00 AM');
      const password = String(p.password);
      expect(password).toHaveLength(12);
      expect(password.replace(/[^0-9]/g, '').length).toBeGreaterThanOrEqual(2);
      expect(password.replace(/[^A-Z]/g, '').length).toBeGreaterThanOrEqual(2);
      expect(password.replace(/[^a-z]/g, '').length).toBeGreaterThanOrEqual(2);
      expect(password.replace(/[A-Za-z0-9]/g, '').length).toBeGreaterThanOrEqual(2);
      expect(password).not.toMatch(/[?,]/);
    }
    expect(posts[0]!.password).not.toBe(posts[1]!.password);

    // An hour later, nothing changed in the directory: nothing is sent (Entra's incremental cycle
    // evaluates changed users only), though Now() reads another time.
    h.clock.advance(3_600_000);
    const second = await h.cycle(doc());
    expect(second.exchanges.filter((x) => x.request.method !== 'GET')).toEqual([]);
    expect(server.received.splice(0)).toEqual([]);
    expect(second.result.counts.unchanged).toBe(2);

    // Ann changes job: her PATCH carries the title and the new Now(); the create-only password stays.
    h.clock.advance(3_600_000);
    const changed = doc();
    changed.users[0].jobTitle = 'Principal Engineer';
    await h.cycle(changed);
    const patches = sent('PATCH');
    expect(patches).toHaveLength(1);
    const ops = patches[0]!.Operations as Json[];
    expect(ops.map((o) => o.path).sort()).toEqual(['nickName', 'title']);
    expect(ops.find((o) => o.path === 'nickName')!.value).toBe('1/5/2026 11:00:00 AM');
    expect(JSON.stringify(patches[0])).not.toContain('password');
  });
});

describe('a replayed cycle', () => {
  it('sends the same RandomString() and Now() on the same clock; a new one at another time', async () => {
    const passwords: string[] = [];
    for (const at of ['2026-01-05T09:00:00Z', '2026-01-05T09:00:00Z', '2026-01-06T09:00:00Z']) {
      const server = closing(await behindProxy(await startServer({ port: 0 })));
      const h = harness(server.url, server.token, 'entra');
      h.clock.set(at);
      await h.cycle(doc());
      passwords.push(String(server.received.find((r) => r.method === 'POST')!.body.password));
    }
    expect(passwords[0]).toBe(passwords[1]);
    expect(passwords[2]).not.toBe(passwords[0]);
  });

  it('a RandomString() that cannot be made is refused when the file loads', () => {
    const bad = doc();
    bad.app.mappings[4].expression = 'RandomString(4, 2, 2, 2, 2)';
    expect(() => parseDirectory(JSON.stringify(bad), 'dir.json')).toThrow('dir.json#/app/mappings/4/expression: RandomString: Length (4) must be at least the minimums together (8) (at character 1)');
    bad.app.mappings[4].expression = 'RandomString(300, 0, 0, 0, 0)';
    expect(() => parseDirectory(JSON.stringify(bad), 'dir.json')).toThrow('RandomString: Length is at most 256 characters, got 300');
  });
});

describe("Learn's examples", () => {
  const run = (text: string, now: number, seed = 'u1|nickName'): string => String(evaluateExpression(compileExpression(text), () => undefined, seed, now));
  const at = Date.parse('2021-07-02T15:33:38Z');

  it('Now() is "7/2/2021 3:33:38 PM" at that UTC time', () => {
    expect(run('Now()', at)).toBe('7/2/2021 3:33:38 PM');
  });

  it('RandomString(6,3,0,0,3): 3 numbers and 3 lower-case letters; RandomString(10,2,2,2,1,"?,"): the minimums, without ? and ,', () => {
    for (let i = 0; i < 50; i++) {
      const one = run('RandomString(6,3,0,0,3)', at, `u${i}`);
      expect(one).toMatch(/^[0-9a-z]{6}$/);
      expect(one.replace(/[^0-9]/g, '')).toHaveLength(3);
      const two = run('RandomString(10,2,2,2,1,"?,")', at, `u${i}`);
      expect(two).toHaveLength(10);
      expect(two).not.toMatch(/[?,]/);
      expect(two.replace(/[^0-9]/g, '').length).toBeGreaterThanOrEqual(2);
      expect(two.replace(/[A-Za-z0-9]/g, '').length).toBeGreaterThanOrEqual(2);
      expect(two.replace(/[^A-Z]/g, '').length).toBeGreaterThanOrEqual(2);
      expect(two.replace(/[^a-z]/g, '').length).toBeGreaterThanOrEqual(1);
    }
  });
});
