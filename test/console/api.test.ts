// The console's admin API over real HTTP: a console on 127.0.0.1 over the reference server (which
// requires both names, so Prince fails as Pingboard makes him fail). Directory edits reach the
// file and the next cycle; a bad edit is a 400 and leaves the file as it was; cycles, on-demand
// runs and logs answer as documented; changes from other origins are refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleStartError, startConsole } from '../../src/console/server.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { startTestConsole, type TestConsole } from '../support/console.ts';
import { ENTRA_FIXTURE, fixture, getAll, OKTA_FIXTURE, usersByName, type Json } from '../idp/helpers.ts';

let server: RunningServer;
let console_: TestConsole | undefined;

beforeEach(async () => {
  server = await startServer({ port: 0, require: ['name.givenName', 'name.familyName'] });
});
afterEach(async () => {
  await console_?.close();
  console_ = undefined;
  await server.close();
});

async function open(options: { doc?: Json; write?: boolean; dialect?: 'okta' } = {}): Promise<TestConsole> {
  console_ = await startTestConsole({ url: server.url, token: server.token, doc: options.doc ?? fixture(ENTRA_FIXTURE), ...(options.write !== undefined ? { write: options.write } : {}), ...(options.dialect ? { dialect: options.dialect } : {}) });
  return console_;
}

const fileDoc = (c: TestConsole): Json => JSON.parse(readFileSync(c.file, 'utf8')) as Json;

