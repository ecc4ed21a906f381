// Writes the provisioning log to disk as the cycle runs, so memory stays flat however large the
// directory: one JSON line per object in provisioning.jsonl (a crashed cycle leaves its trace), the
// same lines in numbered chunk files the cycle's HTML page loads on demand, and at the end of the
// cycle its page, a summary line in cycles.jsonl and the index page over all cycles.
//
// Each line is encoded once, into the JSONL file's batch buffer, and the same bytes are copied
// into the chunk file's (batch-file.ts: one synchronous write per 256 KiB, or a moment after the
// last line; `flush()` before reading the file back).
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectory } from '../../util/make-directory.ts';
import { OPTION_NAMES, type OptionNames } from '../../util/option-names.ts';
import type { CycleResult } from '../types.ts';
import { BatchFile } from './batch-file.ts';
import { logPaths, type CycleStartEntry, type CycleSummary, type LogPaths } from './entries.ts';
import { chunkFile, cycleDir, NOTABLE_ROWS, renderCyclePage, renderIndexPage, rowOf, type ObjectRow, type RowSource } from './html.ts';
import { readCycleSummaries, readInterruptedCycles } from './reader.ts';

const mayCloseScript = (text: string): boolean => text.includes('</') && /<\/script/i.test(text);

/** Objects per HTML data chunk (one file the page loads when asked). */
export const CHUNK_SIZE = 500;

interface OpenCycle {
  start: CycleStartEntry;
  /** The folder of this run's page and chunks (cycle-0007, on-demand-0002). */
  folder: string;
  startByte: number;
  /** The chunk file being written, and how many objects it holds so far. */
  chunk: BatchFile | undefined;
  inChunk: number;
  chunks: number;
  objects: number;
  notable: ObjectRow[];
}

/** The log folder cannot be made or written: the cycle would lose every line, so it does not start. */
export class LogFolderError extends Error {}

export class ProvisioningLog {
  readonly paths: LogPaths;
  private readonly file: BatchFile;
  private bytes: number;
  private open: OpenCycle | undefined;
  /** A chunk file that could not be written; the cycle fails with it when it ends. */
  private failure: Error | undefined;

  constructor(
    dir: string,
    private readonly options: { html?: boolean; names?: OptionNames } = {},
  ) {
    this.paths = logPaths(dir);
    // Found before the first object is provisioned, not when its line cannot be written.
    try {
      makeDirectory(dir);
      this.bytes = existsSync(this.paths.jsonl) ? statSync(this.paths.jsonl).size : 0;
      this.file = new BatchFile(this.paths.jsonl, 'a');
    } catch (error) {
      const names = options.names ?? OPTION_NAMES.cli;
      throw new LogFolderError(`cannot write the provisioning log in ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)}); check ${names.logDir}, or pass ${names.noLog}`);
    }
  }

  private line(text: string): void {
    this.bytes += this.file.write(text) + this.file.write('\n');
  }

  /** Writes what is buffered to provisioning.jsonl, before reading it back mid-cycle. */
  flush(): void {
    try {
      this.file.flush();
    } catch {
      // A failed write fails the cycle when it ends; a reader reads what is there.
    }
  }

  beginCycle(start: Omit<CycleStartEntry, 'type'>): void {
    const entry: CycleStartEntry = { type: 'cycle-start', ...start };
    // On-demand runs do not advance the cycle number; they are numbered apart.
    const folder = start.onDemand ? cycleDir(readCycleSummaries(this.paths.dir).filter((s) => s.onDemand).length + 1, true) : cycleDir(start.cycle, false);
    this.open = { start: entry, folder, startByte: this.bytes, chunk: undefined, inChunk: 0, chunks: 0, objects: 0, notable: [] };
    if (this.options.html !== false) makeDirectory(join(this.paths.dir, folder));
    this.line(JSON.stringify(entry));
  }

