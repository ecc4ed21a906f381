// scimproof as a library: `import { runConformance, startServer } from 'scimproof'`.
//
// These names are the public, stable API (semver applies to them and to the types they use);
// anything imported from a deeper path is internal. Every function here is what the CLI itself
// calls, so a program gets the same checks, records and reports as `npx scimproof run`.
import { runConformance as runSuites, type RunOptions } from './runner/run.ts';
import { DEFAULT_SUITES } from './suite/defaults.ts';
import { chooseProfiles, profileRunOptions } from './suite/profiles.ts';
import { randomSeed } from './util/random.ts';
import { syncOnce, testConnection, type ConnectionTestResult, type SyncRunOptions, type SyncRunResult } from './idp/run.ts';
import type { DialectName } from './dialects/index.ts';
import type { Auth } from './http/client.ts';
import type { CheckResult, RunRecord } from './record/types.ts';
import { indexExchanges } from './report/body.ts';
import { failureText } from './report/failure-text.ts';
import { parseRunRecord } from './report/read-record.ts';
import { mergeRunRecords as mergeRecords, type MergeOptions } from './runner/merge.ts';
import { TOOL_VERSION } from './version.ts';
import { IdpEngine as Engine, type EngineOptions } from './idp/engine.ts';
import { httpUrl } from './http/target-url.ts';

export type { Auth } from './http/client.ts';
export type { RunEvents, RunOptions } from './runner/run.ts';
export type { Shard } from './runner/shard.ts';
export type { Baseline } from './runner/baseline.ts';
export type { FuzzBudget } from './fuzz/run.ts';
export type { CheckResult, CheckStatus, CleanupEntry, Discovery, Exchange, IdpVerdict, Level, ReportSection, RunMeta, RunRecord, Summary } from './record/types.ts';
export type { ServerOptions, RunningServer } from './server/index.ts';
export type { DialectName } from './dialects/index.ts';
export type { CycleResult, ObjectResult } from './idp/types.ts';
export type { ConnectionTestResult, SyncRunResult as IdpCycleResult } from './idp/run.ts';
export type { WriteReportsOptions, WrittenReports } from './report/write.ts';
export type { Verdict, VerdictKind } from './report/summarize.ts';
export type { ProfileVerdict, ConflictReport, Finding } from './record/types.ts';
export type { MergeOptions } from './runner/merge.ts';

/** The version of scimproof, as in its package.json. */
export const VERSION: string = TOOL_VERSION;

/** The suites a run includes by default: `core` (RFC 7643/7644), `cursor` (RFC 9865, skipped where not advertised), the `entra` and `okta` replay packs, and a short `fuzz` pass. */
export { DEFAULT_SUITES } from './suite/defaults.ts';

/** The reference SCIM 2.0 server (`scimproof serve`): `await startServer({ port: 0 })`, then `close()` it. */
export { startServer } from './server/index.ts';

/**
 * The mock IdP as a long-lived service (`scimproof idp sync --watch`): cycles on a schedule, on
 * demand, restarts, Okta import, provision on demand; emits `cycle-start`, `object`, `cycle-end`…
 * For a single cycle, runIdpCycle below is simpler.
 */
export class IdpEngine extends Engine {
  // Its messages name the options as a program passed them (statePath, timeoutMs, auth.token),
  // not the CLI's flags (--state, --timeout, --token), unless `wording` says otherwise.
  constructor(options: EngineOptions) {
    super({ wording: 'library', ...options });
  }
}
export type { EngineEvents, EngineOptions, EngineStatus } from './idp/engine.ts';
export { loadDirectory } from './idp/directory.ts';
export type { Directory } from './idp/types.ts';
/**
 * A clock that stands still until moved: pass `clock: new SimulatedClock()` to an IdpEngine and
 * `engine.advanceClock(ms)` runs the cycles that fall due (escrow back-off, quarantine) without waiting.
 */
export { SimulatedClock } from './idp/clock.ts';
export type { Clock } from './idp/clock.ts';

/** Renderers: each is a pure function of a run record (`run.json`), as `scimproof report` uses them. */
export { renderHtml } from './report/html/render.ts';
export { renderJunit } from './report/junit.ts';
export { renderJson } from './report/json.ts';
export { renderHar } from './report/har.ts';
export { renderMarkdown } from './report/markdown.ts';
export { writeReports } from './report/write.ts';
export { verdictOf } from './report/summarize.ts';

export interface ConformanceOptions extends Omit<RunOptions, 'url' | 'suites' | 'seed' | 'suitesDir' | 'wording'> {
  /**
   * SCIM base URL. Leave it out to test the embedded reference server; given but `undefined` or
   * empty (an unset `process.env.SCIM_BASE_URL`), the run is not made (`record.meta.runError`).
   */
  url?: string | undefined;
  /** Built-in suite names or paths of suite files/folders; default DEFAULT_SUITES. */
  suites?: readonly string[];
  /** Seed of every random choice (read it back from `record.meta.seed` to replay); default random. */
  seed?: number;
  /** Bearer token; shorthand for `auth: { kind: 'bearer', token }` (`undefined`: no token). */
  token?: string | undefined;
  /**
   * Profiles by name, as `--profile`: at most one app profile (`pingboard`, `prodpad`) and one
   * standard profile (`interop`, `ipsie-al1`, `ipsie-al2`), whose verdict lands in
   * `record.profileVerdict`. An unknown name throws.
   */
  profiles?: readonly string[];
}

