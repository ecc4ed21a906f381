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

it('no IdP replay fails either: the PATCH steps are "not supported", and the replay stops there', () => {
  expect(record.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
  const stopped = record.results.filter((r) => r.idpNeeds !== undefined);
  expect(stopped.length).toBeGreaterThan(5);
  for (const r of stopped) expect(r, r.checkId).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not supported: the server does not support PATCH \(ServiceProviderConfig patch.supported false; HTTP 501, as RFC 7644 §3.12 allows\); (Entra|Okta) sends PATCH/) });
  // Never "failed with HTTP 501 on a client error": the PATCH was a valid one.
  expect(record.results.find((r) => r.checkId === 'entra.validator.add-many.no-5xx[entra]')?.status).toBe('skip');
});

it("Entra's and Okta's OIN verdicts fail on the PATCH they send, saying so once; Okta's AIW apps (PUT only) work", () => {
  const cards = Object.fromEntries((record.idpVerdicts ?? []).map((v) => [v.dialect, v]));
  for (const [dialect, idp] of [['entra', 'Entra'], ['entra-compliant', 'Entra'], ['okta', 'Okta']] as const) {
    expect(cards[dialect]?.works, dialect).toBe(false);
    expect(cards[dialect]?.blocking.map((b) => b.title), dialect).toEqual([expect.stringMatching(new RegExp(`^${idp} needs PATCH: .*the server does not support it \\(ServiceProviderConfig patch.supported false; PATCH answered HTTP 501\\)$`))]);
  }
  expect(cards['okta-aiw']?.works).toBe(true);
});

it("Entra's and Okta's OIN verdicts fail on the PATCH they send", () => {
  const verdicts = Object.fromEntries((record.idpVerdicts ?? []).map((v) => [v.dialect, v]));
  expect(verdicts.entra?.works).toBe(false);
  expect(verdicts.okta?.works).toBe(false);
  expect(verdicts.entra?.blocking.some((b) => /^entra\.(update|disable)/.test(b.checkId))).toBe(true);
});