  /**
   * One object: `entry` (its row on the page: the entry or its result) and `parts`, the pieces of its JSON line
   * (objectLineParts()). The line is encoded once, into the JSONL file's buffer; the chunk file
   * gets a copy of those bytes. (Joined first: one encoding call per line costs about half of one
   * per piece, a line having some thirty.)
   */
  object(entry: RowSource, parts: readonly string[]): void {
    const line = parts.length === 1 ? parts[0]! : parts.join('');
    this.bytes += this.file.write(line);
    try {
      this.chunkObject(entry, line);
    } finally {
      // After the chunk took its copy of the line's bytes: a newline that fills the buffer drains it.
      this.bytes += this.file.write('\n');
    }
  }

  /** The object's line in the page's chunk file: the bytes the JSONL file's buffer holds for it. */
  private chunkObject(entry: RowSource, line: string): void {
    const open = this.open;
    if (!open || this.options.html === false) return;
    const encoded = this.file.lastWritten();
    const at = open.objects++;
    if (entry.outcome !== 'success' && open.notable.length < NOTABLE_ROWS) open.notable.push(rowOf(entry, Math.floor(at / CHUNK_SIZE) + 1));
    if (!open.chunk) {
      open.chunks++;
      open.chunk = new BatchFile(join(this.paths.dir, open.folder, chunkFile(open.chunks)), 'w');
      // A script file, not JSON: pages opened from disk (file://) may load scripts but not fetch JSON.
      open.chunk.write(`scimproofChunk(${open.chunks},[`);
    } else open.chunk.write(',');
    // The same bytes as the JSONL line, unless the text could close the page's script element
    // (outside its strings a JSON line has no `<`, so every match is inside one, where `<\/` reads as `</`).
    if (mayCloseScript(line)) open.chunk.write(line.replace(/<\/script/gi, '<\\/script'));
    else if (encoded) open.chunk.writeBytes(encoded);
    else open.chunk.write(line);
    if (++open.inChunk >= CHUNK_SIZE) this.endChunk();
  }

  private endChunk(): void {
    const open = this.open!;
    if (!open.chunk) return;
    open.chunk.write(']);\n');
    const chunk = open.chunk;
    open.chunk = undefined;
    open.inChunk = 0;
    try {
      chunk.close();
    } catch (error) {
      // Reported when the cycle ends, as a failed write always was.
      this.failure ??= error as Error;
    }
  }

  /** Closes the cycle: its end line, its page, its summary and the index page. */
  async endCycle(result: Omit<CycleResult, 'results'> & { results?: unknown }, onDemand?: CycleSummary['onDemand']): Promise<CycleSummary> {
    const { results: _results, ...rest } = result;
    this.line(JSON.stringify({ type: 'cycle-end', ...rest }));
    const open = this.open;
    const summary: CycleSummary = {
      cycle: result.cycle,
      ...(onDemand ? { onDemand } : {}),
      dialect: result.dialect,
      target: result.target,
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      status: result.status,
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      ...(result.restartReason ? { restartReason: result.restartReason } : {}),
      ...(result.quarantine ? { quarantine: result.quarantine } : {}),
      counts: result.counts,
      requests: result.requests,
      start: open?.startByte ?? this.bytes,
      end: this.bytes,
    };
    if (open && this.options.html !== false) {
      this.endChunk();
      this.chunksWritten();
      summary.html = `${open.folder}/index.html`;
      writeFileSync(join(this.paths.dir, open.folder, 'index.html'), renderCyclePage(summary, open.notable, open.chunks, open.objects));
    }
    this.open = undefined;
    this.file.flush();
    writeFileSync(this.paths.cycles, `${JSON.stringify(summary)}\n`, { flag: 'a' });
    if (this.options.html !== false) {
      const summaries = readCycleSummaries(this.paths.dir);
      writeFileSync(this.paths.index, renderIndexPage(summaries, await readInterruptedCycles(this.paths.dir, summaries)));
    }
    return summary;
  }

  /** Throws the first chunk write that failed (a failed write fails the cycle). */
  private chunksWritten(): void {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  async close(): Promise<void> {
    // A cycle cut short (the engine closed mid-cycle) still leaves well-formed chunk files.
    if (this.open && this.options.html !== false) this.endChunk();
    try {
      this.chunksWritten();
    } finally {
      this.file.close();
    }
  }
}
