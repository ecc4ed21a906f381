import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../../src/record/types.ts';
import { refLink } from '../../src/report/refs.ts';
import { selectionText, verdictOf } from '../../src/report/summarize.ts';
import { sampleRecord } from './records.ts';

const meta = sampleRecord().meta;
const results = (...statuses: CheckStatus[]): CheckResult[] =>
  statuses.map((status, i) => ({ checkId: `c${i}`, title: 't', area: 'a', suite: 's', level: 'MUST', refs: [], status, exchangeIds: [] }));

describe('verdictOf', () => {
  it('fails on any failed required check, and is incomplete when checks could not be judged', () => {
    expect(verdictOf({ meta, results: results('pass', 'fail', 'warn') })).toMatchObject({ kind: 'fail', detail: '1 required check failed (1 warning)' });
    expect(verdictOf({ meta, results: results('pass', 'error') }).kind).toBe('incomplete');
    expect(verdictOf({ meta, results: results('skip') })).toMatchObject({ kind: 'incomplete', detail: 'No check was run' });
  });

  it('passes with warnings, info and skips, and says so', () => {
    expect(verdictOf({ meta, results: results('pass', 'pass', 'skip') })).toMatchObject({ kind: 'pass', detail: 'All 2 checks passed (1 skipped)' });
    expect(verdictOf({ meta, results: results('pass', 'warn', 'info') }).detail).toBe('No required check failed (1 passed, 1 warning, 1 info)');
  });

  // A certify run narrows itself to its programme's checks (about 40 --only patterns): the HTML's
  // "Narrowed to" listed them all as if the vendor had typed them. Long flag lists are cut after six.
  it('names a certify programme, not its 40 patterns, and cuts a long list of flags', () => {
    const only = Array.from({ length: 40 }, (_, i) => `entra.check-${i}`);
    const certification = { label: 'Microsoft Entra app gallery validation (pre-flight)' } as NonNullable<Parameters<typeof verdictOf>[0]['certification']>;
    expect(selectionText({ meta: { ...meta, selection: { only, dialects: ['entra'] } }, certification })).toBe('the checks the Microsoft Entra app gallery validation (pre-flight) tests are judged from');
    const run = verdictOf({ meta: { ...meta, selection: { only: only.slice(0, 8) } }, results: results('pass') });
    expect(run.detail).toBe('All 1 check passed; only the checks this run was narrowed to (--only entra.check-0 --only entra.check-1 --only entra.check-2 --only entra.check-3 --only entra.check-4 --only entra.check-5 … and 2 more)');
  });

  it("leads a certify run with the programme's verdict, as its exit code does", () => {
    type Programme = NonNullable<Parameters<typeof verdictOf>[0]['certification']>;
    const programme = (over: Partial<Programme>): Programme => ({ programme: 'entra-gallery', label: 'L', rule: 'r', passes: true, passesStrict: true, headline: 'H', tests: [], notes: [], ...over });
    // Every check passed, the programme fails (no auth test passed): FAIL.
    expect(verdictOf({ meta, results: results('pass'), certification: programme({ passes: false, headline: "Would fail Microsoft's validation" }) })).toEqual({ kind: 'fail', headline: 'FAIL', detail: "Would fail Microsoft's validation" });
    // Only an optional test's check failed, the programme passes: PASS.
    expect(verdictOf({ meta, results: results('pass', 'fail'), certification: programme({ headline: "Would pass Microsoft's validation" }) })).toEqual({ kind: 'pass', headline: 'PASS', detail: "Would pass Microsoft's validation" });
    // A partial pre-flight fails when a test it ran failed.
    const failedTest = { name: 'Create_User_Test', status: 'failed' } as Programme['tests'][number];
    expect(verdictOf({ meta, results: results('fail'), certification: programme({ partial: true, passes: false, tests: [failedTest] }) }).kind).toBe('fail');
    // A run cut short keeps its INCOMPLETE.
    expect(verdictOf({ meta: { ...meta, budget: { maxTimeMs: 1000, ranOut: true, notReached: 3 } }, results: results('pass'), certification: programme({ incomplete: true, passes: false }) }).kind).toBe('incomplete');
  });

  it('reports a run that could not be made', () => {
    expect(verdictOf({ meta: { ...meta, runError: 'boom' }, results: [] })).toEqual({ kind: 'not-run', headline: 'COULD NOT RUN', detail: 'boom' });
  });
});

describe('refLink', () => {
  it('links RFC sections to the RFC Editor and keeps IdP behaviours as text', () => {
    expect(refLink('RFC7644-3.4.2')).toMatchObject({ text: 'RFC 7644 §3.4.2', href: 'https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2' });
    expect(refLink('RFC7643-4.1.1').href).toBe('https://www.rfc-editor.org/rfc/rfc7643#section-4.1.1');
    expect(refLink('RFC7644').href).toBe('https://www.rfc-editor.org/rfc/rfc7644');
    expect(refLink('RFC7643-A').href).toBe('https://www.rfc-editor.org/rfc/rfc7643#appendix-A');
    expect(refLink('ENTRA-1.9')).toMatchObject({ text: 'ENTRA-1.9', href: null, title: 'Microsoft Entra ID provisioning behaviour' });
    expect(refLink('OKTA-2.4')).toMatchObject({ href: null, title: 'Okta provisioning behaviour' });
  });
});
