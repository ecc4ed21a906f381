// Streams the provisioning log to disk as the cycle runs, so memory stays flat however large the
// directory: one JSON line per object in provisioning.jsonl (a crashed cycle leaves its trace), the
// same lines in numbered chunk files the cycle's HTML page loads on demand, and at the end of the
// cycle its page, a summary line in cycles.jsonl and the index page over all cycles.
//
// Each line is encoded once and handed to both files' write streams at once (they batch what
// arrives while a write is in flight into one writev). Nothing holds lines to join them later: a
// held line outlives the young generation and a joined megabyte string is born in the old one, so
// both made the heap grow with the log's size (over a gigabyte of text for 100,000 users).
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { CycleResult } from '../types.ts';
import { logPaths, type CycleStartEntry, type CycleSummary, type LogPaths, type ObjectEntry } from './entries.ts';
import { chunkFile, cycleDir, NOTABLE_ROWS, renderCyclePage, renderIndexPage, rowOf, type ObjectRow } from './html.ts';
import { readCycleSummaries } from './reader.ts';

/** Objects per HTML data chunk (one file the page loads when asked). */
export const CHUNK_SIZE = 500;

interface OpenCycle {
  start: CycleStartEntry;
  /** The folder of this run's page and chunks (cycle-0007, on-demand-0002). */
  folder: string;
  startByte: number;
  /** The chunk file being written, and how many objects it holds so far. */
  chunk: WriteStream | undefined;
  inChunk: number;
  chunks: number;
  objects: number;
  notable: ObjectRow[];
}

const NEWLINE = Buffer.from('\n');
const COMMA = Buffer.from(',');
const CHUNK_END = Buffer.from(']);\n');

/** Ends the stream; resolves once it has written everything, with the error if a write failed. */
const ended = (stream: WriteStream): Promise<Error | undefined> =>
  new Promise((resolve) => {
    stream.once('error', resolve);
    stream.end(() => resolve(undefined));
  });

export class ProvisioningLog {
  readonly paths: LogPaths;
  private readonly stream: WriteStream;
  private bytes: number;
  private open: OpenCycle | undefined;
  /** Chunk files still being written; the cycle's page is written once they are all closed. */
  private closing: Promise<Error | undefined>[] = [];

  constructor(
    dir: string,
    private readonly options: { html?: boolean } = {},
  ) {
    this.paths = logPaths(dir);
    mkdirSync(dir, { recursive: true });
    this.bytes = existsSync(this.paths.jsonl) ? statSync(this.paths.jsonl).size : 0;
    this.stream = createWriteStream(this.paths.jsonl, { flags: 'a' });
  }

  private line(encoded: Buffer): void {
    this.bytes += encoded.length + 1;
    this.stream.write(encoded);
    this.stream.write(NEWLINE);
  }

  beginCycle(start: Omit<CycleStartEntry, 'type'>): void {
    const entry: CycleStartEntry = { type: 'cycle-start', ...start };
    // On-demand runs do not advance the cycle number; they are numbered apart.
    const folder = start.onDemand ? cycleDir(readCycleSummaries(this.paths.dir).filter((s) => s.onDemand).length + 1, true) : cycleDir(start.cycle, false);
    this.open = { start: entry, folder, startByte: this.bytes, chunk: undefined, inChunk: 0, chunks: 0, objects: 0, notable: [] };
    if (this.options.html !== false) mkdirSync(join(this.paths.dir, folder), { recursive: true });
    this.line(Buffer.from(JSON.stringify(entry)));
  }

  /** One object: `entry` (its row on the page) and `text`, its JSON line (objectLine()). */
  object(entry: Omit<ObjectEntry, 'requests'>, text: string = JSON.stringify(entry)): void {
    const encoded = Buffer.from(text);
    this.line(encoded);
    const open = this.open;
    if (!open || this.options.html === false) return;
    const at = open.objects++;
    if (entry.outcome !== 'success' && open.notable.length < NOTABLE_ROWS) open.notable.push(rowOf(entry, Math.floor(at / CHUNK_SIZE) + 1));
    if (!open.chunk) {
      open.chunks++;
      open.chunk = createWriteStream(join(this.paths.dir, open.folder, chunkFile(open.chunks)));
      // A script file, not JSON: pages opened from disk (file://) may load scripts but not fetch JSON.
      open.chunk.write(`scimproofChunk(${open.chunks},[`);
    } else open.chunk.write(COMMA);
    // The same bytes as the JSONL line, unless the text could close the page's script element.
    open.chunk.write(text.includes('</') && /<\/script/i.test(text) ? text.replace(/<\/script/gi, '<\\/script') : encoded);
    if (++open.inChunk >= CHUNK_SIZE) this.endChunk();
  }

  private endChunk(): void {
    const open = this.open!;
    if (!open.chunk) return;
    open.chunk.write(CHUNK_END);
    this.closing.push(ended(open.chunk));
    open.chunk = undefined;
    open.inChunk = 0;
  }

  /** Closes the cycle: its end line, its page, its summary and the index page. */
  async endCycle(result: Omit<CycleResult, 'results'> & { results?: unknown }, onDemand?: CycleSummary['onDemand']): Promise<CycleSummary> {
    const { results: _results, ...rest } = result;
    this.line(Buffer.from(JSON.stringify({ type: 'cycle-end', ...rest })));
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
      await this.chunksWritten();
      summary.html = `${open.folder}/index.html`;
      writeFileSync(join(this.paths.dir, open.folder, 'index.html'), renderCyclePage(summary, open.notable, open.chunks, open.objects));
    }
    this.open = undefined;
    await new Promise<void>((resolve, reject) => this.stream.write('', (error) => (error ? reject(error) : resolve())));
    writeFileSync(this.paths.cycles, `${JSON.stringify(summary)}\n`, { flag: 'a' });
    if (this.options.html !== false) writeFileSync(this.paths.index, renderIndexPage(readCycleSummaries(this.paths.dir)));
    return summary;
  }

  /** Waits for the chunk files handed over so far; a failed write fails the cycle as a sync write did. */
  private async chunksWritten(): Promise<void> {
    const errors = (await Promise.all(this.closing.splice(0))).filter((e) => e !== undefined);
    if (errors.length > 0) throw errors[0]!;
  }

  async close(): Promise<void> {
    // A cycle cut short (the engine closed mid-cycle) still leaves well-formed chunk files.
    if (this.open && this.options.html !== false) this.endChunk();
    await this.chunksWritten();
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
  }
}
