// Every fuzz property can fail: each one against a server with a defect it exists to catch
// (the planted-bug tests in fuzz.test.ts cover shrinking and replay; this file covers the rest).
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';

const PROPERTY_DEFECTS: [property: string, defect: DefectName][] = [
  ['create-get', 'get-drops-attributes'],
  ['username-eq-any-case', 'filter-username-case-sensitive'],
  ['filter-model', 'filter-ignored'],
  ['patch-model', 'patch-not-atomic'],
  ['paging-partition', 'paging-zero-based'],
  ['cursor-partition', 'cursor-overlaps'],
  ['invalid-input-4xx', 'malformed-json-500'],
  ['member-add-idempotent', 'member-add-duplicates'],
  ['stateful-directory', 'put-merges'],
];

describe('each fuzz property fails against its defect', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  for (const [property, defect] of PROPERTY_DEFECTS) {
    it(`fuzz.${property} finds ${defect}`, async () => {
      const server = await startFaultyServer(defect);
      closers.push(() => server.close());
      const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], only: [`fuzz.${property}`], seed: 7, fuzz: { runs: 60 } });
      const result = record.results.find((r) => r.checkId === `fuzz.${property}`);
      expect(result?.status, result?.message).toBe('fail');
      expect(result!.exchangeIds.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
