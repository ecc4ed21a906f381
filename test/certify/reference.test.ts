// The pre-flights against correct servers over real HTTP: the embedded gallery-ready reference
// server passes every Entra and Okta test (with OAuth, federation and entitlements on); a plain
// reference server with a static token shows Microsoft's auth rule (one auth test must pass).
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verdictOf } from '../../src/report/summarize.ts';
import { microsoftResult } from '../../src/certify/microsoft-result.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { certify, testsOf } from './support.ts';

const LOGIC_APP_TESTS = [
  'Create_User_Test', 'Update_User_Test', 'Disable_User_Test', 'Delete_User_Test', 'User_Update_Manager_Test', 'Restore_User_Test', 'POD_User_Test',
  'Create_Group_Test', 'Update_Group_Test', 'Delete_Group_Test', 'Group_Update_Add_Member_Test', 'Group_Update_Remove_Member_Test', 'POD_Group_Test', 'Restore_Group_Test',
  'Schema_Discoverability_Test', 'SCIM_Null_Update_Test', 'SCIM_User_Create_Test', 'SCIM_User_Update_Test', 'SCIM_Group_Create_Test', 'SCIM_Group_Update_Test',
  'Validate_Credentials_Test', 'Federated_Identity_Test', 'SCIM_User_Pagination_Test', 'SCIM_Group_Pagination_Test', 'SCIM_Update_Manager_Test',
];

