// meta.lastModified advances on PUT and on PATCH (RFC 7643 §3.1): the checks pass against two
// independent correct servers (the reference server and SCIMMY) and fail, for that reason and no
// other, against a server whose lastModified never moves; a change the server ignored is not
// blamed on the timestamp.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { clockTickMs } from '../../src/runner/clock-tick.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';
import { startScimmyServer, type ScimmyServer } from '../servers/scimmy-server.ts';

const IDS = ['users.last-modified.put', 'users.last-modified.patch'];

async function lastModifiedResults(url: string, token: string) {
  const record = await runConformance({ url, auth: { kind: 'bearer', token }, suites: ['core'], only: ['users.last-modified.*'], seed: 11 });
  return IDS.map((id) => record.results.find((r) => r.checkId === id)!);
}

describe('meta.lastModified advances on PUT and PATCH', () => {
  let reference: RunningServer;
  let frozen: FaultyServer;
  let scimmy: ScimmyServer;
  beforeAll(async () => {
    [reference, frozen, scimmy] = await Promise.all([startServer({ port: 0 }), startFaultyServer('last-modified-frozen'), startScimmyServer()]);
  });
  afterAll(async () => {
    await Promise.all([reference.close(), frozen.close(), scimmy.close()]);
  });

  it('passes against the reference server and against SCIMMY', async () => {
    for (const server of [reference, scimmy]) {
      const results = await lastModifiedResults(server.url, server.token);
      expect(results.map((r) => [r.checkId, r.status, r.message ?? r.reason ?? ''])).toEqual(IDS.map((id) => [id, 'pass', '']));
    }
  });

  it('fails against a server whose lastModified never moves, saying it did not advance', async () => {
    const results = await lastModifiedResults(frozen.url, frozen.token);
    for (const result of results) {
      expect(result.status, result.checkId).toBe('fail');
      expect(result.message).toMatch(/^\/meta\/lastModified is still .+ after the (PUT|PATCH): it did not advance/);
      expect(result.refs).toEqual(['RFC7643-3.1']);
    }
  });

  it('does not blame the timestamp when the change itself did not take (the PATCH checks report that)', async () => {
    const ignoring = await startFaultyServer('patch-replace-with-path-ignored');
    try {
      const [put, patch] = await lastModifiedResults(ignoring.url, ignoring.token);
      expect(put!.status).toBe('pass');
      expect(patch!.status).toBe('skip');
      expect(patch!.reason).toMatch(/the PATCH did not take \(\/active reads true, not false\)/);
    } finally {
      await ignoring.close();
    }
  });

  it('waits one tick of the clock the server writes with', () => {
    expect(clockTickMs('2025-03-01T10:15:00Z')).toBe(1000);
    expect(clockTickMs('2025-03-01T10:15:00.000Z')).toBe(1000);
    expect(clockTickMs('2025-03-01T10:15:00.5Z')).toBe(100);
    expect(clockTickMs('2025-03-01T10:15:00.123Z')).toBe(1);
    expect(clockTickMs('2025-03-01T10:15:00.123456+02:00')).toBe(1);
    expect(clockTickMs(undefined)).toBe(1000);
  });
});
