// A product that offers PATCH and not PUT (RFC 7644 §3.12: 501, or 405, for an operation it does
// not support; Entra updates by PATCH only) still has its PATCH versions judged:
// etag.patch-version-changes reads the version before and after a PATCH of its own scenario,
// not the version a refused PUT left, which stopped the conditional-PUT scenario before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { DEFECTS, resourcePath, scimError } from '../support/defects.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const ONLY = ['etag.*'];
let upstream: RunningServer;
let proxy: RunningProxy;
let independent: IndependentServer;
let frozen: RunRecord;
let correct: RunRecord;
const result = (record: RunRecord, id: string): CheckResult | undefined => record.results.find((r) => r.checkId === id);

beforeAll(async () => {
  upstream = await startServer({ port: 0 });
  // Two faults at once: PUT /Users/{id} refused with 405, and a PATCH that keeps the version.
  const keepsVersion = DEFECTS['version-unchanged-after-patch'];
  proxy = await startProxy(upstream.url, upstream.token, {
    onRequest: (ctx) => {
      if (ctx.req.method === 'PUT' && resourcePath(ctx.req.path)?.type === 'Users' && resourcePath(ctx.req.path)?.id !== undefined) {
        const res = scimError(405, 'Users are changed with PATCH');
        res.headers.allow = 'GET, PATCH, DELETE';
        return res;
      }
      return undefined;
    },
    onResponse: keepsVersion.onResponse!,
  });
  frozen = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: upstream.token }, suites: ['core'], only: ONLY, seed: 12 });
  independent = await startIndependentServer({ refuse: { 'PUT User': 405 } });
  correct = await runConformance({ url: independent.url, auth: { kind: 'bearer', token: independent.token }, suites: ['core'], only: ONLY, seed: 12 });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  await independent?.close();
});

describe('etag.patch-version-changes on a server that refuses PUT', () => {
  it('fails a PATCH that keeps the version, naming the version it should have left', () => {
    expect(frozen.meta.runError).toBeUndefined();
    const r = result(frozen, 'etag.patch-version-changes');
    expect(r?.status).toBe('fail');
    expect(r?.message).toMatch(/must differ from/);
    // The conditional PUTs themselves are not judged: the product does not offer PUT.
    expect(result(frozen, 'etag.current-if-match-200')?.reason).toMatch(/does not offer PUT on \/Users\/\{id\} \(HTTP 405\)/);
  });

  it('passes a correct server that bumps the version on PATCH', () => {
    expect(correct.meta.runError).toBeUndefined();
    expect(result(correct, 'etag.patch-version-changes')?.status).toBe('pass');
    expect(correct.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.checkId)).toEqual([]);
  });
});
