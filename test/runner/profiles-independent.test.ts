// The standard profiles against correct servers that are not the reference server: the
// independent server (written from RFC 7643/7644 and the profile drafts alone) in its interop and
// IPSIE modes meets each profile with no failure, and in its plain RFC mode misses the interop
// profile on exactly the points where the profile is stricter than the RFC — so a profile check
// blames neither a server that meets the profile nor, for the wrong reason, one that does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { getProfile } from '../../src/suite/profiles.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer, type IndependentServerOptions } from '../servers/independent/index.ts';

async function run(server: IndependentServer, profile: string, options: { suites?: string[]; only?: string[]; skip?: string[] } = {}): Promise<RunRecord> {
  const standard = getProfile(profile);
  return runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: options.suites ?? ['core'], seed: 11, standard, profile: standard.name, ...(options.only ? { only: options.only } : {}), ...(options.skip ? { skip: options.skip } : {}) });
}

const notPassed = (record: RunRecord, prefix: RegExp): string[] =>
  record.results.filter((r) => prefix.test(r.checkId) && r.status !== 'pass').map((r) => `${r.checkId}: ${r.status}`).sort();
const failures = (record: RunRecord): CheckResult[] => record.results.filter((r) => r.status === 'fail' || r.status === 'error');
const TLS_NOT_JUDGED = 'interop.tls: skip';

function withServer(options: IndependentServerOptions): { server: () => IndependentServer } {
  let server: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer(options);
  });
  afterAll(() => server.close());
  return { server: () => server };
}

// The first three describes run side by side: the third waits on the network (600 requests, each
// 200 ms away) while the other two run on the CPU; none judges a rate the others could change (a
// slower burst is skipped for the same reason). Each has a server of its own.
describe.concurrent('the independent server in its interop mode', () => {
  const { server } = withServer({ interop: true });

  it('meets the interoperability profile, its claim holds, and nothing in the core suite fails', async () => {
    const record = await run(server(), 'interop');
    expect(notPassed(record, /^interop\./)).toEqual([TLS_NOT_JUDGED]);
    expect(failures(record).map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    expect(record.profileVerdict).toMatchObject({ profile: 'interop', state: 'meets', failing: [] });
    expect(record.profileVerdict?.claim).toMatchObject({ attribute: 'interopProfileConformant', value: true, holds: true });
  });
});

describe.concurrent('the independent server in its plain RFC 7644 mode', () => {
  const { server } = withServer({});

  it('misses the interoperability profile exactly where the profile is stricter than the RFC, and says how', async () => {
    const record = await run(server(), 'interop');
    const failed = new Map(failures(record).map((r) => [r.checkId, r.message ?? '']));
    // Each is legal under RFC 7644 and refused by the profile; nothing else fails.
    expect(Object.fromEntries(failed)).toEqual({
      'interop.schemas.canonical-type-values': expect.stringContaining('entitlements.type, roles.type, x509Certificates.type'),
      'interop.undefined.attribute': expect.stringContaining('"invalidSyntax", got "invalidValue"'),
      'interop.undefined.schema-uri': expect.stringContaining('expected HTTP 400, got 201'),
      'interop.undefined.sub-attribute': expect.stringContaining('"invalidSyntax", got "invalidValue"'),
      'interop.undefined.patch-path': expect.stringContaining('"invalidSyntax", got "invalidPath"'),
      'interop.patch.path-required': expect.stringContaining('expected HTTP 400, got 200'),
      'interop.patch.complex-replace-whole': expect.stringContaining('/name/familyName must not be present'),
      'interop.filter.undefined-attribute': expect.stringContaining('expected HTTP 400, got 200'),
    });
    expect(record.profileVerdict).toMatchObject({ state: 'fails' });
  });
});

describe.concurrent('the independent server with a sane rate limit, 200 ms away', () => {
  // Limited at 150 requests per second: from 200 ms away 16 requests in flight go at most 80 per
  // second, so the limit cannot show. Not a reason to fail a correct server.
  const { server } = withServer({ ipsie: true, rateLimit: 150 });

  it('is not failed for a limit the burst could not reach (skipped with the rate it reached)', async () => {
    const { startProxy } = await import('../support/proxy.ts');
    const far = await startProxy(server().url, server().token, { onRequest: () => new Promise<void>((resolve) => setTimeout(resolve, 200)) });
    try {
      const record = await run({ ...server(), url: far.url }, 'ipsie-al1', { suites: [], only: ['ipsie.rate.limited'] });
      expect(record.results.find((r) => r.checkId === 'ipsie.rate.limited')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/per second at which a missing limit is judged/) });
    } finally {
      await far.close();
    }
  });
});

