// Found against BoxyHQ Jackson's Directory Sync (docs/notes/third-party-jackson.md): it keeps group
// memberships apart and answers every group request with `members: []`. Its answer to Okta's
// membership PATCH then lacks every member, kept or just added, and the mock IdP blamed Okta's
// rename PATCH for emptying the group (the langwatch#7131 note) although nothing was emptied. An
// answer that does not show even the members the same push added tells nothing of the rename.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIndependentServer } from '../servers/independent/index.ts';
import { fixture, getAll, group, harness, OKTA_FIXTURE, oktaUserId, type Json } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startIndependentServer>>;
let server: Server;
beforeEach(async () => {
  server = await startIndependentServer({ membersShownEmpty: true });
});
afterEach(async () => {
  await server.close();
});


describe('Okta (OIN) against an app whose group answers always show members: []', () => {
  it('a member removed later: a success, with no claim that the rename emptied the group', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    // The app answers with no members, as Jackson does.
    const shown = (await getAll(server.url, server.token, 'Groups')).find((g) => g.displayName === 'Engineering')!;
    expect(shown.members).toEqual([]);
    const eng = group(doc, '00g-engineering');
    expect(Object.keys(h.state.group('00g-engineering')!.members).length).toBeGreaterThan(1);
    eng.members = eng.members.filter((m: string) => m !== oktaUserId(doc, 'adele'));
    const { result } = await h.cycle(doc);
    const line = result.results.find((r) => r.id === '00g-engineering')!;
    expect(line).toMatchObject({ action: 'update-members', outcome: 'success', reason: '1 member(s) to remove' });
  });

  it('a member added later: the answer lacks even that member, so nothing is said of the rename', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    group(doc, '00g-engineering').members.push(oktaUserId(doc, 'nestor'));
    const { result } = await h.cycle(doc);
    const line = result.results.find((r) => r.id === '00g-engineering')!;
    expect(line).toMatchObject({ action: 'update-members', outcome: 'success', reason: '1 member(s) to add' });
  });
});