describe('admin API: directory', () => {
  it('lists users with assignment, scope and their state in the app; assigns and unassigns, written to the file', async () => {
    const c = await open();
    const before = await c.api('GET', '/api/directory');
    expect(before.status).toBe(200);
    const printer = (before.json.users as Json[]).find((u) => u.id === 'u-printer')!;
    expect(printer).toMatchObject({ assigned: false, assignment: 'Not assigned', inScope: false, app: { state: 'none' } });
    expect((before.json.users as Json[]).find((u) => u.id === 'u-johanna')!.scope).toContain('Employees only: department NOT EQUALS "Contractors" is false');

    const assigned = await c.api('POST', '/api/directory/users/u-printer/assign');
    expect(assigned).toEqual({ status: 200, json: { ok: true, message: 'assigned lobby-printer@contoso.example to the app' } });
    expect(fileDoc(c).app.assignments.users).toContain('u-printer');
    expect((await c.api('POST', '/api/directory/users/u-printer/assign')).status).toBe(409);

    const unassigned = await c.api('POST', '/api/directory/users/u-printer/unassign');
    expect(unassigned.status).toBe(200);
    expect(fileDoc(c).app.assignments.users).not.toContain('u-printer');
    // Adele is assigned through Engineering and Leadership only: the answer says how to unassign her.
    const viaGroup = await c.api('POST', '/api/directory/users/u-adele/unassign');
    expect(viaGroup.status).toBe(409);
    expect(viaGroup.json.error).toBe('adele.vance@contoso.example is assigned through the groups Engineering, Leadership, not directly: unassign the group or remove the user from it');
  });

  it("assigns with an Entra app role (Select a role): the file gets the role, the Users page shows it, the next cycle sends it", async () => {
    const doc = fixture(ENTRA_FIXTURE);
    doc.app.appRoles = [{ value: 'Admin', displayName: 'Administrator' }];
    doc.app.mappings.push({ expression: 'AssertiveAppRoleAssignmentsComplex([appRoleAssignments])', target: 'roles' });
    const c = await open({ doc });
    const assigned = await c.api('POST', '/api/directory/users/u-printer/assign', { role: 'Admin' });
    expect(assigned).toEqual({ status: 200, json: { ok: true, message: 'assigned lobby-printer@contoso.example to the app with the role Administrator' } });
    expect(fileDoc(c).app.appRoleAssignments).toEqual([{ principal: 'u-printer', role: 'Admin' }]);
    const users = (await c.api('GET', '/api/directory')).json.users as Json[];
    expect(users.find((u) => u.id === 'u-printer')!.roles).toBe('Administrator');
    expect(users.find((u) => u.id === 'u-megan')!.roles).toBe('Default Access');
    expect(await (await fetch(`${c.url}/directory`)).text()).toContain('Role: Administrator');
    expect((await c.api('POST', '/api/directory/users/u-alex/assign', { role: 'Owner' })).json.error).toBe('no app role has the value or id "Owner" (app.appRoles: "Admin")');
    expect((await c.api('POST', '/api/directory/users/u-printer/unassign', { role: 'Admin' })).json.error).toBe('only assign takes a role, not unassign');
    // In scope (the scoping filter reads the department) and accepted (the server requires both names).
    await c.api('PATCH', '/api/directory/users/u-printer', { givenName: 'Lobby', surname: 'Printer', department: 'Facilities' });
    await c.api('POST', '/api/provisioning/run?wait=true');
    const printer = (await usersByName(server.url, server.token)).get('lobby-printer@contoso.example');
    expect(printer?.roles).toEqual([{ primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Administrator', value: 'Admin' }]);
    // Unassigning drops the role with the assignment, so the file still loads.
    expect((await c.api('POST', '/api/directory/users/u-printer/unassign')).status).toBe(200);
    expect(fileDoc(c).app.appRoleAssignments).toEqual([]);
  });

  it('edits attributes, the manager and group members; keeps the rest of the file byte for byte', async () => {
    const c = await open();
    const original = readFileSync(c.file, 'utf8');
    expect((await c.api('PATCH', '/api/directory/users/u-alex', { jobTitle: 'Principal Engineer', mobile: '+1 425 555 0199' })).json.message).toBe('alex.wilber@contoso.example: jobTitle = "Principal Engineer", mobile = "+1 425 555 0199"');
    expect((await c.api('PUT', '/api/directory/users/u-alex/manager', { manager: 'u-megan' })).json.message).toBe('alex.wilber@contoso.example now reports to megan.bowen@contoso.example');
    expect((await c.api('POST', '/api/directory/users/u-grady/enable')).json.message).toBe('enabled grady.archie@contoso.example (accountEnabled true)');
    expect((await c.api('POST', '/api/directory/move-member', { user: 'u-lee', from: 'g-sales', to: 'g-engineering' })).json.message).toBe('moved lee.gu@contoso.example from Sales to Engineering');
    expect((await c.api('POST', '/api/directory/groups/g-all-staff/members', { remove: 'u-grady' })).json.message).toBe('removed grady.archie@contoso.example from All Staff');
    const doc = fileDoc(c);
    const alex = (doc.users as Json[]).find((u) => u.id === 'u-alex')!;
    expect(alex).toMatchObject({ jobTitle: 'Principal Engineer', mobile: '+1 425 555 0199', manager: 'u-megan' });
    expect((doc.groups as Json[]).find((g) => g.id === 'g-engineering')!.members.at(-1)).toBe('u-lee');
    // Everything not edited is as it was: same order, same indentation, same description.
    const changed = readFileSync(c.file, 'utf8').split('\n');
    const unchangedLines = original.split('\n').filter((line) => changed.includes(line));
    expect(unchangedLines.length).toBeGreaterThan(original.split('\n').length - 12);
    expect(readFileSync(c.file, 'utf8').startsWith('{\n  "$schema": "../../src/idp/directory.schema.json",\n  "name": "Contoso (Entra ID) → Pingboard",')).toBe(true);
  });

  it('refuses a malformed edit with 400 and one clear message, and leaves the file untouched', async () => {
    const c = await open();
    const original = readFileSync(c.file, 'utf8');
    const emptyLogin = await c.api('PATCH', '/api/directory/users/u-alex', { userPrincipalName: null });
    expect(emptyLogin.status).toBe(400);
    expect(emptyLogin.json.error).toMatch(/^refused: the directory would not be valid \(.*directory\.json#\/users\/2: missing "userPrincipalName"\); nothing was changed$/);
    const unknown = await c.api('PATCH', '/api/directory/users/u-alex', { costCentre: 'CC-1' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toContain('unknown entra attribute "costCentre"');
    const badType = await c.api('PATCH', '/api/directory/users/u-alex', { accountEnabled: 'maybe' });
    expect(badType).toEqual({ status: 400, json: { error: 'accountEnabled is true or false, got "maybe"' } });
    const notJson = await c.api('PATCH', '/api/directory/users/u-alex', '{"jobTitle": ');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatch(/^the request body is not JSON/);
    const selfManager = await c.api('PUT', '/api/directory/users/u-alex/manager', { manager: 'u-alex' });
    expect(selfManager).toEqual({ status: 400, json: { error: 'a user cannot be their own manager' } });
    expect((await c.api('POST', '/api/directory/users/u-nobody/assign')).status).toBe(404);
    expect(readFileSync(c.file, 'utf8')).toBe(original);
  });

  it('--no-write keeps edits in memory: the next cycle uses them, the file stays as it was', async () => {
    const c = await open({ write: false });
    const original = readFileSync(c.file, 'utf8');
    await c.api('POST', '/api/directory/users/u-printer/assign');
    await c.api('PATCH', '/api/directory/users/u-printer', { department: 'Facilities', givenName: 'Lobby', surname: 'Printer' });
    expect(readFileSync(c.file, 'utf8')).toBe(original);
    expect((await c.api('GET', '/api/status')).json.directory).toEqual({ file: expect.stringContaining('directory.json'), write: false, problem: null });
    await c.api('POST', '/api/provisioning/run', { wait: true });
    expect((await usersByName(server.url, server.token)).has('lobby-printer@contoso.example')).toBe(true);
  });

  it('picks up a hand edit of the file; a broken one is reported and refuses edits until fixed', async () => {
    const c = await open();
    const changed = new Promise<string>((resolve) => c.service.once('directory', (d) => resolve(d.message)));
    const doc = fileDoc(c);
    doc.app.assignments.users.push('u-printer');
    writeFileSync(c.file, JSON.stringify(doc, null, 2));
    expect(await changed).toContain('changed on disk');
    expect(c.service.directory.app.assignedUsers).toContain('u-printer');

    const problem = new Promise<string>((resolve) => c.service.once('problem', resolve));
    writeFileSync(c.file, '{"source": "entra", "users": [');
    expect(await problem).toMatch(/directory\.json#: not valid JSON/);
    const refused = await c.api('POST', '/api/directory/users/u-lee/disable');
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatch(/fix the file first, nothing was changed$/);
    expect(readFileSync(c.file, 'utf8')).toBe('{"source": "entra", "users": [');
    expect(c.service.directory.app.assignedUsers).toContain('u-printer');
  });
});

describe('admin API: provisioning', () => {
  it('runs a cycle and waits for it; the users are created on the server; the logs filter by user, status and cycle', async () => {
    const c = await open();
    const run = await c.api('POST', '/api/provisioning/run', { wait: true });
    expect(run.status).toBe(200);
    expect(run.json.message).toBe('cycle 1: failed');
    expect((run.json.cycle as Json).counts).toMatchObject({ created: 9, failed: 1, skipped: 3 });
    const users = await usersByName(server.url, server.token);
    expect([...users.keys()].sort()).toContain('megan.bowen@contoso.example');
    expect(users.has('prince@contoso.example')).toBe(false);

    const failed = await c.api('GET', '/api/logs?status=failed');
    expect(failed.json.total).toBe(1);
    const entry = (failed.json.entries as Json[])[0]!;
    expect(entry).toMatchObject({ type: 'object', cycle: 1, id: 'u-prince', action: 'create', outcome: 'failed', error: { status: 400, scimType: 'invalidValue', message: 'name.familyName is required' } });
    const post = (entry.requests as Json[]).find((r) => r.method === 'POST')!;
    expect(post.headers.authorization ?? post.headers.Authorization).not.toContain(server.token);
    expect(post.curl).toContain('curl');
    expect(post.curl).not.toContain(server.token);

    const megan = await c.api('GET', '/api/logs?user=megan.bowen&cycle=1');
    expect((megan.json.entries as Json[]).map((e) => `${e.objectType} ${e.action}`).sort()).toEqual(['user create']);
    expect((await c.api('GET', '/api/logs?action=create-group')).json.total).toBe(3);
    const cycles = await c.api('GET', '/api/cycles');
    expect((cycles.json.cycles as Json[]).map((s) => s.cycle)).toEqual([1]);

    const status = await c.api('GET', '/api/status');
    expect(status.json).toMatchObject({ running: false, cycle: 1, escrowed: 1 });
    expect((status.json.escrow as Json[])[0]).toMatchObject({ id: 'u-prince', attempts: 1, lastError: { message: 'name.familyName is required' } });
  });

  it('provisions one user on demand with the five steps and old → new values', async () => {
    const c = await open();
    await c.api('POST', '/api/provisioning/run', { wait: true });
    await c.api('PATCH', '/api/directory/users/u-alex', { jobTitle: 'Principal Engineer' });
    const pod = await c.api('POST', '/api/provision-on-demand', { user: 'alex.wilber@contoso.example' });
    expect(pod.status).toBe(200);
    expect(pod.json).toMatchObject({ ok: true, provisioned: true, page: `/on-demand?run=${pod.json.run}` });
    expect((pod.json.steps as Json[]).map((s) => `${s.name}: ${s.outcome}`)).toEqual([
      'Test connection: success',
      'Import user: success',
      'Determine if user is in scope: success',
      'Match user between source and target: success',
      'Perform action: success',
    ]);
    expect(pod.json.changes).toContainEqual({ path: 'title', old: 'Senior Software Engineer', new: 'Principal Engineer', sent: true });
    expect((await usersByName(server.url, server.token)).get('alex.wilber@contoso.example')!.title).toBe('Principal Engineer');

    const outOfScope = await c.api('POST', '/api/provision-on-demand', { user: 'u-johanna' });
    expect(outOfScope.json).toMatchObject({ provisioned: false, message: expect.stringContaining('out of scope (Employees only') });
    expect((await c.api('POST', '/api/provision-on-demand', { user: 'nobody@contoso.example' })).status).toBe(404);
    expect((await c.api('POST', '/api/provision-on-demand', {})).status).toBe(400);
  });

  it('provisions a group on demand with the members picked; refuses what Entra would (six members, a non-member, user and group at once)', async () => {
    const c = await open();
    const pod = await c.api('POST', '/api/provision-on-demand', { group: 'Sales', members: ['u-lee', 'nestor.wilke@contoso.example'] });
    expect(pod.status).toBe(200);
    expect(pod.json).toMatchObject({ ok: true, provisioned: true, page: `/on-demand?run=${pod.json.run}`, message: expect.stringMatching(/^group Sales: provisioned — created the group .*added 2 member\(s\)/) });
    expect((pod.json.steps as Json[]).map((s) => s.name)).toEqual(['Test connection', 'Import group', 'Determine if group is in scope', 'Match group between source and target', 'Perform action']);
    expect((pod.json.members as Json[]).map((m) => [m.display, m.provisioned])).toEqual([
      ['lee.gu@contoso.example', true],
      ['nestor.wilke@contoso.example', true],
    ]);
    const sales = (await getAll(server.url, server.token, 'Groups')).find((g) => g.displayName === 'Sales')!;
    expect(((sales.members ?? []) as Json[]).length).toBe(2);
    const page = await (await fetch(`${c.url}/on-demand?run=${String(pod.json.run)}`)).text();
    expect(page).toContain('✓ group Sales is provisioned');

    const six = await c.api('POST', '/api/provision-on-demand', { group: 'g-engineering' });
    expect(six).toMatchObject({ status: 400, json: { error: expect.stringContaining('has 6 members; Entra provisions a group on demand with at most 5 of them') } });
    expect((await c.api('POST', '/api/provision-on-demand', { group: 'Sales', members: ['u-megan'] })).json.error).toContain('megan.bowen@contoso.example is not a member of the group Sales');
    expect((await c.api('POST', '/api/provision-on-demand', { group: 'Nobody' })).status).toBe(404);
    expect((await c.api('POST', '/api/provision-on-demand', { group: 'Sales', members: [3] })).status).toBe(400);
    expect((await c.api('POST', '/api/provision-on-demand', { group: 'Sales', user: 'u-lee' })).status).toBe(400);
  });

  it('start, interval, stop and restart answer with what they did', async () => {
    const c = await open({ doc: { ...fixture(ENTRA_FIXTURE), app: { ...fixture(ENTRA_FIXTURE).app, assignments: { users: [], groups: [] } } } });
    expect((await c.api('PUT', '/api/provisioning/interval', { seconds: 0 })).status).toBe(400);
    expect((await c.api('PUT', '/api/provisioning/interval', { seconds: 120 })).json.message).toBe('cycles run every 120 s once provisioning is on');
    const ended = new Promise((resolve) => c.service.once('cycle-end', resolve));
    expect((await c.api('POST', '/api/provisioning/start')).json.message).toBe('provisioning is on: a cycle now, then every 120 s');
    await ended;
    const status = (await c.api('GET', '/api/status')).json;
    expect(status).toMatchObject({ running: true, intervalSeconds: 120, cycle: 1 });
    expect(Date.parse(status.nextCycleAt as string) - Date.parse(status.now as string)).toBeGreaterThan(60_000);
    expect((await c.api('POST', '/api/provisioning/stop')).json.message).toBe('provisioning is off');
    expect((await c.api('GET', '/api/status')).json).toMatchObject({ running: false });
    expect((await c.api('POST', '/api/provisioning/restart', { full: true })).json.message).toContain('the next cycle is an initial one');
    expect((await c.api('GET', '/api/status')).json.pendingRestart ?? c.service.engine.state.state.pendingRestart).toMatchObject({ full: true });
  });

  it('streams live events: the cycle start, each object as a rendered log entry, the cycle end', async () => {
    const c = await open();
    const res = await fetch(`${c.url}/api/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const events: { event: string; data: Json }[] = [];
    let buffer = '';
    const until = async (done: () => boolean): Promise<void> => {
      while (!done()) {
        const { value, done: end } = await reader.read();
        if (end) throw new Error('the event stream ended');
        buffer += new TextDecoder().decode(value);
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Json });
        }
      }
    };
    await until(() => events.some((e) => e.event === 'hello'));
    await c.api('POST', '/api/provisioning/run');
    await until(() => events.some((e) => e.event === 'cycle-end'));
    await reader.cancel();
    expect(events.find((e) => e.event === 'cycle-start')!.data).toMatchObject({ cycle: 1, trigger: 'run now' });
    const entries = events.filter((e) => e.event === 'entries').flatMap((e) => e.data.entries as Json[]);
    const prince = entries.find((e) => e.id === 'u-prince')!;
    expect(prince).toMatchObject({ action: 'create', outcome: 'failed', type: 'user', cycle: 1, onDemand: false });
    expect(prince.html).toContain('name.familyName is required');
    expect(prince.html).toContain('<details class="entry failed"');
    expect(events.find((e) => e.event === 'cycle-end')!.data.message).toBe('cycle 1 failed: 9 created, 0 updated, 0 disabled, 0 deleted, 3 skipped, 1 failed');
    // Progress is sent a few times a second at most; a quick cycle may show only its start.
    expect(events.some((e) => e.event === 'progress' && typeof e.data.html === 'string')).toBe(true);
  });
});

describe("the console's pages and a server's control characters", () => {
  it('show its ESC, BEL and bidirectional overrides as \\x1B, \\u202E: raw, an RLO read "live" as "evil"', async () => {
    const detail = '\u001b[31mdenied\u0007 by \u202Elive\u202C policy';
    const hostile = await startIndependentServer({ businessRule: (kind, data) => (kind === 'User' && String(data.userName).startsWith('adele.vance') ? detail : undefined) });
    const c = await startTestConsole({ url: hostile.url, token: hostile.token, doc: fixture(ENTRA_FIXTURE) });
    try {
      await c.api('POST', '/api/provisioning/run', { wait: true });
      for (const page of ['/logs', '/provisioning', '/directory', '/directory/users/u-adele']) {
        const html = await (await fetch(`${c.url}${page}`)).text();
        expect(html, page).toContain('\\x1B[31mdenied\\x07 by \\u202Elive\\u202C policy');
        expect(html, page).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/);
      }
    } finally {
      await c.close();
      await hostile.close();
    }
  });
});

describe('admin API: who may use it', () => {
  it('refuses changes from other origins and DNS-rebinding Host names; scripts without an Origin are served', async () => {
    const c = await open();
    const post = (headers: Record<string, string>): Promise<Response> => fetch(`${c.url}/api/directory/users/u-printer/assign`, { method: 'POST', headers });
    const cross = await post({ origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as Json).error).toContain('cross-origin request refused');
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // Same origin, but without the console's header (a plain form post from the page's origin is not how the page talks).
    const noHeader = await post({ origin: c.url });
    expect(noHeader.status).toBe(403);
    expect(((await noHeader.json()) as Json).error).toContain('x-scimproof-console');
    expect(readFileSync(c.file, 'utf8')).not.toContain('"u-printer"\n      ]');
    expect((await post({ origin: c.url, 'x-scimproof-console': '1', 'sec-fetch-site': 'same-origin' })).status).toBe(200);

    // fetch() will not send another Host; node:http will.
    const rebinding = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: c.port, path: '/api/status', headers: { host: `evil.example:${c.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on('error', reject)
        .end();
    });
    expect(rebinding).toBe(421);
    expect((await fetch(`http://localhost:${c.port}/api/status`)).status).toBe(200);
    const page = await fetch(`${c.url}/directory`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('bound with a token, every request needs it; the printed URL trades it for a cookie', async () => {
    const doc = fixture(ENTRA_FIXTURE);
    console_ = await startTestConsole({ url: server.url, token: server.token, doc, consoleToken: 'console-secret-123' });
    const c = console_;
    expect(c.token).toBe('console-secret-123');
    expect(c.openUrl).toBe(`${c.url}/?token=console-secret-123`);
    const anonymous = await fetch(`${c.url}/api/status`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as Json).error).toContain('Authorization: Bearer');
    expect((await fetch(`${c.url}/api/status`, { headers: { authorization: 'Bearer wrong-token-000' } })).status).toBe(401);
    expect((await c.api('GET', '/api/status')).status).toBe(200);
    const opened = await fetch(c.openUrl, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/');
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect((await fetch(`${c.url}/directory`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });

  it('a port in use is one clear line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const c = await open();
      await expect(startConsole({ service: c.service, port })).rejects.toThrow(new ConsoleStartError(`port ${port} on 127.0.0.1 is in use: choose another with --port (--port 0 picks a free one)`));
    } finally {
      blocker.close();
    }
  });

  it('lists its endpoints at GET /api and answers unknown ones with 404', async () => {
    const c = await open();
    const index = await c.api('GET', '/api');
    expect((index.json.routes as Json[]).map((r) => `${r.method} ${r.path}`)).toContain('POST /api/provisioning/run');
    const unknown = await c.api('GET', '/api/nothing');
    expect(unknown).toEqual({ status: 404, json: { error: 'no such endpoint: GET /api/nothing (GET /api lists them)' } });
    expect((await getAll(server.url, server.token, 'Users')).length).toBe(0);
  });
});

describe("Okta's remembered app groups", () => {
  it('a pushed group unlinked is shown as an app group Okta knows (status, the provisioning page, the group row); pushed again it is linked and leaves the list', async () => {
    const c = await open({ doc: fixture(OKTA_FIXTURE), dialect: 'okta' });
    expect((await c.api('POST', '/api/provisioning/run', { wait: true })).status).toBe(200);
    const salesId = c.service.engine.state.group('00g-sales')!.targetId;
    expect((await c.api('GET', '/api/status')).json.appGroups).toEqual([]);

    const reloaded = new Promise<string>((resolve) => c.service.once('directory', (d) => resolve(d.message)));
    const doc = fileDoc(c);
    doc.app.pushGroups = doc.app.pushGroups.filter((id: string) => id !== '00g-sales');
    writeFileSync(c.file, JSON.stringify(doc, null, 2));
    await reloaded;
    await c.api('POST', '/api/provisioning/run', { wait: true });
    const [unlink] = (await c.api('GET', '/api/logs?user=Sales&action=unlink')).json.entries as Json[];
    expect(unlink.reason).toBe("no longer pushed; Okta unlinks the group and leaves it in the app, in its list of the app's groups (`scimproof idp tasks` lists them): pushed again under that name, it is linked, not created");

    // Before: the app group stayed in the state only; nothing a developer reads showed it.
    expect((await c.api('GET', '/api/status')).json.appGroups).toEqual([{ id: salesId, displayName: 'Sales' }]);
    const page = await (await fetch(`${c.url}/provisioning`)).text();
    expect(page).toContain('App groups Okta knows but does not push');
    expect(page).toMatch(new RegExp(`<th scope="row">Sales</th><td class="mono">${salesId}</td><td>Sales <span class="sub">00g-sales</span></td>`));
    const groups = await (await fetch(`${c.url}/directory`)).text();
    expect(groups).toContain(`<span class="appstate none">Not provisioned (not pushed); Okta knows the app group &quot;Sales&quot; (app id ${salesId}): pushing this group links it (Link Group) instead of creating another</span>`);

    const back = new Promise<string>((resolve) => c.service.once('directory', (d) => resolve(d.message)));
    doc.app.pushGroups.push('00g-sales');
    writeFileSync(c.file, JSON.stringify(doc, null, 2));
    await back;
    await c.api('POST', '/api/provisioning/run', { wait: true });
    expect(c.service.engine.state.group('00g-sales')!.targetId).toBe(salesId);
    expect((await c.api('GET', '/api/status')).json.appGroups).toEqual([]);
    expect(await (await fetch(`${c.url}/provisioning`)).text()).not.toContain('App groups Okta knows');
  });
});

describe("Okta's Import tab", () => {
  const createInApp = async (userName: string, active = true): Promise<string> => {
    const res = await fetch(`${server.url}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, name: { givenName: 'A', familyName: 'B' }, active }),
    });
    return ((await res.json()) as Json).id as string;
  };

  it('Import Now reads the app and matches its users to directory users; Confirm assignments links the matched ones; nothing is written to the app', async () => {
    const megan = await createInApp('Megan.Bowen@fabrikam.example');
    const stranger = await createInApp('old.account@fabrikam.example', false);
    const before = server.store.get('User', megan)!.version;
    const c = await open({ doc: fixture(OKTA_FIXTURE), dialect: 'okta' });
    expect(await (await fetch(`${c.url}/directory`)).text()).toContain('<a href="/import">Import</a>');

    const scan = await c.api('POST', '/api/import');
    expect(scan.status).toBe(200);
    expect(scan.json.message).toBe('Users: 2 scanned · 1 matched · 1 unmatched · 0 conflict(s) · 1 inactive in the app (by userName) · Groups: 0 scanned · 0 matched · 0 unmatched · 0 conflict(s) · 0 inactive in the app (by displayName)');
    const users = scan.json.users as Json;
    expect(users.matched).toEqual([{ appId: megan, appValue: 'Megan.Bowen@fabrikam.example', active: true, directoryIds: ['00umeganxAq1x'], display: 'megan.bowen@fabrikam.example' }]);
    expect(users.unmatched).toMatchObject([{ appId: stranger, appValue: 'old.account@fabrikam.example', active: false }]);
    expect(c.service.engine.state.user('00umeganxAq1x')).toBeUndefined();

    const page = await (await fetch(`${c.url}/import`)).text();
    expect(page).toContain('Confirm assignments (1 matched)');
    expect(page).toMatch(/<tr class="import-matched">\s*<td><span class="tag on">Matched<\/span><\/td>\s*<th scope="row"><code>Megan\.Bowen@fabrikam\.example<\/code><\/th>/);
    expect(page).toContain('→ megan.bowen@fabrikam.example');
    expect(page).toMatch(/<code>old\.account@fabrikam\.example<\/code> <span class="tag off">inactive<\/span>/);
    expect(page).toContain('no directory user has this userName');

    const confirm = await c.api('POST', '/api/import', { confirm: true });
    expect(confirm.json.message).toContain('(by userName) · 1 linked · Groups:');
    expect(c.service.engine.state.user('00umeganxAq1x')?.targetId).toBe(megan);
    expect(await (await fetch(`${c.url}/import`)).text()).toContain('confirmed: 1 user(s) newly linked');
    // An import only reads: the app holds the same two users, unchanged.
    expect(server.store.count('User')).toBe(2);
    expect(server.store.get('User', megan)!.version).toBe(before);
  });

  it('is not a page of the Entra console: no menu entry, 404 page, and the API says why with 400', async () => {
    const c = await open();
    expect(await (await fetch(`${c.url}/directory`)).text()).not.toContain('href="/import"');
    const page = await fetch(`${c.url}/import`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Import is Okta&#x27;s');
    const api = await c.api('POST', '/api/import');
    expect(api.status).toBe(400);
    expect(api.json.error).toMatch(/^Import is Okta's \(the console plays entra\): Entra reads no list of the app's users/);
  });
});
