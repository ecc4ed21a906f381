// Nothing left behind on buggy servers: a run against a server that answers creates without a
// usable id (none, a number, an array), derives ids from externalId, or fails after storing,
// leaves the target exactly as it found it (every stored field, meta.version included). Where the
// server makes that impossible (DELETE ignored, no id anywhere), the record names exactly what
// is left, and `scimproof clean` removes what can be removed and nothing else.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanCommand } from '../../src/cli/clean.ts';
import type { CleanupEntry, RunRecord } from '../../src/record/types.ts';
import { writeReports } from '../../src/report/write.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startHostileTarget, type Hostility, type HostileTarget } from '../support/hostile.ts';
import { startIndependentServer } from '../servers/independent/index.ts';

// The scenarios that create users and groups (core and Entra's group pushes), the error and
// robustness probes that try to create odd ones: enough to show every create path.
const ONLY = ['users.*', 'groups.*', 'entra.group.*', 'errors.*', 'robustness.*'];

function run(target: HostileTarget, extra: Partial<Parameters<typeof runConformance>[0]> = {}): Promise<RunRecord> {
  return runConformance({ url: target.url, auth: { kind: 'bearer', token: target.token }, suites: ['core', 'entra'], only: ONLY, seed: 11, ...extra });
}

const foundBy = (record: RunRecord): Set<CleanupEntry['foundBy']> => new Set(record.cleanup.filter((c) => c.status === 'deleted').map((c) => c.foundBy));

describe('the target is left exactly as it was', () => {
  const cases: [Hostility, CleanupEntry['foundBy']][] = [
    ['id-less', 'lookup'],
    ['id-less-with-location', 'location'],
    ['id-less-no-filter', 'sweep'],
    ['numeric-id', 'response'],
    ['array-id', 'location'],
    ['externalid-derived', 'response'],
    ['create-500-kept', 'lookup'],
  ];
  it.each(cases)('%s (found by %s)', async (hostility, how) => {
    const target = await startHostileTarget(hostility);
    try {
      const before = target.state();
      const record = await run(target);
      expect(record.meta.runError).toBeUndefined();
      expect(target.state()).toBe(before);
      expect(record.leftovers).toBeUndefined();
      // The run did create things, and found them the way this server forces.
      expect(target.requests.filter((r) => /^POST \/(Users|Groups)$/.test(r)).length).toBeGreaterThan(10);
      expect(foundBy(record)).toContain(how);
    } finally {
      await target.close();
    }
  });
});

/** The names of what the run left in the upstream store. */
function leftInStore(target: HostileTarget, before: string): string[] {
  const ids = new Set([...(JSON.parse(before) as { users: { id: string }[]; groups: { id: string }[] }).users, ...(JSON.parse(before) as { groups: { id: string }[] }).groups].map((r) => r.id));
  const { users, groups } = target.upstream.store.snapshot();
  return [...users, ...groups].filter((r) => !ids.has(r.id)).map((r) => String(r.data.userName ?? r.data.displayName)).sort();
}

describe('what cannot be deleted is named exactly', () => {
  it.each(['delete-ignored', 'no-id-anywhere'] as Hostility[])('%s', async (hostility) => {
    const target = await startHostileTarget(hostility);
    try {
      const before = target.state();
      const record = await run(target);
      const left = leftInStore(target, before);
      expect(left.length).toBeGreaterThan(10);
      expect((record.leftovers ?? []).map((l) => l.name).sort()).toEqual(left);
      for (const l of record.leftovers!) expect(l.reason).not.toBe('');
    } finally {
      await target.close();
    }
  });
});

describe('a 201 with no body and no Location header', () => {
  it('is a clear MUST failure (the Location SHALL be there), and what the run made is still found by name and deleted', async () => {
    const server = await startIndependentServer({ createBody: 'none-no-location' });
    try {
      const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta', 'fuzz'], seed: 11 });
      expect(record.meta.runError).toBeUndefined();
      const byId = new Map(record.results.map((r) => [r.checkId, r]));
      expect(byId.get('users.create.location')).toMatchObject({ status: 'fail', level: 'MUST', message: 'the response has no Location header' });
      expect(byId.get('users.create.returns-resource')).toMatchObject({ status: 'warn', message: expect.stringContaining('the 201 has no body, and no Location header names the new resource either') });
      expect(byId.get('entra.create.id[entra]')?.message).toBe('the 201 Created has no body, so there is no /id to read (nor does a Location header name the new resource)');
      expect(byId.get('fuzz.create-get')?.message).toMatch(/^the 201 for a new User has no body and no Location header naming the new resource/);
      // What needs the id is not judged, and says why.
      expect(byId.get('users.get.schema')).toMatchObject({ status: 'skip', reason: 'step "create" did not yield /id for {{userId}} (the 201 Created has no body)' });
      expect((record.idpVerdicts ?? []).every((v) => !v.works)).toBe(true);
      // Each create was looked for by the name it was sent with, and deleted.
      expect(record.leftovers).toBeUndefined();
      expect(record.cleanup.filter((c) => c.status === 'deleted' && c.foundBy === 'lookup').length).toBeGreaterThan(10);
      for (const collection of ['Users', 'Groups']) {
        const res = await fetch(`${server.url}/${collection}?count=0`, { headers: { authorization: `Bearer ${server.token}` } });
        expect(((await res.json()) as { totalResults: number }).totalResults, collection).toBe(0);
      }
    } finally {
      await server.close();
    }
  });
});

