// Counting and the overall verdict, shared by every reporter so the console, the HTML page and
// JUnit never disagree about what a run means.
import type { CheckResult, CheckStatus, Finding, RunRecord, Summary } from '../record/types.ts';
import { credentialArguments, shellQuote } from '../util/shell-credentials.ts';
import { indexExchanges } from './body.ts';
import { DELETE_REFUSED } from '../record/leftover-reasons.ts';
import { errorKindsSentence } from './error-kind.ts';

/** Worst first: the order statuses are listed in summaries and filters. */
export const STATUS_ORDER: readonly CheckStatus[] = ['fail', 'error', 'warn', 'info', 'skip', 'pass'];

export const STATUS_LABEL: Readonly<Record<CheckStatus, string>> = {
  fail: 'Failed',
  // Not the server's fault, nor always the harness's: the reports name the kind (error-kind.ts).
  error: 'Not judged',
  warn: 'Warnings',
  info: 'Info',
  skip: 'Skipped',
  pass: 'Passed',
};

/** One result's status, as a badge. */
export const STATUS_BADGE: Readonly<Record<CheckStatus, string>> = {
  fail: 'Fail',
  error: 'Not judged',
  warn: 'Warn',
  info: 'Info',
  skip: 'Skip',
  pass: 'Pass',
};

/** Counts are recomputed from the results, so a hand-edited run.json still adds up. */
export function countStatuses(results: readonly CheckResult[]): Summary {
  const summary: Summary = { total: 0, pass: 0, fail: 0, warn: 0, info: 0, skip: 0, error: 0 };
  for (const result of results) {
    summary.total += 1;
    summary[result.status] += 1;
  }
  return summary;
}

/**
 * `incomplete` means no required check failed but the harness could not judge everything
 * (harness/network errors, or nothing ran): calling that a pass would overstate what was shown.
 */
export type VerdictKind = 'pass' | 'fail' | 'incomplete' | 'not-run';

