// One provisioning cycle from files: load the directory (a bad file stops here, before the state
// is touched), open the state, run the cycle with a fresh recording client, stream the JSONL log,
// and write the cycle's HTML report.
import { createHash, randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { buildDialectRequest, getDialect, type DialectName } from '../dialects/index.ts';
import { createClient, type Auth } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { loadDirectory } from './directory.ts';
import { errorOf } from './events.ts';
import { JsonlLog, writeCycleReport } from './log.ts';
import type { QuarantineThresholds } from './quarantine.ts';
import { StateStore } from './state.ts';
import { matchingAttribute, runCycle } from './sync.ts';
import type { CycleResult, Directory, ObjectResult } from './types.ts';

export interface TargetOptions {
  url: string;
  auth: Auth;
  headers?: Record<string, string>;
  timeoutMs?: number;
  insecure?: boolean;
  secrets?: string[];
  /** Requests per second (Entra gallery apps must sustain 25). 0 or absent: unpaced. */
  rate?: number;
}

export interface SyncRunOptions extends TargetOptions {
  directoryFile: string;
  dialect: DialectName;
  /** State file; `null` keeps state in memory only (one-off runs, tests). Default: defaultStatePath(). */
  statePath?: string | null;
  fresh?: boolean;
  /** Where the JSONL log and per-cycle HTML go; `null` writes no files. Default reports/idp. */
  outDir?: string | null;
  concurrency?: number;
  thresholds?: QuarantineThresholds;
  onlyUser?: string;
  onResult?: (result: ObjectResult) => void;
}

export interface SyncRunResult {
  result: CycleResult;
  exchanges: Exchange[];
  statePath?: string;
  paths: { jsonl?: string; html?: string };
}

export const DEFAULT_OUT_DIR = join('reports', 'idp');

/** `.scimproof/idp/<directory>.<dialect>.<hash of the URL>.state.json`: one store per IdP job. */
export function defaultStatePath(directoryFile: string, dialect: string, url: string): string {
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 8);
  return join('.scimproof', 'idp', `${basename(directoryFile).replace(/\.json$/i, '')}.${dialect}.${hash}.state.json`);
}

export function checkDialect(name: string): DialectName {
  if (!getDialect(name)) throw new Error(`unknown dialect "${name}" (entra, entra-compliant, okta, okta-aiw, okta-oig)`);
  return name as DialectName;
}

export async function syncOnce(options: SyncRunOptions, directory: Directory = loadDirectory(options.directoryFile)): Promise<SyncRunResult> {
  const statePath = options.statePath === undefined ? defaultStatePath(options.directoryFile, options.dialect, options.url) : options.statePath;
  const identity = { dialect: options.dialect, target: options.url, directory: directory.file };
  const state = statePath === null ? StateStore.memory(identity) : StateStore.open(statePath, identity, { fresh: options.fresh ?? false });
  const client = createClient({
    baseUrl: options.url,
    auth: options.auth,
    headers: options.headers ?? {},
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    insecure: options.insecure ?? false,
    secrets: options.secrets ?? [],
    ...(options.rate ? { ratePerSecond: options.rate } : {}),
  });
  const outDir = options.outDir === undefined ? DEFAULT_OUT_DIR : options.outDir;
  const log = outDir === null ? undefined : new JsonlLog(join(outDir, 'provisioning.jsonl'));
  const cycle = state.state.cycle + 1;
  // Exchange ids are sequential (`x0001`), so the id is the position; the scan is a fallback.
  const find = (id: string): Exchange | undefined => {
    const at = client.exchanges[Number(id.slice(1)) - 1];
    return at?.id === id ? at : client.exchanges.find((x) => x.id === id);
  };
  log?.cycleStart(cycle, { dialect: options.dialect, directory: directory.file, target: options.url });
  try {
    const result = await runCycle({
      directory,
      dialect: options.dialect,
      client,
      state,
      ...(options.thresholds ? { thresholds: options.thresholds } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.onlyUser !== undefined ? { onlyUser: options.onlyUser } : {}),
      onResult: (r) => {
        log?.object(cycle, r, find);
        options.onResult?.(r);
      },
    });
    log?.cycleEnd(result);
    const exchanges = [...client.exchanges];
    const paths: SyncRunResult['paths'] = {};
    if (log && outDir !== null) {
      paths.jsonl = log.path;
      paths.html = (await writeCycleReport(result, exchanges, outDir)).html;
    }
    return { result, exchanges, ...(statePath !== null ? { statePath } : {}), paths };
  } finally {
    state.close();
    await client.close();
  }
}

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  exchanges: Exchange[];
}

/** What the IdP's Test Connection / Test Connector Configuration sends, judged as the IdP judges it. */
export async function testConnection(options: TargetOptions & { dialect: DialectName; directory?: Directory }): Promise<ConnectionTestResult> {
  const client = createClient({ baseUrl: options.url, auth: options.auth, headers: options.headers ?? {}, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), insecure: options.insecure ?? false, secrets: options.secrets ?? [] });
  const family = getDialect(options.dialect)!.family;
  try {
    const requests =
      family === 'entra'
        ? [buildDialectRequest(options.dialect, 'testConnection', { value: randomUUID(), attribute: options.directory ? matchingAttribute(options.directory) : 'userName' })]
        : [buildDialectRequest(options.dialect, 'testConnector', {})];
    for (const request of requests) {
      const x = await client.send({ method: request.method, path: request.path, ...(request.headers ? { headers: request.headers } : {}) });
      if (x.transportError) return { ok: false, message: `the target is unreachable (${x.transportError.code}: ${x.transportError.message})`, exchanges: [...client.exchanges] };
      const status = x.response!.status;
      const body = x.response!.json as Record<string, unknown> | undefined;
      if (status !== 200) return { ok: false, message: `${request.method} ${request.path} answered ${status} (${errorOf(x).message}); the IdP expects 200 with a ListResponse`, exchanges: [...client.exchanges] };
      if (!body || !Array.isArray(body.Resources) && body.totalResults !== 0) return { ok: false, message: `${request.method} ${request.path} did not answer with a ListResponse`, exchanges: [...client.exchanges] };
      if (family === 'entra' && (body.totalResults !== 0 || (Array.isArray(body.Resources) && body.Resources.length > 0))) {
        return { ok: false, message: 'a query for a random GUID matched a user; Entra expects an empty ListResponse (totalResults 0)', exchanges: [...client.exchanges] };
      }
    }
    return { ok: true, message: family === 'entra' ? 'Test Connection succeeded: the random-GUID query answered 200 with an empty ListResponse' : 'Test Connector Configuration succeeded: GET /Users?startIndex=1&count=2 answered 200 with a ListResponse', exchanges: [...client.exchanges] };
  } finally {
    await client.close();
  }
}
