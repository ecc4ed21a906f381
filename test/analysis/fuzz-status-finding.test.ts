// One defect, one finding: a server that answers a create with 200 where 201 is required fails the
// scenarios' status checks and the fuzz properties that create (`creating a valid User: expected
// HTTP 201, got 200`). The fuzz failures were a second finding of their own, "the same assertion".
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

describe('a fuzz property failing on an unexpected status', { timeout: 180_000 }, () => {
  it('joins the finding of the scenario checks that fail on the same status of the same endpoint', async () => {
    const server = await startFaultyServer('create-returns-200');
    let record;
    try {
      record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'fuzz'], only: ['users.create.*', 'fuzz.create-get'], seed: 4, fuzz: { runs: 10 } });
    } finally {
      await server.close();
    }
    const fuzzResult = record.results.find((r) => r.checkId === 'fuzz.create-get')!;
    expect(fuzzResult.status).toBe('fail');
    expect(fuzzResult.message).toMatch(/expected HTTP 201, got 200/);
    const findings = (record.findings ?? []).filter((f) => f.kind !== 'latency');
    const holding = (checkId: string) => findings.find((f) => [...f.symptoms, ...f.consequences].some((m) => m.checkId === checkId));
    expect(holding('fuzz.create-get')).toBeDefined();
    expect(holding('fuzz.create-get')).toBe(holding('users.create.status'));
    expect(holding('users.create.status')!.kind).toBe('unexpected-status');
    expect(holding('users.create.status')!.title).toMatch(/^POST \/Users answers 200 where 201/);
  });

  it('is titled after every endpoint it holds: POST /Groups answering 200 is named beside POST /Users', async () => {
    const server = await startFaultyServer('create-returns-200');
    let record;
    try {
      record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['users.create.status', 'users.optional-missing', 'groups.create.status'], seed: 4 });
    } finally {
      await server.close();
    }
    const findings = (record.findings ?? []).filter((f) => f.kind !== 'latency');
    const holding = (checkId: string) => findings.find((f) => f.symptoms.some((m) => m.checkId === checkId));
    expect(holding('groups.create.status')).toBe(holding('users.create.status'));
    const finding = holding('groups.create.status')!;
    expect(finding.kind).toBe('unexpected-status');
    expect(finding.title).toBe('POST /Users and POST /Groups answer 200 where 201 or 400 is expected');
    expect(finding.basis).toMatch(/^\d+ checks fail on the same answer: POST \/Users and POST \/Groups answered 200 each time/);
  });
});
