import { describe, expect, it } from 'vitest';
import { createConsoleReporter, type ConsoleStream } from '../../src/report/console.ts';
import { sampleRecord } from './records.ts';

function capture(isTTY: boolean): ConsoleStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
}

function replay(stream: ConsoleStream, options: { color?: boolean; verbose?: boolean; env?: Record<string, string> } = {}): void {
  const record = sampleRecord();
  const reporter = createConsoleReporter({ stream, env: {}, ...options });
  let scenario = '';
  for (const result of record.results) {
    const title = `${result.area} checks`;
    if (title !== scenario) reporter.onScenarioStart(result.suite, title);
    scenario = title;
    reporter.onResult(result);
  }
  reporter.onRunEnd(record, { html: 'reports/r1/index.html', json: 'reports/r1/run.json', junit: 'reports/r1/junit.xml' });
}

describe('console reporter', () => {
  it('prints a line per scenario, failing ids under it, and a summary ending with the HTML path', () => {
    const out = capture(false);
    replay(out);
    const text = out.text();
    expect(text).toContain('  ✗ core › users checks  2 passed, 2 failed, 1 info\n');
    expect(text).toContain('      ✗ users.create.location-header — The 201 response has no Location header');
    expect(text).toContain('      ! filter.contains — timeout: no response within 15000 ms');
    expect(text).toContain('  ✓ okta › okta checks  2 passed, 1 info\n');
    // Under its scenario a warning is counted, not listed, unless verbose; the findings list it.
    expect(text.slice(0, text.indexOf('Checks:'))).not.toContain('groups.members.display');
    expect(text).toContain('Checks: 28 total · 5 failed · 1 not judged · 4 warnings · 2 info · 2 skipped · 14 passed');
    expect(text).toContain('Verdict: FAIL — 5 required checks failed');
    expect(text).toContain('  ✗ Microsoft Entra ID (default) — would fail: F5 (entra.patch.active-string-boolean), F4 (patch.remove-member-value-filter), F2 (users.create.duplicate-409)');
    expect(text).toContain('  ✓ Okta (OIN) — would work');
    // Failures by root cause, and latency per endpoint, before the IdP verdicts.
    expect(text).toContain('Findings: 9 failed or warning checks from 9 root causes, and 1 latency flag:');
    expect(text).toContain('  ✗ F1 users.create.location-header — The 201 response has no Location header');
    expect(text).toContain("GET /Users?filter is slow: 1 request(s) got no answer within the run's --timeout");
    expect(text).toMatch(/Latency p50\/p95 \(slowest first\): \S/);
    expect(text).toContain('Seed: 424242');
    expect(text.trimEnd().split('\n').at(-1)).toBe('HTML report: reports/r1/index.html');
  });

  it('writes no ANSI codes when the stream is not a TTY', () => {
    const out = capture(false);
    replay(out);
    expect(out.text()).not.toContain('\u001b');
  });

  it('colours a TTY, but not when NO_COLOR is set', () => {
    const tty = capture(true);
    replay(tty);
    expect(tty.text()).toContain('\u001b[31m✗\u001b[0m');
    const noColor = capture(true);
    replay(noColor, { env: { NO_COLOR: '1' } });
    expect(noColor.text()).not.toContain('\u001b[3');
    expect(noColor.text()).toContain('\r\u001b[2K'); // the in-progress line is still replaced on a TTY
  });

  it('lists every result when verbose', () => {
    const out = capture(false);
    replay(out, { verbose: true });
    expect(out.text()).toContain('      ⚠ groups.members.display — members[0].display is absent');
    expect(out.text()).toContain('      - paging.sortby — sort.supported is false in /ServiceProviderConfig');
    expect(out.text()).toContain('      ✓ discovery.spc.available\n');
  });

  it('reads "not judged" (not "would fail") for an IdP the run saw no failure for but could not judge', () => {
    const out = capture(false);
    const record = sampleRecord();
    record.idpVerdicts = [{ dialect: 'okta', label: 'Okta (OIN)', works: false, notJudged: true, blocking: [{ checkId: 'okta.not-reached', title: "12 of this IdP's checks were not reached before the time budget ran out" }] }];
    createConsoleReporter({ stream: out, env: {} }).onRunEnd(record, { html: 'reports/r1/index.html', json: 'reports/r1/run.json', junit: 'reports/r1/junit.xml' });
    expect(out.text()).toContain("  ? Okta (OIN) — not judged: 12 of this IdP's checks were not reached before the time budget ran out\n");
    expect(out.text()).not.toContain('would fail');
  });
});

describe('console reporter and server-chosen text', () => {
  it("shows a server detail's terminal controls (ESC, CR, BEL, bidi override) as escapes, never obeys them", () => {
    const record = sampleRecord();
    const failing = record.results.find((r) => r.status === 'fail')!;
    const hostile = { ...failing, message: 'got 400 (detail: "\u001b[2J\u001b[31mPWNED\u0007\rok \u202Eevil\u009b1m")' };
    for (const tty of [false, true]) {
      const out = capture(tty);
      const reporter = createConsoleReporter({ stream: out, env: {}, color: tty });
      reporter.onScenarioStart(hostile.suite, 'users checks');
      reporter.onResult(hostile);
      reporter.onNotice('waiting: server said \u001b]0;title\u0007');
      reporter.onRunEnd({ ...record, results: [hostile] }, {});
      const text = out.text();
      expect(text).toContain('got 400 (detail: "\\x1B[2J\\x1B[31mPWNED\\x07\\x0Dok \\u202Eevil\\x9B1m")');
      expect(text).toContain('waiting: server said \\x1B]0;title\\x07');
      // Only the reporter's own colour and line-rewriting codes remain.
      expect(text.replace(/\u001b\[\d+m|\r\u001b\[2K/g, '')).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202E]/);
      if (tty) expect(text).toContain('\u001b[31m✗\u001b[0m');
    }
  });
});

// A skip the run turns into an error when it ends (nothing else failed: a check that could not run
// is no pass) was shown as skipped under its scenario, and the INCOMPLETE verdict named no check.
describe('console reporter: checks the run could not judge', () => {
  it('lists an error the live lines showed as a skip, with the answer that stopped it', () => {
    const record = sampleRecord();
    const out = capture(false);
    const live = createConsoleReporter({ stream: out, env: {} });
    const skipped = { ...record.results[0]!, checkId: 'vendor.read', status: 'skip' as const, reason: 'not sent', exchangeIds: [] };
    live.onScenarioStart('vendor', 'Set up, then read');
    live.onResult(skipped);
    const { reason: _reason, ...rest } = skipped;
    const final = { ...record, results: [{ ...rest, status: 'error' as const, message: 'not run: step "set up" did not yield /id for {{userId}}', causedBy: { exchangeId: 'x0005', summary: 'POST /scim/v2/Users answered HTTP 400' } }] };
    live.onRunEnd(final, {});
    const text = out.text();
    expect(text).toContain('  - vendor › Set up, then read  1 skipped\n');
    expect(text).toContain('Not judged (1):\n      ! vendor.read — not run: step "set up" did not yield /id for {{userId}} [POST /scim/v2/Users answered HTTP 400]\n');
  });

  it('does not list an error twice when its scenario line listed it', () => {
    const out = capture(false);
    replay(out);
    expect(out.text()).not.toContain('Not judged');
    expect(out.text().match(/! filter\.contains/g)).toHaveLength(1);
  });
});
