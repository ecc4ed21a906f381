// A failure whose minimal case the server refuses when it is replayed (its emails are reserved by
// then: Better Auth's SCIM plugin keeps a deleted user's email) is still a failure, and its message
// says the replay was refused, not that the case stopped failing (which reads as a flaky finding).
// The independent server keeping one email but echoing every one sent (a DEFECT: create-get fails
// on any user with two emails) and keeping emails reserved after DELETE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
beforeAll(async () => {
  server = await startIndependentServer({ reservedEmails: true, oneValueOf: ['emails'], echoDropped: true });
});
afterAll(() => server.close());

describe('fuzz against a server that refuses the minimal case when it is replayed', () => {
  it('fails the property and says the replay was refused (409), not passed', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], seed: 4, fuzz: { runs: 60, properties: ['create-get'] } });
    const [result] = record.results.filter((r) => r.checkId === 'fuzz.create-get');
    expect(result?.status).toBe('fail');
    expect(result?.message).toMatch(/\(replayed, the minimal case was refused this time, not passed: 409 the email address .* is already used by another account; a server that keeps values unique or reserved refuses a case it took once/);
    expect(result?.message).not.toMatch(/did not fail again/);
  });
});
