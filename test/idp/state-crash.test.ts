// The state journal is written in batches (state.ts): a crash that skips the exit hook (SIGKILL, a
// power cut) loses its last changes, each one a request the app answered and the state does not
// know of. This cuts the journal of a cycle at every line, as such a crash leaves it (the snapshot
// of the cycle before, the first lines of the journal, a torn line), and runs the next cycle from
// there against the reference server: it ends with no error, no second user, and the app and the
// state as a cycle that never crashed leaves them. The cycle cut short creates a user (with a
// manager), updates one, disables one, deletes one, changes a manager and the members of a group.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { syncOnce } from '../../src/idp/run.ts';
import { StateStore } from '../../src/idp/state.ts';
import { runCycle } from '../../src/idp/sync.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { ENT, ENTRA_FIXTURE, fixture, getAll, group, user, type Json } from './helpers.ts';

let server: RunningServer;
let dir: string;
beforeAll(async () => {
  server = await startServer({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-state-crash-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The app as a comparable picture: users by userName (with how many share it), groups by name with members by userName. */
async function appPicture(): Promise<{ users: Record<string, string>; counts: Record<string, number>; groups: Record<string, string[]> }> {
  const users = await getAll(server.url, server.token, 'Users');
  const nameOf = new Map(users.map((u) => [u.id as string, u.userName as string]));
  const counts: Record<string, number> = {};
  for (const u of users) counts[u.userName] = (counts[u.userName] ?? 0) + 1;
  const picture = Object.fromEntries(users.map((u) => [u.userName, `${u.active} ${u.title ?? ''} manager:${nameOf.get(u[ENT]?.manager?.value) ?? '-'}`]));
  const groups = Object.fromEntries((await getAll(server.url, server.token, 'Groups')).map((g) => [g.displayName, ((g.members ?? []) as Json[]).map((m) => nameOf.get(m.value) ?? m.value).sort()]));
  return { users: picture, counts, groups };
}

/** The users of a state without their values mapped "on create only". */
const kept = (users: Record<string, Json>): Record<string, Json> =>
  Object.fromEntries(Object.entries(users).map(([id, u]) => [id, { ...u, values: Object.fromEntries(Object.entries(u.values as Json).filter(([path]) => path !== `${ENT}:employeeNumber`)) }]));

describe('a journal cut short by a crash', () => {
  it('the next cycle converges from every cut: no error, no duplicate user, the app and the state as without the crash', async () => {
    const doc1 = fixture(ENTRA_FIXTURE);
    const file = join(dir, 'contoso.json');
    const statePath = join(dir, 'state.json');
    const identity = { dialect: 'entra', target: server.url, directory: file };
    writeFileSync(file, JSON.stringify(doc1));
    const first = await syncOnce({ url: server.url, auth: { kind: 'bearer', token: server.token }, directoryFile: file, dialect: 'entra', statePath, outDir: null });
    expect(first.result.status).toBe('ok');
    const snapshot = readFileSync(statePath, 'utf8');

    // The directory the crashed cycle ran with.
    const doc2 = fixture(ENTRA_FIXTURE);
    doc2.users = doc2.users.filter((u: Json) => u.id !== 'u-prince'); // deleted
    for (const g of doc2.groups) g.members = g.members.filter((id: string) => id !== 'u-prince');
    user(doc2, 'u-alex').jobTitle = 'Principal Engineer'; // updated
    user(doc2, 'u-patti').accountEnabled = false; // disabled
    user(doc2, 'u-lee').manager = 'u-megan'; // manager changed
    doc2.users.push({ ...user(doc2, 'u-alex'), id: 'u-new', userPrincipalName: 'new.hire@contoso.example', mail: 'new.hire@contoso.example', mailNickname: 'newhire', displayName: 'New Hire', employeeId: '9999', manager: 'u-adele' }); // created
    doc2.app.assignments.users = [...doc2.app.assignments.users.filter((id: string) => id !== 'u-prince'), 'u-new'];
    group(doc2, 'g-leadership').members = ['u-megan', 'u-isaiah']; // a member removed
    group(doc2, 'g-engineering').members.push('u-new'); // and one added
    writeFileSync(file, JSON.stringify(doc2));

    // The cycle runs to its end, its journal kept (not compacted): every line it wrote, in order.
    const state = StateStore.open(statePath, identity);
    state.compact = () => undefined;
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
    const crashed = await runCycle({ directory: parseDirectory(JSON.stringify(doc2), file), dialect: 'entra', client, state, concurrency: 1 });
    await client.close();
    state.close();
    expect(crashed.status).toBe('ok');
    expect(crashed.counts).toMatchObject({ created: 1, updated: 1, disabled: 1, deleted: 1, managers: 2, groups: 2, failed: 0 });
    const journal = readFileSync(`${statePath}.journal`, 'utf8').split('\n').filter((line) => line !== '');
    expect(journal.length).toBeGreaterThan(8);
    // Lines that keep a user's values say so instead of repeating them (a manager link): cut after too.
    expect(journal.some((line) => line.includes('"values":"="'))).toBe(true);
    const app = await appPicture();
    expect(app.users['new.hire@contoso.example']).toBe('true Principal Engineer manager:adele.vance@contoso.example');
    expect(app.users['prince@contoso.example']).toBeUndefined();
    const complete = StateStore.open(statePath, identity).state;

    for (let cut = 0; cut <= journal.length; cut++) {
      const torn = cut < journal.length ? journal[cut]!.slice(0, Math.floor(journal[cut]!.length / 2)) : '';
      writeFileSync(statePath, snapshot);
      writeFileSync(`${statePath}.journal`, `${journal.slice(0, cut).map((line) => `${line}\n`).join('')}${torn}`);
      const { result } = await syncOnce({ url: server.url, auth: { kind: 'bearer', token: server.token }, directoryFile: file, dialect: 'entra', statePath, outDir: null });
      const failures = result.results.filter((r) => r.outcome === 'failed').map((r) => `${r.display}: ${r.error?.message}`);
      expect({ cut, status: result.status, failures }).toEqual({ cut, status: 'ok', failures: [] });
      const after = await appPicture();
      expect({ cut, ...after }).toEqual({ cut, ...app });
      expect(Object.values(after.counts).every((n) => n === 1)).toBe(true);
      // The state links each user to the app user it links without the crash, with the same values
      // (but one: a user whose create was lost is linked, and a link keeps the values Entra keeps in
      // step, not employeeNumber, mapped "on create only": the app holds it from the create).
      const saved = JSON.parse(readFileSync(statePath, 'utf8'));
      expect({ cut, users: kept(saved.users), groups: saved.groups, escrow: saved.escrow }).toEqual({ cut, users: kept(complete.users), groups: complete.groups, escrow: complete.escrow });
    }
  });
});
