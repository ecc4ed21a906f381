// The mock IdP from files: where state and logs go by default, one cycle from a directory file
// (load it — a bad file stops here, before the state is touched — then run it through an engine),
// and the admin's Test Connection button on its own.
import { createHash, randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { buildDialectRequest, getDialect, type DialectName } from '../dialects/index.ts';
import { createClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import type { Clock } from './clock.ts';
import { loadDirectory } from './directory.ts';
import { IdpEngine, type TargetOptions } from './engine.ts';
import { errorOf, insteadOfList, NO_GROUPS_QUERY } from './events.ts';
import { chooseLogFolder } from './log/job-folder.ts';
import { matchingAttribute } from './sync-user-provision.ts';
import type { QuarantineThresholds } from './quarantine.ts';
import type { CycleBehaviour } from './sync-context.ts';
import type { CycleResult, Directory, ObjectResult } from './types.ts';
import { IDP_TIMEOUT_MS } from '../http/transport-error.ts';
import { stopAdvice, withAdvice } from './stop-advice.ts';

export type { TargetOptions };

export interface SyncRunOptions extends TargetOptions {
  directoryFile: string;
  dialect: DialectName;
  /** State file; `null` keeps state in memory only (one-off runs, tests). Default: defaultStatePath(). */
  statePath?: string | null;
  fresh?: boolean;
  /** Where the log goes; `null` writes no files. Default reports/idp. */
  outDir?: string | null;
  concurrency?: number;
  thresholds?: QuarantineThresholds;
  behaviour?: Partial<CycleBehaviour>;
  clock?: Clock;
  onResult?: (result: ObjectResult, exchanges: readonly Exchange[]) => void;
  keepResults?: boolean;
}

export interface SyncRunResult {
  result: CycleResult;
  statePath?: string;
  paths: { jsonl?: string; html?: string; index?: string };
}

export const DEFAULT_OUT_DIR = join('reports', 'idp');

/** `.scimproof/idp/<directory>.<dialect>.<hash of the URL>.state.json`: one store per IdP job. */
/** A job's name: the directory file's name, the dialect and a hash of the URL (its state file and, beside another job's, its log folder). */
export function jobName(directoryFile: string, dialect: string, url: string): string {
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 8);
  return `${basename(directoryFile).replace(/\.json$/i, '')}.${dialect}.${hash}`;
}

export function defaultStatePath(directoryFile: string, dialect: string, url: string): string {
  return join('.scimproof', 'idp', `${jobName(directoryFile, dialect, url)}.state.json`);
}

/** Where a job's log goes: `outDir`, or the default folder unless another job's log is there (see log/job-folder.ts). */
export function logFolderFor(directory: Directory, dialect: string, url: string, outDir: string | undefined): { dir: string; note?: string } {
  return chooseLogFolder({ dialect, directory: directory.file, target: url }, outDir, DEFAULT_OUT_DIR, jobName(directory.file, dialect, url));
}

export function checkDialect(name: string): DialectName {
  if (!getDialect(name)) throw new Error(`unknown dialect "${name}" (entra, entra-compliant, okta, okta-aiw, okta-oig)`);
  return name as DialectName;
}

/** One cycle from a directory file, through an engine that lives for that cycle. */
export async function syncOnce(options: SyncRunOptions, directory: Directory = loadDirectory(options.directoryFile)): Promise<SyncRunResult> {
  const statePath = options.statePath === undefined ? defaultStatePath(options.directoryFile, options.dialect, options.url) : options.statePath;
  const outDir = options.outDir === null ? null : logFolderFor(directory, options.dialect, options.url, options.outDir).dir;
  const engine = new IdpEngine({ ...options, directory, statePath, logDir: outDir, keepResults: options.keepResults ?? true });
  if (options.onResult) engine.on('object', options.onResult);
  try {
    const result = await engine.runCycleNow('run');
    const paths: SyncRunResult['paths'] = {};
    if (engine.log) {
      paths.jsonl = engine.log.paths.jsonl;
      paths.index = engine.log.paths.index;
      const html = engine.cycles().at(-1)?.html;
      if (html) paths.html = join(engine.log.paths.dir, html);
    }
    return { result, ...(statePath !== null ? { statePath } : {}), paths };
  } finally {
    await engine.close();
  }
}

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  exchanges: Exchange[];
}

/** What the IdP's Test Connection / Test Connector Configuration sends, judged as the IdP judges it. */
export async function testConnection(options: TargetOptions & { dialect: DialectName; directory?: Directory }): Promise<ConnectionTestResult> {
  const client = createClient({ baseUrl: options.url, auth: options.auth, headers: options.headers ?? {}, timeoutMs: options.timeoutMs ?? IDP_TIMEOUT_MS, insecure: options.insecure ?? false, secrets: options.secrets ?? [], ...(options.wording ? { wording: options.wording } : {}) });
  const advised = (message: string, exchange: Exchange | undefined): string => withAdvice(message, stopAdvice(exchange, client.names, client.usesOAuth === true));
  const family = getDialect(options.dialect)!.family;
  try {
    const requests =
      family === 'entra'
        ? [
            buildDialectRequest(options.dialect, 'testConnection', { value: randomUUID(), attribute: options.directory ? matchingAttribute(options.directory) : 'userName' }),
            // Entra fetches "a random user and group" (Learn, ENTRA-1.2): with group provisioning on,
            // the same probe for a group. Its exact form is not captured anywhere (dialects/entra.ts).
            ...(options.directory?.app.provisionGroups ? [buildDialectRequest(options.dialect, 'testConnectionGroups', { value: randomUUID() })] : []),
          ]
        : [buildDialectRequest(options.dialect, 'testConnector', {})];
    for (const request of requests) {
      const x = await client.send({ method: request.method, path: request.path, ...(request.headers ? { headers: request.headers } : {}) });
      // A timeout reached the app (it took the connection) and got no answer in time: not "unreachable".
      if (x.transportError) return { ok: false, message: advised(`${x.transportError.code === 'timeout' ? 'the target did not answer in time' : 'the target is unreachable'} (${x.transportError.code}: ${x.transportError.message})`, x), exchanges: [...client.exchanges] };
      const status = x.response!.status;
      const body = x.response!.json as Record<string, unknown> | undefined;
      if (status !== 200) return { ok: false, message: advised(`${request.method} ${request.path} answered ${status} (${errorOf(x).message}); ${status === 404 && request.path.startsWith('/Groups') ? NO_GROUPS_QUERY.replace(/a filter that matches nothing/, 'the query') : 'the IdP expects 200 with a ListResponse'}`, x), exchanges: [...client.exchanges] };
      if (!body || !Array.isArray(body.Resources) && body.totalResults !== 0) return { ok: false, message: advised(`${request.method} ${request.path} did not answer with a ListResponse${insteadOfList(x)}`, x), exchanges: [...client.exchanges] };
      if (family === 'entra' && (body.totalResults !== 0 || (Array.isArray(body.Resources) && body.Resources.length > 0))) {
        return { ok: false, message: `a query for a random GUID (${request.path.split('?')[0]}) matched something; Entra expects an empty ListResponse (totalResults 0)`, exchanges: [...client.exchanges] };
      }
    }
    return { ok: true, message: family === 'entra' ? `Test Connection succeeded: the random-GUID ${requests.length > 1 ? 'queries (a user, a group) answered' : 'query answered'} 200 with an empty ListResponse` : 'Test Connector Configuration succeeded: GET /Users?startIndex=1&count=2 answered 200 with a ListResponse', exchanges: [...client.exchanges] };
  } finally {
    await client.close();
  }
}
