// Findings on real runs over HTTP: one server defect is one finding with its consequences listed,
// not many unrelated failures; every failing check is under exactly one finding; the findings are
// stored in run.json as computed from its results and exchanges.
import { afterAll, describe, expect, it } from 'vitest';
import { computeFindings } from '../../src/analysis/findings.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { renderJson } from '../../src/report/json.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer } from '../../src/server/index.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { startProxy } from '../support/proxy.ts';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

async function runAgainst(defect: DefectName, suites: string[], only?: string[]): Promise<RunRecord> {
  const server = await startFaultyServer(defect);
  closers.push(() => server.close());
  return runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites, seed: 3, ...(only ? { only } : {}) });
}

function expectEveryFailureOnce(record: RunRecord): void {
  const failing = record.results.flatMap((r, i) => (r.status === 'fail' || r.status === 'warn' ? [i] : []));
  const listed = record.findings!.flatMap((f) => [...f.symptoms, ...f.consequences].map((m) => m.result));
  expect([...listed].sort((a, b) => a - b)).toEqual(failing);
}

describe('findings of real runs', () => {
  it('a meta.location relative to the wrong root: every check it fails is one finding', async () => {
    const record = await runAgainst('meta-location-outside-root', ['core']);
    expectEveryFailureOnce(record);
    const checks = record.findings!.filter((f) => f.kind !== 'latency');
    expect(checks).toHaveLength(1);
    const [finding] = checks;
    expect(finding).toMatchObject({ id: 'F1', kind: 'attribute-form', status: 'fail' });
    expect(finding!.title).toMatch(/^meta\.location is a relative URL \("\/Users\/[^"]+"\)$/);
    expect(finding!.symptoms.filter((m) => m.status === 'fail').length).toBeGreaterThanOrEqual(5);
    expect(finding!.symptoms.map((m) => m.checkId)).toEqual(expect.arrayContaining(['users.create.location', 'users.create.meta', 'users.get.meta', 'groups.create.meta', 'groups.create.location']));
    // Each meta check says where the reference resolves and why that is not the resource (RFC 7643 §2.3.7).
    for (const id of ['users.create.meta', 'users.get.meta', 'groups.create.meta']) {
      expect(record.results.find((r) => r.checkId === id)!.message).toMatch(/^meta\.location "\/(Users|Groups)\/[^"]+" resolves against the service root http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/ to http:\/\/127\.0\.0\.1:\d+\/(Users|Groups)\/[^,]+, outside it: RFC 7643 §2\.3\.7/);
    }
  });

  it('Entra\'s PATCH refused: the refusals are one finding, the read-backs its consequences, each saying why', async () => {
    const record = await runAgainst('op-case-sensitive', ['entra']);
    expectEveryFailureOnce(record);
    const checks = record.findings!.filter((f) => f.kind !== 'latency');
    expect(checks).toHaveLength(1);
    const [finding] = checks;
    expect(finding!.kind).toBe('refusal');
    expect(finding!.title).toMatch(/^The server refuses PATCH \/Users\/\{id\}.* with 400 \w+: Unknown op "(Replace|Add|Remove)"$/);
    const status = record.results.findIndex((r) => r.checkId === 'entra.disable.status[entra]');
    // The read-back of the refused disable is skipped by the runner with that cause (causedBy), so
    // the finding lists it among what the refusal kept from being judged.
    const applied = finding!.skipped.find((m) => m.checkId === 'entra.disable.applied[entra]')!;
    expect(applied.causeResult).toBe(status);
    expect(applied.because).toMatch(/not judged: entra\.disable\.status\[entra\] did not pass first \(PATCH \/.*answered HTTP 400.*would have said: \/active is true/);
    // The read-back's evidence is the chain: the create, the refused PATCH, then the GET.
    const chain = record.results[applied.result]!.exchangeIds.map((id) => record.exchanges.find((x) => x.id === id)!);
    expect(chain[0]!.request.method).toBe('POST');
    expect(chain.at(-2)!).toMatchObject({ request: { method: 'PATCH' }, response: { status: 400 } });
    expect(chain.at(-1)!.request.method).toBe('GET');
    expect(finding!.symptoms.every((m) => record.results[m.result]!.kind === 'status')).toBe(true);
  });

  it('responses served as application/json: the per-step checks and the audit over every response are one finding', async () => {
    const server = await startServer({ port: 0 });
    const proxy = await startProxy(server.url, server.token, {
      onResponse: (_ctx, res) => ({ ...res, headers: { ...res.headers, 'content-type': (res.headers['content-type'] ?? '').replace('application/scim+json', 'application/json') } }),
    });
    closers.push(async () => {
      await proxy.close();
      await server.close();
    });
    // The console's scenario lines: the audit's failure sits under a line of its own, not under the last scenario's.
    const lines: string[] = [];
    const events = { onScenarioStart: (_suite: string, title: string) => lines.push(title), onResult: (r: { checkId: string; status: string }) => r.status === 'fail' && lines.push(`  ${r.checkId}`) };
    const record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 3, events });
    expect(lines.slice(lines.indexOf('  responses.content-type') - 1, lines.indexOf('  responses.content-type') + 1)).toEqual(['Every response the run received (schema, Content-Type)', '  responses.content-type']);
    expectEveryFailureOnce(record);
    const checks = record.findings!.filter((f) => f.kind !== 'latency');
    expect(checks).toHaveLength(1);
    expect(checks[0]!.title).toBe('Content-Type is "application/json", expected application/scim+json');
    expect(checks[0]!.symptoms.map((m) => m.checkId)).toEqual(expect.arrayContaining(['users.create.content-type', 'responses.content-type']));
  });

  // The errors checks that expect another scimType failed on /scimType, whose value (a string) was
  // taken for a form shared by every error body: 31 checks read "scimType is a string in error
  // responses", a symptom, where the cause to fix first is that every create is refused.
  it('a server that refuses every write with one 400: the finding names the refused create, not the scimType it carries', async () => {
    const server = await startServer({ port: 0 });
    const proxy = await startProxy(server.url, server.token, {
      onRequest: (ctx) => (ctx.req.method === 'GET' ? undefined : { status: 400, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidSyntax' }) }),
    });
    closers.push(async () => {
      await proxy.close();
      await server.close();
    });
    const record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 3 });
    expectEveryFailureOnce(record);
    const [first] = record.findings!.filter((f) => f.kind !== 'latency');
    expect(first).toMatchObject({ kind: 'refusal', status: 'fail', title: 'The server refuses POST /Users with 400 invalidSyntax' });
    // (A create without userName refused with 400 invalidSyntax is right: RFC 7644 Table 9 fits it, so it is no symptom.)
    expect(first!.symptoms.map((m) => m.checkId)).toEqual(expect.arrayContaining(['users.create.status', 'users.password.create-accepted']));
    expect(first!.symptoms.map((m) => m.checkId)).not.toContain('users.required.rejected[userName]');
    expect(record.findings!.map((f) => f.title).filter((t) => /in error responses/.test(t))).toEqual([]);
  });

  // SCIMMY behind scimmy-routers on Express 5 pages its first 20 whatever count and startIndex ask:
  // the paging checks of core, Entra's gallery test and Okta's import each failed on their own
  // numbers, and a run read twelve root causes for one defect.
  it('a server that ignores count and startIndex: every paging check it fails, in every suite, is one finding that says so', async () => {
    const server = await startIndependentServer({ pagingIgnored: true });
    closers.push(() => server.close());
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], seed: 3, only: ['paging.*', 'entra.paging.*', 'okta.connector.*', 'okta.import.*'] });
    expectEveryFailureOnce(record);
    const checks = record.findings!.filter((f) => f.kind !== 'latency');
    expect(checks.map((f) => f.kind)).toEqual(['paging-ignored']);
    const [finding] = checks;
    expect(finding!.title).toBe('The server ignores count and startIndex in list requests (RFC 7644 §3.4.2.4): GET /Users?startIndex=1&count=2 answered 5 resources starting at 1');
    expect(finding!.symptoms.map((m) => m.checkId)).toEqual(expect.arrayContaining(['paging.first-page', 'paging.partition', 'paging.beyond-end', 'entra.paging.second-page[entra]', 'okta.connector.count[okta]', 'okta.import.next-page[okta]', 'okta.import.no-overlap[okta]']));
  });

  it('a server that ignores startIndex alone: one finding naming startIndex only', async () => {
    const record = await runAgainst('start-index-ignored', ['core'], ['paging.*']);
    expectEveryFailureOnce(record);
    const paging = record.findings!.filter((f) => f.kind === 'paging-ignored');
    expect(paging).toHaveLength(1);
    expect(paging[0]!.title).toMatch(/^The server ignores startIndex in list requests \(RFC 7644 §3\.4\.2\.4\): GET \/Users\?startIndex=\d+&count=\d+ answered \d+ resources? starting at 1$/);
  });

  it('stores in run.json exactly what the results and exchanges give', async () => {
    const record = await runAgainst('group-get-500', ['core'], ['groups.*']);
    expectEveryFailureOnce(record);
    const stored = (JSON.parse(renderJson(record)) as RunRecord).findings;
    expect(stored).toEqual(computeFindings(record).concat(record.findings!.filter((f) => f.kind === 'latency')));
    // A crashing read: its status check is the cause, the checks of its body follow from it.
    const crash = record.findings!.find((f) => f.symptoms.some((m) => m.checkId === 'groups.get.status'))!;
    expect(crash.kind === 'refusal' || crash.kind === 'check').toBe(true);
    expect(crash.consequences.map((m) => m.checkId)).toContain('groups.get.members');
  });
});
