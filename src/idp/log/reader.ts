// Reads the provisioning log back: the cycle summaries, and object entries filtered by user, cycle,
// action, outcome or object type, streamed line by line (one cycle is read from its byte range, so
// a long history costs nothing when only the last cycle is asked for). `idp log` and a live
// console query the log through `queryLog`.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { ObjectType, Outcome } from '../types.ts';
import { logPaths, withCurlLines, type CycleStartEntry, type CycleSummary, type LogEntry, type ObjectEntry } from './entries.ts';

export interface LogQuery {
  /** A directory id, or a display name (userPrincipalName / login / group name), case-insensitive. */
  object?: string;
  cycle?: number;
  action?: string;
  outcome?: Outcome;
  objectType?: ObjectType;
  /** Skip entries of on-demand runs. */
  cyclesOnly?: boolean;
}

export function readCycleSummaries(dir: string): CycleSummary[] {
  const { cycles } = logPaths(dir);
  if (!existsSync(cycles)) return [];
  const out: CycleSummary[] = [];
  for (const line of readFileSync(cycles, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const summary = JSON.parse(line) as CycleSummary;
      // (A line that is JSON but no summary — a hand edit, a bad merge — is left out like a torn one.)
      if (isSummary(summary)) out.push(summary);
    } catch {
      // A torn last line from a crash: the cycle's objects are still in provisioning.jsonl.
    }
  }
  return out;
}

/**
 * Why a log folder whose files are there yields no cycle: the first line of cycles.jsonl or
 * provisioning.jsonl that is not a log entry (a hand edit, a file cut short, another tool's file);
 * undefined when neither file holds anything.
 */
export function unreadableLog(dir: string): string | undefined {
  const { cycles, jsonl } = logPaths(dir);
  for (const file of [cycles, jsonl]) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    const index = lines.findIndex((line) => {
      if (line.trim() === '') return false;
      try {
        const entry = JSON.parse(line) as unknown;
        return entry === null || typeof entry !== 'object' || Array.isArray(entry);
      } catch {
        return true;
      }
    });
    if (index >= 0) return `${basename(file)} line ${index + 1} is not a log entry (${JSON.stringify(lines[index]!.trim().slice(0, 40))})`;
    if (lines.some((line) => line.trim() !== '')) return `${basename(file)} holds no cycle scimproof recognises`;
  }
  return undefined;
}

/** A cycle that began but has no summary: the process was killed or crashed before it ended. */
export interface InterruptedCycle {
  cycle: number;
  startedAt: string;
  dialect: string;
  target: string;
  /** Objects logged before the process ended, and how many of them did not arrive. */
  objects: number;
  notArrived: number;
  requests: number;
}

/**
 * Cycles whose cycle-start line has no summary in cycles.jsonl: a SIGKILL, a crash or a power cut
 * ends the process before the cycle writes its end. Their lines lie outside every summarised byte
 * range, so only those gaps are read (none, normally): a long history still costs nothing.
 */
export async function readInterruptedCycles(dir: string, summaries: CycleSummary[] = readCycleSummaries(dir)): Promise<InterruptedCycle[]> {
  const { jsonl } = logPaths(dir);
  if (!existsSync(jsonl)) return [];
  const size = statSync(jsonl).size;
  const ranges = summaries.map((s) => [s.start, s.end] as const).sort((a, b) => a[0] - b[0]);
  const gaps: [number, number][] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) gaps.push([at, start]);
    at = Math.max(at, end);
  }
  if (size > at) gaps.push([at, size]);
  const out: InterruptedCycle[] = [];
  for (const [start, end] of gaps) {
    let open: InterruptedCycle | undefined;
    const lines = createInterface({ input: createReadStream(jsonl, { start, end: end - 1 }), crlfDelay: Infinity });
    for await (const line of lines) {
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        continue; // a torn last line
      }
      if (entry.type === 'cycle-start') {
        const s: CycleStartEntry = entry;
        // An on-demand run is one user; its own log entry says what happened to it.
        open = s.onDemand ? undefined : { cycle: s.cycle, startedAt: s.at, dialect: s.dialect, target: s.target, objects: 0, notArrived: 0, requests: 0 };
        if (open) out.push(open);
      } else if (isObjectEntry(entry) && open && entry.cycle === open.cycle) {
        open.objects++;
        open.requests += entry.requests.length;
        if (entry.outcome !== 'success') open.notArrived++;
      }
    }
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function isSummary(v: unknown): v is CycleSummary {
  return isRecord(v) && typeof v.cycle === 'number' && typeof v.start === 'number' && typeof v.end === 'number' && typeof v.startedAt === 'string' && isRecord(v.counts);
}

