// `scimproof report run.json`: re-renders the reports from a saved run record, offline.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { parseRunRecord, RecordShapeError } from '../report/read-record.ts';
import { verdictOf } from '../report/summarize.ts';
import { writeReports, type WriteReportsOptions, type WrittenReports } from '../report/write.ts';
import { RunError, UsageError } from './errors.ts';

export interface ReportCommandOptions {
  html?: string;
  junit?: string;
  json?: string;
  out?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('re-render the HTML, JUnit and JSON reports from a run.json, without touching the network')
    .argument('<run.json>', 'a run record written by `scimproof run`')
    .option('--html <file>', 'write the HTML report to FILE')
    .option('--junit <file>', 'write JUnit XML to FILE')
    .option('--json <file>', 'write the (normalised) run record to FILE')
    .option('--out <dir>', 'write index.html, run.json and junit.xml into DIR')
    .addHelpText('after', '\nWith no output option, index.html and junit.xml are written next to run.json.')
    .action(async (file: string, options: ReportCommandOptions) => {
      await reportCommand(file, options, process.stdout);
    });
}

export async function reportCommand(file: string, options: ReportCommandOptions, out: { write(text: string): unknown }): Promise<WrittenReports> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`run record not found: ${file}`);
    if (code === 'EISDIR') throw new UsageError(`${file} is a directory; pass the run.json inside it`);
    throw new UsageError(`cannot read ${file}: ${code ?? String(error)}`);
  }
  let record;
  try {
    record = parseRunRecord(text);
  } catch (error) {
    if (error instanceof RecordShapeError) throw new RunError(`${file} is not a scimproof run record: ${error.message}`);
    throw error;
  }
  const none = options.html === undefined && options.junit === undefined && options.json === undefined && options.out === undefined;
  const targets: WriteReportsOptions = none
    ? { html: join(dirname(file), 'index.html'), junit: join(dirname(file), 'junit.xml') }
    : { outDir: options.out, html: options.html, junit: options.junit, json: options.json };
  let written: WrittenReports;
  try {
    written = await writeReports(record, targets);
  } catch (error) {
    throw new RunError(error instanceof Error ? error.message : String(error));
  }
  const verdict = verdictOf(record);
  out.write(`Verdict: ${verdict.headline} — ${verdict.detail}\n`);
  if (written.json) out.write(`Run record: ${written.json}\n`);
  if (written.junit) out.write(`JUnit: ${written.junit}\n`);
  if (written.html) out.write(`HTML report: ${written.html}\n`);
  return written;
}
