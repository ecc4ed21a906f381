// `scimproof/vitest` in this repository's own vitest: a run becomes one test per check, and a
// failing check's test fails with the report's failure text. (The installed package is tested
// the same way from a consumer project in test/package/package.test.ts, against a faulty server.)
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../src/index.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { failureText } from '../../src/report/failure-text.ts';
import { indexExchanges } from '../../src/report/body.ts';
import { describeScimConformance, ScimCheckFailure } from '../../src/vitest.ts';
import { sampleRecord } from '../report/records.ts';

const NAME = 'scimproof/vitest against the embedded reference server';
let record: RunRecord | undefined;
describeScimConformance({ name: NAME, suites: ['core'], only: ['users.create.*', 'filter.*'], seed: 3, onRecord: (r) => void (record = r) });
// docs/library.md as printed: onRecord returns writeReports' promise (a type error until onRecord
// returned `unknown`: `npx tsc --noEmit -p .` checks this line), awaited before the tests run.
const reportDir = mkdtempSync(join(tmpdir(), 'scimproof-vitest-onrecord-'));
describeScimConformance({ name: 'onRecord writes the reports', suites: ['core'], only: ['users.create.status'], seed: 3, onRecord: (r) => writeReports(r, { outDir: reportDir }) });

describe('describeScimConformance', () => {
  it('declared one test per check of the run, named by check id and claim', ({ task }) => {
    const suite = task.file.tasks.find((t) => t.name === NAME);
    expect(suite?.type).toBe('suite');
    const names = suite?.type === 'suite' ? suite.tasks.map((t) => t.name) : [];
    expect(record).toBeDefined();
    expect(names).toEqual(record!.results.map((r) => `${r.checkId}: ${r.title}`));
    expect(names.length).toBeGreaterThan(5);
  });

  it('a failing check throws the same text as the report explains it with, without frames', () => {
    const sample = sampleRecord();
    const failing = sample.results.find((r) => r.status === 'fail')!;
    const error = new ScimCheckFailure(failing, failureText(failing, indexExchanges(sample.exchanges)));
    expect(error.message).toBe(failureText(failing, indexExchanges(sample.exchanges)));
    expect(error.stack).not.toMatch(/\n\s+at /);
  });
});

describe('onRecord', () => {
  it('may return writeReports\' promise, which is awaited before the tests are declared', () => {
    for (const file of ['index.html', 'run.json', 'junit.xml']) expect(existsSync(join(reportDir, file)), file).toBe(true);
  });
});
