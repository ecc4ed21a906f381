// Writes the report files. run.json goes first: it is the source of truth, so if rendering a
// later format fails the run is still on disk and `scimproof report run.json` can redo the rest.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RunRecord } from '../record/types.ts';
import type { ReportPaths } from './console.ts';
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
}

export interface WrittenReports extends ReportPaths {
  /** Every file written, in order. */
  files: string[];
}

type Format = 'json' | 'html' | 'junit';
const FILE_NAMES: Record<Format, string> = { json: 'run.json', html: 'index.html', junit: 'junit.xml' };
const RENDER: Record<Format, (record: RunRecord) => string> = { json: renderJson, html: renderHtml, junit: renderJunit };

export async function writeReports(record: RunRecord, options: WriteReportsOptions): Promise<WrittenReports> {
  const written: WrittenReports = { files: [] };
  for (const format of ['json', 'html', 'junit'] as const) {
    const targets: string[] = [];
    if (options.outDir !== undefined) targets.push(join(options.outDir, FILE_NAMES[format]));
    const explicit = options[format];
    if (explicit !== undefined && !targets.some((t) => resolve(t) === resolve(explicit))) targets.push(explicit);
    if (targets.length === 0) continue;
    const text = renderFormat(format, record);
    for (const target of targets) {
      await writeText(target, text);
      written.files.push(target);
      // An explicitly named file is what the user asked for, so it is the one reported (stdout is not a place to open).
      if (target !== '-' || written[format] === undefined) written[format] = target;
    }
  }
  if (options.har !== undefined) {
    await writeText(options.har, renderFormatWith('har', renderHar, record));
    written.files.push(options.har);
  }
  if (options.markdown !== undefined) {
    await writeText(options.markdown, renderFormatWith('Markdown', renderMarkdown, record));
    written.files.push(options.markdown);
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

function renderFormat(format: Format, record: RunRecord): string {
  return renderFormatWith(format, RENDER[format], record);
}

/** Writes a report file; the path `-` means standard output (`--json -`). */
async function writeText(path: string, text: string): Promise<void> {
  if (path === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
    return;
  }
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'ENOTDIR' || code === 'EEXIST' ? 'a parent path is a file, not a directory'
      : code === 'EISDIR' ? 'it is a directory'
      : code === 'ENOSPC' ? 'no space left on the device'
      : (error instanceof Error ? error.message.split('\n', 1)[0] : String(error));
    throw new Error(`cannot write report file ${path}: ${reason}`);
  }
}
