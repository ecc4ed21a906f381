// The reproduction of a failure that needs state: a bash script built from the recorded chain
// (create → the change → the read-back → delete), run through a real shell against a real server,
// gets the same answers the run got, with fresh names each time, and leaves nothing behind. The
// token never appears in it. Auth probes reproduce with the wrong credentials they were sent with.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange, RunRecord } from '../../src/record/types.ts';
import { reproductionScript } from '../../src/report/reproduce.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';
import { scimCaller } from '../support/http.ts';

const run = promisify(execFile);
let server: FaultyServer;
let record: RunRecord;
let exchanges: Map<string, Exchange>;

beforeAll(async () => {
  // PATCH answers 200 but ignores `replace` with a path: Entra's disable "succeeds" and does nothing.
  server = await startFaultyServer('patch-replace-with-path-ignored');
  record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['patch.*', 'auth.*'], seed: 9 });
  exchanges = new Map(record.exchanges.map((x) => [x.id, x]));
});
afterAll(async () => {
  await server.close();
});

/** Each step's printed status: `HTTP <now> (in the run: <then>)`, and the body printed after it. */
function steps(stdout: string): { now: string; then: string; body: string }[] {
  return [...stdout.matchAll(/^HTTP (\d+) \(in the run: ([^)]+)\)\n(.*)$/gm)].map((m) => ({ now: m[1]!, then: m[2]!, body: m[3]! }));
}

describe('a reproduction script for "disable did not apply"', () => {
  it('replays create → PATCH → read-back from the recorded chain, token redacted', () => {
    const result = record.results.find((r) => r.checkId === 'patch.disable')!;
    expect(result.status).toBe('fail');
    const chain = result.exchangeIds.map((id) => exchanges.get(id)!);
    expect(chain.map((x) => x.request.method)).toEqual(['POST', 'PATCH', 'GET']);
    const script = reproductionScript(result, exchanges, record.meta)!;
    expect(script).toContain('"Authorization: Bearer $SCIM_TOKEN"');
    expect(script).not.toContain(server.token);
    // The run's names are replaced by fresh ones ($RUN); the prefix is only named in a comment.
    expect(script.split('\n').filter((line) => line.includes(record.meta.prefix)).every((line) => line.includes('# stands in for the run prefix'))).toBe(true);
    expect(script).toContain('-X PATCH "$BASE"\'/Users/\'"$ID1"');
    expect(script).toContain('-X DELETE "$BASE"\'/Users/\'"$ID1"');
  });

  it('gets the answers the run got when a real shell runs it, twice (fresh names), and deletes what it made', async () => {
    const result = record.results.find((r) => r.checkId === 'patch.disable')!;
    const file = join(mkdtempSync(join(tmpdir(), 'scimproof-repro-')), 'repro.sh');
    writeFileSync(file, reproductionScript(result, exchanges, record.meta)!);
    const env = { ...process.env, SCIM_TOKEN: server.token };
    for (let round = 0; round < 2; round++) {
      const { stdout } = await run('bash', [file], { env });
      const answered = steps(stdout);
      expect(answered.map((s) => s.now)).toEqual(answered.map((s) => s.then));
      expect(answered.map((s) => s.now)).toEqual(['201', '200', '200']);
      // The read-back shows what the check failed on: the user is still active.
      expect(JSON.parse(answered.at(-1)!.body)).toMatchObject({ active: true });
      const cleanup = /^cleanup: DELETE Users\/(\S+) → HTTP (\d+)$/m.exec(stdout);
      expect(cleanup?.[2]).toBe('204');
      expect((await scimCaller(server.url, server.token)('GET', `/Users/${cleanup![1]}`)).status).toBe(404);
    }
  });

  it('is not offered when one exchange says it all', () => {
    const single = record.results.find((r) => r.exchangeIds.length === 1 && r.kind !== undefined)!;
    expect(reproductionScript(single, exchanges, record.meta)).toBeUndefined();
  });
});

describe('curl lines of auth probes', () => {
  it('send the made-up wrong token as recorded, not $SCIM_TOKEN, and reproduce the 401', async () => {
    const probe = record.results.find((r) => r.checkId === 'auth.wrong.401')!;
    const exchange = exchanges.get(probe.exchangeIds.at(-1)!)!;
    expect(exchange.request.headers.authorization).toMatch(/^Bearer scimproof-wrong-/);
    expect(exchange.curl).not.toContain('$SCIM_TOKEN');
    const { stdout } = await run('bash', ['-c', exchange.curl], { env: { ...process.env, SCIM_TOKEN: server.token } });
    expect(stdout).toMatch(/^HTTP\/1\.1 401/);
  });
});