/** An object line as the writer writes it; anything else in the file is skipped, never a crash. */
function isObjectEntry(v: LogEntry): v is ObjectEntry {
  return isRecord(v) && v.type === 'object' && typeof v.id === 'string' && typeof v.display === 'string' && typeof v.cycle === 'number' && Array.isArray(v.requests);
}

function matches(entry: ObjectEntry, q: LogQuery): boolean {
  if (q.object !== undefined) {
    const key = q.object.toLowerCase();
    if (entry.id.toLowerCase() !== key && entry.display.toLowerCase() !== key && entry.targetId?.toLowerCase() !== key) return false;
  }
  if (q.cycle !== undefined && entry.cycle !== q.cycle) return false;
  if (q.action !== undefined && entry.action !== q.action) return false;
  if (q.outcome !== undefined && entry.outcome !== q.outcome) return false;
  if (q.objectType !== undefined && entry.objectType !== q.objectType) return false;
  if (q.cyclesOnly && entry.onDemand) return false;
  return true;
}

/**
 * The objects whose id, name or app id contains `text` (case-insensitive), one per object, for a
 * name given in part (`erin` for erin@contoso.example), as the console's log filter reads one.
 */
export async function objectsNamedLike(dir: string, text: string, q: Omit<LogQuery, 'object'> = {}, limit = 20): Promise<{ id: string; display: string; objectType: ObjectType }[]> {
  const wanted = text.toLowerCase();
  const found = new Map<string, { id: string; display: string; objectType: ObjectType }>();
  for await (const e of queryLog(dir, q)) {
    if (!e.id.toLowerCase().includes(wanted) && !e.display.toLowerCase().includes(wanted) && !(e.targetId ?? '').toLowerCase().includes(wanted)) continue;
    // A user's manager link is logged under the user's id: one object.
    const key = `${e.objectType === 'group' ? 'group' : 'user'} ${e.id}`;
    if (!found.has(key)) found.set(key, { id: e.id, display: e.display, objectType: e.objectType === 'group' ? 'group' : 'user' });
    if (found.size > limit) break;
  }
  return [...found.values()];
}

/** Object entries matching `q`, oldest first. */
export async function* queryLog(dir: string, q: LogQuery = {}): AsyncGenerator<ObjectEntry> {
  const { jsonl } = logPaths(dir);
  if (!existsSync(jsonl)) return;
  const range = q.cycle !== undefined ? readCycleSummaries(dir).find((s) => s.cycle === q.cycle && !s.onDemand) : undefined;
  const stream = createReadStream(jsonl, range ? { start: range.start, end: Math.max(range.start, range.end - 1) } : {});
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '' || !line.includes('"type":"object"')) continue;
    let entry: LogEntry;
    try {
      entry = JSON.parse(line) as LogEntry;
    } catch {
      continue;
    }
    // (A request's curl line, left out of the file when it can be rebuilt, is rebuilt for the reader.)
    if (isObjectEntry(entry) && matches(entry, q)) yield withCurlLines(entry);
  }
}

/** Collects a query into an array (small results: one user's history, one cycle's failures). */
export async function collectLog(dir: string, q: LogQuery = {}, limit = 10_000): Promise<ObjectEntry[]> {
  const out: ObjectEntry[] = [];
  for await (const e of queryLog(dir, q)) {
    out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}
