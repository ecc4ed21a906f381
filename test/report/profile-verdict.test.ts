// The profile verdict beside the IdP verdicts, in every reporter: the console names it and each
// conflict, the HTML page shows the profile card in the verdict grid with a conflicts table, and
// run.json carries it for machines. Server text inside it stays text.
import { describe, expect, it } from 'vitest';
import { createConsoleReporter } from '../../src/report/console.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { renderJson } from '../../src/report/json.ts';
import type { ProfileVerdict, RunRecord } from '../../src/record/types.ts';
import { HOSTILE, sampleRecord } from './records.ts';

function withProfile(claimValue: unknown = true): RunRecord {
  const record = sampleRecord();
  const verdict: ProfileVerdict = {
    profile: 'interop',
    title: 'SCIM 2.0 Interoperability Profile',
    version: 'draft-zollner-scim-interop-profile-01, 2026-04-15',
    trigger: 'claim',
    state: 'fails',
    counts: { pass: 30, fail: 1, warn: 0, skip: 1, total: 32 },
    failing: [{ checkId: 'interop.patch.path-required', title: 'An operation without a path is refused with 400 invalidSyntax', refs: ['INTEROP-6.5.1.1'], message: 'expected HTTP 400, got 200' }],
    warnings: [],
    notJudged: [{ what: 'interop.tls', reason: 'plain HTTP on a loopback address' }],
    claim: { attribute: 'interopProfileConformant', value: claimValue, holds: false, message: `the server claims interopProfileConformant: true, but 1 of the profile's MUST checks fail ${HOSTILE}` },
    conflicts: [
      {
        id: 'pathless-patch',
        requirement: { checkId: 'interop.patch.path-required', title: 'An operation without a path is refused', status: 'fail', ref: 'interoperability profile §6.5.1.1' },
        side: 'tolerant',
        effects: [
          { dialect: 'okta', label: 'Okta (OIN)', behaviour: 'Okta deactivation', state: 'works', checkIds: [], sentence: 'Accepting PATCH operations without a path keeps Okta deactivation working for Okta (OIN) but misses the interoperability profile §6.5.1.1.' },
          { dialect: 'entra-compliant', label: 'Entra (flag)', behaviour: 'Entra updates', state: 'breaks', checkIds: ['entra.update.multi.status[entra-compliant]'], sentence: `Rejecting a PATCH operation without a path meets the profile but breaks Entra updates ${HOSTILE}` },
        ],
      },
    ],
  };
  record.profileVerdict = verdict;
  return record;
}

describe('the profile verdict in the reports', () => {
  it('console: the profile verdict, its claim, then the IdP verdicts, then every conflict in one sentence', () => {
    const chunks: string[] = [];
    const reporter = createConsoleReporter({ stream: { isTTY: false, write: (c: string) => chunks.push(c) }, env: {} });
    reporter.onRunEnd(withProfile(), {});
    const text = chunks.join('');
    expect(text).toContain('Profile verdict (the server claims it):\n  ✗ SCIM 2.0 Interoperability Profile (draft-zollner-scim-interop-profile-01, 2026-04-15) — does not meet it: interop.patch.path-required\n');
    expect(text).toContain('    claim: the server claims interopProfileConformant: true');
    expect(text).toContain('    not judged: interop.tls');
    expect(text.indexOf('Profile verdict')).toBeLessThan(text.indexOf('IdP verdicts:'));
    expect(text).toContain('Profile vs IdPs:\n  ~ Accepting PATCH operations without a path keeps Okta deactivation working for Okta (OIN) but misses the interoperability profile §6.5.1.1.\n  ! Rejecting');
  });

  it('HTML: a profile card in the verdict grid, the claim, and a conflicts table; server text escaped', () => {
    const html = renderHtml(withProfile());
    const section = html.slice(html.indexOf('<section id="idp"'), html.indexOf('</section>', html.indexOf('<section id="idp"')));
    expect(section).toContain('Does it meet the profile? Would provisioning work?');
    expect(section).toContain('<span class="idp-label">SCIM 2.0 Interoperability Profile</span><span class="idp-state">Does not meet it</span>');
    expect(section.indexOf('idp-profile')).toBeLessThan(section.indexOf('Microsoft Entra ID'));
    expect(section).toContain('Checked because the server declares conformance.');
    expect(section).toContain('class="profile-claim claim-bad"');
    expect(section).toContain('<table class="conflicts">');
    expect(section).toContain('<td>serves the IdP</td><td>Okta (OIN)</td><td>works</td>');
    expect(section).not.toContain(HOSTILE);
    expect(html).toContain('href="#idp">Profile and IdP verdicts</a>');
  });

  it('HTML without IdP verdicts still shows the profile verdict', () => {
    const record = withProfile();
    delete record.idpVerdicts;
    expect(renderHtml(record)).toContain('<h2>Does it meet the profile?</h2>');
  });

  it('run.json carries the profile verdict as data', () => {
    const json = JSON.parse(renderJson(withProfile())) as RunRecord;
    expect(json.profileVerdict?.conflicts[0]?.effects.map((e) => e.state)).toEqual(['works', 'breaks']);
    expect(json.profileVerdict?.claim?.holds).toBe(false);
  });
});
