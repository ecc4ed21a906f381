// A server with a size limit answers 413 to a request over it (RFC 7644 §3.12: "max payload
// size"), as frameworks do with a body-size limit. The fuzzer's long generated values (200 to 600
// characters) meet it: such a case is set aside as the server's own limit (fuzz.valid-input-accepted),
// never a property failure. The independent server, behind a proxy that answers 413 to any body
// holding a string over 150 characters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';

const LIMIT = 150;
const overLimit = (v: unknown): boolean => (typeof v === 'string' ? v.length > LIMIT : Array.isArray(v) ? v.some(overLimit) : v !== null && typeof v === 'object' ? Object.values(v).some(overLimit) : false);

let server: IndependentServer;
let proxy: RunningProxy;
let refused = 0;
beforeAll(async () => {
  server = await startIndependentServer();
  proxy = await startProxy(server.url, server.token, {
    onRequest: (ctx) => {
      if (!ctx.req.body) return;
      let body: unknown;
      try {
        body = JSON.parse(ctx.req.body);
      } catch {
        return;
      }
      if (!overLimit(body)) return;
      refused++;
      return { status: 413, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'request entity too large' }) };
    },
  });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe('fuzz against a server that answers 413 to long values', () => {
  it('sets those cases aside as the server\'s limit: no property fails, and the refusal is reported once', async () => {
    const record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 7, fuzz: { runs: 60, properties: ['create-get', 'patch-model', 'stateful-directory'] } });
    expect(refused).toBeGreaterThan(0);
    const fuzz = record.results.filter((r) => r.suite === 'fuzz');
    expect(fuzz.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    const accepted = fuzz.find((r) => r.checkId === 'fuzz.valid-input-accepted');
    expect(accepted?.status).toBe('warn');
    expect(accepted?.message).toMatch(/HTTP 413 Payload Too Large/);
    expect(fuzz.filter((r) => r.status === 'pass').map((r) => r.checkId).sort()).toEqual(['fuzz.create-get', 'fuzz.patch-model', 'fuzz.stateful-directory']);
  });
});
