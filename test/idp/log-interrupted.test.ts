// A cycle the process never finished (SIGKILL, a crash, a power cut) leaves its cycle-start and
// object lines in provisioning.jsonl but no summary in cycles.jsonl. `idp log` must still show it,
// between the cycles that did finish, and list what of it did not arrive. The interrupted cycle is
// written by the log's own writer, left open exactly as a killed process leaves it (no end line, a
// torn last line); the cycles around it are real ones against the reference server.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { objectLineParts } from '../../src/idp/log/entries.ts';
import { ProvisioningLog } from '../../src/idp/log/writer.ts';
import { StateStore } from '../../src/idp/state.ts';
import type { ObjectResult } from '../../src/idp/types.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { runIdpCli } from './cli-in-process.ts';
import { ENTRA_FIXTURE, fixture, type Json } from './helpers.ts';

let server: RunningServer;
let dir: string;
beforeEach(async () => {
  server = await startServer({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-crash-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const failed: ObjectResult = { objectType: 'user', id: 'u-prince', display: 'prince@contoso.example', action: 'create', outcome: 'failed', reason: 'assigned and in scope', error: { status: 400, scimType: 'invalidValue', message: 'name.familyName is required' }, exchangeIds: [], startedAt: '2026-01-05T09:00:00.000Z', finishedAt: '2026-01-05T09:00:00.010Z' };
const created: ObjectResult = { ...failed, id: 'u-megan', display: 'megan.bowen@contoso.example', outcome: 'success', error: undefined };

/** What a process killed mid-cycle leaves: the start, the objects it finished, a torn line, no end. */
function killedCycle(out: string, cycle: number): void {
  const log = new ProvisioningLog(out);
  log.beginCycle({ cycle, at: new Date().toISOString(), dialect: 'entra', directory: 'contoso.json', target: server.url });
  for (const r of [created, failed]) log.object(r, objectLineParts(cycle, r, []));
  log.flush();
  void log.close();
  appendFileSync(join(out, 'provisioning.jsonl'), '{"type":"object","cycle":');
}

describe('idp log after a cycle the process never finished', () => {
  it('lists the interrupted first cycle instead of "no provisioning log", and its objects that did not arrive', async () => {
    const out = join(dir, 'reports');
    killedCycle(out, 1);
    const list = await runIdpCli(['idp', 'log', '--out', out]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^cycle 1: interrupted · .* · 2 object\(s\) logged, 1 of them not arrived · the process ended before the cycle did/m);
    const one = await runIdpCli(['idp', 'log', '--out', out, '--cycle', '1']);
    expect(one.out).toContain('✗ create user prince@contoso.example: HTTP 400 invalidValue: name.familyName is required');
    // It wrote no pages: none are offered.
    expect(one.out).not.toContain('pages:');
  });

  it('shows it between the finished cycles around it, in order', async () => {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
    const state = join(dir, 'state.json');
    const out = join(dir, 'reports');
    const sync = ['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', state, '--out', out];
    await runIdpCli(sync);
    killedCycle(out, 2);
    // The killed cycle had counted itself in the state's journal before it died.
    const store = StateStore.open(state, { dialect: 'entra', target: server.url, directory: file });
    store.setMeta({ cycle: 2 });
    store.close();
    await runIdpCli(sync);
    const list = await runIdpCli(['idp', 'log', '--out', out]);
    expect(list.out.split('\n').filter((l) => l.startsWith('cycle ')).map((l) => l.split(' · ')[0])).toEqual(['cycle 1: ok', 'cycle 2: interrupted', 'cycle 3: ok']);
    expect((await runIdpCli(['idp', 'log', '--out', out, '--user', 'prince@contoso.example', '--cycle', '2'])).out).toContain('cycle 2 · ');
    // The HTML index the next cycle wrote lists it too, between the others, with no page of its own.
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    const labels = [...index.matchAll(/<td>(?:<a href="[^"]+">)?(cycle \d+)(?:<\/a>)?<\/td>\s*<td><span class="badge (\w+)">/g)].map((m) => `${m[1]}: ${m[2]}`);
    expect(labels).toEqual(['cycle 3: ok', 'cycle 2: interrupted', 'cycle 1: ok']);
    expect(index).toContain('2 object(s) logged · 1 did not arrive');
    expect(index).toContain('idp log --cycle 2 lists what did not arrive');
  });
});

describe('the cycle lists (idp log, the index page)', () => {
  it('count every kind of write: a cycle that only changed a manager reads "managers 1", not all zeros', async () => {
    const doc = fixture(ENTRA_FIXTURE);
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(doc));
    const out = join(dir, 'reports');
    const sync = ['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 'state.json'), '--out', out];
    await runIdpCli(sync);
    const adele = (doc.users as Json[]).find((u) => u.id === 'u-adele')!;
    adele.manager = adele.manager === 'u-megan' ? 'u-alex' : 'u-megan';
    writeFileSync(file, JSON.stringify(doc));
    await runIdpCli(sync);
    const list = await runIdpCli(['idp', 'log', '--out', out]);
    expect(list.out).toMatch(/^cycle 2: ok · .* · created 0 · linked 0 · updated 0 · enabled 0 · disabled 0 · deleted 0 · managers 1 · groups 0 · skipped \d+ · escrowed \d+ · failed \d+$/m);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('created 0 · linked 0 · updated 0 · enabled 0 · disabled 0 · deleted 0 · managers 1 · groups 0');
  });
});

describe('a log with lines that are JSON but not what the writer writes (a hand edit, a bad merge)', () => {
  it('idp log skips them: no internal error, the history and the cycle list as before', async () => {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
    const out = join(dir, 'reports');
    await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 'state.json'), '--out', out]);
    appendFileSync(join(out, 'provisioning.jsonl'), '{"type":"object"}\n[1]\n');
    appendFileSync(join(out, 'cycles.jsonl'), '{"cycle":9}\n');
    const history = await runIdpCli(['idp', 'log', '--out', out, '--user', 'prince@contoso.example']);
    expect(history.code).toBe(0);
    expect(history.out).toMatch(/^user prince@contoso\.example \(u-prince\) · 2 entries\n/);
    const list = await runIdpCli(['idp', 'log', '--out', out]);
    expect(list.out.split('\n').filter((l) => l.startsWith('cycle ')).map((l) => l.split(' · ')[0])).toEqual(['cycle 1: ok']);
  });
});
