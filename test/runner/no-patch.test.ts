// PATCH is optional in RFC 7644 (§3.5.2; ServiceProviderConfig patch.supported): a server that
// updates only by PUT and answers PATCH 501 (§3.12) is not failed by the RFC checks. Every step
// that sends a PATCH needs the capability, also the probes inside scenarios that need no PATCH
// otherwise (robustness, errors, the enterprise extension), which failed it before with "the
// server failed with HTTP 501 on a client error". Entra and Okta's OIN apps send PATCH, so their
// verdicts still fail, for that reason. The independent server (not ours) plays it, over real HTTP.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
let record: RunRecord;
beforeAll(async () => {
  server = await startIndependentServer({ noPatch: true });
  record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], seed: 4 });
}, 300_000);
afterAll(async () => {
  await server.close();
});

it('no RFC check fails or warns on it: the PATCH probes are skipped, saying PATCH is not advertised', () => {
  const judgedAgainst = record.results.filter((r) => (r.status === 'fail' || r.status === 'warn') && !/^(entra|okta)\./.test(r.checkId));
  expect(judgedAgainst.map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
  for (const id of ['robustness.patch-no-operations', 'robustness.patch-malformed-json', 'errors.patch-unknown.404', 'users.enterprise.patch.status']) {
    expect(record.results.find((r) => r.checkId === id), id).toMatchObject({ status: 'skip', reason: 'the server does not advertise patch (ServiceProviderConfig patch.supported is not true)' });
  }
  // The scenario went on past its skipped PATCH steps.
  expect(record.results.find((r) => r.checkId === 'robustness.put-malformed-json')?.status).toBe('pass');
});

it("Entra's and Okta's OIN verdicts fail on the PATCH they send", () => {
  const verdicts = Object.fromEntries((record.idpVerdicts ?? []).map((v) => [v.dialect, v]));
  expect(verdicts.entra?.works).toBe(false);
  expect(verdicts.okta?.works).toBe(false);
  expect(verdicts.entra?.blocking.some((b) => /^entra\.(update|disable)/.test(b.checkId))).toBe(true);
});
