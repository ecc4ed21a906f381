// Entra provisioning cycles against the reference server over real HTTP: the initial cycle, an
// edited directory, hard and soft deletes, a stale cached id, escrow and quarantine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { body, ENT, ENTRA_FIXTURE, fixture, group, groupsByName, harness, ids, lines, user, usersByName, type Json } from './helpers.ts';

let server: RunningServer;
afterEach(async () => {
  await server?.close();
});

const PROVISIONED = [
  'megan.bowen@contoso.example',
  'adele.vance@contoso.example',
  'alex.wilber@contoso.example',
  'diego.siciliani@contoso.example',
  'lynne.robbins@contoso.example',
  'isaiah.langer@contoso.example',
  'lee.gu@contoso.example',
  'nestor.wilke@contoso.example',
  'patti.fernandez@contoso.example',
  'prince@contoso.example',
];

describe('Entra: initial cycle', () => {
  beforeEach(async () => {
    server = await startServer({ port: 0 });
  });

  it('creates exactly the assigned, in-scope users and groups with the mapped attributes, in Entra\'s order', async () => {
    const h = harness(server.url, server.token, 'entra');
    const { result, exchanges } = await h.cycle(fixture(ENTRA_FIXTURE));
    expect(result.status).toBe('ok');
    const seq = lines(exchanges, server.url, ids(h));
    // Probe, then match-then-create per user in directory order, then manager links, then groups.
    expect(seq[0]).toMatch(/^GET \/Users\?filter=userName eq "[0-9a-f-]{36}"$/);
    const userSteps = PROVISIONED.flatMap((name) => [`GET /Users?filter=userName eq "${name}"`, 'POST /Users']);
    expect(seq.slice(1, 1 + userSteps.length)).toEqual(userSteps);
    const managerSteps = ['u-adele', 'u-alex', 'u-diego', 'u-lynne', 'u-isaiah', 'u-lee', 'u-nestor', 'u-patti', 'u-prince'].map((id) => `PATCH /Users/{${id}}`);
    expect(seq.slice(1 + userSteps.length, 1 + userSteps.length + managerSteps.length)).toEqual(managerSteps);
    const groupSeq = seq.slice(1 + userSteps.length + managerSteps.length).map((l) => l.replace(/\/Groups\/[0-9a-f-]{36}/, '/Groups/{id}'));
    expect(groupSeq).toEqual(
      ['Engineering', 'Sales', 'Leadership'].flatMap((name) => [`GET /Groups?excludedAttributes=members&filter=displayName eq "${name}"`, 'POST /Groups', 'PATCH /Groups/{id}']),
    );
    expect(seq).toHaveLength(1 + 20 + 9 + 9);

    // Entra's bodies: the create carries meta and roles:[], the manager is a bare id string.
    const create = body(exchanges[2]!);
    expect(create).toMatchObject({ userName: 'megan.bowen@contoso.example', active: true, meta: { resourceType: 'User' }, roles: [], name: { givenName: 'Megan', familyName: 'Bowen' } });
    const setManager = body(exchanges[21]!);
    expect(setManager.Operations).toEqual([{ op: 'Add', path: `${ENT}:manager`, value: h.state.user('u-megan')!.targetId }]);
    const groupCreate = exchanges.find((x) => x.request.method === 'POST' && x.request.url.endsWith('/Groups'))!;
    expect(body(groupCreate)).toMatchObject({ displayName: 'Engineering', externalId: 'g-engineering' });
    expect(body(groupCreate).members).toBeUndefined();

    // End state on the server.
    const users = await usersByName(server.url, server.token);
    expect([...users.keys()].sort()).toEqual([...PROVISIONED].sort());
    const alex = users.get('alex.wilber@contoso.example')!;
    expect(alex).toMatchObject({ title: 'Senior Software Engineer', externalId: 'alex.wilber', displayName: 'Alex Wilber', emails: [{ value: 'alex.wilber@contoso.example', type: 'work', primary: true }] });
    expect(alex[ENT]).toMatchObject({ department: 'Engineering', employeeNumber: 'E1002', manager: { value: users.get('adele.vance@contoso.example')!.id } });
    expect(alex.locale).toBeUndefined(); // mapped "never"
    const groups = await groupsByName(server.url, server.token);
    expect([...groups.keys()].sort()).toEqual(['Engineering', 'Leadership', 'Sales']);
    const memberNames = (g: Json) => (g.members as Json[]).map((m) => [...users.values()].find((u) => u.id === m.value)!.userName).sort();
    // Grady (disabled) and Johanna (out of scope) are Engineering members in the directory, but never provisioned.
    expect(memberNames(groups.get('Engineering')!)).toEqual(['adele.vance@contoso.example', 'alex.wilber@contoso.example', 'diego.siciliani@contoso.example', 'lynne.robbins@contoso.example']);

    // Why the others did not arrive.
    const skipped = Object.fromEntries(result.results.filter((r) => r.outcome === 'skipped').map((r) => [r.id, r.reason]));
    expect(skipped['u-johanna']).toMatch(/out of scope \(Employees only: department NOT EQUALS "Contractors" is false\)/);
    expect(skipped['u-grady']).toMatch(/accountEnabled is false/);
    expect(skipped['u-printer']).toMatch(/not assigned/);
  });

  it('sends only the probe when nothing changed', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    const { result, exchanges } = await h.cycle(doc);
    expect(result.status).toBe('ok');
    expect(exchanges).toHaveLength(1);
    // Ten provisioned users, and three skipped ones that are not logged again until they change.
    expect(result.counts.unchanged).toBe(13);
    expect(result.results).toHaveLength(1);
  });
});

