// The core suite against the reference server over real HTTP: everything passes, nothing is
// skipped, and the run leaves the target exactly as it found it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { scimCaller } from '../support/http.ts';

let server: RunningServer;
const run = (extra: Partial<Parameters<typeof runConformance>[0]> = {}): Promise<RunRecord> =>
  runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 42, ...extra });

/** A stable picture of what the server holds: every user and group, minus volatile meta. */
async function snapshot(): Promise<string> {
  const call = scimCaller(server.url, server.token);
  const users = (await call('GET', '/Users?count=1000')).json as { Resources: unknown[] };
  const groups = (await call('GET', '/Groups?count=1000')).json as { Resources: unknown[] };
  return JSON.stringify({ users: users.Resources, groups: groups.Resources });
}

beforeAll(async () => {
  server = await startServer({ port: 0, seed: 8 });
});
afterAll(async () => {
  await server.close();
});

describe('core suite against the reference server', () => {
  let record: RunRecord;
  let before: string;

  beforeAll(async () => {
    before = await snapshot();
    record = await run();
  });

  it('passes every check, skips none', () => {
    const notPassed = record.results.filter((r) => r.status !== 'pass').map((r) => `${r.checkId}: ${r.status} ${r.message ?? r.reason ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(record.summary.total).toBeGreaterThan(150);
    expect(record.meta.runError).toBeUndefined();
    // Nothing failed, so no root cause: latency flags aside, the findings are empty.
    expect(record.findings!.filter((f) => f.kind !== 'latency')).toEqual([]);
    expect(record.latency!.endpoints.map((e) => e.endpoint)).toEqual(expect.arrayContaining(['POST /Users', 'GET /Users?filter', 'PATCH /Users/{id}', 'PUT /Users/{id}', 'DELETE /Users/{id}']));
  });

  it('leaves the pre-existing users and groups untouched and deletes all it created', async () => {
    expect(await snapshot()).toEqual(before);
    expect(record.cleanup.length).toBeGreaterThan(10);
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
  });

  it('only ever writes to resources it created', () => {
    const created = new Set(record.cleanup.map((c) => c.location));
    const writes = record.exchanges.filter((x) => ['PUT', 'PATCH', 'DELETE'].includes(x.request.method));
    // Writes to ids that never existed (404 probes) cannot harm anything; any other write must
    // target a resource of the cleanup journal.
    const foreign = writes.filter((x) => !created.has(x.request.url.split('?')[0]!));
    const harmful = foreign.filter((x) => x.response && x.response.status < 400);
    expect(harmful.map((x) => `${x.request.method} ${x.request.url} → ${x.response?.status}`)).toEqual([]);
  });

  it('marks everything it creates with the run prefix', () => {
    const creates = record.exchanges.filter((x) => x.request.method === 'POST' && x.response?.status === 201);
    for (const x of creates) {
      const body = JSON.parse(x.request.body ?? '{}') as { userName?: string; displayName?: string };
      expect(body.userName ?? body.displayName).toContain(record.meta.prefix);
    }
  });

  it('redacts the token everywhere and gives a curl line for every exchange', () => {
    const text = JSON.stringify(record);
    expect(text).not.toContain(server.token);
    // A body too long to spell out is generated and piped in (`{ printf …; } | curl …`).
    for (const x of record.exchanges) expect(x.curl).toMatch(/^(\{ .*; \} \| )?curl /);
    expect(record.exchanges.some((x) => x.curl.includes('$SCIM_TOKEN'))).toBe(true);
  });
});

describe('selection, cleanup and replay', () => {
  it('--only reports only the named checks, though discovery still runs', async () => {
    const record = await run({ only: ['filter.*'] });
    const areas = new Set(record.results.map((r) => r.checkId.split('.')[0]));
    expect([...areas]).toEqual(['filter']);
    expect(record.exchanges[0]!.request.url).toMatch(/\/ServiceProviderConfig$/);
    expect(record.summary.fail).toBe(0);
  });

  it('--skip leaves the named checks out', async () => {
    const record = await run({ only: ['users.*'], skip: ['users.create.*', 'users.required'] });
    const ids = record.results.map((r) => r.checkId);
    expect(ids.some((id) => id.startsWith('users.create.'))).toBe(false);
    expect(ids.some((id) => id.startsWith('users.required'))).toBe(false);
    expect(ids).toContain('users.delete.status');
  });

  it('--no-cleanup keeps what the run created, and says so', async () => {
    const record = await run({ only: ['users.create.*'], noCleanup: true });
    expect(record.cleanup.length).toBe(1);
    expect(record.cleanup[0]!.status).toBe('kept');
    const call = scimCaller(server.url, server.token);
    const kept = await call('GET', `/Users?filter=${encodeURIComponent(`userName sw "${record.meta.prefix}"`)}`);
    expect((kept.json as { totalResults: number }).totalResults).toBe(1);
    await call('DELETE', new URL(record.cleanup[0]!.location).pathname.replace(/^.*\/Users/, '/Users'));
  });

  it('the same seed sends the same requests (modulo the run prefix, what is derived from it, and server ids)', async () => {
    // Per-scenario GUIDs (an Entra externalId, an id a PUT names) are derived from the run prefix so
    // that two runs with one seed never collide on a target; in bodies they read <guid>.
    const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
    const normalise = (r: RunRecord): string[] => {
      const ids = new Map<string, string>();
      for (const x of r.exchanges) {
        const id = (x.response?.json as { id?: unknown } | undefined)?.id;
        if (typeof id === 'string' && !ids.has(id)) ids.set(id, `<id${ids.size}>`);
      }
      return r.exchanges.map((x) => {
        let line = `${x.request.method} ${x.request.url} ${x.request.body ?? ''}`.split(r.meta.prefix).join('<prefix>');
        for (const [id, name] of ids) line = line.split(id).join(name);
        const bodyAt = line.indexOf(' ', line.indexOf(' ') + 1);
        return line.slice(0, bodyAt) + line.slice(bodyAt).replace(GUID, '<guid>');
      });
    };
    const a = await run({ only: ['errors.*', 'patch.*'], seed: 99 });
    const b = await run({ only: ['errors.*', 'patch.*'], seed: 99 });
    expect(normalise(b)).toEqual(normalise(a));
  });
});

describe('required attributes come from /Schemas (and from --require)', () => {
  it('a server that requires first and last name is tested for both', async () => {
    const strict = await startServer({ port: 0, require: ['name.givenName', 'name.familyName'] });
    try {
      const record = await runConformance({ url: strict.url, auth: { kind: 'bearer', token: strict.token }, suites: ['core'], only: ['users.required'], seed: 1 });
      const ids = record.results.map((r) => `${r.checkId}:${r.status}`);
      expect(ids).toContain('users.required.rejected[name.givenName]:pass');
      expect(ids).toContain('users.required.rejected[name.familyName]:pass');
      expect(ids).toContain('users.required.rejected[userName]:pass');
    } finally {
      await strict.close();
    }
  });

  it('--require holds a lenient server to attributes it does not enforce', async () => {
    const record = await run({ only: ['users.required'], requireAttributes: ['name.familyName'] });
    const result = record.results.find((r) => r.checkId === 'users.required.rejected[name.familyName]')!;
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/expected HTTP 400, got 201/);
  });
});
