// The Markdown summary a CI job page shows: verdict, counts, IdP verdicts, failing checks, and
// server content that cannot turn into markup.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { hostileRecord, sampleRecord } from './records.ts';
import { finalProfileVerdict } from '../../src/runner/profile-verdict.ts';
import { getProfile } from '../../src/suite/profiles.ts';
import type { CheckResult } from '../../src/record/types.ts';

describe('renderMarkdown', () => {
  it('gives the verdict, the counts and every failing check with its first line', () => {
    const record = sampleRecord();
    const md = renderMarkdown(record);
    expect(md).toMatch(/^### ❌ scimproof: FAIL/);
    const failing = record.results.filter((r) => r.status === 'fail');
    expect(failing.length).toBeGreaterThan(0);
    for (const r of failing) expect(md).toContain(`| \`${r.checkId}\` |`);
    expect(md).toContain(`| ${record.results.filter((r) => r.status === 'pass').length} | ${failing.length} |`);
  });

  it('escapes server content so it stays text in one table cell', () => {
    const md = renderMarkdown(hostileRecord());
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
    for (const row of md.split('\n').filter((l) => l.startsWith('| `'))) expect(row.split(/(?<!\\)\|/).length).toBe(4);
  });

  it('gives the profile verdict and the server\'s claim beside the IdP verdicts', () => {
    const failing: CheckResult = { checkId: 'interop.patch.path-required', title: 'A PATCH op without a path is refused', area: 'interop', suite: 'interop', level: 'MUST', refs: [], status: 'fail', exchangeIds: [] };
    const profileVerdict = finalProfileVerdict(getProfile('interop'), [failing], 'claim', { interopProfileConformant: true });
    const md = renderMarkdown({ ...sampleRecord(), profileVerdict });
    expect(md).toContain('| SCIM 2.0 Interoperability Profile (the server claims it) | ❌ does not meet it: `interop.patch.path-required` |');
    expect(md).toMatch(/\| claim `interopProfileConformant` \| ❌ /);
  });
});
