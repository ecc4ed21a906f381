// Replay files: everything needed to re-run one minimal counterexample exactly — the property, the
// fast-check seed and shrink path (plus the commands' replayPath), and the requests it sent, for a
// person to read. `scimproof fuzz --replay FILE` accepts a replay file or a run.json holding
// fuzz counterexample sections.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { makeDirectory } from '../util/make-directory.ts';
import { dirname, join } from 'node:path';
import type { Exchange, RunRecord } from '../record/types.ts';
import { TOOL_VERSION } from '../version.ts';

export interface ReplayRequest {
  method: string;
  url: string;
  body?: string;
  status?: number;
  curl: string;
}

export interface ReplayFile {
  tool: string;
  version: string;
  property: string;
  seed: number;
  path: string;
  replayPath?: string;
  /** The SCIM base URL the failure was found on (never the token). */
  target: string;
  message: string;
  counterexample: string;
  requests: ReplayRequest[];
}

export interface ReplayKey {
  property: string;
  seed: number;
  path: string;
  replayPath?: string;
}

export const replayFileName = (property: string): string => `fuzz-${property}.replay.json`;

export function replayRequests(exchanges: readonly Exchange[]): ReplayRequest[] {
  return exchanges.map((ex) => ({
    method: ex.request.method,
    url: ex.request.url,
    ...(ex.request.body !== undefined ? { body: ex.request.body } : {}),
    ...(ex.response ? { status: ex.response.status } : {}),
    curl: ex.curl,
  }));
}

export class ReplayFileError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function keyOf(data: unknown, source: string): ReplayKey {
  if (!isRecord(data) || typeof data.property !== 'string' || typeof data.seed !== 'number' || typeof data.path !== 'string') {
    throw new ReplayFileError(`${source} is not a scimproof replay file (needs property, seed and path)`);
  }
  return { property: data.property, seed: data.seed, path: data.path, ...(typeof data.replayPath === 'string' ? { replayPath: data.replayPath } : {}) };
}

/**
 * A seed and shrink path name a case only for the generators that made them: another version may
 * generate another case from them, and a replay that then passes would claim a fix that was never
 * tested. A file without a version (written by hand) is taken as it is.
 */
function sameGenerators(version: unknown, file: string, property: string | undefined): void {
  if (typeof version !== 'string' || version === TOOL_VERSION) return;
  const again = property ? ` --property ${property}` : '';
  throw new ReplayFileError(`${file} was written by scimproof ${version}; this is ${TOOL_VERSION}, whose generators may make another case from the same seed and path, so a replay could not show whether the failure is fixed. Find it again with this version: npx scimproof fuzz${again} --url … (or run it with scimproof ${version})`);
}

/** Reads a replay file, or the fuzz counterexamples of a run.json (optionally only `property`). */
export function readReplay(file: string, property?: string): ReplayKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReplayFileError(code ? `cannot read replay file ${file} (${code})` : `replay file ${file} is not valid JSON`);
  }
  if (isRecord(parsed) && Array.isArray(parsed.sections) && isRecord(parsed.meta)) {
    const record = parsed as unknown as RunRecord;
    const keys = (record.sections ?? []).filter((s) => s.kind === 'fuzz-counterexample').map((s) => keyOf(s.data, file));
    const wanted = property ? keys.filter((k) => k.property === property) : keys;
    if (wanted.length === 0) throw new ReplayFileError(`${file} holds no fuzz counterexample${property ? ` for ${property}` : ''}`);
    sameGenerators(record.meta.version, file, property ?? (wanted.length === 1 ? wanted[0]!.property : undefined));
    return wanted;
  }
  const key = keyOf(parsed, file);
  sameGenerators(isRecord(parsed) ? parsed.version : undefined, file, key.property);
  return [key];
}

export async function writeReplayFile(dir: string, replay: ReplayFile): Promise<string> {
  const file = join(dir, replayFileName(replay.property));
  makeDirectory(dirname(file));
  await writeFile(file, `${JSON.stringify(replay, null, 2)}\n`, 'utf8');
  return file;
}

/** The replay file for one fuzz counterexample section of a record (built from the section and its exchanges). */
export function replayFromSection(record: RunRecord, data: unknown): ReplayFile | undefined {
  if (!isRecord(data)) return undefined;
  const key = keyOf(data, 'section');
  const ids = Array.isArray(data.exchangeIds) ? data.exchangeIds.filter((id): id is string => typeof id === 'string') : [];
  const byId = new Map(record.exchanges.map((ex) => [ex.id, ex]));
  return {
    tool: record.meta.tool,
    version: record.meta.version,
    ...key,
    target: record.meta.target,
    message: typeof data.message === 'string' ? data.message : '',
    counterexample: typeof data.counterexample === 'string' ? data.counterexample : '',
    requests: replayRequests(ids.flatMap((id) => byId.get(id) ?? [])),
  };
}

/** Writes one replay file per fuzz counterexample section of a record into `dir`; returns the paths. */
export async function writeReplayFiles(record: RunRecord, dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const section of record.sections ?? []) {
    if (section.kind !== 'fuzz-counterexample') continue;
    const replay = replayFromSection(record, section.data);
    if (replay) written.push(await writeReplayFile(dir, replay));
  }
  return written;
}
