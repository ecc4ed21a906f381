// Problems of the caller, not of the server, end the run with one clear line (exit 2) instead of
// dozens of failures charged to the server: persistent rate limiting, a wrong token against a
// server whose discovery is public, a wrong base path, a token that stops working mid-run. A
// server whose auth really is broken on one endpoint still gets check failures, not a run error.
import { describe, expect, it } from 'vitest';
import { cleanCommand } from '../../src/cli/clean.ts';
import { createClient, type RateLimitEvent } from '../../src/http/client.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startHostileTarget, type HostileOptions, type HostileTarget } from '../support/hostile.ts';
import { writeReports } from '../../src/report/write.ts';
import { runMain, tempDir } from '../support/cli.ts';

const ONLY = ['users.*', 'groups.*'];
const SCIM_ERROR = (status: number, detail: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/scim+json', ...headers },
  body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail }),
});

async function against(options: HostileOptions, run: (target: HostileTarget) => Promise<RunRecord>): Promise<{ target: HostileTarget; before: string; record: RunRecord }> {
  const target = await startHostileTarget('none', options);
  const before = target.state();
  return { target, before, record: await run(target) };
}

const conformance = (target: HostileTarget, token = target.token, extra: Partial<Parameters<typeof runConformance>[0]> = {}): Promise<RunRecord> =>
  runConformance({ url: target.url, auth: { kind: 'bearer', token }, suites: ['core'], only: ONLY, seed: 5, ...extra });

describe('429 Too Many Requests', () => {
  it('caps each Retry-After wait at 10 s and says so', async () => {
    const { target } = await against({ onRequest: () => SCIM_ERROR(429, 'slow down', { 'retry-after': '999999' }) }, async () => ({}) as RunRecord);
    try {
      const events: RateLimitEvent[] = [];
      const stop = new AbortController();
      const client = createClient({ baseUrl: target.url, auth: { kind: 'none' }, stopSignal: stop.signal, onRateLimit: (e) => (events.push(e), stop.abort()) });
      await client.send({ method: 'GET', path: '/Users' });
      await client.close();
      expect(events[0]).toMatchObject({ waitMs: 10_000, retryAfter: '999999', attempt: 1, gaveUp: false });
    } finally {
      await target.close();
    }
  });

  it('stops a persistently rate-limited run with one reason, judges nothing on a 429, and bounds the cleanup', async () => {
    let limited = false;
    const notices: string[] = [];
    const { target, before, record } = await against(
      {
        onRequest: (ctx) => {
          // From the third group on, everything is rate-limited (cleanup too).
          if (ctx.req.method === 'POST' && ctx.req.path === '/Groups') limited = true;
          if (limited) return SCIM_ERROR(429, 'slow down', { 'retry-after': '999999' });
        },
      },
      (t) => conformance(t, t.token, { limits: { maxRetryWaitMs: 20, cleanupMs: 1_000 }, events: { onNotice: (n) => notices.push(n) } }),
    );
    try {
      expect(record.meta.runError).toMatch(/^the target rate-limits persistently: POST \/scim\/v2\/Groups was still answered 429 Too Many Requests after 3 wait\(s\) \(Retry-After: 999999; each wait capped at 0\.02 s\)/);
      expect(record.summary.fail).toBe(0);
      expect(record.results.some((r) => r.status === 'skip' && /^not judged: the target rate-limits persistently/.test(r.reason ?? ''))).toBe(true);
      expect(notices.some((n) => /^429 Too Many Requests on POST \/scim\/v2\/Groups: waiting 20 ms \(Retry-After: 999999, each wait capped at 20 ms\)$/.test(n))).toBe(true);
      // The cleanup met 429s too: what it could not delete is listed, then removed once the limit lifts.
      expect(record.leftovers?.length).toBeGreaterThan(0);
      limited = false;
      const file = (await writeReports(record, { outDir: tempDir() })).json!;
      expect(await cleanCommand({ run: file, token: target.token }, { write: () => undefined })).toBe(0);
      expect(target.state()).toBe(before);
    } finally {
      await target.close();
    }
  });
});

describe('a server that answers 429 now and then', () => {
  it('shows the first three waits, counts the rest and gives their total once; every check is judged on the retried answer', async () => {
    const notices: string[] = [];
    // Every fifth request is answered 429 (Retry-After: 0); its retry is the next one, answered.
    const { target, record } = await against({ onRequest: (_ctx, index) => (index % 5 === 0 ? SCIM_ERROR(429, 'slow down', { 'retry-after': '0' }) : undefined) }, (t) =>
      conformance(t, t.token, { events: { onNotice: (n) => notices.push(n) } }),
    );
    try {
      expect(record.meta.runError).toBeUndefined();
      expect(record.summary.fail).toBe(0);
      const limited = record.exchanges.filter((x) => x.response?.status === 429).length;
      expect(limited).toBeGreaterThan(5);
      const waits = notices.filter((n) => n.startsWith('429 Too Many Requests on '));
      expect(waits).toHaveLength(3);
      expect(notices).toContain('further 429 waits are counted, not shown; their total follows at the end');
      expect(notices.at(-1)).toMatch(new RegExp(`^429 Too Many Requests: waited ${limited} times in all, `));
    } finally {
      await target.close();
    }
  });
});

