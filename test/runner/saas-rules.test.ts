// Rules real SaaS products set that RFC 7643/7644 leave to the service provider (round 9), played
// by the independent server over real HTTP: a run must not blame a correct server for refusing the
// harness's own data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { cleanLead, leftoverLine } from '../../src/report/summarize.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

async function started(options: Parameters<typeof startIndependentServer>[0]): Promise<IndependentServer> {
  const server = await startIndependentServer(options);
  closers.push(server.close);
  return server;
}

/** Every userName the run sent in a create, a replace or a PATCH value. */
function sentUserNames(record: RunRecord): string[] {
  const names: string[] = [];
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string' && key?.toLowerCase() === 'username') names.push(value);
    else if (Array.isArray(value)) value.forEach((v) => walk(v));
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeof o.path === 'string' && o.path.toLowerCase() === 'username') walk(o.value, 'userName');
      for (const [k, v] of Object.entries(o)) walk(v, k);
    }
  };
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined; // the malformed-JSON probes
    }
  };
  for (const ex of record.exchanges) if (ex.request.method !== 'GET' && ex.request.body) walk(typeof ex.request.body === 'string' ? parsed(ex.request.body) : ex.request.body);
  return names;
}

describe('a product that caps userNames at 64 characters', () => {
  let record: RunRecord;
  beforeAll(async () => {
    const server = await started({ userNameRule: { maxLength: 64 } });
    record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['entra', 'okta'], seed: 9 });
  }, 600_000);

  it('is sent no userName longer than that by the IdP replays, and no Entra or Okta check fails on it', () => {
    expect(record.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(100);
    const long = sentUserNames(record).filter((n) => n.length > 64);
    expect(long).toEqual([]);
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    expect((record.idpVerdicts ?? []).every((v) => v.works)).toBe(true);
  });
});

describe('a product that requires emails (and both name parts) on every User', () => {
  let record: RunRecord;
  beforeAll(async () => {
    const server = await started({ require: ['emails', 'name.givenName', 'name.familyName'] });
    record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], only: ['users.enterprise.*', 'users.delete.*', 'users.required.*', 'entra.required.*', 'okta.required.*'], seed: 9 });
  }, 600_000);

  it('is sent an email with every user the core suite needs created, so the enterprise and delete checks judge it', () => {
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    for (const id of ['users.enterprise.create', 'users.delete.username-free']) expect(record.results.find((r) => r.checkId === id)?.status, id).toBe('pass');
  });

  it('still gets the creates that leave one out on purpose without it (the required values the harness fills never refill them)', () => {
    for (const id of ['users.required.rejected[emails]', 'entra.required.rejected[entra][emails]', 'entra.required.rejected[entra-compliant][name]', 'okta.required.rejected[okta][emails]']) {
      expect(record.results.find((r) => r.checkId === id)?.status, id).toBe('pass');
    }
  });
});

describe('a product that offers no DELETE (deprovisioning by active false) and no PUT', () => {
  let record: RunRecord;
  beforeAll(async () => {
    const server = await started({ refuse: { 'DELETE User': 405, 'PUT User': 501, 'PUT Group': 405 } });
    record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta', 'fuzz'], fuzz: { runs: 15, properties: ['stateful-directory'] }, seed: 9 });
  }, 600_000);

  it('is not failed by the RFC checks: those of a refused PUT or DELETE are not judged, with the reason', () => {
    const judgedAgainst = record.results.filter((r) => (r.status === 'fail' || r.status === 'error') && !/^(entra|okta)\./.test(r.checkId));
    expect(judgedAgainst.map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    for (const id of ['users.delete.status', 'users.delete.then-404', 'users.replace.status']) {
      expect(record.results.find((r) => r.checkId === id), id).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not judged: the server does not offer (DELETE|PUT) on \/Users\/\{id\} \(HTTP (405|501)\); RFC 7644 §3\.12/) });
    }
    expect(record.results.find((r) => r.checkId === 'fuzz.stateful-directory')?.status).not.toBe('fail');
  });

  it("Entra's verdict fails on the DELETE it sends, Okta's on the PUT it sends", () => {
    const verdicts = Object.fromEntries((record.idpVerdicts ?? []).map((v) => [v.dialect, v]));
    expect(verdicts.entra?.works).toBe(false);
    expect(verdicts.entra?.blocking.some((b) => /^entra\.delete/.test(b.checkId))).toBe(true);
    expect(verdicts.okta?.works).toBe(false);
    expect(verdicts.okta?.blocking.some((b) => /^okta\.user\.update/.test(b.checkId))).toBe(true);
  });

  it('lists the users it could not delete and says to deactivate them: a later clean would be refused as well', () => {
    const left = record.leftovers ?? [];
    expect(left.length).toBeGreaterThan(0);
    expect(new Set(left.map((l) => l.reason))).toEqual(new Set(['DELETE refused: HTTP 405; deactivate it (active false) or remove it in the product']));
    expect(cleanLead(record)).toMatch(/^The target refuses DELETE, so a clean would be refused too: deactivate them or remove them in the product \(each carries the prefix spf/);
    expect(leftoverLine(record)).toMatch(/^\d+ resource\(s\) this run created may still be on the target; the target refuses DELETE, so deactivate them or remove them in the product/);
    // A leftover for another reason keeps the clean command.
    const other = { ...record, leftovers: [...left, { resourceType: 'User', reason: 'DELETE failed: HTTP 500' }] };
    expect(leftoverLine(other)).toMatch(/remove them with: npx scimproof clean /);
  });
});

