// The part `run` and `fuzz` share: run against the target with live console progress, let Ctrl-C
// stop it cleanly, write every report (run.json first) and replay files, and settle the exit code.
import { join } from 'node:path';
import { writeReplayFiles } from '../fuzz/replay.ts';
import type { RunRecord } from '../record/types.ts';
import { createConsoleReporter } from '../report/console.ts';
import { writeReports, type WriteReportsOptions, type WrittenReports } from '../report/write.ts';
import { runConformance, type RunOptions } from '../runner/run.ts';
import { RunError } from './errors.ts';
import { consoleFor } from './announce.ts';
import { onInterrupt } from './interrupt.ts';
import type { Target } from './options.ts';

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
  interrupted: boolean;
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
): Promise<Execution> {
  const reporter = createConsoleReporter({ verbose: flags.verbose ?? false, stream: consoleFor(flags) });
  const interrupt = onInterrupt('interrupted; cleaning up what this run created');
  let record: RunRecord;
  try {
    record = await runConformance({
      ...(target.url ? { url: target.url } : {}),
      auth: target.auth,
      headers: target.headers,
      timeoutMs: target.timeoutMs,
      insecure: target.insecure,
      noCleanup: !flags.cleanup,
      secrets: target.secrets,
      signal: interrupt.signal,
      events: { onScenarioStart: (suite, title) => reporter.onScenarioStart(suite, title), onResult: (r) => reporter.onResult(r) },
      ...options,
    });
  } finally {
    interrupt.dispose();
  }
  const outDir = flags.out ?? configOut ?? join('reports', record.meta.runId);
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
  return { record, paths, outDir, replayFiles, interrupted: interrupt.signal.aborted };
}

/** 0: every required check passed; 1: a check failed; 2: the run could not be made or the harness erred; 130: Ctrl-C. */
export function exitCodeOf(execution: Execution): number {
  const { record } = execution;
  if (execution.interrupted) {
    process.stderr.write(`scimproof: interrupted; the report of what ran is at ${execution.paths.html ?? execution.outDir}\n`);
    return 130;
  }
  if (record.meta.runError) {
    process.stderr.write(`scimproof: ${record.meta.runError}\n`);
    return 2;
  }
  if (record.summary.fail > 0) return 1;
  if (record.summary.error > 0) return 2;
  return 0;
}
