// A certification pre-flight whose time budget (--max-time) runs out: every programme test it did
// not reach reads "not reached", never "failed" (which would blame the server); the programme
// claims no verdict; the Entra rate burst it cut short is not judged (its last requests were
// aborted by the run, not refused by the server). And a budget that runs out only after the last
// check was judged cuts nothing: the run is complete. Hanging requests, not timings, decide where
// the budget runs out, so a slow machine reaches the same outcome.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { microsoftResult } from '../../src/certify/microsoft-result.ts';
import { exitCodeOf } from '../../src/cli/execute.ts';
import { oauthChecks } from '../../src/certify/run.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { verdictOf } from '../../src/report/summarize.ts';
import { runConformance, type PhaseContext } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { runMain } from '../support/cli.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { certify, testsOf } from './support.ts';

const NOT_REACHED = /^not reached: the run's time budget \(--max-time [\d.]+ s\) ran out/;

function quietExitCode(record: RunRecord): number {
  const stderr = process.stderr.write;
  process.stderr.write = () => true;
  try {
    return exitCodeOf({ record, paths: { files: [] }, outDir: 'reports/x', replayFiles: [], kept: false });
  } finally {
    process.stderr.write = stderr;
  }
}

let server: RunningServer;
let proxy: RunningProxy;

