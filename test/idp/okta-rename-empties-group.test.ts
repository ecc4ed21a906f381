// A real bug (langwatch#7131): the app treats Okta's rename, a path-less replace carrying only id and
// displayName (OKTA-2.8), as a replace of the whole group and empties it. Okta records the push as a
// success and never reads the group back; the mock IdP does the same requests but says what the app's
// answer shows, so a developer is not told "updated" alone while the group lost its members.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';
import { fixture, group, groupsByName, harness, OKTA_FIXTURE, oktaUserId, type Json } from './helpers.ts';

let server: FaultyServer;
beforeEach(async () => {
  server = await startFaultyServer('group-pathless-replace-clears-members');
});
afterEach(async () => {
  await server.close();
});


describe('Okta (OIN) against an app whose rename empties the group', () => {
  it('a member added after the first push: the rename PATCH empties the group, and the result says so', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const nestor = oktaUserId(doc, 'nestor');
    const before = Object.values(h.state.group('00g-engineering')!.members);
    expect(before.length).toBeGreaterThan(0);
    group(doc, '00g-engineering').members.push(nestor);
    const { result } = await h.cycle(doc);
    // What the app did: only the newly added member is left.
    const eng = (await groupsByName(server.url, server.token)).get('Engineering')!;
    expect((eng.members as Json[]).map((m) => m.value)).toEqual([h.state.group('00g-engineering')!.members[nestor]]);
    // As Okta: a success, but the reason names the members the app's answer lacks and the rule.
    const line = result.results.find((r) => r.id === '00g-engineering')!;
    expect(line).toMatchObject({ action: 'update-members', outcome: 'success' });
    expect(line.reason).toContain(`without ${before.length} of the ${before.length} member(s) no request removed`);
    expect(line.reason).toContain('RFC 7644 §3.5.2.3');
    for (const tid of before) expect(line.reason).toContain(tid);
  });

  it('a group whose members did not change says nothing more', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const { result } = await h.cycle(doc);
    expect(result.results.filter((r) => r.objectType === 'group' && /rename PATCH/.test(r.reason))).toEqual([]);
  });
});

describe('Okta (OIN) against a correct app', () => {
  it('the same member added: the members stay, and the result says nothing more', async () => {
    const clean = await startServer({ port: 0 });
    try {
      const h = harness(clean.url, clean.token, 'okta');
      const doc = fixture(OKTA_FIXTURE);
      await h.cycle(doc);
      group(doc, '00g-engineering').members.push(oktaUserId(doc, 'nestor'));
      const { result } = await h.cycle(doc);
      const line = result.results.find((r) => r.id === '00g-engineering')!;
      expect(line).toMatchObject({ action: 'update-members', outcome: 'success', reason: '1 member(s) to add' });
    } finally {
      await clean.close();
    }
  });
});
