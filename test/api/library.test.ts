// The library API (src/index.ts) as a program calls it: what it does with options a vendor's code
// passes through from the environment.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IdpEngine, loadDirectory, runConformance, runIdpCycle, SimulatedClock, startServer, testIdpConnection } from '../../src/index.ts';

describe('runConformance', () => {
  it('an explicit url that is undefined or empty (an unset variable) is a run error, never a run of the embedded server', async () => {
    // `url: process.env.SCIM_BASE_URL` with the variable unset ran the embedded reference server and passed.
    const unset: { SCIM_BASE_URL?: string } = {};
    for (const url of [unset.SCIM_BASE_URL, '', '  ']) {
      const record = await runConformance({ url, token: 'a-token', suites: ['core'], seed: 1 });
      expect(record.meta.runError).toMatch(/^the target URL is empty \(is the variable it comes from, e\.g\. SCIM_BASE_URL, set\?\); leave the URL out/);
      expect(record.meta.embedded).toBe(false);
      expect(record.exchanges).toEqual([]);
      expect(record.results).toEqual([]);
    }
  });

  it('a URL with user:password@ is a run error that keeps the password out of the record', async () => {
    // The credentials were not sent (every request a 401, five checks failed as the server's) and the password was in meta.target.
    const server = await startServer({ port: 0, basic: { user: 'vendor', password: 'pw-Secret-8812' } });
    try {
      const record = await runConformance({ url: server.url.replace('http://', 'http://vendor:pw-Secret-8812@'), suites: ['core'], only: ['users.create.*'], seed: 1 });
      expect(record.meta.runError).toMatch(/^the target URL carries credentials \(http:\/\/\[redacted\]@127\.0\.0\.1:\d+\/scim\/v2\); pass them as auth: \{ kind: 'basic', user, password \}/);
      expect(record.summary.fail).toBe(0);
      expect(JSON.stringify(record)).not.toContain('pw-Secret-8812');
    } finally {
      await server.close();
    }
  });

  it('a shard that is not one of n jobs is a run error: `{ index: 0, total: 3 }` ran discovery alone and passed', async () => {
    for (const [shard, reason] of [
      [{ index: 0, total: 3 }, /^shard 0\/3: the job number must be a whole number between 1 and 3 \(shards count from 1\)$/],
      [{ index: 4, total: 3 }, /^shard 4\/3: the job number must be/],
      [{ index: 1.5, total: 3 }, /^shard 1\.5\/3: the job number must be/],
      [{ index: 1, total: 0 }, /^shard 1\/0: the number of jobs must be a whole number, at least 1$/],
    ] as const) {
      const record = await runConformance({ suites: ['core'], seed: 1, shard });
      expect(record.meta.runError).toMatch(reason);
      expect(record.exchanges).toEqual([]);
    }
  });
});

describe('runIdpCycle and testIdpConnection', () => {
  it('a missing or malformed url throws one line naming the option, not "Invalid URL" or a TypeError from inside', async () => {
    const directoryFile = fileURLToPath(new URL('../../fixtures/directories/contoso-entra.json', import.meta.url));
    // What a plain .mjs file passes when SCIM_BASE_URL is unset (TypeScript would have refused it).
    const unset = undefined as unknown as string;
    await expect(runIdpCycle({ url: unset, token: 't', directoryFile })).rejects.toThrow(/^runIdpCycle: url is undefined \(is SCIM_BASE_URL set\?\)/);
    await expect(testIdpConnection({ url: unset })).rejects.toThrow(/^testIdpConnection: url is undefined/);
    await expect(runIdpCycle({ url: 'localhost:8080/scim/v2?token=abc123', directoryFile })).rejects.toThrow(/^runIdpCycle: url must be http or https, got localhost:$/);
    await expect(testIdpConnection({ url: 'not a url' })).rejects.toThrow(/^testIdpConnection: url "not a url" is not a URL/);
  });
});

describe('IdpEngine on a SimulatedClock', () => {
  it('is built from the public API alone: advanceClock runs the scheduled cycle that fell due (docs/mock-idp.md)', async () => {
    // SimulatedClock was not exported, so a program could not reach advanceClock at all.
    const server = await startServer({ port: 0 });
    const directory = loadDirectory(fileURLToPath(new URL('../../fixtures/directories/contoso-entra.json', import.meta.url)));
    const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'entra', directory, statePath: null, logDir: null, clock: new SimulatedClock('2026-01-01T00:00:00Z'), intervalSeconds: 60 });
    try {
      const first = once(engine, 'cycle-end');
      engine.start();
      const [started] = (await first) as [{ cycle: number; status: string }];
      expect(started).toMatchObject({ cycle: 1, status: 'ok' });
      expect(await engine.advanceClock(30_000)).toBeUndefined();
      const due = await engine.advanceClock(30_000);
      expect(due?.cycle).toBe(2);
      expect(engine.status().now).toBe('2026-01-01T00:01:00.000Z');
    } finally {
      await engine.stop();
      await server.close();
    }
  });
});