beforeAll(async () => {
  server = await startServer({ port: 0 });
  // Okta's CRUD test updates with PUT and Entra's rate burst with PATCH: both hang for good, so
  // only the time budget can end the wait. Everything else (cleanup's DELETEs too) is answered.
  proxy = await startProxy(server.url, server.token, {
    onRequest: (ctx) => (ctx.req.method === 'PUT' || ctx.req.method === 'PATCH' ? new Promise<never>(() => undefined) : undefined),
  });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe('okta-oin, cut short by its time budget', () => {
  let record: RunRecord;
  beforeAll(async () => {
    // The budget must outlast the steps before the hanging PUT (the user's create among them) on a
    // busy 2-core machine, or there is nothing for the cleanup test to look at: 3 s was once too short.
    record = await certify('okta-oin', { url: proxy.url, auth: { kind: 'bearer', token: server.token } }, { maxTimeMs: 8_000 });
  });

  it('lists every test it did not reach as not reached, and fails none', () => {
    const tests = Object.values(testsOf(record));
    expect(tests.filter((t) => t.status === 'failed' || t.status === 'warning')).toEqual([]);
    const unreached = tests.filter((t) => t.status === 'error');
    expect(unreached.every((t) => NOT_REACHED.test(t.reason))).toBe(true);
    // The update hangs: it and every CRUD step after it were not reached (earlier ones too on a slow machine).
    for (const name of ['Updates the user firstName attribute in Okta', 'Deactivates the user in Okta', 'Verifies that user is deactivated on your SCIM server']) {
      expect(testsOf(record)[name]).toMatchObject({ status: 'error', reason: expect.stringMatching(NOT_REACHED) });
    }
  });

  it('claims no programme verdict, and the run reads INCOMPLETE with exit 3', () => {
    expect(record.certification).toMatchObject({ passes: false, passesStrict: false, incomplete: true });
    // (Which unreached tests the headline names first depends on how far a busy machine got: not asserted.)
    expect(record.certification!.headline).toMatch(/^Incomplete pre-flight: the run's time budget ran out before \d+ test\(s\) were reached \(.+\)/);
    expect(record.meta.budget).toMatchObject({ ranOut: true });
    expect(record.meta.budget!.notReached).toBeGreaterThan(0);
    expect(verdictOf(record).kind).toBe('incomplete');
    expect(quietExitCode(record)).toBe(3);
  });

  it('still deletes everything it created', () => {
    expect(record.cleanup.length).toBeGreaterThan(0);
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
  });
});

describe('entra-gallery Rate_Requirement, cut short by its time budget', () => {
  it('does not judge a burst the run cut short (its aborted requests are not refusals)', async () => {
    const record = await certify('entra-gallery', { url: proxy.url, auth: { kind: 'bearer', token: server.token } }, { maxTimeMs: 2_000, settings: { tests: ['Rate_Requirement'] } });
    const rate = record.results.filter((r) => r.checkId.startsWith('gallery.rate.'));
    expect(rate.length).toBeGreaterThan(0);
    expect(rate.every((r) => r.status === 'skip' && NOT_REACHED.test(r.reason ?? ''))).toBe(true);
    expect(testsOf(record).Rate_Requirement).toMatchObject({ status: 'error', reason: expect.stringMatching(NOT_REACHED) });
    expect(record.certification).toMatchObject({ passes: false, partial: true, incomplete: true });
    const microsoft = microsoftResult(record, record.certification!) as { overallLogicAppResult: string; additionalChecks: { testName: string; testResult: string }[] };
    expect(microsoft.overallLogicAppResult).toBe('Incomplete');
    expect(microsoft.additionalChecks.find((t) => t.testName === 'Rate_Requirement')?.testResult).toMatch(/^NOT REACHED - not reached: the run's time budget/);
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
  });
});

describe('the OAuth checks of a run (phase) the budget stopped before them', () => {
  it('are listed as not reached, not silently missing', async () => {
    const results: CheckResult[] = [];
    const reason = "not reached: the run's time budget (--max-time 1 s) ran out";
    // Nothing is sent once the run has stopped: the phase only says what it did not reach.
    const stopped = { aborted: () => true, stopReason: () => reason, onResult: (r: CheckResult) => results.push(r), announce: () => undefined, selected: () => true } as unknown as PhaseContext;
    await oauthChecks({ tokenUrl: 'http://127.0.0.1:9/oauth2/token', clientId: 'c', clientSecret: 's' })(stopped);
    expect(results).toEqual([expect.objectContaining({ checkId: 'oauth.not-reached', status: 'skip', reason })]);
  });
});

describe('a budget that runs out after the last check was judged', () => {
  it('cut nothing short: the run is complete, not INCOMPLETE, and exits 0', async () => {
    const record = await runConformance({
      url: server.url,
      auth: { kind: 'bearer', token: server.token },
      suites: ['discovery'],
      seed: 3,
      maxTimeMs: 3_000,
      // A last phase that judges nothing and returns only once the budget has run out (discovery
      // is long done by then, even on a busy machine).
      phases: [
        async (ctx) => {
          while (!ctx.aborted()) await new Promise((resolve) => setTimeout(resolve, 20));
        },
      ],
    });
    expect(record.meta.budget).toEqual({ maxTimeMs: 3_000, ranOut: false, notReached: 0 });
    expect(record.summary.fail).toBe(0);
    expect(verdictOf(record).kind).not.toBe('incomplete');
    expect(quietExitCode(record)).toBe(0);
  });
});

describe('scimproof certify --max-time (CLI)', () => {
  const cli = (args: string[]): Promise<{ code: number; printed: string }> => runMain(['certify', ...args]);

  it('prints the tests it did not reach as NOT REACHED, no programme verdict, and exits 3', async () => {
    const out = mkdtempSync(join(tmpdir(), 'spf-certify-budget-'));
    const { code, printed } = await cli(['okta-oin', '--url', proxy.url, '--token', server.token, '--max-time', '3s', '--out', out]);
    expect(code).toBe(3);
    expect(printed).toMatch(/Updates the user firstName attribute in Okta — NOT REACHED: the run's time budget \(--max-time 3 s\) ran out/);
    expect(printed).toMatch(/^· Incomplete pre-flight: /m);
    expect(printed).not.toMatch(/Would (pass|fail) Okta's OIN SCIM tests/);
    // The HTML report shows the programme's headline as open (neither pass nor fail).
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/class="idp idp-open"/);
    expect(html).toMatch(/<span class="badge s-skip">not reached<\/span><\/td><td><code>Updates the user firstName attribute in Okta<\/code>/);
  });

  it('refuses a --max-time that is not a duration (exit 2)', async () => {
    const { code, printed } = await cli(['okta-oin', '--url', proxy.url, '--token', server.token, '--max-time', 'soon']);
    expect(code).toBe(2);
    expect(printed).toMatch(/--max-time must be a duration/);
  });
});
