// The programmes' pass rules, on results made by hand: Microsoft's OR of the two auth tests,
// optional tests that only warn, checks beyond the programme that fail the strict verdict but not
// Microsoft's, a precondition failure that is not a pass.
import { describe, expect, it } from 'vitest';
import { ENTRA_GALLERY } from '../../src/certify/entra/programme.ts';
import { certificationReport } from '../../src/certify/programme.ts';
import type { CheckResult, Discovery } from '../../src/record/types.ts';

const discovery: Discovery = {
  capabilities: {},
  schemas: [
    { id: 'urn:ietf:params:scim:schemas:core:2.0:User', attributes: [{ name: 'userName' }] },
    { id: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attributes: [{ name: 'manager' }] },
    { id: 'urn:ietf:params:scim:schemas:core:2.0:Group', attributes: [{ name: 'displayName' }] },
  ],
  resourceTypes: [],
};
const result = (checkId: string, status: CheckResult['status'] = 'pass'): CheckResult => ({ checkId, title: checkId, area: 'x', suite: 'x', level: 'MUST', refs: [], status, exchangeIds: [], ...(status === 'fail' ? { message: 'it failed' } : {}), ...(status === 'skip' ? { reason: 'create failed' } : {}) });

/** One passing result for every test of the programme. */
function allPass(): CheckResult[] {
  return ENTRA_GALLERY.tests.flatMap((t) => [...(t.packChecks ?? []).map((id) => result(`${id}[entra]`)), ...(t.checkPrefix ? [result(`${t.checkPrefix}check`)] : [])]);
}
const facts = { discovery, options: { oauth: {}, federation: {} } };
const replace = (results: CheckResult[], id: string, status: CheckResult['status']): CheckResult[] => [...results.filter((r) => r.checkId !== id), result(id, status)];

describe('Entra gallery pass rule', () => {
  it('passes when everything passes', () => {
    expect(certificationReport(ENTRA_GALLERY, allPass(), facts)).toMatchObject({ passes: true, passesStrict: true });
  });

  it('one auth test failing is fine when the other passed; both failing is not', () => {
    const one = replace(allPass(), 'federation.check', 'fail');
    expect(certificationReport(ENTRA_GALLERY, one, facts).passes).toBe(true);
    const both = replace(one, 'oauth.check', 'fail');
    const report = certificationReport(ENTRA_GALLERY, both, facts);
    expect(report.passes).toBe(false);
    expect(report.headline).toBe("Would fail Microsoft's validation: neither Validate_Credentials_Test nor Federated_Identity_Test passed (the gallery needs one of them)");
  });

  it('an optional test only warns; a mandatory one fails the verdict', () => {
    const optional = replace(allPass(), 'entra.delete.status[entra]', 'fail');
    const report = certificationReport(ENTRA_GALLERY, optional, facts);
    expect(report.tests.find((t) => t.name === 'Delete_User_Test')!.status).toBe('warning');
    expect(report.passes).toBe(true);
    const mandatory = replace(allPass(), 'entra.disable.applied[entra]', 'fail');
    expect(certificationReport(ENTRA_GALLERY, mandatory, facts).headline).toBe("Would fail Microsoft's validation: Disable_User_Test failed");
    const withoutAuth = replace(replace(mandatory, 'oauth.check', 'fail'), 'federation.check', 'fail');
    expect(certificationReport(ENTRA_GALLERY, withoutAuth, facts).headline).toBe("Would fail Microsoft's validation: Disable_User_Test failed; and neither Validate_Credentials_Test nor Federated_Identity_Test passed (the gallery needs one of them)");
  });

  it("a stricter check beyond Microsoft's fails the strict verdict only, and says so", () => {
    const results = [...allPass(), result('federation.refuses.bad-signature', 'fail')];
    const report = certificationReport(ENTRA_GALLERY, results, facts);
    expect(report).toMatchObject({ passes: true, passesStrict: false });
    expect(report.headline).toBe("Would pass Microsoft's validation, but scimproof's stricter auth checks fail in Federated_Identity_Test");
    expect(report.tests.find((t) => t.name === 'Federated_Identity_Test')).toMatchObject({ status: 'failed', failing: [], failingBeyond: ['federation.refuses.bad-signature'] });
  });

  it('a test whose checks were all skipped (its precondition failed) is not a pass', () => {
    const results = allPass().filter((r) => !r.checkId.startsWith('gallery.scim-user-update.')).concat(result('gallery.scim-user-update.patch', 'skip'));
    expect(certificationReport(ENTRA_GALLERY, results, facts).tests.find((t) => t.name === 'SCIM_User_Update_Test')).toMatchObject({ status: 'failed', reason: 'could not be run: create failed' });
  });

  it('group tests fail (not skip) when /Schemas has no Group schema; manager tests are skipped without a manager', () => {
    const bare: Discovery = { ...discovery, schemas: [discovery.schemas![0]!] };
    const report = certificationReport(ENTRA_GALLERY, allPass(), { discovery: bare, options: facts.options });
    expect(report.tests.find((t) => t.name === 'Create_Group_Test')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/did not return Group schema/) });
    expect(report.tests.find((t) => t.name === 'SCIM_Update_Manager_Test')!.status).toBe('skipped');
  });
});
