// The reproduced divergences of the mock IdP from Entra and Okta (issue 14), each with the
// corrected request sequence over real HTTP against the reference server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { body, ENT, ENTRA_FIXTURE, fixture, group, harness, ids, lines, OKTA_FIXTURE, oktaUserId, user, usersByName, type Json } from './helpers.ts';

let server: RunningServer;
beforeEach(async () => {
  server = await startServer({ port: 0 });
});
afterEach(async () => {
  await server.close();
});


describe('Entra', () => {
  it('1. an unassigned user is disabled, and deleting it later sends no DELETE (Entra no longer manages it)', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    const patti = h.state.user('u-patti')!.targetId;
    doc.app.assignments.users = doc.app.assignments.users.filter((id: string) => id !== 'u-patti');
    const unassigned = await h.cycle(doc);
    expect(lines(unassigned.exchanges, server.url, ids(h)).slice(1)).toEqual(['PATCH /Users/{u-patti}']);
    expect(unassigned.result.results.find((r) => r.id === 'u-patti')!.reason).toMatch(/not assigned.*Entra stops managing the user: a later delete in Entra sends nothing/);

    doc.users = doc.users.filter((u: Json) => u.id !== 'u-patti');
    for (const g of doc.groups) g.members = g.members.filter((m: string) => m !== 'u-patti');
    const deleted = await h.cycle(doc);
    expect(deleted.exchanges.map((x) => x.request.method)).toEqual(['GET']); // the probe only
    expect(deleted.result.results.find((r) => r.id === 'u-patti')).toMatchObject({ action: 'forget', outcome: 'skipped', reason: expect.stringMatching(/sends no DELETE/) });
    expect((await usersByName(server.url, server.token)).get('patti.fernandez@contoso.example')).toMatchObject({ id: patti, active: false });

    // A user disabled in Entra (still assigned) is still managed: its hard delete is a DELETE.
    user(doc, 'u-lee').accountEnabled = false;
    await h.cycle(doc);
    const lee = h.state.user('u-lee')!.targetId;
    doc.users = doc.users.filter((u: Json) => u.id !== 'u-lee');
    for (const g of doc.groups) g.members = g.members.filter((m: string) => m !== 'u-lee');
    const gone = await h.cycle(doc);
    expect(lines(gone.exchanges, server.url, { lee }).slice(1)).toContain('DELETE /Users/{lee}');
  });

  it('4. name.formatted comes from the Join mapping and follows a rename', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    doc.app.mappings.push({ expression: 'Join(" ", [givenName], [surname])', target: 'name.formatted' });
    await h.cycle(doc);
    const created = await usersByName(server.url, server.token);
    expect(created.get('alex.wilber@contoso.example')!.name.formatted).toBe('Alex Wilber');
    // Join skips an empty value: Prince has no surname.
    expect(created.get('prince@contoso.example')!.name).toEqual({ formatted: 'Prince', givenName: 'Prince' });

    user(doc, 'u-alex').surname = 'Wilber-Kim';
    const renamed = await h.cycle(doc);
    expect(body(renamed.exchanges[2]!).Operations).toEqual([
      { op: 'Replace', path: 'name.familyName', value: 'Wilber-Kim' },
      { op: 'Replace', path: 'name.formatted', value: 'Alex Wilber-Kim' },
    ]);
    expect(renamed.result.results.find((r) => r.id === 'u-alex')!.changes).toEqual([
      { path: 'name.familyName', old: 'Wilber', new: 'Wilber-Kim', sent: true },
      { path: 'name.formatted', old: 'Alex Wilber', new: 'Alex Wilber-Kim', sent: true },
    ]);
    expect((await usersByName(server.url, server.token)).get('alex.wilber@contoso.example')!.name.formatted).toBe('Alex Wilber-Kim');

    // Without the mapping, no formatted name is invented.
    const plain = harness(server.url, server.token, 'entra');
    const other = fixture(ENTRA_FIXTURE);
    other.users = other.users.map((u: Json) => ({ ...u, userPrincipalName: u.userPrincipalName.replace('@', '.2@') }));
    const { exchanges } = await plain.cycle(other);
    expect(body(exchanges.find((x) => x.request.method === 'POST')!).name).toEqual({ givenName: 'Megan', familyName: 'Bowen' });
  });

  it('6. clearing a surname: Entra sends nothing (no nulls) and says so; the outcome is not a pass', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    delete user(doc, 'u-alex').surname;
    const { result, exchanges } = await h.cycle(doc);
    expect(lines(exchanges, server.url, ids(h)).slice(1)).toEqual(['GET /Users/{u-alex}']);
    const alex = result.results.find((r) => r.id === 'u-alex')!;
    expect(alex).toMatchObject({ action: 'update', outcome: 'skipped' });
    expect(alex.reason).toMatch(/name\.familyName is empty in the directory, but Entra never sends a null, so the app keeps "Wilber"/);
    expect(alex.changes).toEqual([{ path: 'name.familyName', old: 'Wilber', sent: false, note: expect.stringMatching(/Null attribute can't be provisioned/) }]);
    expect((await usersByName(server.url, server.token)).get('alex.wilber@contoso.example')!.name.familyName).toBe('Wilber');
  });

  it('6. a 401 at the probe is logged as a failed test connection, not a skip', async () => {
    const h = harness(server.url, server.token, 'entra');
    const { result } = await h.cycle(fixture(ENTRA_FIXTURE), { token: 'wrong' });
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ objectType: 'job', action: 'test-connection', outcome: 'failed', error: { status: 401, code: 'Unauthorized' } });
  });

  it('7. a manager out of scope when the user is provisioned is linked only after a restart (at once with relink at-once)', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    // Lynne reports to Johanna, a contractor the scoping filter keeps out.
    user(doc, 'u-lynne').manager = 'u-johanna';
    const first = await h.cycle(doc);
    expect(first.result.results.find((r) => r.id === 'u-lynne' && r.objectType === 'manager')).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/johanna.*not provisioned.*only after a restart/) });
    // Johanna comes into scope and is created; Lynne's link is not written.
    user(doc, 'u-johanna').department = 'Engineering';
    const second = await h.cycle(doc);
    const seq = lines(second.exchanges, server.url, ids(h)).slice(1);
    expect(seq.filter((l) => l.startsWith('PATCH /Users/{u-lynne}'))).toEqual([]);
    expect(seq).toContain('POST /Users');
    // Restart provisioning: the next cycle re-evaluates every user and writes the link.
    h.state.restart(false);
    const third = await h.cycle(doc);
    const patch = third.exchanges.find((x) => x.request.method === 'PATCH' && x.request.url.endsWith(h.state.user('u-lynne')!.targetId) && body(x).Operations[0].path === `${ENT}:manager`)!;
    expect(body(patch).Operations).toEqual([{ op: 'Add', path: `${ENT}:manager`, value: h.state.user('u-johanna')!.targetId }]);
    expect(third.result.restartReason).toBeUndefined(); // restarted by hand, outside the cycle

    // The same story with relink at-once: the link follows as soon as the manager exists.
    const eager = harness(server.url, server.token, 'entra');
    const other = fixture(ENTRA_FIXTURE);
    other.users = other.users.map((u: Json) => ({ ...u, userPrincipalName: u.userPrincipalName.replace('@', '.eager@') }));
    user(other, 'u-lynne').manager = 'u-johanna';
    await eager.cycle(other, { behaviour: { relinkReferences: 'at-once' } });
    user(other, 'u-johanna').department = 'Engineering';
    const linked = await eager.cycle(other, { behaviour: { relinkReferences: 'at-once' } });
    expect(linked.result.results.find((r) => r.id === 'u-lynne' && r.objectType === 'manager')).toMatchObject({ action: 'set-manager', outcome: 'success' });
  });

  it('7. a group member out of scope when the group was provisioned is added only after a restart', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    const eng = h.state.group('g-engineering')!;
    expect(eng.pendingMembers).toEqual(['u-grady', 'u-johanna']);
    user(doc, 'u-johanna').department = 'Engineering';
    const second = await h.cycle(doc);
    expect(lines(second.exchanges, server.url, ids(h)).slice(1)).toEqual(['GET /Users?filter=userName eq "johanna.lorenz@contoso.example"', 'POST /Users', 'PATCH /Users/{u-johanna}']);
    h.state.restart(false);
    const third = await h.cycle(doc);
    const add = third.exchanges.find((x) => x.request.url.endsWith(eng.targetId))!;
    expect(body(add).Operations).toEqual([{ op: 'Add', path: 'members', value: [{ $ref: null, value: h.state.user('u-johanna')!.targetId }] }]);
  });

  it('a changed mapping starts an initial cycle: escrows cleared, every user read again and compared', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    doc.app.mappings.push({ expression: 'Join(" ", [givenName], [surname])', target: 'name.formatted' });
    const { result, exchanges } = await h.cycle(doc);
    expect(result.restartReason).toMatch(/mappings or scoping filters changed/);
    expect(exchanges.filter((x) => x.request.method === 'GET' && /\/Users\/[0-9a-f-]{36}$/.test(x.request.url))).toHaveLength(10);
    expect(result.counts.updated).toBe(10);
  });
});

