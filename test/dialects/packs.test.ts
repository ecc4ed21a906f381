// The Entra and Okta packs pass against the reference server, with every variant judged working;
// profiles add required attributes and re-level checks with their reasons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { failed, runPacks, works } from './support.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0 });
});
afterAll(() => server.close());

describe('replay packs against the reference server', () => {
  it('entra and okta pass, every variant works, and each variant ran its own checks', async () => {
    const record = await runPacks(server.url, server.token);
    expect(record.meta.runError).toBeUndefined();
    expect(failed(record, ['fail', 'warn', 'error'])).toEqual([]);
    expect(record.summary.fail).toBe(0);
    expect(works(record)).toEqual({ entra: true, 'entra-compliant': true, okta: true, 'okta-aiw': true });
    for (const variant of ['entra', 'entra-compliant', 'okta', 'okta-aiw']) {
      expect(record.results.filter((r) => r.checkId.includes(`[${variant}]`) && r.status === 'pass').length, variant).toBeGreaterThan(10);
    }
    // The Okta requests carry Okta's User-Agent; Entra's queries arrive form-encoded.
    const oktaLookup = record.exchanges.find((x) => x.origin?.scenario === 'okta.user-lifecycle' && x.request.method === 'GET' && x.request.url.includes('filter='))!;
    expect(oktaLookup.request.headers['user-agent']).toBe('Okta SCIM Client 1.0.0');
    expect(oktaLookup.request.url).toMatch(/filter=userName%20eq%20%22.*%22&startIndex=1&count=100$/);
    const entraProbe = record.exchanges.find((x) => x.origin?.scenario === 'entra.test-connection')!;
    expect(entraProbe.request.url).toMatch(/\/Users\?filter=userName\+eq\+%22[0-9a-f-]{36}%22$/);
  });

  it('--dialect picks variants; the verdict lists only what ran', async () => {
    const record = await runPacks(server.url, server.token, { dialects: ['entra-compliant', 'okta-aiw'] });
    expect(Object.keys(works(record)).sort()).toEqual(['entra-compliant', 'okta-aiw']);
    expect(record.results.some((r) => r.checkId.endsWith('[entra]'))).toBe(false);
  });

  it('the matching attribute drives the lookups (externalId)', async () => {
    const record = await runPacks(server.url, server.token, { matchingAttribute: 'externalId', only: ['entra.create.*', 'entra.test-connection.status'] });
    expect(record.summary.fail).toBe(0);
    const probe = record.exchanges.find((x) => x.origin?.scenario === 'entra.test-connection')!;
    expect(probe.request.url).toContain('filter=externalId+eq+%22');
  });
});

