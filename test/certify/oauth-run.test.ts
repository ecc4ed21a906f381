// A plain run with OAuth client credentials checks the token endpoint too (scimproof run adds
// this phase): against the reference server every check passes; against a token endpoint that
// accepts any secret, the refusal check fails with that reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthChecks } from '../../src/certify/run.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startFaultyServer } from '../support/faulty-server.ts';
import { TEST_CLIENT } from '../support/oauth-upstream.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, oauth: { clients: [{ ...TEST_CLIENT }] } });
});
afterAll(() => server.close());

const statuses = (record: Awaited<ReturnType<typeof runConformance>>): Record<string, string> => Object.fromEntries(record.results.filter((r) => r.checkId.startsWith('oauth.')).map((r) => [r.checkId, r.status]));

describe('the token endpoint checks of an OAuth run', () => {
  it('pass against the reference server (the expired-token check needs a short-lived token, so it is skipped)', async () => {
    const oauth = { tokenUrl: server.oauth!.tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret };
    const record = await runConformance({ url: server.url, auth: { kind: 'oauth', oauth }, suites: [], seed: 3, phases: [oauthChecks(oauth)] });
    expect(statuses(record)).toEqual({
      'oauth.token-issued': 'pass',
      'oauth.token-lifetime': 'pass',
      'oauth.token-opens-scim': 'pass',
      'oauth.forged-token': 'pass',
      'oauth.expired-token': 'skip',
      'oauth.wrong-secret.refused': 'pass',
      'oauth.wrong-secret.error': 'pass',
      'oauth.wrong-secret.invalid-client': 'pass',
    });
    expect(record.results.find((r) => r.checkId === 'oauth.expired-token')!.reason).toMatch(/tokens live 3600 s, longer than the 10 s this run waits; give --expired-token/);
  });

  it('fail where a wrong secret gets a token', async () => {
    const faulty = await startFaultyServer('token-accepts-wrong-secret');
    try {
      const oauth = { tokenUrl: faulty.tokenUrl!, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret };
      const record = await runConformance({ url: faulty.url, auth: { kind: 'oauth', oauth }, suites: [], seed: 3, phases: [oauthChecks(oauth)] });
      const refused = record.results.find((r) => r.checkId === 'oauth.wrong-secret.refused')!;
      expect(refused.status).toBe('fail');
      expect(refused.message).toBe('a wrong client secret got HTTP 200 and an access token; it must be refused');
      expect(statuses(record)['oauth.token-issued']).toBe('pass');
    } finally {
      await faulty.close();
    }
  });
});
