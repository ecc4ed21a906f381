// Found against BoxyHQ Jackson's Directory Sync, which answers a DELETE with 200 and the deleted
// user (RFC 7644 §3.6 asks for 204; users.delete.status and groups.delete.status fail it). The
// stateful fuzz stopped at the first DELETE with "expected HTTP 204, got 200", the same finding
// again, and never checked its model further. A DELETE answered 200 is now a delete for the model;
// the resource must still be gone (404) afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('fuzz.stateful-directory against a server whose DELETE answers 200', () => {
  it('judges the model, not the status a core check judges', async () => {
    server = await startIndependentServer({ deleteStatus: 200 });
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 5, fuzz: { runs: 40, properties: ['stateful-directory'] } });
    const [result] = record.results.filter((r) => r.checkId === 'fuzz.stateful-directory');
    expect(`${result?.status} ${result?.message ?? result?.reason ?? ''}`).toMatch(/^pass \d+ generated cases passed/);
    // The property did delete: the 200s were sent and judged as deletes.
    expect(record.exchanges.filter((x) => x.request.method === 'DELETE' && x.origin?.suite === 'fuzz' && x.response?.status === 200).length).toBeGreaterThan(0);
  });
});
