// Run in a child process by test/runner/memory.test.ts: one run against each target given (a JSON
// list of {url, token}), reports written, then this process's peak memory and each record's size
// as JSON on stdout. A child, so the measure is of runs alone, not of the test runner.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReports } from '../../src/report/write.ts';
import { runConformance } from '../../src/runner/run.ts';

const targets = JSON.parse(process.argv[2]!) as { url: string; token: string }[];
const runs: { exchanges: number; runJsonMiB: number }[] = [];
for (const { url, token } of targets) {
  const record = await runConformance({ url, auth: { kind: 'bearer', token }, suites: ['core'], seed: 3, limits: { cleanupMs: 20_000 } });
  const written = await writeReports(record, { outDir: mkdtempSync(join(tmpdir(), 'scimproof-mem-')) });
  runs.push({ exchanges: record.exchanges.length, runJsonMiB: statSync(written.json!).size / (1024 * 1024) });
}
process.stdout.write(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024, runs }));
