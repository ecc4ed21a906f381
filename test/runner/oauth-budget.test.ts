// A run that authenticates with OAuth and whose token endpoint never answers: the token request
// carries the run's time budget like every other request, so the run ends when the budget runs
// out (not after the per-request timeout, set far beyond the test's own time here), and what it
// could not reach is "not reached", never a failure of the server or an authentication error.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthChecks } from '../../src/certify/run.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { renderHtml } from '../../src/report/html/render.ts';

let server: RunningServer;
let tokenEndpoint: Server;
let record: RunRecord;
let tokenUrl: string;
const BUDGET_MS = 1_500;
const REASON = "not reached: the run's time budget (--max-time 1500 ms) ran out";

beforeAll(async () => {
  server = await startServer({ port: 0 });
  // Reads the token request and never answers it.
  tokenEndpoint = createServer((req) => req.resume());
  await new Promise<void>((resolve) => tokenEndpoint.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(tokenEndpoint.address() as AddressInfo).port}/oauth2/token`;
  record = await runConformance({
    url: server.url,
    auth: { kind: 'oauth', oauth: { tokenUrl, clientId: 'client', clientSecret: 'client-secret-1234' } },
    suites: ['core', 'entra'],
    seed: 7,
    maxTimeMs: BUDGET_MS,
    timeoutMs: 120_000,
  });
}, 60_000);
afterAll(async () => {
  tokenEndpoint.closeAllConnections();
  await new Promise((resolve) => tokenEndpoint.close(resolve));
  await server.close();
});

describe('a token endpoint that hangs, under a time budget', () => {
  it('abandons the token request when the budget runs out, instead of waiting for its timeout', () => {
    const tokenRequests = record.exchanges.filter((x) => x.request.url.endsWith('/oauth2/token'));
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(tokenRequests[0]!.transportError).toEqual({ code: 'aborted', message: `aborted: ${REASON}` });
    expect(record.exchanges.some((x) => x.transportError?.code === 'timeout' || x.transportError?.code === 'auth')).toBe(false);
  });

  it('reports the run as cut short by its budget, blaming the server for nothing', () => {
    expect(record.meta.budget).toMatchObject({ maxTimeMs: BUDGET_MS, ranOut: true });
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'error')).toEqual([]);
    expect(record.results.filter((r) => r.reason?.startsWith(REASON)).length).toBeGreaterThan(10);
  });

  it('leaves the IdP verdicts not judged: neither "would work" nor "would fail"', () => {
    expect(record.idpVerdicts?.length).toBeGreaterThan(0);
    expect(record.idpVerdicts!.every((v) => !v.works && v.notJudged === true)).toBe(true);
    const html = renderHtml(record);
    const idp = html.slice(html.indexOf('<section id="idp"'), html.indexOf('</section>', html.indexOf('<section id="idp"')));
    expect(idp).toContain('<span class="idp-state">Not judged</span>');
    expect(idp).toContain('class="idp idp-open"');
    expect(idp).not.toContain('Would fail');
    // Its reasons are no "blocking checks" of the server.
    expect(idp).not.toContain('blocking check');
    expect(idp).toContain('checks were not reached before the time budget ran out');
  });
});

describe("the token endpoint's own checks (certify, and runs with OAuth), under a time budget", () => {
  it('reads not reached when the token request hangs past the budget, not failed', async () => {
    const oauth = { tokenUrl, clientId: 'client', clientSecret: 'client-secret-1234' };
    const phased = await runConformance({ url: server.url, auth: { kind: 'oauth', oauth }, suites: [], seed: 7, phases: [oauthChecks(oauth)], maxTimeMs: BUDGET_MS, timeoutMs: 120_000 });
    const own = phased.results.filter((r) => r.checkId.startsWith('oauth.'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((r) => r.status !== 'skip')).toEqual([]);
    expect(own.every((r) => r.reason?.startsWith(REASON))).toBe(true);
    expect(phased.exchanges.some((x) => x.transportError?.code === 'timeout')).toBe(false);
  }, 60_000);
});
