// Writes the report files. run.json goes first: it is the source of truth, so if rendering a
// later format fails the run is still on disk and `scimproof report run.json` can redo the rest.
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { makeDirectory } from '../util/make-directory.ts';
import { dirname, join, resolve } from 'node:path';
import type { RunRecord } from '../record/types.ts';
import type { ReportPaths } from './console.ts';
import type { RenderContext } from './summarize.ts';
import { renderHtml } from './html/render.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderHar } from './har.ts';
import { renderMarkdown } from './markdown.ts';

export interface WriteReportsOptions {
  /** Directory that receives run.json, index.html and junit.xml. */
  outDir?: string;
  /** Extra single-file targets, written in addition to outDir. */
  html?: string;
  json?: string;
  junit?: string;
  /** HAR 1.2 of every exchange; only written when asked for. */
  har?: string;
  /** A short Markdown summary (a CI job summary); only written when asked for. */
  markdown?: string;
  /**
   * The run record the reports point at (in the clean command) when this call writes none: the
   * run.json `scimproof report` re-renders from.
   */
  runJson?: string;
}

export interface WrittenReports extends ReportPaths {
  /** Every file written, in order. */
  files: string[];
}

type Format = 'json' | 'html' | 'junit';
const FILE_NAMES: Record<Format, string> = { json: 'run.json', html: 'index.html', junit: 'junit.xml' };
const RENDER: Record<Format, (record: RunRecord, context: RenderContext) => string> = { json: renderJson, html: renderHtml, junit: renderJunit };

/**
 * The run.json the reports name in their clean command: the one the console names (the last
 * written, an explicit --json over the one in --out), so every report prints the same command.
 */
function runJsonOf(options: WriteReportsOptions): string | undefined {
  if (options.json !== undefined && options.json !== '-') return options.json;
  if (options.outDir !== undefined) return join(options.outDir, FILE_NAMES.json);
  return options.runJson;
}

type Extra = 'har' | 'markdown';

/** Which file gets which rendering, in writing order (run.json first). A path of `-` is standard output. */
function plan(record: RunRecord, options: WriteReportsOptions): { format: Format | Extra; path: string; render: () => string }[] {
  const out: { format: Format | Extra; path: string; render: () => string }[] = [];
  const context: RenderContext = { runJson: runJsonOf(options) };
  for (const format of ['json', 'html', 'junit'] as const) {
    const targets: string[] = [];
    if (options.outDir !== undefined) targets.push(join(options.outDir, FILE_NAMES[format]));
    const explicit = options[format];
    if (explicit !== undefined && !targets.some((t) => resolve(t) === resolve(explicit))) targets.push(explicit);
    let text: string | undefined;
    for (const path of targets) out.push({ format, path, render: () => (text ??= renderFormat(format, record, context)) });
  }
  if (options.har !== undefined) out.push({ format: 'har', path: options.har, render: () => renderFormatWith('har', renderHar, record) });
  if (options.markdown !== undefined) out.push({ format: 'markdown', path: options.markdown, render: () => renderFormatWith('Markdown', renderMarkdown, record) });
  return out;
}

function note(written: WrittenReports, format: Format | Extra, path: string): void {
  written.files.push(path);
  // An explicitly named file is what the user asked for, so it is the one reported (stdout is not a place to open).
  if (format !== 'har' && format !== 'markdown' && (path !== '-' || written[format] === undefined)) written[format] = path;
}

export async function writeReports(record: RunRecord, options: WriteReportsOptions): Promise<WrittenReports> {
  const written: WrittenReports = { files: [] };
  for (const { format, path, render } of plan(record, options)) {
    await writeText(path, render());
    note(written, format, path);
  }
  return written;
}

/**
 * The same files, written synchronously: for a process about to exit at once (a second signal),
 * where nothing asynchronous would still run. Stops at the first file it cannot write.
 */
export function writeReportsSync(record: RunRecord, options: WriteReportsOptions): WrittenReports {
  const written: WrittenReports = { files: [] };
  for (const { format, path, render } of plan(record, options)) {
    try {
      if (path === '-') writeFileSync(process.stdout.fd, render(), 'utf8');
      else {
        makeDirectory(dirname(path));
        writeFileSync(path, render(), 'utf8');
      }
    } catch (error) {
      throw new Error(writeFailure(path, error));
    }
    note(written, format, path);
  }
  return written;
}

function renderFormatWith(name: string, render: (record: RunRecord) => string, record: RunRecord): string {
  try {
    return render(record);
  } catch (error) {
    throw new Error(`could not render the ${name} report: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function renderFormat(format: Format, record: RunRecord, context: RenderContext): string {
  return renderFormatWith(format, (r) => RENDER[format](r, context), record);
}

async function writeText(path: string, text: string): Promise<void> {
  if (path === '-') {
    await new Promise<void>((done, fail) => process.stdout.write(text, (error) => (error ? fail(error) : done())));
    return;
  }
  try {
    makeDirectory(dirname(path));
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new Error(writeFailure(path, error));
  }
}

function writeFailure(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOTDIR' || code === 'EEXIST' ? 'a parent path is a file, not a directory'
    : code === 'EISDIR' ? 'it is a directory'
    : code === 'ENOSPC' ? 'no space left on the device'
    : (error instanceof Error ? error.message.split('\n', 1)[0] : String(error));
  return `cannot write report file ${path}: ${reason}`;
}
