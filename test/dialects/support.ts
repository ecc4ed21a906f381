// Shared by the pack tests: run the replay packs against a URL and read results and verdicts.
import { runConformance, type RunOptions } from '../../src/runner/run.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';

export async function runPacks(url: string, token: string, extra: Partial<RunOptions> = {}): Promise<RunRecord> {
  return runConformance({ url, auth: { kind: 'bearer', token }, suites: ['entra', 'okta'], seed: 7, ...extra });
}

/** Ids (with their [variant] suffix) of checks that failed (MUST) or warned (SHOULD). */
export function failed(record: RunRecord, statuses: CheckResult['status'][] = ['fail']): string[] {
  return record.results.filter((r) => statuses.includes(r.status)).map((r) => r.checkId);
}

export function works(record: RunRecord): Record<string, boolean> {
  return Object.fromEntries((record.idpVerdicts ?? []).map((v) => [v.dialect, v.works]));
}