describe('verdicts and their evidence (issue 9, item 12)', () => {
  it('a packs-only run also runs the core checks the verdicts rely on, and only those', async () => {
    const record = await runPacks(server.url, server.token, { suites: ['entra'] });
    const core = record.results.filter((r) => r.suite === 'core').map((r) => r.checkId);
    expect(core).toEqual(expect.arrayContaining(['auth.missing.401', 'auth.wrong.401', 'filter.username-eq', 'users.create.status']));
    expect(core).not.toContain('filter.sw');
    expect(record.idpVerdicts!.every((v) => v.works && v.missing === undefined)).toBe(true);
  });

  it('a verdict whose relied-on checks were left out is partial and names them', async () => {
    const record = await runPacks(server.url, server.token, { suites: ['entra'], only: ['entra.*'] });
    const [entra] = record.idpVerdicts!;
    expect(entra!.missing).toEqual(expect.arrayContaining(['auth.missing.401', 'auth.wrong.401', 'filter.username-eq']));
  });

  it('--skip of a core check a packs-only run relies on is accepted (not "matches no check") and makes the verdict partial', async () => {
    // docs/idp-packs.md: `--suite entra` also runs the core checks the verdict relies on, and
    // leaving some out with --only/--skip marks the verdict partial.
    const record = await runPacks(server.url, server.token, { suites: ['entra'], dialects: ['entra'], only: ['entra.test-connection.*', 'auth.*'], skip: ['auth.missing.401'] });
    expect(record.meta.runError).toBeUndefined();
    expect(record.results.map((r) => r.checkId)).toContain('auth.wrong.401');
    expect(record.results.map((r) => r.checkId)).not.toContain('auth.missing.401');
    const [entra] = record.idpVerdicts!;
    expect(entra!.missing).toContain('auth.missing.401');
    expect(entra!.missing).not.toContain('auth.wrong.401');
  });

  it('a --dialect no scenario of the suites replays is a run error naming what they replay, never a pass on the rest', async () => {
    // `--suite okta --dialect okta-oig` (a mock-IdP dialect) ran no Okta check and passed on the core ones.
    const oig = await runPacks(server.url, server.token, { suites: ['okta'], dialects: ['okta-oig'] });
    expect(oig.meta.runError).toBe('--dialect okta-oig: no scenario of the suites okta replays it; they replay okta, okta-aiw');
    expect(oig.results).toEqual([]);
    const coreOnly = await runPacks(server.url, server.token, { suites: ['core'], dialects: ['entra'] });
    expect(coreOnly.meta.runError).toMatch(/^--dialect entra: no scenario of the suites core replays it; they replay no IdP/);
  });

  it('pack results carry their variant and foreach item; the display id is composed from them', async () => {
    const record = await runPacks(server.url, server.token, { only: ['entra.required', 'okta.spec.1'] });
    expect(record.results.find((r) => r.checkId === 'entra.required.rejected[entra-compliant][userName]')).toMatchObject({ baseId: 'entra.required.rejected', variant: 'entra-compliant', item: 'userName' });
    expect(record.results.find((r) => r.checkId === 'okta.spec.1.list[okta]')).toMatchObject({ baseId: 'okta.spec.1.list', variant: 'okta' });
  });
});

describe('profiles', () => {
  it('pingboard against a server that accepts nameless users: the report says so, and no IdP works', async () => {
    const { getProfile } = await import('../../src/suite/profiles.ts');
    const profile = getProfile('pingboard');
    const record = await runPacks(server.url, server.token, { requireAttributes: profile.requiredAttributes, severity: profile.severity, profile: 'pingboard', only: ['entra.required', 'okta.required'] });
    const rejected = record.results.filter((r) => r.checkId.startsWith('entra.required.rejected[entra][name.'));
    expect(rejected.map((r) => [r.checkId, r.status])).toEqual([
      ['entra.required.rejected[entra][name.givenName]', 'fail'],
      ['entra.required.rejected[entra][name.familyName]', 'fail'],
    ]);
    expect(rejected[0]!.message).toMatch(/expected HTTP 400, got 201 — profile: Pingboard requires first and last name/);
    expect(works(record)).toEqual({ entra: false, 'entra-compliant': false, okta: false, 'okta-aiw': false });
  });

  it('pingboard against a server that requires both names: everything passes; group checks are informational', async () => {
    const strict = await startServer({ port: 0, require: ['name.givenName', 'name.familyName'] });
    try {
      const { getProfile } = await import('../../src/suite/profiles.ts');
      const profile = getProfile('pingboard');
      const record = await runPacks(strict.url, strict.token, { requireAttributes: profile.requiredAttributes, severity: profile.severity, profile: 'pingboard' });
      expect(failed(record, ['fail', 'warn', 'error'])).toEqual([]);
      expect(record.results.find((r) => r.checkId === 'entra.group.create.status[entra]')!.level).toBe('MAY');
      expect(Object.values(works(record))).toEqual([true, true, true, true]);
    } finally {
      await strict.close();
    }
  });

  it('prodpad requires userName and a work email', async () => {
    const { getProfile, loadProfiles } = await import('../../src/suite/profiles.ts');
    expect([...loadProfiles().keys()].sort()).toEqual(['interop', 'ipsie-al1', 'ipsie-al2', 'pingboard', 'prodpad']);
    expect(getProfile('prodpad')).toMatchObject({ requiredAttributes: ['userName', 'emails'], matchingAttribute: 'userName' });
    expect(() => getProfile('nope')).toThrow(/no profile "nope"/);
  });
});