describe('Entra: editing the directory', () => {
  beforeEach(async () => {
    server = await startServer({ port: 0 });
  });

  it('rename, disable, unassign, move a member and change a manager produce exactly Entra\'s requests', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    const groupIds = Object.fromEntries(Object.entries(h.state.state.groups).map(([id, g]) => [id, g.targetId]));

    user(doc, 'u-alex').surname = 'Wilber-Kim';
    user(doc, 'u-alex').displayName = 'Alex Wilber-Kim';
    user(doc, 'u-lynne').accountEnabled = false;
    doc.app.assignments.users = doc.app.assignments.users.filter((id: string) => id !== 'u-patti');
    group(doc, 'g-sales').members = ['u-isaiah', 'u-lee'];
    group(doc, 'g-engineering').members.push('u-nestor');
    group(doc, 'g-sales').displayName = 'Revenue';
    user(doc, 'u-lee').manager = 'u-megan';

    const { result, exchanges } = await h.cycle(doc);
    expect(result.status).toBe('ok');
    const seq = lines(exchanges, server.url, { ...ids(h), ...groupIds });
    expect(seq.slice(1)).toEqual([
      'GET /Users/{u-alex}',
      'PATCH /Users/{u-alex}',
      'PATCH /Users/{u-lynne}',
      'PATCH /Users/{u-patti}',
      'PATCH /Users/{u-lee}',
      'PATCH /Groups/{g-engineering}',
      'PATCH /Groups/{g-sales}',
      'PATCH /Groups/{g-sales}',
    ]);
    const ops = exchanges.slice(1).map((x) => (x.request.method === 'PATCH' ? body(x).Operations : null));
    expect(ops[1]).toEqual([
      { op: 'Replace', path: 'name.familyName', value: 'Wilber-Kim' },
      { op: 'Replace', path: 'displayName', value: 'Alex Wilber-Kim' },
    ]);
    expect(ops[2]).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(ops[3]).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(ops[4]).toEqual([{ op: 'Replace', path: `${ENT}:manager`, value: h.state.user('u-megan')!.targetId }]);
    expect(ops[5]).toEqual([{ op: 'Add', path: 'members', value: [{ $ref: null, value: h.state.user('u-nestor')!.targetId }] }]);
    expect(ops[6]).toEqual([{ op: 'Replace', path: 'displayName', value: 'Revenue' }]);
    expect(ops[7]).toEqual([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: h.state.user('u-nestor')!.targetId }] }]);

    const users = await usersByName(server.url, server.token);
    expect(users.get('alex.wilber@contoso.example')!.name.familyName).toBe('Wilber-Kim');
    expect(users.get('lynne.robbins@contoso.example')!.active).toBe(false);
    expect(users.get('patti.fernandez@contoso.example')!.active).toBe(false);
    expect(users.get('lee.gu@contoso.example')![ENT].manager.value).toBe(users.get('megan.bowen@contoso.example')!.id);
    const groups = await groupsByName(server.url, server.token);
    expect(groups.has('Sales')).toBe(false);
    expect((groups.get('Revenue')!.members as Json[]).map((m) => m.value).sort()).toEqual([h.state.user('u-isaiah')!.targetId, h.state.user('u-lee')!.targetId].sort());
    expect((groups.get('Engineering')!.members as Json[]).map((m) => m.value)).toContain(h.state.user('u-nestor')!.targetId);

    // Re-assigning Patti re-enables her with a PATCH, never a second POST.
    doc.app.assignments.users.push('u-patti');
    const again = await h.cycle(doc);
    expect(lines(again.exchanges, server.url, ids(h)).slice(1)).toEqual(['PATCH /Users/{u-patti}']);
    expect(body(again.exchanges[1]!).Operations).toEqual([{ op: 'Replace', path: 'active', value: 'True' }]);
    expect(again.result.results.find((r) => r.id === 'u-patti')!.action).toBe('enable');
  });

  it('"on create only" attributes are not pushed again; the compliant dialect groups changes into one path-less replace', async () => {
    const h = harness(server.url, server.token, 'entra-compliant');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    user(doc, 'u-diego').employeeId = 'CHANGED';
    user(doc, 'u-diego').jobTitle = 'Staff Engineer';
    user(doc, 'u-diego').department = 'Platform';
    const { exchanges } = await h.cycle(doc);
    expect(lines(exchanges, server.url, ids(h)).slice(1)).toEqual(['GET /Users/{u-diego}', 'PATCH /Users/{u-diego}']);
    expect(body(exchanges[2]!).Operations).toEqual([{ op: 'replace', value: { title: 'Staff Engineer', [`${ENT}:department`]: 'Platform' } }]);
    const diego = (await usersByName(server.url, server.token)).get('diego.siciliani@contoso.example')!;
    expect(diego[ENT]).toMatchObject({ department: 'Platform', employeeNumber: 'E1003' });
  });

  it('hard delete sends DELETE; soft delete disables; a user deleted in the app is matched again and re-created', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    const diegoId = h.state.user('u-diego')!.targetId;
    doc.users = doc.users.filter((u: Json) => u.id !== 'u-diego');
    for (const g of doc.groups) g.members = g.members.filter((m: string) => m !== 'u-diego');
    user(doc, 'u-alex').deleted = true;
    const engineering = h.state.group('g-engineering')!.targetId;
    const alexId = h.state.user('u-alex')!.targetId;
    const { exchanges } = await h.cycle(doc);
    // Alex, soft-deleted, leaves his groups in Entra, so Entra removes the membership too; Diego's
    // DELETE takes his memberships with him (no request for them). Users gone from the directory go
    // first (a successor under the same name must not be linked to them).
    expect(lines(exchanges, server.url, { ...ids(h), 'u-diego': diegoId, eng: engineering }).slice(1)).toEqual(['DELETE /Users/{u-diego}', 'PATCH /Users/{u-alex}', 'PATCH /Groups/{eng}']);
    expect(body(exchanges[3]!).Operations).toEqual([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: alexId }] }]);
    const users = await usersByName(server.url, server.token);
    expect(users.has('diego.siciliani@contoso.example')).toBe(false);
    expect(users.get('alex.wilber@contoso.example')!.active).toBe(false);

    // Someone deletes Lee in the app; the next change to Lee finds the cached id gone.
    const leeId = h.state.user('u-lee')!.targetId;
    await fetch(`${server.url}/Users/${leeId}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } });
    user(doc, 'u-lee').jobTitle = 'Senior Account Executive';
    const third = await h.cycle(doc);
    expect(lines(third.exchanges, server.url, { 'u-lee': leeId }).slice(1, 4)).toEqual(['GET /Users/{u-lee}', 'GET /Users?filter=userName eq "lee.gu@contoso.example"', 'POST /Users']);
    expect(third.result.results.find((r) => r.id === 'u-lee' && r.objectType === 'user')).toMatchObject({ action: 'create', outcome: 'success' });
    expect((await usersByName(server.url, server.token)).get('lee.gu@contoso.example')!.title).toBe('Senior Account Executive');
  });

  it('a soft-deleted user restored is enabled, but its group memberships are not restored in the app until a restart', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    const alexId = h.state.user('u-alex')!.targetId;
    const members = async (): Promise<string[]> => ((await groupsByName(server.url, server.token)).get('Engineering')!.members ?? []).map((m: Json) => m.value as string);
    expect(await members()).toContain(alexId);
    user(doc, 'u-alex').deleted = true;
    await h.cycle(doc);
    expect(await members()).not.toContain(alexId);

    // Restored from the recycle bin: Entra re-activates the app user and nothing else (How provisioning works).
    user(doc, 'u-alex').deleted = false;
    const restored = await h.cycle(doc);
    expect(lines(restored.exchanges, server.url, ids(h)).slice(1)).toEqual(['PATCH /Users/{u-alex}']);
    expect(body(restored.exchanges[1]!).Operations).toEqual([{ op: 'Replace', path: 'active', value: 'True' }]);
    expect(await members()).not.toContain(alexId);
    expect((await h.cycle(doc)).exchanges.length).toBe(1);

    // A restart evaluates the group again and adds him back.
    h.state.restart(false);
    await h.cycle(doc);
    expect(await members()).toContain(alexId);
  });

  it('links an existing app user found by the matching filter instead of creating a twin', async () => {
    const existing = await fetch(`${server.url}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'megan.bowen@contoso.example', title: 'Founder', active: false, name: { givenName: 'Megan', familyName: 'Bowen' } }),
    });
    const existingId = ((await existing.json()) as Json).id as string;
    const h = harness(server.url, server.token, 'entra');
    const { result, exchanges } = await h.cycle(fixture(ENTRA_FIXTURE));
    expect(h.state.user('u-megan')!.targetId).toBe(existingId);
    expect(lines(exchanges, server.url, ids(h)).slice(1, 4)).toEqual(['GET /Users?filter=userName eq "megan.bowen@contoso.example"', 'PATCH /Users/{u-megan}', 'PATCH /Users/{u-megan}']);
    expect(result.results.find((r) => r.id === 'u-megan')).toMatchObject({ action: 'link', outcome: 'success' });
    // The app had no work email: Entra sets it with Add in the same PATCH as its Replaces.
    expect(body(exchanges[2]!).Operations).toContainEqual({ op: 'Add', path: 'emails[type eq "work"].value', value: 'megan.bowen@contoso.example' });
    expect(body(exchanges[2]!).Operations).toContainEqual({ op: 'Replace', path: 'title', value: 'Chief Executive Officer' });
    expect(body(exchanges[3]!).Operations).toEqual([{ op: 'Replace', path: 'active', value: 'True' }]);
    const megan = (await usersByName(server.url, server.token)).get('megan.bowen@contoso.example')!;
    expect(megan).toMatchObject({ title: 'Chief Executive Officer', active: true, emails: [{ value: 'megan.bowen@contoso.example' }] });
  });
});

