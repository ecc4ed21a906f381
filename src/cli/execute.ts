// The part `run` and `fuzz` share: run against the target with live console progress, let Ctrl-C
// stop it cleanly, write every report (run.json first) and replay files, and settle the exit code.
import { join } from 'node:path';
import { writeReplayFiles } from '../fuzz/replay.ts';
import type { RunRecord } from '../record/types.ts';
import { createConsoleReporter } from '../report/console.ts';
import { leftoverLine } from '../report/summarize.ts';
import { writeReports, writeReportsSync, type WriteReportsOptions, type WrittenReports } from '../report/write.ts';
import { runConformance, type LiveRun, type RunOptions } from '../runner/run.ts';
import { RunError } from './errors.ts';
import { consoleFor } from './announce.ts';
import { exitCodeForSignal, onInterrupt } from './interrupt.ts';
import type { Target } from './options.ts';
import { printable } from '../util/printable.ts';

export interface ReportFlags {
  out?: string;
  html?: string;
  json?: string;
  junit?: string;
  har?: string;
  markdown?: string;
  cleanup: boolean;
  verbose?: boolean;
}

export interface Execution {
  record: RunRecord;
  paths: WrittenReports;
  outDir: string;
  replayFiles: string[];
  /** The signal that stopped the run, if one did. */
  interrupted?: string;
  /** The resources were kept on purpose (`--no-cleanup`). */
  kept: boolean;
}

/** The report files the flags ask for, besides the report directory. */
export function reportTargets(flags: ReportFlags, outDir: string): WriteReportsOptions {
  return { outDir, ...(flags.html ? { html: flags.html } : {}), ...(flags.json ? { json: flags.json } : {}), ...(flags.junit ? { junit: flags.junit } : {}), ...(flags.har ? { har: flags.har } : {}), ...(flags.markdown ? { markdown: flags.markdown } : {}) };
}

/**
 * Runs with the target and report flags filled in; `options` adds what the command chooses
 * (suites, selection, profile, fuzz budget…). The caller has printed the banner (announce.ts).
 */
export async function execute(
  target: Target,
  flags: ReportFlags,
  configOut: string | undefined,
  options: Omit<RunOptions, 'url' | 'auth' | 'headers' | 'timeoutMs' | 'insecure' | 'noCleanup' | 'secrets' | 'signal' | 'events'>,
  /** What runs (default: the conformance run; `certify` runs a programme over it). */
  runner: (options: RunOptions) => Promise<RunRecord> = runConformance,
): Promise<Execution> {
  const reporter = createConsoleReporter({ verbose: flags.verbose ?? false, stream: consoleFor(flags) });
  const interrupt = onInterrupt('stopping; cleaning up what this run created, then writing the report');
  let live: LiveRun | undefined;
  let outDir = flags.out ?? configOut;
  // A second signal quits at once: the report of what ran so far is still written, synchronously.
  interrupt.onForce(() => {
    if (!live) return;
    const record = live.snapshot();
    const dir = outDir ?? join('reports', record.meta.runId);
    const paths = writeReportsSync(record, reportTargets(flags, dir));
    process.stderr.write(`scimproof: the report of what ran is at ${paths.html ?? dir}\n`);
    const left = record.leftovers?.length ?? 0;
    if (left > 0) process.stderr.write(`scimproof: ${leftoverLine(record, paths.json)}\n`);
  });
  let record: RunRecord;
  try {
    record = await runner({
      ...(target.url ? { url: target.url } : {}),
      auth: target.auth,
      headers: target.headers,
      timeoutMs: target.timeoutMs,
      insecure: target.insecure,
      noCleanup: !flags.cleanup,
      secrets: target.secrets,
      signal: interrupt.signal,
      events: {
        onScenarioStart: (suite, title) => reporter.onScenarioStart(suite, title),
        onResult: (r) => reporter.onResult(r),
        onNotice: (text) => reporter.onNotice(text),
        onLive: (run) => (live = run),
      },
      ...options,
    });
  } finally {
    interrupt.dispose();
  }
  outDir ??= join('reports', record.meta.runId);
  let paths: WrittenReports;
  let replayFiles: string[];
  try {
    paths = await writeReports(record, reportTargets(flags, outDir));
    // Fuzz counterexamples get replay files next to the report.
    replayFiles = options.fuzz?.replay ? [] : await writeReplayFiles(record, outDir);
  } catch (error) {
    throw new RunError(error instanceof Error ? error.message : String(error));
  }
  reporter.onRunEnd(record, paths);
  return { record, paths, outDir, replayFiles, ...(interrupt.received ? { interrupted: interrupt.received } : {}), kept: !flags.cleanup };
}

/**
 * 0: every required check passed; 1: a check failed; 2: the run could not be made, the harness
 * erred, or what the run created could not all be deleted; 3: the time budget (--max-time) ran out
 * before every check was reached; 128 + n after signal n (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
 * 3 wins over 1: a run that stopped early has no verdict on what it did not reach, and CI must not
 * mistake it for one (the failures it found are in the report all the same). 2 wins over 3: a run
 * that left data on the target must never look like an ordinary result.
 */
export function exitCodeOf(execution: Execution): number {
  const { record } = execution;
  const left = execution.kept ? 0 : (record.leftovers?.length ?? 0);
  const leftLine = left > 0 ? leftoverLine(record, execution.paths.json) : undefined;
  if (execution.interrupted) {
    process.stderr.write(`scimproof: interrupted by ${execution.interrupted}; the report of what ran is at ${execution.paths.html ?? execution.outDir}\n`);
    if (leftLine) process.stderr.write(`scimproof: ${leftLine}\n`);
    return exitCodeForSignal(execution.interrupted);
  }
  if (record.meta.runError) {
    process.stderr.write(`scimproof: ${printable(record.meta.runError)}\n`);
    if (leftLine) process.stderr.write(`scimproof: ${leftLine}\n`);
    return 2;
  }
  if (leftLine) {
    process.stderr.write(`scimproof: ${leftLine}\n`);
    return 2;
  }
  if (record.meta.budget?.ranOut) {
    process.stderr.write(`scimproof: the time budget ran out; ${record.meta.budget.notReached} check(s) were not reached (skipped with that reason); the report is at ${execution.paths.html ?? execution.outDir}\n`);
    return 3;
  }
  if (record.summary.fail > 0) return 1;
  if (record.summary.error > 0) return 2;
  return 0;
}
