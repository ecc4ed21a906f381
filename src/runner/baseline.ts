// A baseline lets a team gate CI on regressions while known failures are being fixed: each
// entry waives one check id (or a `prefix.*`) with the reason. A waived failure is reported as
// info, with the reason, and does not fail the run; a waiver whose check now passes fails the run
// as stale, so a baseline can only shrink (the OpenID conformance suite's rule).
import { readFileSync, writeFileSync } from 'node:fs';
import type { CheckResult } from '../record/types.ts';
import { displayId } from '../record/display-id.ts';

export interface Baseline {
  /** check id or `prefix.*` → why the failure is accepted for now. */
  expectedFailures: Record<string, string>;
}

export class BaselineError extends Error {}

const matches = (pattern: string, id: string): boolean => (pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern);

export function readBaseline(file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BaselineError(code ? `cannot read baseline ${file} (${code})` : `baseline ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const failures = (data as { expectedFailures?: unknown } | null)?.expectedFailures;
  if (!failures || typeof failures !== 'object' || Array.isArray(failures) || Object.values(failures).some((v) => typeof v !== 'string' || v.trim() === '')) {
    throw new BaselineError(`${file}#/expectedFailures: must map check ids to the reason each failure is accepted`);
  }
  return { expectedFailures: failures as Record<string, string> };
}

/** The waiver reason for a check id, if the baseline has one. */
export function waiverFor(baseline: Baseline, checkId: string): string | undefined {
  const pattern = Object.keys(baseline.expectedFailures).find((p) => matches(p, checkId));
  return pattern === undefined ? undefined : baseline.expectedFailures[pattern];
}

/** A failed or warned result the baseline waives becomes info, keeping what failed in the message. */
export function waive(result: CheckResult, baseline: Baseline): CheckResult {
  if (result.status !== 'fail' && result.status !== 'warn') return result;
  const reason = waiverFor(baseline, result.checkId);
  if (reason === undefined) return result;
  return { ...result, status: 'info', waivedStatus: result.status, message: `waived by the baseline (${reason}): ${result.message ?? result.status}` };
}

/** One failing result per waiver whose checks all ran and passed. */
export function staleWaivers(results: readonly CheckResult[], baseline: Baseline): CheckResult[] {
  const stale: CheckResult[] = [];
  for (const [pattern, reason] of Object.entries(baseline.expectedFailures)) {
    const ran = results.filter((r) => matches(pattern, r.checkId) && r.status !== 'skip');
    if (ran.length === 0 || !ran.every((r) => r.status === 'pass')) continue;
    stale.push({
      checkId: displayId({ baseId: 'baseline.stale', item: pattern }),
      baseId: 'baseline.stale',
      item: pattern,
      title: `The baseline still waives ${pattern}, which now passes`,
      area: 'baseline',
      suite: 'baseline',
      level: 'MUST',
      refs: [],
      status: 'fail',
      message: `${pattern} passes now; remove it from the baseline so it cannot regress unnoticed (it was waived because: ${reason})`,
      exchangeIds: [],
    });
  }
  return stale;
}

/** Writes the failures of a run as a baseline to start from; each reason is a placeholder to replace. */
export function writeBaseline(file: string, results: readonly CheckResult[]): number {
  const failing = [...new Set(results.filter((r) => r.status === 'fail').map((r) => r.checkId))].sort();
  const expectedFailures = Object.fromEntries(failing.map((id) => [id, 'known failure: say why it is accepted and until when']));
  try {
    writeFileSync(file, `${JSON.stringify({ expectedFailures }, null, 2)}\n`);
  } catch (error) {
    throw new BaselineError(`cannot write the baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return failing.length;
}
