// The packs against a real third-party-library server (SCIMMY): its real deviations are caught —
// it rejects Entra's "True"/"False" strings and the manager as a bare id string — and nothing else
// blocks an IdP, so Okta (which sends neither) still works.
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

  it('warns about its case-sensitive userName filter and its relative meta.location', () => {
    expect(failed(record, ['warn'])).toEqual(expect.arrayContaining(['okta.spec.9.case-insensitive[okta]', 'okta.spec.6.schema[okta]']));
  });

  it('fails only Entra-specific checks; the verdict: Entra no, Okta yes', () => {
    expect(failed(record).every((id) => id.startsWith('entra.'))).toBe(true);
    expect(works(record)).toEqual({ entra: false, 'entra-compliant': false, okta: true, 'okta-aiw': true });
    const entra = record.idpVerdicts!.find((v) => v.dialect === 'entra')!;
    expect(entra.blocking.map((b) => b.checkId)).toContain('entra.disable.status[entra]');
    expect(entra.blocking.find((b) => b.checkId === 'entra.disable.status[entra]')!.impact).toMatch(/stay active in the app/);
  });
});