describe('the independent server in its IPSIE mode', () => {
  const { server } = withServer({ ipsie: true });

  it('meets IPSIE AL1 and AL2 (/Bulk, no password, unique group names, cursors) apart from the rate limit, judged below', async () => {
    for (const profile of ['ipsie-al1', 'ipsie-al2']) {
      const record = await run(server(), profile, { skip: ['ipsie.rate.*'] });
      expect(notPassed(record, /^(ipsie|interop)\./), profile).toEqual([TLS_NOT_JUDGED]);
      expect(failures(record).map((r) => `${r.checkId}: ${r.message}`), profile).toEqual([]);
    }
  });

  it('has a working /Bulk behind its bulk.supported claim (RFC 7644 §3.7): bulkId references resolve, failOnErrors stops', async () => {
    const post = (body: unknown): Promise<Response> =>
      fetch(`${server().url}/Bulk`, { method: 'POST', headers: { authorization: `Bearer ${server().token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
    const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bulk.ada@example.com' };
    const answer = await post({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', bulkId: 'u1', path: '/Users', data: user },
        { method: 'POST', bulkId: 'g1', path: '/Groups', data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Bulk group', members: [{ value: 'bulkId:u1' }] } },
        { method: 'POST', bulkId: 'dup', path: '/Users', data: user },
      ],
    });
    expect(answer.status).toBe(200);
    const ops = ((await answer.json()) as { Operations: { status: string; location?: string; response?: { scimType?: string } }[] }).Operations;
    expect(ops.map((o) => o.status)).toEqual(['201', '201', '409']);
    expect(ops[2]!.response?.scimType).toBe('uniqueness');
    const group = await fetch(ops[1]!.location!, { headers: { authorization: `Bearer ${server().token}` } });
    expect(((await group.json()) as { members: { value: string }[] }).members[0]!.value).toBe(ops[0]!.location!.split('/').pop());
    const stopped = await post({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], failOnErrors: 1, Operations: [{ method: 'POST', bulkId: 'again', path: '/Users', data: user }, { method: 'DELETE', path: '/Users/bulkId:again' }] });
    expect(((await stopped.json()) as { Operations: unknown[] }).Operations).toHaveLength(1);
  });
});

describe('the independent server with a rate limit (IPSIE §4.3)', () => {
  const { server } = withServer({ ipsie: true, rateLimit: 40 });

  it('passes the rate-limit checks with its own 429 and Retry-After', async () => {
    const record = await run(server(), 'ipsie-al1', { suites: [], only: ['ipsie.rate.*'] });
    const results = new Map(record.results.map((r) => [r.checkId, r]));
    // Paced at 25 per second: a machine too busy to keep that pace gets the check's own skip.
    const sustained = results.get('ipsie.rate.sustains-25')!;
    if (sustained.status === 'skip') expect(sustained.reason).toMatch(/only reached [\d.]+ per second/);
    else expect(sustained).toMatchObject({ status: 'pass' });
    expect(results.get('ipsie.rate.limited')).toMatchObject({ status: 'pass', message: expect.stringContaining('429 with Retry-After') });
  });
});
