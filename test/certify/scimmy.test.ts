// The pre-flights against a SCIM server built on a third-party library (SCIMMY), not our reference
// server: Okta's OIN tests pass; the Entra tests that fail are exactly the known deviations
// (docs/notes/scimmy-deviations.md): SCIMMY refuses Entra's "False"/"True" strings and the bare
// manager id Entra sends. No other test fails, and the auth tests are skipped with a static token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScimmyServer, type ScimmyServer } from '../servers/scimmy-server.ts';
import { certify, testsOf } from './support.ts';

let server: ScimmyServer;
beforeAll(async () => {
  server = await startScimmyServer();
});
afterAll(() => server.close());

describe('certify against SCIMMY', () => {
  it('entra-gallery fails only where SCIMMY refuses what Entra sends', async () => {
    const record = await certify('entra-gallery', { url: server.url, auth: { kind: 'bearer', token: server.token } }, { settings: { rateSeconds: 1 } });
    // The rate burst measures SCIMMY's speed on this machine, which a busy 2-core CI machine can hold
    // under 25/s: a rate it measured too low is not a deviation; a 429, a 5xx or a refusal still is.
    const noThrottling = record.results.find((r) => r.checkId === 'gallery.rate.no-throttling');
    const slowHere = (t: { name: string; reason: string }): boolean => t.name === 'Rate_Requirement' && /Microsoft requires at least 25\/s/.test(t.reason) && noThrottling?.status === 'pass';
    const failed = Object.values(testsOf(record)).filter((t) => (t.status === 'failed' || t.status === 'warning' || t.status === 'error') && !slowHere(t));
    expect(failed.map((t) => t.name).sort()).toEqual(['Disable_User_Test', 'Restore_User_Test', 'SCIM_Update_Manager_Test', 'User_Update_Manager_Test']);
    expect(testsOf(record).Disable_User_Test!.reason).toMatch(/"False".*got 400/);
    expect(testsOf(record).User_Update_Manager_Test!.reason).toMatch(/bare id string.*got 400/);
  });

  it('okta-oin passes', async () => {
    const record = await certify('okta-oin', { url: server.url, auth: { kind: 'bearer', token: server.token } });
    expect(record.certification!.passes).toBe(true);
  });
});