describe('Entra: escrow and quarantine', () => {
  it('Pingboard rejects the user without a last name: a failed object with the server\'s message, escrowed and retried on Entra\'s back-off', async () => {
    server = await startServer({ port: 0, require: ['name.givenName', 'name.familyName'] });
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    const first = await h.cycle(doc);
    expect(first.result.status).toBe('failed');
    const prince = first.result.results.find((r) => r.id === 'u-prince' && r.objectType === 'user')!;
    expect(prince).toMatchObject({ action: 'create', outcome: 'failed', attempts: 1, error: { status: 400, scimType: 'invalidValue', message: 'name.familyName is required' } });
    expect(prince.impact).toMatch(/retries this user every cycle/);
    // E4: the first retry is 6 hours after the first failure.
    expect(prince.nextRetryAt).toBe('2026-01-05T15:00:00.000Z');
    expect(h.state.escrow('user:u-prince')).toMatchObject({ attempts: 1, lastError: { message: 'name.familyName is required' }, nextRetryAt: '2026-01-05T15:00:00.000Z' });
    // The manager link for Prince waits for Prince.
    expect(first.result.results.find((r) => r.id === 'u-prince' && r.objectType === 'manager')).toBeUndefined();

    // 40 minutes later: not due, so nothing is sent; the console still says why.
    h.clock.advance(40 * 60_000);
    const second = await h.cycle(doc);
    expect(lines(second.exchanges, server.url).slice(1)).toEqual([]);
    expect(second.result.results.find((r) => r.id === 'u-prince')).toMatchObject({ outcome: 'escrowed', reason: expect.stringMatching(/in escrow \(failed 1 time\(s\) since 2026-01-05T09:00:00.000Z: HTTP 400: name.familyName is required\); Entra retries it at 2026-01-05T15:00:00.000Z/) });

    // 6 hours after the failure the retry is due: match, create, refused again; next retry at +12 h.
    h.clock.set('2026-01-05T15:00:00Z');
    const third = await h.cycle(doc);
    expect(lines(third.exchanges, server.url).slice(1)).toEqual(['GET /Users?filter=userName eq "prince@contoso.example"', 'POST /Users']);
    expect(third.result.results.find((r) => r.id === 'u-prince')).toMatchObject({ outcome: 'failed', attempts: 2, nextRetryAt: '2026-01-05T21:00:00.000Z' });
    h.clock.set('2026-01-05T21:00:00Z');
    expect((await h.cycle(doc)).result.results.find((r) => r.id === 'u-prince')).toMatchObject({ attempts: 3, nextRetryAt: '2026-01-06T09:00:00.000Z' });
    h.clock.set('2026-01-06T09:00:00Z');
    expect((await h.cycle(doc)).result.results.find((r) => r.id === 'u-prince')).toMatchObject({ attempts: 4, nextRetryAt: '2026-01-07T09:00:00.000Z' });

    // A change to the user is retried at once, whatever the back-off says.
    user(doc, 'u-prince').surname = 'Nelson';
    const fixed = await h.cycle(doc);
    expect(fixed.result.status).toBe('ok');
    expect(lines(fixed.exchanges, server.url, ids(h)).slice(1)).toEqual(['GET /Users?filter=userName eq "prince@contoso.example"', 'POST /Users', 'PATCH /Users/{u-prince}']);
    expect(h.state.escrow('user:u-prince')).toBeUndefined();
  });

  it('an object failing for 28 days is dropped from escrow and the job is disabled until a restart', async () => {
    server = await startServer({ port: 0, require: ['name.familyName'] });
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    h.clock.advance(29 * 24 * 3_600_000);
    const late = await h.cycle(doc);
    expect(late.result.status).toBe('stopped');
    expect(late.result.stopReason).toMatch(/the job is disabled: prince@contoso.example has failed for 28 days/);
    expect(h.state.state.disabled).toBeDefined();
    expect(h.state.escrow('user:u-prince')).toBeUndefined();
    const off = await h.cycle(doc);
    expect(off.exchanges).toHaveLength(0);
    expect(off.result.stopReason).toMatch(/the job is disabled since .*restart provisioning to run it again/);
    h.state.restart(false);
    expect((await h.cycle(doc)).exchanges.length).toBeGreaterThan(0);
  });

  it('quarantines when failures pass the threshold, and leaves quarantine after a clean cycle', async () => {
    server = await startServer({ port: 0, require: ['name.familyName'] });
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    for (const id of ['u-megan', 'u-adele', 'u-alex', 'u-diego']) delete user(doc, id).surname;
    const thresholds = { ratio: 0.4, minFailures: 3, maxObjectFailures: 40_000, maxFailures: 60_000 };
    const { result, exchanges } = await h.cycle(doc, { thresholds });
    expect(result.status).toBe('stopped');
    expect(result.quarantine).toMatchObject({ reason: 'EncounteredEscrowProportionThreshold' });
    expect(result.stopReason).toMatch(/quarantined: 3 of 3 events failed \(100%, above 40% once 3 have failed\)/);
    // Stops at the threshold: the fourth user is never tried, no manager or group work.
    expect(exchanges).toHaveLength(1 + 3 * 2);
    expect(h.state.state.quarantine?.reason).toBe('EncounteredEscrowProportionThreshold');

    // The directory is fixed; the next cycle runs in full and leaves quarantine.
    const fixed = fixture(ENTRA_FIXTURE);
    const next = await h.cycle(fixed, { thresholds });
    // Prince still has no last name: one failure is far below the threshold.
    expect(next.result.status).toBe('failed');
    expect(next.result.counts.failed).toBe(1);
    expect(h.state.state.quarantine).toBeUndefined();
    expect(Object.keys(h.state.state.escrow)).toEqual(['user:u-prince']);
  });

  it('does not quarantine below the threshold (documented defaults need 5,000 failures)', async () => {
    server = await startServer({ port: 0, require: ['name.familyName'] });
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    for (const id of ['u-megan', 'u-adele', 'u-alex', 'u-diego']) delete user(doc, id).surname;
    const { result } = await h.cycle(doc);
    expect(result.status).toBe('failed');
    expect(result.counts.failed).toBe(5);
    expect(result.quarantine).toBeUndefined();
  });

  it('a 401 stops the cycle at once and quarantines the job; nothing is recorded as provisioned', async () => {
    server = await startServer({ port: 0 });
    const h = harness(server.url, server.token, 'entra');
    const { result, exchanges } = await h.cycle(fixture(ENTRA_FIXTURE), { token: 'wrong-token' });
    expect(result.status).toBe('stopped');
    expect(exchanges).toHaveLength(1);
    expect(result.quarantine).toMatchObject({ reason: 'EncounteredQuarantineException' });
    expect(result.stopReason).toMatch(/refused the credentials \(HTTP 401/);
    expect(h.state.state.users).toEqual({});
    const ok = await h.cycle(fixture(ENTRA_FIXTURE));
    expect(ok.result.status).toBe('ok');
    expect(h.state.state.quarantine).toBeUndefined();
  });
});

describe('Entra: provision on demand', () => {
  it('provisions one user and links its manager when the manager exists', async () => {
    server = await startServer({ port: 0 });
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    const first = await h.onDemand(doc, 'u-adele');
    expect(first.provisioned).toBe(true);
    expect(lines(first.all, server.url)).toEqual([expect.stringMatching(/^GET \/Users\?filter=userName eq "[0-9a-f-]{36}"$/), 'GET /Users?filter=userName eq "adele.vance@contoso.example"', 'POST /Users']);
    await h.onDemand(doc, 'megan.bowen@contoso.example');
    const again = await h.onDemand(doc, 'u-adele');
    expect(lines(again.all, server.url, ids(h)).slice(1)).toEqual(['GET /Users/{u-adele}', 'PATCH /Users/{u-adele}']);
    expect(body(again.all[2]!).Operations).toEqual([{ op: 'Add', path: `${ENT}:manager`, value: h.state.user('u-megan')!.targetId }]);
  });
});

describe('Entra: a new user who takes the sign-in name a renamed user gave up, in the same cycle', () => {
  it('is not linked to the renamed user\'s app account (two directory users writing one account); it fails with one line and is created at the retry', async () => {
    server = await startServer({ port: 0 });
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    const adele = user(doc, 'u-adele');
    const newcomer: Json = { id: 'u-adele-2', userPrincipalName: adele.userPrincipalName, givenName: 'Adele', surname: 'Vance-Two', department: 'Engineering', accountEnabled: true };
    adele.userPrincipalName = 'adele.renamed@contoso.example';
    adele.mail = adele.userPrincipalName;
    // First in the file: its match query runs before the rename is sent.
    doc.users.unshift(newcomer);
    doc.app.assignments.users.push(newcomer.id);
    const { result } = await h.cycle(doc);
    const adeleApp = h.state.user('u-adele')!.targetId;
    const line = result.results.find((r) => r.id === 'u-adele-2')!;
    expect(line).toMatchObject({ action: 'link', outcome: 'failed' });
    expect(line.error!.message).toBe(`the app user found by userName eq "adele.vance@contoso.example" (app id ${adeleApp}) is linked to another directory user, adele.renamed@contoso.example, so it is not linked again: an IdP keeps one directory user per app account`);
    expect(h.state.user('u-adele-2')).toBeUndefined();
    h.clock.advance(7 * 3_600_000);
    const retry = await h.cycle(doc);
    expect(retry.result.results.find((r) => r.id === 'u-adele-2')).toMatchObject({ action: 'create', outcome: 'success' });
    const users = await usersByName(server.url, server.token);
    expect(users.get('adele.vance@contoso.example')!.name.familyName).toBe('Vance-Two');
    expect(users.get('adele.renamed@contoso.example')!.id).toBe(adeleApp);
  });

  it('provision on demand of that user fails its match step the same way, and links nothing', async () => {
    server = await startServer({ port: 0 });
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    const adele = user(doc, 'u-adele');
    doc.users.push({ id: 'u-adele-2', userPrincipalName: adele.userPrincipalName, givenName: 'Adele', surname: 'Vance-Two', department: 'Engineering', accountEnabled: true });
    doc.app.assignments.users.push('u-adele-2');
    adele.userPrincipalName = 'adele.renamed@contoso.example';
    adele.mail = adele.userPrincipalName;
    // The rename has not been sent yet: the app still has Adele under her old name.
    const out = await h.onDemand(doc, 'u-adele-2');
    expect(out.provisioned).toBe(false);
    expect(out.result.steps![3]).toMatchObject({ name: 'Match user between source and target', outcome: 'failed', reason: expect.stringContaining('is linked to another directory user, adele.renamed@contoso.example, so it is not linked again') });
    expect(h.state.user('u-adele-2')).toBeUndefined();
    expect(out.all.filter((x) => x.request.method !== 'GET')).toEqual([]);
  });
});
