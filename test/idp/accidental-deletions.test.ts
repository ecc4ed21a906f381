// Entra's "Prevent accidental deletions" (Learn, accidental-deletions.md): with the box checked, a
// cycle with more disables and deletes than the threshold sends none of them (staged, StagedDelete),
// and the job is quarantined until an admin allows them ("Allow deletes": the next cycle sends them)
// or undoes the change. Evaluated per cycle: at the threshold, everything goes out. The mock IdP
// had no such hold: every disable went out. Real HTTP: the reference server and SCIMMY.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { IdpEngine } from '../../src/idp/engine.ts';
import { startServer } from '../../src/server/index.ts';
import { startProxy } from '../support/proxy.ts';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { runIdpCli } from './cli-in-process.ts';
import { closeAfterEach, usersByName, type Json } from './helpers.ts';

const closing = closeAfterEach();
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const doc = (assigned: string[], present: string[] = USERS): Json => ({
  source: 'entra',
  users: present.map((id) => ({ id, userPrincipalName: `${id}@contoso.example`, givenName: id, surname: 'Lee' })),
  app: { scope: 'assigned', assignments: { users: assigned }, provisionGroups: false, preventAccidentalDeletions: { threshold: 3 } },
});

describe.each(REFERENCE_AND_SCIMMY)('Prevent accidental deletions (threshold 3) against %s', (_name, start) => {
  it('four disables and deletes in one cycle are held and the job quarantined; Allow deletes sends them; three go out at once', async () => {
    const app = closing(await start());
    const writes: string[] = [];
    const proxy = closing(await startProxy(app.url, app.token, {
      onRequest(ctx) {
        if (ctx.req.method !== 'GET') writes.push(`${ctx.req.method} ${ctx.req.path}`);
      },
    }));
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-deletes-'));
    const file = join(dir, 'directory.json');
    const common = ['--directory', file, '--url', proxy.url, '--token', app.token, '--dialect', 'entra-compliant', '--state', join(dir, 'state.json'), '--out', join(dir, 'out')];
    const sync = async (d: Json) => {
      writeFileSync(file, JSON.stringify(d));
      writes.length = 0;
      return runIdpCli(['idp', 'sync', ...common]);
    };
    expect((await sync(doc(USERS))).code).toBe(0);

    // u2-u4 unassigned and u5 deleted from the directory: 3 disables and a DELETE, one more than the threshold.
    const held = await sync(doc(['u1'], ['u1', 'u2', 'u3', 'u4']));
    expect(writes).toEqual([]);
    expect(held.code).toBe(1);
    expect(held.out.split('\n').filter((l) => l.includes("staged, not sent (Entra's StagedDelete): Prevent accidental deletions holds this cycle's 4 disables and deletes, more than its threshold of 3"))).toHaveLength(4);
    expect(held.out).toContain('quarantined since');
    const state = () => JSON.parse(readFileSync(join(dir!, 'state.json'), 'utf8')) as Json;
    expect(state().quarantine).toMatchObject({ reason: 'TooManyDeletes' });
    expect([...(await usersByName(app.url, app.token)).values()].filter((u) => u.active === false)).toEqual([]);

    // Held again next cycle (evaluated per cycle), until an admin allows them.
    await sync(doc(['u1'], ['u1', 'u2', 'u3', 'u4']));
    expect(writes).toEqual([]);
    const allow = await runIdpCli(['idp', 'allow-deletes', ...common]);
    expect(allow.code).toBe(0);
    const sent = await sync(doc(['u1'], ['u1', 'u2', 'u3', 'u4']));
    expect(sent.code).toBe(0);
    expect(writes.filter((w) => w.startsWith('PATCH'))).toHaveLength(3);
    expect(writes.filter((w) => w.startsWith('DELETE'))).toHaveLength(1);
    expect(state().quarantine).toBeUndefined();
    expect(state().allowDeletes).toBeUndefined();
    const users = await usersByName(app.url, app.token);
    expect(['u2', 'u3', 'u4'].map((id) => users.get(`${id}@contoso.example`)?.active)).toEqual([false, false, false]);

    // At the threshold (three), nothing is held: assigned again, then three unassigned in one cycle.
    await sync(doc(['u1', 'u2', 'u3', 'u4']));
    const three = await sync(doc(['u1'], ['u1', 'u2', 'u3', 'u4']));
    expect(three.code).toBe(0);
    expect(writes.filter((w) => w.startsWith('PATCH'))).toHaveLength(3);
  });
});

describe('Prevent accidental deletions through the engine (the console\'s Allow deletes)', () => {
  it('allowDeletes() is false while nothing is held, true once a cycle held them; the next cycle sends them', async () => {
    const app = closing(await startServer({ port: 0 }));
    const engine = new IdpEngine({ url: app.url, auth: { kind: 'bearer', token: app.token }, dialect: 'entra', directory: parseDirectory(JSON.stringify(doc(USERS)), 'd.json'), statePath: null, logDir: null });
    try {
      await engine.runCycleNow();
      expect(await engine.allowDeletes()).toBe(false);
      engine.setDirectory(parseDirectory(JSON.stringify(doc(['u1'])), 'd.json'));
      const held = await engine.runCycleNow();
      expect(held.quarantine?.reason).toBe('TooManyDeletes');
      expect(held.counts.disabled).toBe(0);
      expect(await engine.allowDeletes()).toBe(true);
      const sent = await engine.runCycleNow();
      expect(sent.counts.disabled).toBe(4);
      expect(sent.quarantine).toBeUndefined();
    } finally {
      await engine.close();
    }
  });
});

describe('Prevent accidental deletions: the setting', () => {
  it('true is the portal default of 500; an Okta directory is refused in one line', () => {
    const entra = doc(USERS);
    entra.app.preventAccidentalDeletions = true;
    expect(parseDirectory(JSON.stringify(entra), 'd.json').app.accidentalDeletionThreshold).toBe(500);
    expect(parseDirectory(JSON.stringify({ ...entra, app: { ...entra.app, preventAccidentalDeletions: undefined } }), 'd.json').app.accidentalDeletionThreshold).toBeUndefined();
    const okta = { source: 'okta', users: [{ id: 'o1', login: 'a@fabrikam.example', firstName: 'A', lastName: 'B' }], app: { scope: 'all', preventAccidentalDeletions: true } };
    expect(() => parseDirectory(JSON.stringify(okta), 'd.json')).toThrow(/^d\.json#\/app\/preventAccidentalDeletions: Prevent accidental deletions is a setting of Entra's provisioning; Okta has none/);
  });

  it('allow-deletes with nothing held says so and changes nothing (exit 1)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-deletes-'));
    const file = join(dir, 'directory.json');
    writeFileSync(file, JSON.stringify(doc(USERS)));
    const out = await runIdpCli(['idp', 'allow-deletes', '--directory', file, '--url', 'http://127.0.0.1:9/scim/v2', '--token', 't', '--dialect', 'entra', '--state', join(dir, 'state.json')]);
    expect(out.code).toBe(1);
    expect(out.out).toContain('nothing is held');
  });
});
