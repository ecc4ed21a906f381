// Streams the provisioning log to disk as the cycle runs, so memory stays flat however large the
// directory: one JSON line per object in provisioning.jsonl (a crashed cycle leaves its trace), the
// same lines in numbered chunk files the cycle's HTML page loads on demand, and at the end of the
// cycle its page, a summary line in cycles.jsonl and the index page over all cycles.
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
  chunk: string[];
  chunks: number;
  objects: number;
  notable: ObjectRow[];
}

/** Log text buffered before one write (a crash loses at most this much, or FLUSH_MS worth). */
const BUFFER_BYTES = 1 << 20;
const FLUSH_MS = 250;

export class ProvisioningLog {
  readonly paths: LogPaths;
  private readonly stream: WriteStream;
  private bytes: number;
  private open: OpenCycle | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    dir: string,
    private readonly options: { html?: boolean } = {},
  ) {
    this.paths = logPaths(dir);
    mkdirSync(dir, { recursive: true });
    this.bytes = existsSync(this.paths.jsonl) ? statSync(this.paths.jsonl).size : 0;
    this.stream = createWriteStream(this.paths.jsonl, { flags: 'a' });
  }

  private line(text: string): void {
    const size = Buffer.byteLength(text) + 1;
    this.bytes += size;
    this.pending.push(text);
    this.pendingBytes += size;
    if (this.pendingBytes >= BUFFER_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Hands the buffered lines to the file in one write. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    this.stream.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
    this.pendingBytes = 0;
  }

  beginCycle(start: Omit<CycleStartEntry, 'type'>): void {
    const entry: CycleStartEntry = { type: 'cycle-start', ...start };
    // On-demand runs do not advance the cycle number; they are numbered apart.
    const folder = start.onDemand ? cycleDir(readCycleSummaries(this.paths.dir).filter((s) => s.onDemand).length + 1, true) : cycleDir(start.cycle, false);
    this.open = { start: entry, folder, startByte: this.bytes, chunk: [], chunks: 0, objects: 0, notable: [] };
    if (this.options.html !== false) mkdirSync(join(this.paths.dir, folder), { recursive: true });
    this.line(JSON.stringify(entry));
  }

  /** One object: `entry` (its row on the page) and `text`, its JSON line (objectLine()). */
  object(entry: Omit<ObjectEntry, 'requests'>, text: string = JSON.stringify(entry)): void {
    this.line(text);
    const open = this.open;
    if (!open || this.options.html === false) return;
    const at = open.objects++;
    if (entry.outcome !== 'success' && open.notable.length < NOTABLE_ROWS) open.notable.push(rowOf(entry, Math.floor(at / CHUNK_SIZE) + 1));
    open.chunk.push(text);
    if (open.chunk.length >= CHUNK_SIZE) this.flushChunk();
  }

  private flushChunk(): void {
    const open = this.open!;
    if (open.chunk.length === 0) return;
    open.chunks++;
    const file = join(this.paths.dir, open.folder, chunkFile(open.chunks));
    // A script file, not JSON: pages opened from disk (file://) may load scripts but not fetch JSON.
    writeFileSync(file, `scimproofChunk(${open.chunks},[${open.chunk.join(',').replace(/<\/script/gi, '<\\/script')}]);\n`);
    open.chunk = [];
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
      this.flushChunk();
      summary.html = `${open.folder}/index.html`;
      writeFileSync(join(this.paths.dir, open.folder, 'index.html'), renderCyclePage(summary, open.notable, open.chunks, open.objects));
    }
    this.open = undefined;
    this.flush();
    await new Promise<void>((resolve, reject) => this.stream.write('', (error) => (error ? reject(error) : resolve())));
    writeFileSync(this.paths.cycles, `${JSON.stringify(summary)}\n`, { flag: 'a' });
    if (this.options.html !== false) writeFileSync(this.paths.index, renderIndexPage(readCycleSummaries(this.paths.dir)));
    return summary;
  }

  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
  }
}