describe('certify against the embedded reference server', () => {
  it('entra-gallery: all 25 Logic App tests, Test Connection and the rate pass; the result JSON has Microsoft\'s shape', async () => {
    const record = await certify('entra-gallery', undefined, { settings: { rateSeconds: 2 } });
    expect(record.meta.runError).toBeUndefined();
    const tests = testsOf(record);
    expect(Object.values(tests).filter((t) => t.status !== 'passed').map((t) => `${t.name}: ${t.reason}`)).toEqual([]);
    expect(record.certification).toMatchObject({ passes: true, passesStrict: true, headline: "Would pass Microsoft's validation: all 27 applicable tests pass" });
    // The auth tests really ran their refusals, and the expired token came from the server itself.
    const ran = new Set(record.results.filter((r) => r.status === 'pass').map((r) => r.checkId));
    for (const id of ['oauth.wrong-secret.refused', 'oauth.expired-token', 'oauth.forged-token', 'federation.refuses.bad-signature', 'federation.refuses.wrong-audience', 'gallery.rate.sustained']) expect(ran, id).toContain(id);
    const json = microsoftResult(record, record.certification!) as { overallLogicAppResult: string; testResults: { testName: string; testResult: string; testCategory: string }[] };
    expect(json.overallLogicAppResult).toBe('Succeeded');
    expect(json.testResults.map((t) => t.testName).sort()).toEqual([...LOGIC_APP_TESTS].sort());
    expect(json.testResults.every((t) => t.testResult === 'success')).toBe(true);
    expect(json.testResults.find((t) => t.testName === 'Delete_User_Test')!.testCategory).toBe('optional');
    // Secrets and tokens stay out of the record.
    const text = JSON.stringify(record);
    expect(text).not.toMatch(/"access_token":"sp_/);
    expect(text).not.toMatch(/Bearer sp_/);
  });

  it('okta-oin: the 12 Spec Test requests, the CRUD steps that reach the app and the entitlement tests pass', async () => {
    const record = await certify('okta-oin', undefined);
    const tests = Object.values(testsOf(record));
    expect(tests.filter((t) => t.status !== 'passed' && t.status !== 'skipped').map((t) => `${t.name}: ${t.reason}`)).toEqual([]);
    expect(tests.filter((t) => t.status === 'skipped').map((t) => t.name)).toEqual(['Checks that the integration exists in your Okta org', 'Adds a new random user in Okta', 'Reactivates the user in Okta']);
    expect(tests.filter((t) => t.group === 'SCIM 2.0 Spec Test')).toHaveLength(12);
    expect(testsOf(record)['Entitlements test']!.status).toBe('passed');
    expect(record.certification!.passes).toBe(true);
    // The Entitlements test request carries Runscope's User-Agent and asks for one item.
    const probe = record.exchanges.find((x) => x.origin?.step.startsWith('entitlements-test'))!;
    expect(probe.request.url).toMatch(/\/Entitlements\?count=1&startIndex=1$/);
    expect(probe.request.headers['user-agent']).toBe('OKTA SCIM Integration');
  });
});

describe('certify against a plain reference server with a static token', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('entra-gallery fails on the auth rule alone: neither Validate_Credentials_Test nor Federated_Identity_Test passed', async () => {
    const record = await certify('entra-gallery', { url: server.url, auth: { kind: 'bearer', token: server.token } }, { settings: { tests: undefined, rateSeconds: 1 } });
    const tests = testsOf(record);
    expect(tests.Validate_Credentials_Test!.status).toBe('skipped');
    expect(tests.Federated_Identity_Test!.status).toBe('skipped');
    expect(Object.values(tests).filter((t) => t.status === 'failed').map((t) => t.name)).toEqual([]);
    expect(record.certification!.passes).toBe(false);
    expect(record.certification!.headline).toBe("Would fail Microsoft's validation: neither Validate_Credentials_Test nor Federated_Identity_Test passed (the gallery needs one of them)");
    // Every check passed, yet the report leads with the programme's FAIL, as the exit code does (it led with a green PASS).
    expect(record.summary.fail).toBe(0);
    expect(verdictOf(record)).toEqual({ kind: 'fail', headline: 'FAIL', detail: record.certification!.headline });
    // The word SKIPPED once: the result JSON and the console add it to the reason ("SKIPPED - SKIPPED - the run uses …").
    const json = microsoftResult(record, record.certification!) as { testResults: { testName: string; testResult: string }[] };
    const skipped = json.testResults.filter((t) => t.testName === 'Validate_Credentials_Test' || t.testName === 'Federated_Identity_Test').map((t) => t.testResult);
    expect(skipped).toEqual([expect.stringMatching(/^SKIPPED - the run uses a static bearer token/), expect.stringMatching(/^SKIPPED - no federation configured/)]);
  });

  it('okta-oin passes; the entitlement tests do not apply to an app without Okta entitlements', async () => {
    const record = await certify('okta-oin', { url: server.url, auth: { kind: 'bearer', token: server.token } });
    expect(testsOf(record)['Entitlements test']!.status).toBe('skipped');
    expect(testsOf(record)['Entitlements test']!.reason).toMatch(/not an Okta Identity Governance app/);
    expect(record.certification!.passes).toBe(true);
  });
});

describe('scimproof certify (CLI)', () => {
  it('writes the reports and the Microsoft-shaped JSON, prints the verdict, exits 0', async () => {
    const { main } = await import('../../src/cli/main.ts');
    const out = mkdtempSync(join(tmpdir(), 'spf-certify-'));
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['node', 'scimproof', 'certify', 'entra-gallery', '--test', 'Create_User_Test,Validate_Credentials_Test', '--out', out]);
    } finally {
      process.stdout.write = write;
      process.exitCode = undefined;
    }
    expect(code).toBe(0);
    // The programme's verdict alone: the run's IdP verdict line ("✓ Microsoft Entra ID (default) — would
    // work (partial: 19 checks it relies on did not run …)") was printed above it.
    expect(printed).not.toContain('IdP verdicts:');
    expect(printed).not.toContain('Microsoft Entra ID (default)');
    expect(printed).toMatch(/Partial pre-flight \(--test Create_User_Test,Validate_Credentials_Test\): Create_User_Test passed, Validate_Credentials_Test passed/);
    const json = JSON.parse(readFileSync(join(out, 'entra-validation-result.json'), 'utf8')) as { testResults: unknown[] };
    expect(json.testResults).toHaveLength(25);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Create_User_Test');
  });
});