export interface Verdict {
  kind: VerdictKind;
  headline: string;
  detail: string;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The verdict a report leads with. A certify run leads with its programme's verdict, as its exit
 * code does: its green PASS sat above "Would fail Microsoft's validation" whenever every check
 * passed but the programme failed (no OAuth test passed), and a FAIL above "Would pass" when only
 * an optional test's checks failed. A run that could not be made or judged keeps its own verdict.
 */
export function verdictOf(record: Pick<RunRecord, 'meta' | 'results'> & Partial<Pick<RunRecord, 'exchanges' | 'certification'>>): Verdict {
  const run = runVerdictOf(record);
  const programme = record.certification;
  if (!programme || run.kind === 'not-run' || run.kind === 'incomplete' || programme.incomplete) return run;
  const failed = programme.partial ? programme.tests.some((t) => t.status === 'failed' || t.status === 'error') : !(programme.passes && programme.passesStrict);
  return failed ? { kind: 'fail', headline: 'FAIL', detail: programme.headline } : { kind: 'pass', headline: 'PASS', detail: programme.headline };
}

function runVerdictOf(record: Pick<RunRecord, 'meta' | 'results'> & Partial<Pick<RunRecord, 'exchanges' | 'certification'>>): Verdict {
  const counts = countStatuses(record.results);
  if (record.meta.runError) {
    return { kind: 'not-run', headline: 'COULD NOT RUN', detail: record.meta.runError };
  }
  const extras: string[] = [];
  if (counts.warn > 0) extras.push(plural(counts.warn, 'warning'));
  if (counts.skip > 0) extras.push(`${counts.skip} skipped`);
  const tail = extras.length > 0 ? ` (${extras.join(', ')})` : '';
  const missingShards = record.meta.missingShards ?? [];
  if (missingShards.length > 0) {
    // A merge without every shard has no verdict on the checks those shards ran, whatever failed in the others.
    const failed = counts.fail > 0 ? `; ${plural(counts.fail, 'required check')} failed in the shards merged` : '';
    return { kind: 'incomplete', headline: 'INCOMPLETE', detail: `Shard${missingShards.length > 1 ? 's' : ''} ${missingShards.join(', ')} not merged: this report covers only part of the run${failed}${tail}` };
  }
  const budget = record.meta.budget;
  if (budget?.ranOut) {
    // Whatever failed before, a run that stopped early has no verdict on what it did not reach.
    const failed = counts.fail > 0 ? `; ${plural(counts.fail, 'required check')} failed before that` : '';
    return { kind: 'incomplete', headline: 'INCOMPLETE', detail: `The time budget (--max-time ${formatDuration(budget.maxTimeMs)}) ran out: ${plural(budget.notReached, 'check')} not reached${failed}${tail}` };
  }
  if (counts.fail > 0) {
    return { kind: 'fail', headline: 'FAIL', detail: `${plural(counts.fail, 'required check')} failed${tail}` };
  }
  if (counts.error > 0) {
    // Why, by kind: no answer, a harness bug and a blocked step are acted on differently (error-kind.ts).
    const judged = `${plural(counts.error, 'check')} could not be judged: ${errorKindsSentence(record.results, indexExchanges(record.exchanges ?? []))}`;
    return { kind: 'incomplete', headline: 'INCOMPLETE', detail: `No required check failed, but ${judged}${tail}` };
  }
  if (counts.total - counts.skip === 0) {
    return { kind: 'incomplete', headline: 'INCOMPLETE', detail: 'No check was run' };
  }
  // A PASS of a narrowed run says so where the PASS is read: it covers only the checks chosen.
  const narrowed = selectionNote(record);
  if (counts.warn === 0 && counts.info === 0) {
    return { kind: 'pass', headline: 'PASS', detail: `All ${plural(counts.pass, 'check')} passed${tail}${narrowed}` };
  }
  return { kind: 'pass', headline: 'PASS', detail: `No required check failed (${counts.pass} passed, ${extras.concat(counts.info > 0 ? [`${counts.info} info`] : []).join(', ')})${narrowed}` };
}

/** `--only users.create.* --skip users.create.location`: what a run was narrowed to, as flags (none when it was not). */
function selectionFlagList(meta: Pick<RunRecord['meta'], 'selection'>): string[] {
  const s = meta.selection;
  return [...(s?.only ?? []).map((o) => `--only ${o}`), ...(s?.skip ?? []).map((o) => `--skip ${o}`), ...(s?.dialects?.length ? [`--dialect ${s.dialects.join(',')}`] : [])];
}

/** Flags a person reads whole; beyond them, the rest is counted (the record keeps every one). */
const SHOWN_FLAGS = 6;

/**
 * What a run was narrowed to, as a person reads it (empty when it was not): a certify run names
 * its programme (it narrows to that programme's checks itself; listing its 40 `--only` patterns
 * would read as flags the vendor gave), any other run its flags, the first few and how many more.
 */
export function selectionText(record: Pick<RunRecord, 'meta'> & Partial<Pick<RunRecord, 'certification'>>): string {
  if (record.certification) return `the checks the ${record.certification.label} tests are judged from`;
  const flags = selectionFlagList(record.meta);
  return flags.length > SHOWN_FLAGS ? `${flags.slice(0, SHOWN_FLAGS).join(' ')} … and ${flags.length - SHOWN_FLAGS} more` : flags.join(' ');
}

// (A certify run's PASS is its programme's headline: see verdictOf.)
const selectionNote = (record: Pick<RunRecord, 'meta'>): string => {
  const text = selectionText(record);
  return text ? `; only the checks this run was narrowed to (${text})` : '';
};

/** Run duration in milliseconds, or undefined when the timestamps are missing or unparsable. */
export function runDurationMs(meta: { startedAt: string; finishedAt: string }): number | undefined {
  const ms = Date.parse(meta.finishedAt) - Date.parse(meta.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** What a report knows besides the record: where the run record was written. */
export interface RenderContext {
  /** The run.json the clean command reads (`--run`); without it, the command names the target and prefix. */
  runJson?: string;
}

/**
 * The command that removes a run's leftovers, from its run.json when written to a file, else from
 * its target and prefix (a run.json sent to standard output, `-`, is no file clean can read), with
 * the run's own kind of credentials; every word quoted for sh.
 */
export function cleanCommand(record: Pick<RunRecord, 'meta'>, runJson?: string): string {
  const from = runJson && runJson !== '-' ? `--run ${shellQuote(runJson)}` : `--url ${shellQuote(record.meta.target)} --prefix ${shellQuote(record.meta.prefix)}`;
  return `npx scimproof clean ${from} ${credentialArguments(record.meta.credentials)}`.trimEnd();
}

/**
 * The words before the clean command, the same in every report (HTML, console, JUnit): clean
 * removes only what carries the run's prefix, which a reader about to delete data wants to know.
 */
export const cleanLead = (record: Pick<RunRecord, 'meta' | 'leftovers'>): string =>
  deleteRefused(record)
    ? `The target refuses DELETE, so a clean would be refused too: deactivate them or remove them in the product (each carries the prefix ${record.meta.prefix}). Once it offers DELETE, this removes them (and nothing else):`
    : `Remove them (and nothing else: only what carries the prefix ${record.meta.prefix}) with:`;

/** Every leftover stayed because the target answered DELETE with 405/501 (it offers no DELETE). */
export const deleteRefused = (record: Pick<RunRecord, 'leftovers'>): boolean => (record.leftovers ?? []).length > 0 && (record.leftovers ?? []).every((l) => l.reason.startsWith(DELETE_REFUSED));

/** The one line that says what to do about leftovers (stderr of run, fuzz and certify). */
export const leftoverLine = (record: Pick<RunRecord, 'meta' | 'leftovers'>, runJson?: string): string =>
  `${record.leftovers?.length ?? 0} resource(s) this run created may still be on the target; ${deleteRefused(record) ? `the target refuses DELETE, so deactivate them or remove them in the product (each carries the prefix ${record.meta.prefix})` : `remove them with: ${cleanCommand(record, runJson)}`}`;

/**
 * A finding's status as the run counts it. Findings group waived failures too (the defect is still
 * there), but a check the baseline waived no longer fails the run: a finding whose checks are all
 * waived reads `waived`, and one that still holds live warnings but only waived failures reads `warn`.
 */
export function findingStatus(finding: Pick<Finding, 'status' | 'symptoms' | 'consequences'>, results: readonly CheckResult[]): 'fail' | 'warn' | 'waived' {
  const members = [...finding.symptoms, ...finding.consequences].map((m) => results[m.result]).filter((r): r is CheckResult => r !== undefined);
  if (!members.some((r) => r.waivedStatus !== undefined)) return finding.status;
  const live = members.filter((r) => r.waivedStatus === undefined);
  if (live.length === 0) return 'waived';
  return live.some((r) => r.status === 'fail' || r.status === 'error') ? 'fail' : 'warn';
}
