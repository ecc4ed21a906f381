// `scimproof report run.json`: re-renders the reports from a saved run record, offline.
// `scimproof report --merge a.json b.json …`: joins the records of parallel shards (`--shard i/n`)
// into one record and report, judged as one run (exit code as `run`'s).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { RunRecord } from '../record/types.ts';
import { parseRunRecord, RecordShapeError } from '../report/read-record.ts';
import { cleanCommand, cleanLead, verdictOf } from '../report/summarize.ts';
import { writeReports, type WriteReportsOptions, type WrittenReports } from '../report/write.ts';
import { BaselineError, readBaseline, type Baseline } from '../runner/baseline.ts';
import { MergeError, mergeRunRecords, missingShards } from '../runner/merge.ts';
import { consoleFor } from './announce.ts';
import { writeBaselineAndTell } from './write-baseline.ts';
import { RunError, UsageError } from './errors.ts';

export interface ReportCommandOptions {
  html?: string;
  junit?: string;
  json?: string;
  out?: string;
  markdown?: string;
  merge?: boolean;
  baseline?: string;
  writeBaseline?: string;
}

type Out = { write(text: string): unknown };

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('re-render the HTML, JUnit and JSON reports from a run.json, without touching the network')
    .argument('<run.json...>', 'a run record written by `scimproof run` (several with --merge)')
    .option('--html <file>', 'write the HTML report to FILE')
    .option('--junit <file>', 'write JUnit XML to FILE')
    .option('--json <file>', 'write the (normalised) run record to FILE')
    .option('--out <dir>', 'write index.html, run.json and junit.xml into DIR')
    .option('--markdown <file>', 'write a short Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--merge', 'join the run records of parallel shards (run --shard i/n) into one report; exits as `run` would for the joined run')
    .option('--baseline <file>', 'with --merge: the baseline the shards used, so waivers whose checks now pass fail the joined run')
    .option('--write-baseline <file>', "write the run's failed check ids as a baseline to start from (with --merge: the joined run's)")
    .addHelpText('after', '\nWith no output option, index.html and junit.xml are written next to run.json (with --merge: into reports/<run-id>-merged/).')
    .action(async (files: string[], options: ReportCommandOptions) => {
      if (options.merge) {
        process.exitCode = await mergeCommand(files, options, consoleFor(options));
        return;
      }
      if (files.length > 1) throw new UsageError(`${files.length} run records given; add --merge to join shard records into one report`);
      if (options.baseline) throw new UsageError('--baseline only applies with --merge (a single record was judged when it ran)');
      await reportCommand(files[0]!, options, consoleFor(options));
    });
}

async function readRecord(file: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`run record not found: ${file}`);
    if (code === 'EISDIR') throw new UsageError(`${file} is a directory; pass the run.json inside it`);
    throw new UsageError(`cannot read ${file}: ${code ?? String(error)}`);
  }
  try {
    return parseRunRecord(text);
  } catch (error) {
    if (error instanceof RecordShapeError) throw new RunError(`${file} is not a scimproof run record: ${error.message}`);
    throw error;
  }
}

export async function reportCommand(file: string, options: ReportCommandOptions, out: Out): Promise<WrittenReports> {
  const record = await readRecord(file);
  // The record re-rendered from is the one the reports' clean command reads, unless a new one is written.
  const targets: WriteReportsOptions = { ...(asked(options) ?? { html: join(dirname(file), 'index.html'), junit: join(dirname(file), 'junit.xml') }), runJson: file };
  const written = await writeAndTell(record, targets, out);
  if (options.writeBaseline) writeBaselineAndTell(options.writeBaseline, record, out);
  return written;
}

/** Joins shard records into one report; resolves to the exit code `run` would give the joined run. */
export async function mergeCommand(files: string[], options: ReportCommandOptions, out: Out): Promise<number> {
  let baseline: Baseline | undefined;
  try {
    baseline = options.baseline ? readBaseline(options.baseline) : undefined;
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  const records: RunRecord[] = [];
  for (const file of files) records.push(await readRecord(file));
  let record: RunRecord;
  try {
    record = mergeRunRecords(records, baseline ? { baseline } : {});
  } catch (error) {
    if (error instanceof MergeError) throw new UsageError(error.message);
    throw error;
  }
  // Each shard replays with its own seed; the joined report can name only one.
  const seeds = [...new Set(records.map((r) => r.meta.seed))];
  if (seeds.length > 1) process.stderr.write(`scimproof: the shards ran with different seeds (${seeds.join(', ')}); the report names ${record.meta.seed}, so to replay the joined run give every shard the same --seed\n`);
  const missing = missingShards(records);
  if (missing.length > 0) process.stderr.write(`scimproof: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not given; the report covers only the shards merged (INCOMPLETE, exit 3)\n`);
  const targets: WriteReportsOptions = asked(options) ?? { outDir: join('reports', record.meta.runId) };
  out.write(`Merged ${records.length} run record${records.length === 1 ? '' : 's'} (${record.summary.total} checks)\n`);
  await writeAndTell(record, targets, out);
  if (options.writeBaseline) writeBaselineAndTell(options.writeBaseline, record, out);
  // The order of `run`'s exit codes (execute.ts exitCodeOf): could not run or left data 2, budget ran out 3, a failure 1.
  if (record.meta.runError || (record.leftovers?.length ?? 0) > 0) return 2;
  // Shards not given leave checks unreached, as a budget that ran out does.
  if (record.meta.budget?.ranOut || (record.meta.missingShards?.length ?? 0) > 0) return 3;
  if (record.summary.fail > 0) return 1;
  return record.summary.error > 0 ? 2 : 0;
}

/** The outputs the options name, or undefined when they name none (each command has its default). */
function asked(options: ReportCommandOptions): WriteReportsOptions | undefined {
  const { out, html, junit, json, markdown } = options;
  if ([out, html, junit, json, markdown].every((o) => o === undefined)) return undefined;
  return { outDir: out, html, junit, json, markdown };
}

async function writeAndTell(record: RunRecord, targets: WriteReportsOptions, out: Out): Promise<WrittenReports> {
  let written: WrittenReports;
  try {
    written = await writeReports(record, targets);
  } catch (error) {
    throw new RunError(error instanceof Error ? error.message : String(error));
  }
  const verdict = verdictOf(record);
  out.write(`Verdict: ${verdict.headline} — ${verdict.detail}\n`);
  // As `run` says it: a merge with leftovers exits 2, which read as a bare PASS without this.
  const left = record.leftovers?.length ?? 0;
  if (left > 0) out.write(`Leftovers: ${left} resource(s) the run created may still be on the target (listed in the report). ${cleanLead(record)} ${cleanCommand(record, written.json && written.json !== '-' ? written.json : targets.runJson)}\n`);
  if (written.json) out.write(`Run record: ${written.json === '-' ? 'written to standard output' : written.json}\n`);
  if (written.junit) out.write(`JUnit: ${written.junit}\n`);
  if (written.html) out.write(`HTML report: ${written.html}\n`);
  return written;
}
