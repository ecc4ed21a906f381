// What a defect test runs and reads: the default data suites once, and the results that are not a
// pass (a skip whose cause is a reported failure is a consequence, not a finding of its own).
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer, type DefectName } from './faulty-server.ts';

export const DEFAULT_SUITES = ['core', 'cursor', 'entra', 'okta'] as const;

/** Results that fail, warn, inform or error: what a vendor would be told to look at. */
export function notPassing(record: RunRecord): CheckResult[] {
  return record.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'info' || r.status === 'error');
}

/** One run of `suites` against a server with exactly `defect`, the server closed afterwards. */
export async function runAgainstDefect(defect: DefectName, suites: string[], seed: number): Promise<RunRecord> {
  const server = await startFaultyServer(defect);
  try {
    return await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites, seed });
  } finally {
    await server.close();
  }
}