describe('a product that requires an enterprise attribute (employeeNumber), declared in /Schemas', () => {
  let record: RunRecord;
  beforeAll(async () => {
    const server = await started({ require: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber'] });
    record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], seed: 9 });
  }, 600_000);

  it('is sent a made-up value with every user, as an admin maps it in the IdP, so no check fails on the harness missing it', () => {
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    expect(record.results.find((r) => r.checkId === 'users.create.status')?.status).toBe('pass');
    expect((record.idpVerdicts ?? []).every((v) => v.works)).toBe(true);
  });
});

describe('fuzz against a product that requires an enterprise attribute', () => {
  it('generates it in every user (bare ones too), so no case is refused for lacking it', async () => {
    const server = await started({ require: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber'] });
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], fuzz: { runs: 10, properties: ['create-get', 'paging-partition', 'member-add-idempotent'] }, seed: 9 });
    const refusals = record.results.find((r) => r.checkId === 'fuzz.valid-input-accepted');
    expect(refusals?.message ?? '').not.toMatch(/employeeNumber/);
    for (const id of ['fuzz.create-get', 'fuzz.paging-partition', 'fuzz.member-add-idempotent']) expect(record.results.find((r) => r.checkId === id), id).toMatchObject({ status: 'pass', message: expect.stringMatching(/^\d+ generated cases passed/) });
  }, 600_000);
});

describe('a product that provisions users only (no Group resource type)', () => {
  it("is not judged on Okta's optional Spec Test 10 (GET /Groups), with the reason, and the steps after it still run", async () => {
    const server = await started({ noGroups: true });
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['okta'], only: ['okta.spec.*'], seed: 9 });
    expect(record.results.find((r) => r.checkId === 'okta.spec.10.groups[okta]')).toMatchObject({ status: 'skip', reason: 'the server lists no Group resource type in /ResourceTypes' });
    expect(record.results.filter((r) => r.status !== 'pass' && r.status !== 'skip').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    for (const id of ['okta.spec.11.unauthorized[okta]', 'okta.spec.12.not-found[okta]']) expect(record.results.find((r) => r.checkId === id)?.status, id).toBe('pass');
  }, 600_000);
});

