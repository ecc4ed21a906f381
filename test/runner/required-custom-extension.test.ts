// A User extension of the vendor's own, declared required (SCIMMY: `User.extend(schema, true)`):
// every User carries it, so `schemas` names three URNs (RFC 7643 §3: the schemas of the attributes
// present). users.enterprise.read asked for exactly [core, enterprise] and failed such a server;
// it now asks that both are listed. A `schemas` without the enterprise URN still fails it. The
// fuzzer's filter population and the search-lag probe carry the required costCenter too: they
// were refused for lacking it ("the server refused generated request(s) that its /Schemas allows").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';
import { CUSTOM_EXTENSION, URNS } from '../servers/independent/schema.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';

let server: IndependentServer;
let proxy: RunningProxy;
let correct: RunRecord;
let unlisted: RunRecord;
let fuzzed: RunRecord;
const result = (record: RunRecord, id: string): CheckResult | undefined => record.results.find((r) => r.checkId === id);

beforeAll(async () => {
  server = await startIndependentServer({ requiredCustomExtension: true });
  correct = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['users.enterprise.*'], seed: 7 });
  fuzzed = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], only: ['fuzz.filter-model'], seed: 7 });
  // The defect the schemas assertion is there for: the extension's data kept, its URN not listed.
  proxy = await startProxy(server.url, server.token, {
    onResponse(ctx, res) {
      if (ctx.req.method !== 'GET' || !/^\/Users\/[^/]+$/.test(ctx.req.path)) return;
      const json = JSON.parse(res.body) as { schemas?: string[] };
      json.schemas = json.schemas?.filter((s) => s !== URNS.enterprise);
      res.body = JSON.stringify(json);
    },
  });
  unlisted = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['users.enterprise.read'], seed: 7 });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

describe('a server with a required User extension of its own besides the enterprise one', () => {
  it('lists three URNs in schemas, and users.enterprise.read passes it', () => {
    const read = correct.exchanges.find((x) => x.request.method === 'GET' && /\/Users\/[^/?]+$/.test(x.request.url) && x.response?.status === 200);
    expect((read?.response?.json as { schemas?: string[] }).schemas).toEqual([URNS.user, URNS.enterprise, CUSTOM_EXTENSION]);
    expect(result(correct, 'users.enterprise.read')).toMatchObject({ status: 'pass' });
    const shown = correct.results.filter((r) => r.status !== 'pass').map((r) => `${r.checkId}: ${r.message ?? r.reason ?? ''}`);
    expect(shown).toEqual([]);
  });

  it('the fuzzer creates its filter population with the required extension, and the search-lag probe its user', () => {
    expect(result(fuzzed, 'fuzz.filter-model')).toMatchObject({ status: 'pass' });
    expect(result(fuzzed, 'fuzz.valid-input-accepted')).toBeUndefined();
    const creates = fuzzed.exchanges.filter((x) => x.request.method === 'POST' && /\/Users$/.test(x.request.url));
    expect(creates.length).toBeGreaterThan(1);
    expect(creates.filter((x) => x.response?.status !== 201).map((x) => x.response?.body)).toEqual([]);
    const probe = fuzzed.exchanges.find((x) => x.origin?.scenario === 'search-lag' && x.request.method === 'POST');
    expect(probe?.response?.status).toBe(201);
    expect(JSON.parse(probe!.request.body ?? '{}')[CUSTOM_EXTENSION]).toMatchObject({ costCenter: expect.any(String) });
  });

  it('still fails users.enterprise.read when schemas leaves the enterprise URN out, and says which URN is lacking', () => {
    expect(result(unlisted, 'users.enterprise.read')).toMatchObject({ status: 'fail' });
    expect(result(unlisted, 'users.enterprise.read')?.message).toBe(`/schemas is ${JSON.stringify([URNS.user, CUSTOM_EXTENSION])}, which lacks "${URNS.enterprise}"`);
  });
});