/**
 * Runs the conformance suites against `url` (or, when `url` is left out, against the embedded
 * reference server) and resolves to the run record. It never throws for a target problem: a run
 * that could not be made has `record.meta.runError` (so has one whose `url` is given but undefined
 * or empty, as an unset environment variable gives); judge the rest from `record.summary` and
 * `record.results`.
 */
export async function runConformance(options: ConformanceOptions = {}): Promise<RunRecord> {
  const { token, suites, seed, profiles, url, ...rest } = options;
  const fromProfiles = profileRunOptions(chooseProfiles(profiles ?? []));
  return runSuites({
    ...fromProfiles,
    ...rest,
    // Errors name `auth.token` and `timeoutMs`, the options the caller used, not --token and --timeout.
    wording: 'library',
    // `url: process.env.SCIM_BASE_URL` with the variable unset is a missing target (a run error),
    // never a request for the embedded server: only leaving `url` out asks for that.
    ...('url' in options ? { url: url ?? '' } : {}),
    requireAttributes: [...fromProfiles.requireAttributes, ...(rest.requireAttributes ?? [])],
    ...(token !== undefined && rest.auth === undefined ? { auth: { kind: 'bearer', token } } : {}),
    suites: [...(suites ?? DEFAULT_SUITES)],
    seed: seed ?? randomSeed(),
  });
}

export interface IdpCycleOptions extends Omit<SyncRunOptions, 'auth' | 'dialect' | 'statePath' | 'outDir'> {
  /** Which IdP to be; default `entra`. */
  dialect?: DialectName;
  /** Bearer token; shorthand for `auth: { kind: 'bearer', token }`. */
  token?: string;
  auth?: Auth;
  /** State file of what was provisioned, for cycles after the first; default: in memory (every call is an initial cycle). */
  statePath?: string | null;
  /** Where the provisioning log and cycle HTML go; default: no files. */
  outDir?: string | null;
}

/**
 * One provisioning cycle of the mock IdP (`scimproof idp sync`): provisions the directory file into
 * the app at `url` the way Entra or Okta would, and resolves to what happened to every object.
 */
export async function runIdpCycle(options: IdpCycleOptions): Promise<SyncRunResult> {
  const { token, auth, dialect, statePath, outDir, ...rest } = options;
  return syncOnce({
    wording: 'library',
    ...rest,
    url: appUrl(options.url, 'runIdpCycle'),
    auth: auth ?? (token !== undefined ? { kind: 'bearer', token } : { kind: 'none' }),
    dialect: dialect ?? 'entra',
    statePath: statePath ?? null,
    outDir: outDir ?? null,
  });
}

/** What the IdP's Test Connection sends, judged as the IdP judges it (`scimproof idp test-connection`). */
export async function testIdpConnection(options: { url: string; token?: string; auth?: Auth; dialect?: DialectName; timeoutMs?: number }): Promise<ConnectionTestResult> {
  const { token, auth, dialect, ...rest } = options;
  return testConnection({ wording: 'library', ...rest, url: appUrl(options.url, 'testIdpConnection'), auth: auth ?? (token !== undefined ? { kind: 'bearer', token } : { kind: 'none' }), dialect: dialect ?? 'entra' });
}

/**
 * The app's SCIM base URL, checked as the CLI checks --url: from plain JavaScript an unset
 * `process.env.SCIM_BASE_URL` or a typo threw undici's bare "Invalid URL" or "Cannot read
 * properties of undefined", naming neither the option nor the value.
 */
function appUrl(url: unknown, caller: string): string {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new TypeError(`${caller}: url is ${url === undefined ? 'undefined' : url === '' ? 'empty' : `not a string (${typeof url})`} (is SCIM_BASE_URL set?); give the app's SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2`);
  }
  const parsed = httpUrl(url, `${caller}: url`, "give the app's SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2");
  if (!(parsed instanceof URL)) throw new TypeError(parsed.problem);
  return url;
}

/** Reads a `run.json` back; throws an Error whose message says what is wrong with the shape. */
export function readRunRecord(text: string): RunRecord {
  return parseRunRecord(text);
}

/**
 * A failing check explained in plain text: the claim, the RFC section or IdP behaviour, what was
 * expected, the request and response (token redacted) and a curl line to reproduce it. The same
 * explanation as the HTML report's card and the JUnit failure body.
 */
export function explainFailure(result: CheckResult, record: Pick<RunRecord, 'exchanges'>): string {
  return failureText(result, indexExchanges(record.exchanges));
}

/** Joins the records of parallel shards (`shard` option) into one, as `scimproof report --merge` does. */
export function mergeRunRecords(records: readonly RunRecord[], options: MergeOptions = {}): RunRecord {
  return mergeRecords(records, options);
}
