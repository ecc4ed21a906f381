// A run stopped (Ctrl-C, SIGTERM, the time budget) while a fuzz request is in flight: the request is
// aborted by the run itself, so the property has nothing to judge. It is skipped with the reason,
// never failed against the server as "no response (aborted: request aborted)" with a replay file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startProxy } from '../support/proxy.ts';

let server: RunningServer;
let proxy: { url: string; close(): Promise<void> };
let record: RunRecord;

beforeAll(async () => {
  server = await startServer({ port: 0 });
  const stop = new AbortController();
  // The first create of fuzz.create-get (tag `cg`) is never answered; when it arrives, the run is
  // stopped as a signal stops it, with that request in flight.
  proxy = await startProxy(server.url, server.token, {
    onRequest: (ctx) => {
      if (ctx.req.method !== 'POST' || ctx.req.path !== '/Users' || !/-cg\d+-/.test(ctx.req.body ?? '')) return undefined;
      stop.abort('SIGTERM');
      return new Promise<never>(() => undefined);
    },
  });
  record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 3, signal: stop.signal });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe('a run interrupted while a fuzz request is in flight', () => {
  it('skips the property with the reason; nothing is failed against the server and no counterexample is kept', () => {
    expect(record.meta.interrupted).toBe('SIGTERM');
    const createGet = record.results.find((r) => r.checkId === 'fuzz.create-get');
    expect(createGet, JSON.stringify(record.results.map((r) => [r.checkId, r.status]))).toMatchObject({ status: 'skip', reason: 'the run was interrupted' });
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([]);
    expect((record.sections ?? []).filter((s) => s.kind === 'fuzz-counterexample')).toEqual([]);
  });
});
