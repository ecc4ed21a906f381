// The packs against a real third-party-library server (SCIMMY): its real deviations are caught —
// it rejects Entra's "True"/"False" strings and the manager as a bare id string, and its userName
// filter is case-sensitive (RFC 7644 §3.4.2.2 SHALL follow caseExact false), which blocks every
// IdP: an account that exists with another case is never linked, the IdP POSTs a duplicate and
// gets 409. Its group displayName filter is case-sensitive too, which blocks Entra (it matches
// groups by displayName). Nothing else blocks an IdP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScimmyServer, type ScimmyServer } from '../servers/scimmy-server.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { failed, runPacks, works } from './support.ts';

let server: ScimmyServer;
let record: RunRecord;
beforeAll(async () => {
  server = await startScimmyServer();
  record = await runPacks(server.url, server.token);
});
afterAll(() => server.close());

describe('replay packs against the SCIMMY server', () => {
  it("fails Entra's string booleans (400 invalidValue)", () => {
    const result = record.results.find((r) => r.checkId === 'entra.disable.status[entra]')!;
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/got 400/);
    expect(failed(record)).toContain('entra.enable.status[entra]');
    expect(record.results.find((r) => r.checkId === 'entra.disable.status[entra-compliant]')!.status).toBe('pass');
  });

  it('fails the manager as a bare id string, in both Entra variants', () => {
    expect(failed(record)).toEqual(expect.arrayContaining(['entra.manager.set.status[entra]', 'entra.manager.set.status[entra-compliant]', 'entra.manager.change.status[entra-compliant]']));
  });

  it('fails its case-sensitive userName filter, and not its relative meta.location (RFC 7643 §2.3.7 allows it)', () => {
    expect(failed(record)).toEqual(expect.arrayContaining(['okta.spec.9.case-insensitive[okta]', 'filter.username-eq.case-insensitive']));
    expect(record.results.find((r) => r.checkId === 'okta.spec.6.schema[okta]')!.status).toBe('pass');
    const okta = record.idpVerdicts!.find((v) => v.dialect === 'okta')!;
    expect(okta.blocking.map((b) => b.checkId).sort()).toEqual(['filter.username-eq.case-insensitive', 'okta.spec.9.case-insensitive[okta]']);
  });

  it('fails its case-sensitive group displayName filter in both Entra variants (Group displayName is caseExact false), blocking Entra and not Okta', () => {
    for (const id of ['entra.group.match-other-case[entra]', 'entra.group.match-other-case[entra-compliant]']) {
      const result = record.results.find((r) => r.checkId === id)!;
      expect(result.status, id).toBe('fail');
      expect(result.message, id).toMatch(/totalResults is 0, expected 1/);
      expect(record.results.find((r) => r.checkId === id.replace('match-other-case', 'match-hit'))!.status, id).toBe('pass');
    }
    for (const dialect of ['entra', 'entra-compliant']) expect(record.idpVerdicts!.find((v) => v.dialect === dialect)!.blocking.map((b) => b.checkId)).toContain(`entra.group.match-other-case[${dialect}]`);
    for (const dialect of ['okta', 'okta-aiw']) expect(record.idpVerdicts!.find((v) => v.dialect === dialect)!.blocking.map((b) => b.checkId).join(' ')).not.toMatch(/match-other-case/);
  });

  it('fails only what it really gets wrong; no verdict is partial, since the packs ran the core checks they rely on', () => {
    const expected = ['entra.disable.status[entra]', 'entra.enable.status[entra]', 'entra.group.match-other-case[entra-compliant]', 'entra.group.match-other-case[entra]', 'entra.manager.change.status[entra-compliant]', 'entra.manager.change.status[entra]', 'entra.manager.clear.status[entra-compliant]', 'entra.manager.clear.status[entra]', 'entra.manager.set.status[entra-compliant]', 'entra.manager.set.status[entra]', 'filter.username-eq.case-insensitive', 'okta.spec.9.case-insensitive[okta]'];
    expect(failed(record).sort()).toEqual(expected);
    expect(works(record)).toEqual({ entra: false, 'entra-compliant': false, okta: false, 'okta-aiw': false });
    expect(record.idpVerdicts!.filter((v) => v.missing)).toEqual([]);
    const entra = record.idpVerdicts!.find((v) => v.dialect === 'entra')!;
    expect(entra.blocking.map((b) => b.checkId)).toContain('entra.disable.status[entra]');
    expect(entra.blocking.find((b) => b.checkId === 'entra.disable.status[entra]')!.impact).toMatch(/stay active in the app/);
  });
});