describe('scimproof clean', () => {
  async function keptRun(hostility: Hostility): Promise<{ target: HostileTarget; before: string; file: string; record: RunRecord }> {
    const target = await startHostileTarget(hostility);
    const before = target.state();
    const record = await run(target, { noCleanup: true });
    const dir = mkdtempSync(join(tmpdir(), 'scimproof-clean-'));
    const written = await writeReports(record, { outDir: dir });
    return { target, before, file: written.json!, record };
  }
  const sink = (): { text: string; write(t: string): void } => ({ text: '', write(t: string) { this.text += t; } });

  it('removes what a --no-cleanup run kept, after a dry run that removes nothing', async () => {
    const { target, before, file } = await keptRun('none');
    try {
      expect(target.state()).not.toBe(before);
      const kept = target.state();
      const dry = sink();
      // Exit 1: resources with the prefix are still there (it was 0, so a CI job asking with --dry-run
      // read "nothing left" from its exit code).
      expect(await cleanCommand({ run: file, token: target.token, dryRun: true }, dry)).toBe(1);
      expect(dry.text).toMatch(/would delete User spf[0-9a-f]{8}-/);
      expect(target.state()).toBe(kept);
      const out = sink();
      expect(await cleanCommand({ run: file, token: target.token }, out)).toBe(0);
      expect(out.text).toMatch(/^\s+deleted User /m);
      expect(target.state()).toBe(before);
      const again = sink();
      expect(await cleanCommand({ run: file, token: target.token }, again)).toBe(0);
      expect(again.text).not.toMatch(/^\s+deleted /m);
      expect(again.text).toMatch(/^0 deleted, \d+ already gone, 0 could not be deleted$/m);
      const dryAfter = sink();
      expect(await cleanCommand({ run: file, token: target.token, dryRun: true }, dryAfter)).toBe(0);
      expect(dryAfter.text).toMatch(/^0 would be deleted$/m);
    } finally {
      await target.close();
    }
  });

  it('never deletes what does not carry the prefix, even at a location the run record names', async () => {
    const { target, before, file, record } = await keptRun('id-less-no-filter');
    try {
      // A tampered (or stale) record pointing at a customer's user.
      const customer = (JSON.parse(before) as { users: { id: string }[] }).users[0]!.id;
      const tampered = { ...record, leftovers: [{ resourceType: 'User', location: `${target.url}/Users/${customer}`, reason: 'tampered' }] };
      writeFileSync(file, JSON.stringify(tampered));
      const out = sink();
      expect(await cleanCommand({ run: file, token: target.token }, out)).toBe(0);
      expect(out.text).toContain(`left alone User ${target.url}/Users/${customer} — it does not carry the run prefix`);
      // Without filters, the listing found every resource of the run.
      expect(target.state()).toBe(before);
    } finally {
      await target.close();
    }
  });

  it('takes only a scimproof run prefix', async () => {
    for (const prefix of ['spf', 'a', 'spf1234-', 'spfzzzzzzzz-', '']) {
      await expect(cleanCommand({ url: 'http://127.0.0.1:9/scim/v2', prefix, token: 't' })).rejects.toThrow(/prefix/);
    }
  });
});

// Found against BoxyHQ Jackson's Directory Sync: it stores whatever JSON a create carries, a bare
// array included, and answers 201 with that array, whose id JSON drops. Nothing names what it made,
// so the run says it may remain, once, without repeating itself ("what it made, with no name the
// run could look for, may remain: it carries no name the run can look for").
describe('a 201 to a create whose body names nothing', () => {
  it('is one leftover, saying its request carries no name to look for', async () => {
    const target = await startHostileTarget('none', {
      onRequest: (ctx) => {
        if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && ctx.req.body?.trim().startsWith('[')) return { status: 201, headers: { 'content-type': 'application/scim+json' }, body: ctx.req.body };
      },
    });
    try {
      const record = await run(target, { only: ['errors.body-not-object.400'] });
      expect(record.leftovers?.map((l) => l.reason)).toEqual([
        expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users answered 201 \(exchange x\d+\) without a usable id; what it made may remain: its request carries no userName, displayName or externalId the run can look for$/),
      ]);
    } finally {
      await target.close();
    }
  });
});
