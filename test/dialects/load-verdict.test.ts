// Suite files naming a dialect request are checked at load time; the IdP verdict rules.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteFile, SuiteError } from '../../src/suite/load.ts';
import { computeIdpVerdicts } from '../../src/runner/verdict.ts';
import { displayId } from '../../src/record/display-id.ts';
import type { CheckResult } from '../../src/record/types.ts';

function suiteWith(scenario: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-dialect-'));
  const file = join(dir, 'x.json');
  writeFileSync(file, JSON.stringify({ suite: 'x', area: 'x', scenarios: [{ id: 'x.one', title: 't', ...scenario }] }));
  return file;
}

describe('dialect steps at load time', () => {
  it('accepts a request every listed variant has', () => {
    const file = suiteWith({ dialects: ['entra', 'entra-compliant'], steps: [{ name: 's', send: { dialect: '{{dialect}}', request: 'disableUser', args: { id: '1' } } }] });
    expect(loadSuiteFile(file).scenarios).toHaveLength(1);
  });
  it('names the file, pointer and variant when one variant lacks the request', () => {
    const file = suiteWith({ dialects: ['entra', 'entra-compliant'], steps: [{ name: 's', send: { dialect: '{{dialect}}', request: 'disableUserBoolean', args: { id: '1' } } }] });
    expect(() => loadSuiteFile(file)).toThrow(SuiteError);
    expect(() => loadSuiteFile(file)).toThrow(/#\/scenarios\/0\/steps\/0\/send\/request: dialect "entra-compliant" has no request "disableUserBoolean"/);
  });
  it('refuses {{dialect}} without dialects, and unknown dialects', () => {
    expect(() => loadSuiteFile(suiteWith({ steps: [{ name: 's', send: { dialect: '{{dialect}}', request: 'getUser' } }] }))).toThrow(/lists no "dialects"/);
    expect(() => loadSuiteFile(suiteWith({ steps: [{ name: 's', send: { dialect: 'workday', request: 'getUser' } }] }))).toThrow(/unknown dialect "workday"/);
  });
});

const result = (baseId: string, status: CheckResult['status'], refs: string[] = [], variant?: string, extra: Partial<CheckResult> = {}): CheckResult => {
  const checkId = displayId({ baseId, ...(variant ? { variant } : {}) });
  return { checkId, baseId, ...(variant ? { variant } : {}), title: checkId, area: 'a', suite: 's', level: 'MUST', refs, status, exchangeIds: [], ...extra };
};

describe('IdP verdicts', () => {
  it('composes the display id from the base id, the variant and the item, in that order', () => {
    expect(displayId({ baseId: 'entra.required.rejected', variant: 'entra-compliant', item: 'name.givenName' })).toBe('entra.required.rejected[entra-compliant][name.givenName]');
    expect(displayId({ baseId: 'users.required.rejected', item: 'name.givenName' })).toBe('users.required.rejected[name.givenName]');
    expect(displayId({ baseId: 'filter.sw' })).toBe('filter.sw');
  });
  it('blocks a variant on its own MUST failures and on core checks its IdP relies on', () => {
    const verdicts = computeIdpVerdicts([
      result('entra.disable.status', 'fail', [], 'entra'),
      result('entra.disable.status', 'pass', [], 'entra-compliant'),
      result('okta.user.create.status', 'pass', [], 'okta'),
      result('users.password.create-accepted', 'fail', ['OKTA-2.4']),
      result('filter.sw', 'fail'),
      result('entra.paging.first-page', 'warn', [], 'entra'),
    ]);
    expect(verdicts.map((v) => [v.dialect, v.works, v.blocking.map((b) => b.checkId)])).toEqual([
      ['entra', false, ['entra.disable.status[entra]']],
      ['entra-compliant', true, []],
      ['okta', false, ['users.password.create-accepted']],
    ]);
  });
  it('does not call a variant working when none of its checks could be judged, nor failing: not judged', () => {
    const [v] = computeIdpVerdicts([result('entra.create.status', 'skip', [], 'entra', { reason: 'the server lists no User resource type' })]);
    expect(v).toMatchObject({ dialect: 'entra', works: false, notJudged: true });
    expect(v!.blocking[0]!.title).toMatch(/could be judged: the server lists no User/);
  });
  it('lets the IdP decide, not the level: a SHOULD the IdP breaks on blocks, a MUST it ignores does not', () => {
    const [entra] = computeIdpVerdicts([
      result('entra.create.status', 'pass', [], 'entra'),
      result('entra.paging.first-page', 'warn', [], 'entra', { level: 'SHOULD', blocksIdp: true }),
      result('entra.duplicate.uniqueness', 'fail', [], 'entra', { blocksIdp: false }),
    ]);
    expect(entra!.blocking.map((b) => b.checkId)).toEqual(['entra.paging.first-page[entra]']);
  });
  it('blocks on a waived failure: the baseline accepts it for CI, it does not fix it', () => {
    const [entra] = computeIdpVerdicts([result('entra.create.status', 'info', [], 'entra', { waivedStatus: 'fail' }), result('entra.get.status', 'pass', [], 'entra')]);
    expect(entra!.works).toBe(false);
  });
});
