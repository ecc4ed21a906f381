// Baselines for CI gates: a known failure can be waived with its reason (it stays visible, and
// still blocks the IdP verdict), and a waiver whose check passes again fails the run as stale.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaselineError, readBaseline, writeBaseline } from '../../src/runner/baseline.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';

let faulty: FaultyServer;
let clean: RunningServer;
beforeAll(async () => {
  faulty = await startFaultyServer('filter-miss-404');
  clean = await startServer({ port: 0 });
});
afterAll(async () => {
  await faulty.close();
  await clean.close();
});

const baseline = { expectedFailures: { 'filter.miss-empty-list': 'tracked in TICKET-42, fixed next sprint' } };

describe('baselines', () => {
  it('waive a known failure: reported as info with the reason, the run does not fail on it', async () => {
    const record = await runConformance({ url: faulty.url, auth: { kind: 'bearer', token: faulty.token }, suites: ['core'], only: ['filter.miss-empty-list'], seed: 1, baseline });
    const result = record.results.find((r) => r.checkId === 'filter.miss-empty-list')!;
    expect(result.status).toBe('info');
    expect(result.waivedStatus).toBe('fail');
    expect(result.message).toMatch(/waived by the baseline \(tracked in TICKET-42.*\): a query must answer 200/);
    expect(record.summary.fail).toBe(0);
  });

  it('a waived failure still blocks the IdP verdict it concerns', async () => {
    const record = await runConformance({ url: faulty.url, auth: { kind: 'bearer', token: faulty.token }, suites: ['core', 'entra'], only: ['filter.miss-empty-list', 'entra.test-connection.*'], dialects: ['entra'], seed: 1, baseline: { expectedFailures: { 'filter.miss-empty-list': 'known', 'entra.test-connection.*': 'known' } } });
    expect(record.summary.fail).toBe(0);
    expect(record.idpVerdicts?.find((v) => v.dialect === 'entra')?.works).toBe(false);
  });

  it('a waiver whose check passes again fails the run as stale', async () => {
    const record = await runConformance({ url: clean.url, auth: { kind: 'bearer', token: clean.token }, suites: ['core'], only: ['filter.miss-empty-list'], seed: 1, baseline });
    const stale = record.results.find((r) => r.checkId === 'baseline.stale[filter.miss-empty-list]')!;
    expect(stale.status).toBe('fail');
    expect(stale.message).toMatch(/passes now; remove it from the baseline/);
  });

  it('writes the failures of a run as a baseline to start from, and reads it back', async () => {
    const record = await runConformance({ url: faulty.url, auth: { kind: 'bearer', token: faulty.token }, suites: ['core'], only: ['filter.*'], seed: 1 });
    const file = join(mkdtempSync(join(tmpdir(), 'scimproof-baseline-')), 'baseline.json');
    expect(writeBaseline(file, record.results)).toBeGreaterThan(0);
    const written = readBaseline(file);
    expect(Object.keys(written.expectedFailures)).toContain('filter.miss-empty-list');
    const again = await runConformance({ url: faulty.url, auth: { kind: 'bearer', token: faulty.token }, suites: ['core'], only: ['filter.*'], seed: 1, baseline: written });
    expect(again.summary.fail).toBe(0);
  });

  it('a malformed baseline is a clear error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimproof-baseline-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ expectedFailures: { 'filter.x': '' } }));
    expect(() => readBaseline(file)).toThrow(BaselineError);
    expect(() => readBaseline(file)).toThrow(/#\/expectedFailures: must map check ids to the reason/);
    expect(() => readBaseline(join(file, 'missing'))).toThrow(/cannot read baseline/);
    expect(readFileSync(file, 'utf8')).toContain('filter.x');
  });
});
