// Credentials given as an extra header (`--header 'X-Api-Key: …'`, or `--header 'Authorization: …'`
// instead of --token) are the run's credentials like a token: the probes of what the server does
// without them (auth.missing, auth.wrong, Okta's Spec Test 11) leave them out. They were sent with
// every probe, so a server that refuses a request without its key was failed at MUST ("anyone on
// the network could read or change the directory"), all four IdP verdicts read "would fail", and
// the wrong-credentials write probe created a user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { WRONG_HEADER_CREDENTIAL } from '../../src/http/client.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const PROBES = ['auth.missing.401', 'auth.missing.scim-error', 'auth.wrong.401', 'auth.wrong.scim-error', 'auth.wrong.write-401', 'okta.spec.11.unauthorized[okta]'];

const servers: IndependentServer[] = [];
const runs = new Map<string, { record: RunRecord; server: IndependentServer }>();

beforeAll(async () => {
  const apiKey = await startIndependentServer({ apiKeyHeader: 'X-Api-Key' });
  const bearer = await startIndependentServer();
  const anyKey = await startIndependentServer({ apiKeyHeader: 'X-Api-Key', apiKeyAnyValue: true });
  servers.push(apiKey, bearer, anyKey);
  const run = (server: IndependentServer, headers: Record<string, string>) => runConformance({ url: server.url, auth: { kind: 'none' }, headers, suites: ['core', 'okta'], only: ['auth', 'okta.spec.11'], seed: 7 });
  runs.set('x-api-key', { record: await run(apiKey, { 'X-Api-Key': apiKey.token }), server: apiKey });
  runs.set('authorization', { record: await run(bearer, { Authorization: `Bearer ${bearer.token}` }), server: bearer });
  runs.set('any-key', { record: await run(anyKey, { 'X-Api-Key': anyKey.token }), server: anyKey });
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe.each(['x-api-key', 'authorization'])('credentials in an extra %s header', (header) => {
  it('are left out of the probes without credentials, which the server refuses with 401', () => {
    const { record } = runs.get(header)!;
    expect(record.meta.runError).toBeUndefined();
    expect(PROBES.map((id) => `${id}: ${record.results.find((r) => r.checkId === id)?.status}`)).toEqual(PROBES.map((id) => `${id}: pass`));
    const probes = record.exchanges.filter((x) => x.response?.status === 401);
    expect(probes.length).toBeGreaterThanOrEqual(4);
    // What the report shows (and its curl line) is what was sent: no key for auth.missing, a wrong
    // one for auth.wrong (never the run's key, never left out: that would probe a missing key).
    const sent = (id: string) => record.exchanges.find((x) => x.id === record.results.find((r) => r.checkId === id)!.exchangeIds[0])!.request.headers['x-api-key'];
    expect(sent('auth.missing.401')).toBeUndefined();
    if (header === 'x-api-key') {
      expect(sent('auth.wrong.401')).toBe(WRONG_HEADER_CREDENTIAL);
      expect(sent('auth.wrong.write-401')).toBe(WRONG_HEADER_CREDENTIAL);
    }
    const missing = record.exchanges.find((x) => x.id === record.results.find((r) => r.checkId === 'auth.missing.401')!.exchangeIds[0])!;
    expect(missing.request.headers.authorization).toBeUndefined();
  });

  it('are still sent with every other request', () => {
    const { record } = runs.get(header)!;
    const others = record.exchanges.filter((x) => x.response !== undefined && x.response.status !== 401);
    expect(others.length).toBeGreaterThan(3);
    for (const x of others) expect(x.request.headers[header], x.request.url).toBe(header === 'authorization' ? 'Bearer [redacted]' : '[redacted]');
  });
});

// A server that checks only that its key header is there, not its value, lets anyone in: the
// wrong-credentials probes must send a wrong key to see it (they sent none, and passed it).
it('a server that lets in any value of its key header fails the wrong-credentials probes, and the missing-key probe still passes', async () => {
  const { record, server } = runs.get('any-key')!;
  expect(record.meta.runError).toBeUndefined();
  const status = (id: string) => `${id}: ${record.results.find((r) => r.checkId === id)?.status}`;
  expect(['auth.missing.401', 'auth.wrong.401', 'auth.wrong.write-401'].map(status)).toEqual(['auth.missing.401: pass', 'auth.wrong.401: fail', 'auth.wrong.write-401: fail']);
  // What the wrong key created is cleaned up, as everything a run creates.
  const left = await fetch(`${server.url}/Users`, { headers: { 'X-Api-Key': server.token } });
  expect(((await left.json()) as { totalResults: number }).totalResults).toBe(0);
});
