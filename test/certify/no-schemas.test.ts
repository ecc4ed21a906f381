// Found against BoxyHQ Jackson's Directory Sync, which publishes no /Schemas (404). The Entra
// gallery's SCIM_User_Update_Test failed "could not be run: no single-valued writable attribute in
// /Schemas (Microsoft passes this as "no updatable attributes")", a reason that contradicts its own
// verdict, and SCIM_Null_Update_Test blamed a schema that "declares none of title, displayName …".
// Both now say there is no User schema: Microsoft's Logic App stops at its Schema_Discovery phase.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';
import { certify, testsOf } from './support.ts';

let server: FaultyServer;
beforeAll(async () => {
  server = await startFaultyServer('schemas-missing');
});
afterAll(() => server.close());

describe('certify entra-gallery against a server without /Schemas', () => {
  it('fails the tests that pick attributes from /Schemas, saying there is none', async () => {
    const record = await certify('entra-gallery', { url: server.url, auth: { kind: 'bearer', token: server.token } }, { settings: { rateSeconds: 1, tests: ['Schema_Discoverability_Test', 'SCIM_User_Update_Test', 'SCIM_Null_Update_Test'] } });
    const tests = testsOf(record);
    expect(tests.Schema_Discoverability_Test?.status).toBe('failed');
    const why = "could not be run: /Schemas publishes no User schema, so nothing names the attributes this test changes; Microsoft's Logic App stops at its Schema_Discovery phase (see Schema_Discoverability_Test)";
    expect(tests.SCIM_User_Update_Test).toMatchObject({ status: 'failed', reason: why });
    expect(tests.SCIM_Null_Update_Test).toMatchObject({ status: 'failed', reason: why });
  });
});