describe('credentials', () => {
  it('a wrong token against a server whose discovery needs none is one run error', async () => {
    const publicDiscovery: HostileOptions = {
      onRequest: (ctx) => {
        if (/^\/(ServiceProviderConfig|Schemas|ResourceTypes)/.test(ctx.req.path)) ctx.req.headers.authorization = `Bearer ${ctx.token}`;
      },
    };
    const { target, record } = await against(publicDiscovery, (t) => conformance(t, 'wrong-token-4411'));
    try {
      expect(record.meta.runError).toMatch(/^the target rejected the credentials on \/scim\/v2\/Users \(HTTP 401\) although it serves \/scim\/v2\/ServiceProviderConfig, .* without checking them; check --token/);
      expect(record.summary.fail).toBe(0);
      expect(record.idpVerdicts).toBeUndefined();
    } finally {
      await target.close();
    }
  });

  it('a wrong token: the live results are the ones the record keeps, so the console never lists as failed what it then counts as skipped', async () => {
    const told: { checkId: string; status: string }[] = [];
    const { target, record } = await against({}, (t) => conformance(t, 'wrong-token-7302', { only: ['discovery.*', 'users.create.*'], events: { onResult: (r) => told.push({ checkId: r.checkId, status: r.status }) } }));
    try {
      expect(record.meta.runError).toMatch(/^the target rejected the credentials \(HTTP 401 on /);
      expect(record.results.length).toBeGreaterThan(5);
      expect(told).toEqual(record.results.map((r) => ({ checkId: r.checkId, status: r.status })));
      expect(told.some((r) => r.status === 'fail')).toBe(false);
      // What a vendor sees: the console over a real run.
      const out = tempDir();
      const { code, printed } = await runMain(['run', '--url', target.url, '--token', 'wrong-token-7302', '--only', 'discovery.*,users.create.*', '--seed', '5', '--out', out]);
      expect(code).toBe(2);
      expect(printed).toMatch(/  - discovery › Discovery documents  \d+ skipped\n/);
      expect(printed).not.toMatch(/✗|failed/);
    } finally {
      await target.close();
    }
  });

  it('no credentials at all against a server that wants them is one run error, not a failure of every check', async () => {
    // A token left unset (a CI secret this job cannot see) failed users.create.status and the rest with 401, exit 1.
    const { target, record } = await against({}, (t) => runConformance({ url: t.url, suites: ['core'], only: ['users.create.*'], seed: 5 }));
    try {
      expect(record.meta.runError).toMatch(/^the target refused every request \(HTTP 401 on \/scim\/v2\/ServiceProviderConfig, .*\) and no credentials were given: pass --token \/ SCIM_TOKEN, --basic or OAuth client credentials$/);
      expect(record.summary.fail).toBe(0);
      // An API key in a header of its own is credentials, wrong ones here.
      const keyed = await runConformance({ url: target.url, headers: { 'X-Api-Key': 'wrong-key-5521' }, secrets: ['wrong-key-5521'], suites: ['core'], only: ['users.create.*'], seed: 5 });
      expect(keyed.meta.runError).toMatch(/^the target refused every request \(HTTP 401 on .*\) with the credentials in the --header options; check them$/);
      expect(keyed.summary.fail).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('a wrong base path is one run error', async () => {
    const { target, record } = await against({}, (t) => runConformance({ url: `${t.url}/v3`, auth: { kind: 'bearer', token: t.token }, suites: ['core'], seed: 5 }));
    try {
      expect(record.meta.runError).toMatch(/^nothing at http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/v3 answers SCIM: .* all answered 404; is --url the SCIM base URL/);
      expect(record.summary.fail).toBe(0);
      // A URL copied with the endpoint on its end gets the base URL it meant.
      const users = await runConformance({ url: `${target.url}/Users`, auth: { kind: 'bearer', token: target.token }, suites: ['core'], seed: 5 });
      expect(users.meta.runError).toBe(`nothing at ${target.url}/Users answers SCIM: /scim/v2/Users/ServiceProviderConfig, /scim/v2/Users/Schemas, /scim/v2/Users/ResourceTypes, /scim/v2/Users/Users all answered 404; --url ends in the Users endpoint: the SCIM base URL is probably ${target.url}`);
    } finally {
      await target.close();
    }
  });

  it('a token that stops working after the 10th request stops the run; clean with a fresh token removes what it made', async () => {
    const expiring = 'expiring-token-7781';
    const { target, before, record } = await against(
      {
        onRequest: (ctx, index) => {
          if (ctx.req.headers.authorization !== `Bearer ${expiring}`) return;
          if (index > 10) return SCIM_ERROR(401, 'token expired');
          ctx.req.headers.authorization = `Bearer ${ctx.token}`;
        },
      },
      (t) => conformance(t, expiring),
    );
    try {
      expect(record.meta.runError).toMatch(/^the credentials stopped working mid-run: .* got HTTP 401 .* a request they were accepted for earlier .* is now refused too/);
      expect(record.summary.fail).toBe(0);
      expect(record.leftovers?.length).toBeGreaterThan(0);
      const file = (await writeReports(record, { outDir: tempDir() })).json!;
      expect(await cleanCommand({ run: file, token: target.token }, { write: () => undefined })).toBe(0);
      expect(target.state()).toBe(before);
    } finally {
      await target.close();
    }
  });

  it("auth broken on one endpoint is the server's failure, not a run error", async () => {
    const { target, before, record } = await against(
      { onRequest: (ctx) => (ctx.req.method === 'PATCH' && ctx.req.path.startsWith('/Groups/') ? SCIM_ERROR(401, 'no') : undefined) },
      (t) => conformance(t),
    );
    try {
      expect(record.meta.runError).toBeUndefined();
      expect(record.results.some((r) => r.status === 'fail' && r.checkId.startsWith('groups.'))).toBe(true);
      expect(record.exchanges.some((x) => x.origin?.scenario === 'credentials')).toBe(true);
      expect(target.state()).toBe(before);
    } finally {
      await target.close();
    }
  });
});
