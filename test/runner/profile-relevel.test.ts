// A standard profile re-levels RFC-level checks for its own verdict, but an IdP still needs what it
// needs: the IdP verdicts judge a re-levelled result by the status it had before.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/record/types.ts';
import { computeIdpVerdicts } from '../../src/runner/verdict.ts';
import { applySeverity, getProfile } from '../../src/suite/profiles.ts';

const result = (baseId: string, status: CheckResult['status'], level: CheckResult['level'] = 'MUST', refs: string[] = [], variant?: string): CheckResult => ({ checkId: variant ? `${baseId}[${variant}]` : baseId, baseId, ...(variant ? { variant } : {}), title: baseId, area: 'a', suite: 's', level, refs, status, exchangeIds: [] });

describe('standard profile re-levels and the IdP verdicts', () => {
  it('keep the level before, and the Okta verdict still blocks on a check Okta relies on', () => {
    const al2 = getProfile('ipsie-al2');
    const relevelled = applySeverity(result('users.password.create-accepted', 'fail', 'MUST', ['OKTA-2.4']), al2.severity, { keepBefore: true });
    expect(relevelled).toMatchObject({ level: 'MAY', status: 'info', before: { level: 'MUST', status: 'fail' } });
    expect(relevelled.message).toContain('IPSIE AL2 forbids');
    const verdicts = computeIdpVerdicts([relevelled, result('okta.user.create.status', 'pass', 'MUST', [], 'okta')]);
    expect(verdicts.find((v) => v.dialect === 'okta')?.blocking.map((b) => b.checkId)).toEqual(['users.password.create-accepted']);
  });

  it('a tightening (SHOULD to MUST) does not block an IdP that only needed the SHOULD', () => {
    const interop = getProfile('interop');
    const tightened = applySeverity(result('users.uniqueness.case-insensitive', 'warn', 'SHOULD', ['OKTA-2.10']), interop.severity, { keepBefore: true });
    expect(tightened).toMatchObject({ level: 'MUST', status: 'fail', before: { level: 'SHOULD', status: 'warn' } });
    const verdicts = computeIdpVerdicts([tightened, result('okta.user.create.status', 'pass', 'MUST', [], 'okta')]);
    expect(verdicts.find((v) => v.dialect === 'okta')?.works).toBe(true);
  });
});
