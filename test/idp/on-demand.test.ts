// Provision on demand (Entra's five steps), Okta import, and the engine a live console drives:
// quarantine slowing its schedule on a simulated clock, its log queried back, `idp log` and the
// on-demand CLI's exit codes. Real HTTP against the reference server.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../src/idp/clock.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { IdpEngine } from '../../src/idp/engine.ts';
import type { ObjectEntry } from '../../src/idp/log/entries.ts';
import { collectLog } from '../../src/idp/log/reader.ts';
import { ProvisioningLog } from '../../src/idp/log/writer.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { runIdpCli } from './cli-in-process.ts';
import { body, ENT, ENTRA_FIXTURE, fixture, harness, lines, OKTA_FIXTURE, user, usersByName, type Json } from './helpers.ts';

let server: RunningServer;
let dir: string;
beforeEach(async () => {
  server = await startServer({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-pod-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

const cli = runIdpCli;

describe('provision on demand', () => {
  it('five steps with their outcome; the match tries each matching attribute; old → new on update', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    doc.app.mappings[0].matchingPrecedence = 1;
    doc.app.mappings.find((m: Json) => m.target === 'externalId').matching = true;
    doc.app.mappings.find((m: Json) => m.target === 'externalId').matchingPrecedence = 2;
    const created = await h.onDemand(doc, 'alex.wilber@contoso.example');
    expect(created.provisioned).toBe(true);
    const steps = created.result.steps!;
    expect(steps.map((s) => `${s.name}: ${s.outcome}`)).toEqual(['Test connection: success', 'Import user: success', 'Determine if user is in scope: success', 'Match user between source and target: success', 'Perform action: success']);
    expect(steps[2]!.details).toMatchObject({ 'Assigned to application': true, assignment: 'member of the assigned group Engineering', 'Active in source system': true, 'Scoping filters': [{ filter: 'Employees only', clause: 'department NOT EQUALS "Contractors"', holds: true }] });
    expect(steps[3]!.details).toMatchObject({ tried: [{ attribute: 'userName', matched: false }, { attribute: 'externalId', matched: false }] });
    expect(lines(created.all, server.url).slice(1)).toEqual(['GET /Users?filter=userName eq "alex.wilber@contoso.example"', 'GET /Users?filter=externalId eq "alex.wilber"', 'POST /Users']);
    expect(created.result.changes).toContainEqual({ path: 'title', new: 'Senior Software Engineer', sent: true });

    user(doc, 'u-alex').jobTitle = 'Principal Engineer';
    const updated = await h.onDemand(doc, 'u-alex');
    expect(updated.result.steps![3]!.reason).toMatch(/matched by the id cached/);
    // Alex's manager (Adele) was never provisioned by this job: the reference is reported, not sent.
    expect(updated.result.changes).toEqual([
      { path: 'title', old: 'Senior Software Engineer', new: 'Principal Engineer', sent: true },
      { path: `${ENT}:manager`, sent: false, note: expect.stringMatching(/manager adele\.vance@contoso\.example is not provisioned/) },
    ]);
    expect(updated.result.steps![4]!.reason).toMatch(/updated 1 attribute/);
  });

  it('Okta: a stored id that answers 404 stops the push, as in a cycle: no search, no create (it searched and created a second user)', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    Object.assign(doc.app, { assignments: { users: ['00uleexxxAq1x'], groups: [] }, pushGroups: [] });
    await h.cycle(doc);
    const leeId = h.state.user('00uleexxxAq1x')!.targetId;
    await fetch(`${server.url}/Users/${leeId}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } });
    const first = await h.onDemand(doc, 'lee.gu@fabrikam.example');
    expect(lines(first.all, server.url, { lee: leeId })).toEqual(['GET /Users/{lee}']);
    expect(first.provisioned).toBe(false);
    expect(first.result).toMatchObject({ outcome: 'stopped', reason: `GET of the stored id ${leeId} answered 404: Okta stops here; unassign and reassign the user` });
    expect(first.result.steps!.find((st) => st.name === 'Match user between source and target')).toMatchObject({ outcome: 'failed' });
    // Stopped: nothing more is sent until the user is unassigned and reassigned.
    const again = await h.onDemand(doc, 'lee.gu@fabrikam.example');
    expect(again.all).toHaveLength(0);
    expect(again.result.reason).toMatch(/^Okta stopped pushing this user/);
    const users = await fetch(`${server.url}/Users?filter=${encodeURIComponent('userName eq "lee.gu@fabrikam.example"')}`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(((await users.json()) as Json).totalResults).toBe(0);
  });

  it('Okta, credentials refused: the match step fails with the reason and the CLI exits 2; so does import (both ended as "internal error")', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    const out = await h.onDemand(doc, 'lee.gu@fabrikam.example', { token: 'wrong-token' });
    expect(out).toMatchObject({ provisioned: false, connectionFailed: true });
    expect(out.result.steps!.map((st) => `${st.name}: ${st.outcome}`)).toEqual(['Test connection: skipped', 'Import user: success', 'Determine if user is in scope: success', 'Match user between source and target: failed', 'Perform action: skipped']);
    expect(out.result.reason).toMatch(/^the target refused the credentials \(HTTP 401 on GET \/Users\?filter=userName%20eq/);
    expect(out.result.exchangeIds).toHaveLength(1);

    const file = join(dir, 'okta.json');
    writeFileSync(file, JSON.stringify(doc));
    const imported = await cli(['idp', 'import', '--dialect', 'okta', '--directory', file, '--url', server.url, '--token', 'wrong-token', '--state', join(dir, 'state.json')]);
    expect(imported.code).toBe(2);
    expect(imported.out).toContain('Users: 0 scanned · 0 matched · 0 unmatched · 0 conflict(s) · 0 inactive in the app (by userName)\n  ✗ the import stopped: HTTP 401: ');
  });

  it('out of scope: the scope step shows the failing clause and nothing is sent after the probe', async () => {
    const h = harness(server.url, server.token, 'entra');
    const out = await h.onDemand(fixture(ENTRA_FIXTURE), 'johanna.lorenz@contoso.example');
    expect(out.provisioned).toBe(false);
    expect(out.all).toHaveLength(1);
    expect(out.result.steps!.map((s) => s.outcome)).toEqual(['success', 'success', 'skipped', 'skipped', 'skipped']);
    expect(out.result.steps![2]!.details!['Scoping filters']).toEqual([{ filter: 'Employees only', clause: 'department NOT EQUALS "Contractors"', holds: false }]);
    expect(out.result).toMatchObject({ outcome: 'skipped', error: { code: 'EntrySynchronizationSkipped' } });
  });

  it('a provisioned user disabled or soft-deleted in the directory is disabled in the app, not "nothing to change" (exit 0)', async () => {
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    user(doc, 'u-alex').accountEnabled = false;
    user(doc, 'u-adele').deleted = true;
    for (const [id, why] of [['u-alex', 'accountEnabled is false'], ['u-adele', 'soft-deleted in Entra']] as const) {
      const out = await h.onDemand(doc, id);
      expect(out.provisioned, id).toBe(false);
      expect(out.result).toMatchObject({ action: 'disable', outcome: 'success', reason: `disabled: ${why}` });
      expect(out.all.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations)).toEqual([[{ op: 'Replace', path: 'active', value: 'False' }]]);
    }
    const users = await usersByName(server.url, server.token);
    expect([users.get('alex.wilber@contoso.example')!.active, users.get('adele.vance@contoso.example')!.active]).toEqual([false, false]);
    // Asked again: the app user is already disabled, nothing is sent.
    const again = await h.onDemand(doc, 'u-alex');
    expect(again.result).toMatchObject({ action: 'disable', outcome: 'skipped' });
    expect(again.all.filter((x) => x.request.method !== 'GET')).toEqual([]);
  });

  it('CLI: prints the steps, exits 1 when not provisioned, 0 when provisioned, 2 when the connection test fails', async () => {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
    const base = ['idp', 'provision', '--directory', file, '--url', server.url, '--state', join(dir, 's.json'), '--out', join(dir, 'log')];
    const outOfScope = await cli([...base, '--token', server.token, '--user', 'johanna.lorenz@contoso.example']);
    expect(outOfScope.code).toBe(1);
    expect(outOfScope.out).toContain('3. Determine if user is in scope: SKIPPED — out of scope (Employees only: department NOT EQUALS "Contractors" is false)');
    expect(outOfScope.out).toContain('       ✗ Employees only: department NOT EQUALS "Contractors"');
    expect(outOfScope.out).toContain('✗ not provisioned:');
    const ok = await cli([...base, '--token', server.token, '--user', 'megan.bowen@contoso.example']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('5. Perform action: SUCCESS — created the user');
    expect(ok.out).toContain('    title: (none) → "Chief Executive Officer"');
    const refused = await cli([...base, '--token', 'wrong', '--user', 'megan.bowen@contoso.example', '--no-schema-check']);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('1. Test connection: FAILED — the target refused the credentials (HTTP 401');
    // The on-demand runs are in the log and its index page.
    const index = readFileSync(join(dir, 'log', 'index.html'), 'utf8');
    expect(index).toContain('on demand: johanna.lorenz@contoso.example');
    const log = await cli(['idp', 'log', '--out', join(dir, 'log'), '--user', 'megan.bowen@contoso.example']);
    expect(log.out).toContain('on demand · ');
    expect(log.out).toContain('Perform action: success — created the user');
  });

  it("an on-demand run's summary counts its one object: 'created 1' on the index page and in cycles.jsonl, not all zeros", async () => {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
    const base = ['idp', 'provision', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 's.json'), '--out', join(dir, 'log')];
    expect((await cli([...base, '--user', 'megan.bowen@contoso.example'])).code).toBe(0);
    expect((await cli([...base, '--user', 'johanna.lorenz@contoso.example'])).code).toBe(1);
    const summaries = readFileSync(join(dir, 'log', 'cycles.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(summaries.map((s) => [s.onDemand.user, s.counts.created, s.counts.skipped])).toEqual([
      ['megan.bowen@contoso.example', 1, 0],
      ['johanna.lorenz@contoso.example', 0, 1],
    ]);
    expect(readFileSync(join(dir, 'log', 'index.html'), 'utf8')).toMatch(/created 1 · /);
  });
});

describe('Okta import', () => {
  it('reads every page and reports matched, unmatched and conflicts; --confirm links the matched users only', async () => {
    const doc = fixture(OKTA_FIXTURE);
    const post = (u: Json) => fetch(`${server.url}/Users`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], ...u }) });
    for (const [i, u] of doc.users.slice(0, 5).entries()) await post({ userName: u.login, active: i !== 2 });
    await post({ userName: 'someone.else@fabrikam.example' });
    const file = join(dir, 'fabrikam.json');
    writeFileSync(file, JSON.stringify(doc));
    const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'okta', directory: parseDirectory(JSON.stringify(doc), file), statePath: join(dir, 'okta.state.json'), logDir: null });
    try {
      const { users } = await engine.importFromApp({ count: 2 });
      // Six users in pages of two: three GETs at startIndex 1, 3, 5 (a fourth would be past totalResults).
      expect(users.exchanges.map((x) => new URL(x.request.url).search)).toEqual(['?startIndex=1&count=2', '?startIndex=3&count=2', '?startIndex=5&count=2']);
      expect(users).toMatchObject({ scanned: 6, inactive: 1, linked: 0 });
      expect(users.matched.map((m) => m.appValue).sort()).toEqual(doc.users.slice(0, 5).map((u: Json) => u.login).sort());
      expect(users.unmatched.map((m) => m.appValue)).toEqual(['someone.else@fabrikam.example']);
      expect(engine.state.state.users).toEqual({});
      const confirmed = await engine.importFromApp({ confirm: true });
      expect(confirmed.users.linked).toBe(5);
      expect(Object.keys(engine.state.state.users)).toHaveLength(5);
    } finally {
      await engine.close();
    }
    // The CLI prints Okta's report. Matching by email, which two Okta users share: a conflict, exit 1.
    const byEmail = fixture(OKTA_FIXTURE);
    byEmail.users[6].email = byEmail.users[5].email;
    for (const m of byEmail.app.mappings) m.matching = m.target === 'emails[type eq "work"].value';
    writeFileSync(file, JSON.stringify(byEmail));
    await post({ userName: 'shared.mailbox', emails: [{ type: 'work', value: byEmail.users[5].email }] });
    const report = await cli(['idp', 'import', '--dialect', 'okta', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 'cli.state.json')]);
    expect(report.code).toBe(1);
    expect(report.out).toMatch(/Users: 7 scanned · 0 matched · 6 unmatched · 1 conflict\(s\) · 1 inactive in the app \(by emails\[type eq "work"\]\.value\)/);
    expect(report.out).toContain(`✗ ${byEmail.users[5].email} (app id`);
    expect(report.out).toContain(`fits 2 directory users (${byEmail.users[5].login}, ${byEmail.users[6].login})`);
  });
});

describe('the engine (what a live console drives)', () => {
  it('quarantine slows the schedule to once a day on its clock; restart clears it; every object and cycle is queryable', async () => {
    const clock = new SimulatedClock('2026-03-02T08:00:00Z');
    const doc = fixture(ENTRA_FIXTURE);
    const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: 'wrong' }, dialect: 'entra', directory: parseDirectory(JSON.stringify(doc), 'contoso.json'), statePath: null, logDir: join(dir, 'log'), clock, intervalSeconds: 40 * 60, concurrency: 4 });
    const events: string[] = [];
    engine.on('cycle-end', (c) => events.push(`end ${c.cycle} ${c.status}`));
    engine.on('progress', (p) => p.phase === 'probe' && p.done === 0 && events.push(`probe ${p.cycle}`));
    try {
      engine.start();
      await new Promise<void>((resolve) => engine.once('cycle-end', () => resolve()));
      expect(engine.status()).toMatchObject({ running: true, quarantine: { reason: 'EncounteredQuarantineException' } });
      // Quarantined: the gap doubles from the 40-minute interval with every cycle, up to a day.
      expect(engine.status().nextCycleAt).toBe('2026-03-02T08:40:00.000Z');
      expect(await engine.advanceClock(30 * 60_000)).toBeUndefined();
      const second = await engine.advanceClock(10 * 60_000);
      expect(second?.status).toBe('stopped');
      expect(engine.status().nextCycleAt).toBe('2026-03-02T10:00:00.000Z');
      for (let i = 0; i < 6; i++) await engine.advanceClock(24 * 3_600_000);
      expect(Date.parse(engine.status().nextCycleAt!) - Date.parse(engine.status().now)).toBeLessThanOrEqual(24 * 3_600_000);
      expect(Date.parse(engine.status().nextCycleAt!) - Date.parse(engine.status().lastCycle!.finishedAt!)).toBe(24 * 3_600_000);
      expect(events.slice(0, 3)).toEqual(['probe 1', 'end 1 stopped', 'probe 2']);

      // The log answers per user and per cycle; the probe failures are job entries.
      const job = await engine.collectLog({ objectType: 'job' });
      expect(job[0]).toMatchObject({ cycle: 1, action: 'test-connection', outcome: 'failed', requests: [{ method: 'GET', status: 401 }] });
      expect(job[0]!.requests[0]!.curl).toContain('$SCIM_TOKEN');
      expect(engine.cycles().map((c) => c.status)).toEqual(Array(engine.cycles().length).fill('stopped'));
    } finally {
      await engine.close();
    }
    const pages = readFileSync(join(dir, 'log', 'index.html'), 'utf8');
    expect(pages).toContain('cycle-0001/index.html');
    expect(readFileSync(join(dir, 'log', 'cycle-0001', 'index.html'), 'utf8')).toContain('the target refused the credentials');
  });

  it('a 2,000-object cycle writes a small page and keeps the object data in chunks loaded on demand', async () => {
    const log = new ProvisioningLog(join(dir, 'big'));
    log.beginCycle({ cycle: 1, at: '2026-01-01T00:00:00Z', dialect: 'entra', directory: 'big.json', target: server.url });
    const request = { id: 'x1', method: 'POST', url: `${server.url}/Users`, headers: {}, body: { userName: 'u@x', name: { givenName: 'G', familyName: 'F' } }, status: 201, response: { id: 'a'.repeat(36), userName: 'u@x', meta: { resourceType: 'User' } }, startedAt: '2026-01-01T00:00:00Z', ms: 1, curl: 'curl …' };
    for (let i = 0; i < 2000; i++) {
      const entry: ObjectEntry = { type: 'object', cycle: 1, objectType: 'user', id: `u${i}`, display: `user${i}@big.example`, action: 'create', outcome: i % 500 === 7 ? 'failed' : 'success', reason: 'assigned and in scope', requests: [request, request] };
      log.object(entry, [JSON.stringify(entry)]);
    }
    const counts = { created: 1996, linked: 0, updated: 0, disabled: 0, enabled: 0, deleted: 0, managers: 0, groups: 0, failed: 4, skipped: 0, escrowed: 0, unchanged: 0 };
    const summary = await log.endCycle({ cycle: 1, dialect: 'entra', directory: 'big.json', target: server.url, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:09Z', status: 'failed', counts, requests: 4000 });
    await log.close();
    expect(summary.html).toBe('cycle-0001/index.html');
    const page = readFileSync(join(dir, 'big', 'cycle-0001', 'index.html'), 'utf8');
    expect(page.length).toBeLessThan(30_000);
    expect(page).toContain('user7@big.example'); // the failures are on the page itself
    expect(readdirSync(join(dir, 'big', 'cycle-0001')).sort()).toEqual(['index.html', 'objects-0001.js', 'objects-0002.js', 'objects-0003.js', 'objects-0004.js']);
    expect(readFileSync(join(dir, 'big', 'cycle-0001', 'objects-0004.js'), 'utf8').startsWith('scimproofChunk(4,[')).toBe(true);
    // The query reads only the cycle's bytes, and finds one object among 2,000.
    expect((await collectLog(join(dir, 'big'), { object: 'user1507@big.example', cycle: 1 })).map((e) => e.outcome)).toEqual(['failed']);
  });
});
