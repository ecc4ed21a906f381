// Generated strings are printable (src/fuzz/arbitraries/values.ts): a server may normalise
// whitespace, and a tab it stores as a space is no defect the fuzzer may report. The independent
// server, behind a proxy that turns every tab in a request body into a space, as such a server does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';

let server: IndependentServer;
let proxy: RunningProxy;
beforeAll(async () => {
  server = await startIndependentServer();
  proxy = await startProxy(server.url, server.token, {
    onRequest: (ctx) => {
      if (ctx.req.body?.includes('\\t')) ctx.req.body = ctx.req.body.replaceAll('\\t', ' ');
    },
  });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe('fuzz against a server that stores a tab as a space', () => {
  it('reports no difference: create-get, patch-model and stateful-directory pass', async () => {
    const properties = ['create-get', 'patch-model', 'stateful-directory'];
    const record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 2, fuzz: { runs: 100, properties } });
    const fuzz = record.results.filter((r) => r.suite === 'fuzz' && properties.includes(r.checkId.replace('fuzz.', '')));
    expect(fuzz.map((r) => `${r.checkId}: ${r.status === 'pass' ? 'pass' : `${r.status} ${r.message}`}`)).toEqual(properties.map((p) => `fuzz.${p}: pass`));
  });
});
