// Every fuzz property can fail: each one against a server with a defect it exists to catch
// (the planted-bug tests in fuzz.test.ts cover shrinking and replay; this file covers the rest).
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';

// Each property, the defect it exists for, and a fragment of the message it must give for it.
const PROPERTY_DEFECTS: [property: string, defect: DefectName, fragment: string][] = [
  ['create-get', 'get-drops-attributes', 'GET differs from what was sent'],
  ['username-eq-any-case', 'filter-username-case-sensitive', 'userName eq'],
  ['filter-model', 'filter-ignored', 'the model expects'],
  ['patch-model', 'patch-not-atomic', 'after a refused PATCH'],
  ['paging-partition', 'paging-zero-based', 'the page at startIndex='],
  ['cursor-partition', 'cursor-overlaps', 'and again on page'],
  ['invalid-input-4xx', 'malformed-json-500', 'server error 500 instead of a 4xx SCIM error'],
  // A success fails where a sentence requires the refusal (Table 8 alone is a SHOULD).
  ['invalid-input-4xx', 'required-not-enforced', 'accepted (201) instead of a 4xx SCIM error (RFC 7643 §2.2'],
  ['invalid-input-4xx', 'invalid-filter-ignored', 'accepted (200) instead of a 4xx SCIM error (RFC 7644 §3.4.2.2'],
  ['member-add-idempotent', 'member-add-duplicates', 'the Group lists'],
  ['stateful-directory', 'put-merges', 'the PUT response differs from the replacement'],
];

describe('each fuzz property fails against its defect', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  for (const [property, defect, fragment] of PROPERTY_DEFECTS) {
    it(`fuzz.${property} finds ${defect}`, async () => {
      const server = await startFaultyServer(defect);
      closers.push(() => server.close());
      const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], only: [`fuzz.${property}`], seed: 7, fuzz: { runs: 60 } });
      const result = record.results.find((r) => r.checkId === `fuzz.${property}`);
      // A SHOULD property (a repeated member add) warns; the others fail.
      expect(result?.status, result?.message).toBe(result?.level === 'SHOULD' ? 'warn' : 'fail');
      expect(result?.message).toContain(fragment);
      expect(result!.exchangeIds.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