describe('fuzz against product rules it learns first', () => {
  const fuzzOn = async (options: Parameters<typeof startIndependentServer>[0], properties: string[]): Promise<RunRecord> => {
    const server = await started(options);
    return runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], fuzz: { runs: 15, properties }, seed: 9 });
  };

  it('sends one email and one phone number to a product that keeps one value of each (RFC 7644 §3.3), and says so', async () => {
    const record = await fuzzOn({ oneValueOf: ['emails', 'phoneNumbers'] }, ['create-get', 'filter-model', 'patch-model', 'stateful-directory']);
    expect(record.results.filter((r) => r.status !== 'pass').map((r) => `${r.checkId}: ${r.message ?? r.reason}`)).toEqual([]);
    expect(record.sections?.find((s) => s.kind === 'fuzz-summary')?.data).toMatchObject({ productRules: expect.stringMatching(/^the server keeps one value of emails and phoneNumbers \(RFC 7644 §3\.3/) });
  }, 600_000);

  it('still fails a product that answers a create with both values while it stores one', async () => {
    const record = await fuzzOn({ oneValueOf: ['emails', 'phoneNumbers'], echoDropped: true }, ['create-get']);
    expect(record.results.find((r) => r.checkId === 'fuzz.create-get')).toMatchObject({ status: 'fail', message: expect.stringMatching(/(emails|phoneNumbers): 1 values instead of 2/) });
  }, 600_000);

  it('generates email userNames for a product that takes no other, so no valid input is refused', async () => {
    const record = await fuzzOn({ userNameRule: { email: true } }, ['create-get', 'filter-model', 'username-eq-any-case', 'stateful-directory']);
    expect(record.results.filter((r) => r.status !== 'pass').map((r) => `${r.checkId}: ${r.message ?? r.reason}`)).toEqual([]);
    expect(record.sections?.find((s) => s.kind === 'fuzz-summary')?.data).toMatchObject({ productRules: expect.stringMatching(/takes only email addresses as userNames/) });
  }, 600_000);

  it('generates email userNames for a product that requires an email unless the userName is one, so no generated user is set aside', async () => {
    const record = await fuzzOn({ businessRule: 'email-unless-username-is-email' }, ['create-get', 'filter-model', 'patch-model', 'stateful-directory']);
    expect(record.results.filter((r) => r.status !== 'pass').map((r) => `${r.checkId}: ${r.message ?? r.reason}`)).toEqual([]);
    expect(record.sections?.find((s) => s.kind === 'fuzz-summary')?.data).toMatchObject({ productRules: expect.stringMatching(/requires an email unless the userName is an email address/) });
  }, 600_000);

  it('does not learn that rule from a product that takes a plain userName without an email', async () => {
    const record = await fuzzOn({ require: ['name.givenName'] }, ['create-get']);
    expect(record.results.find((r) => r.checkId === 'fuzz.create-get')?.status).toBe('pass');
    expect(record.sections?.find((s) => s.kind === 'fuzz-summary')?.data).not.toHaveProperty('productRules');
  }, 600_000);

  it('learns nothing from a server without such rules, whose fuzz cases keep two values and free-form userNames', async () => {
    const record = await fuzzOn({}, ['create-get']);
    expect(record.results.find((r) => r.checkId === 'fuzz.create-get')?.status).toBe('pass');
    expect(record.sections?.find((s) => s.kind === 'fuzz-summary')?.data).not.toHaveProperty('productRules');
  }, 600_000);
});

describe('a product that keeps one email and one phone number (RFC 7644 §3.3)', () => {
  const ONE_VALUE_CHECKS = ['patch.setup.emails-as-answered', 'patch.value-path', 'patch.add-appends', 'patch.remove-value-filter'];
  const runOn = async (options: Parameters<typeof startIndependentServer>[0]): Promise<RunRecord> => {
    const server = await started(options);
    return runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra'], only: ['patch.*', 'entra.*'], seed: 9 });
  };

  it('is not judged on the checks that need two emails kept, with the answer that showed one, and Entra works', async () => {
    const record = await runOn({ oneValueOf: ['emails', 'phoneNumbers'] });
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    for (const id of ONE_VALUE_CHECKS) {
      expect(record.results.find((r) => r.checkId === id), id).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not judged: the server keeps one value of emails, and RFC 7644 §3\.3 lets a service provider ignore what it does not store.*\(POST \/scim\/v2\/Users answered HTTP 201 with 1 element\(s\) at \/emails\)$/) });
    }
    expect(record.results.find((r) => r.checkId === 'patch.primary-exclusive')?.status).toBe('pass');
    expect((record.idpVerdicts ?? []).every((v) => v.works)).toBe(true);
  }, 600_000);

  it('learns it from the read-back when the create answers 201 without a body', async () => {
    const record = await runOn({ oneValueOf: ['emails'], createBody: 'none' });
    for (const id of ONE_VALUE_CHECKS) expect(record.results.find((r) => r.checkId === id), id).toMatchObject({ status: 'skip', reason: expect.stringMatching(/\(GET \/scim\/v2\/Users\/[^ ]+ answered HTTP 200 with 1 element\(s\) at \/emails\)$/) });
  }, 600_000);

  it('still catches a product that answers the create with both emails while it keeps one', async () => {
    const record = await runOn({ oneValueOf: ['emails', 'phoneNumbers'], echoDropped: true });
    expect(record.results.find((r) => r.checkId === 'patch.setup.emails-as-answered')).toMatchObject({ status: 'warn', message: '/emails must have 2 element(s), has 1' });
    expect(record.results.find((r) => r.checkId === 'patch.value-path')).toMatchObject({ status: 'fail', causedBy: { checkId: 'patch.setup.emails-as-answered' } });
  }, 600_000);
});