describe('Okta', () => {
  it('5. a user whose only assignment was the pushed group, removed from it: deactivated and removed from the group', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const nestor = oktaUserId(doc, 'nestor');
    const nestorApp = h.state.user(nestor)!.targetId;
    const sales = h.state.group('00g-sales')!.targetId;
    group(doc, '00g-sales').members = group(doc, '00g-sales').members.filter((m: string) => m !== nestor);
    const { exchanges, result } = await h.cycle(doc);
    expect(lines(exchanges, server.url, { nestor: nestorApp, sales })).toEqual(['PATCH /Users/{nestor}', 'PATCH /Groups/{sales}', 'PATCH /Groups/{sales}']);
    expect(body(exchanges[0]!).Operations).toEqual([{ op: 'replace', value: { active: false } }]);
    expect(body(exchanges[2]!).Operations).toEqual([{ op: 'remove', path: `members[value eq "${nestorApp}"]` }]);
    expect(result.results.find((r) => r.id === nestor)!.reason).toMatch(/not assigned/);
    const salesGroup = (await (await fetch(`${server.url}/Groups/${sales}`, { headers: { authorization: `Bearer ${server.token}` } })).json()) as Json;
    expect((salesGroup.members as Json[]).map((m) => m.value)).not.toContain(nestorApp);
  });

  it('7. a failed object goes to the admin task list: not retried each cycle, retried when the admin asks or it changes', async () => {
    await server.close();
    server = await startServer({ port: 0, require: ['name.familyName'] });
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    const prince = oktaUserId(doc, 'prince');
    const first = await h.cycle(doc);
    expect(first.result.results.find((r) => r.id === prince)).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(first.result.results.find((r) => r.id === prince)!.nextRetryAt).toBeUndefined();
    expect(h.state.escrow(`user:${prince}`)).toMatchObject({ task: true });
    h.clock.advance(7 * 24 * 3_600_000);
    const later = await h.cycle(doc);
    expect(later.exchanges).toHaveLength(0);
    expect(later.result.results.find((r) => r.id === prince)).toMatchObject({ outcome: 'escrowed', reason: expect.stringMatching(/admin task list.*scimproof idp tasks --retry/) });
    h.state.setEscrow(`user:${prince}`, { ...h.state.escrow(`user:${prince}`)!, retryRequested: true });
    const retried = await h.cycle(doc);
    expect(lines(retried.exchanges, server.url)).toEqual(['GET /Users?filter=userName eq "prince@fabrikam.example"&startIndex=1&count=100', 'POST /Users']);
    expect(retried.result.results.find((r) => r.id === prince)).toMatchObject({ outcome: 'failed', attempts: 2 });
  });

  it("three update modes: create and update, create only (not pushed again), do not map (never sent)", async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    doc.app.mappings = doc.app.mappings.map((m: Json) => (m.target === 'title' ? { ...m, apply: 'create only' } : m.target === 'displayName' ? { ...m, apply: 'create and update' } : m));
    await h.cycle(doc);
    const lee = oktaUserId(doc, 'lee');
    user(doc, lee).title = 'Senior Account Executive';
    user(doc, lee).displayName = 'Lee Gu (Sales)';
    user(doc, lee).locale = 'fr-FR';
    const { exchanges } = await h.cycle(doc);
    const put = body(exchanges.find((x) => x.request.method === 'PUT')!);
    expect(put.displayName).toBe('Lee Gu (Sales)');
    expect(put.title).toBe('Account Executive'); // create only: the app keeps the first value
    expect(put.locale).toBeUndefined(); // do not map
  });
});
