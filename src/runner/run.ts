// The run: discovery first, then every selected suite, then cleanup, always ending in one
// RunRecord that every reporter renders. A run that cannot be made (unreachable target, rejected
// credentials, a server that does not speak SCIM, a bad suite file) still ends in a record, with
// meta.runError set, so a report is written either way.
import { randomBytes } from 'node:crypto';
import { createClient, DEFAULT_TIMEOUT_MS, MAX_RETRY_WAIT_MS, type Auth, type OutgoingRequest, type RateLimitEvent, type ScimClient } from '../http/client.ts';
import { SettleGate } from '../http/settle.ts';
import { SearchLag } from './search-lag.ts';
import { probeSearchLag } from './search-lag-probe.ts';
import type { CheckResult, CleanupEntry, Discovery, Exchange, ExchangeOrigin, Leftover, ProfileVerdict, ReportSection, RunRecord, Summary } from '../record/types.ts';
import type { LeftOut } from './schema-fit.ts';
import { LeftOutLog } from './left-out-log.ts';
import { loadSuites, SuiteError } from '../suite/load.ts';
import type { RunVariable } from '../suite/variables.ts';
import { redactText } from '../http/redact.ts';
import { runCredentials } from '../http/credentials.ts';
import { httpUrl } from '../http/target-url.ts';
import type { LoadedSuite } from '../suite/types.ts';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';
import { createRandom } from '../util/random.ts';
import { CleanupJournal } from './cleanup.ts';
import { buildDiscovery, maxPageSize, requiredAttributes } from './discovery.ts';
import { declaredUser } from './declared-resource.ts';
import { runScenario, type ScenarioContext } from './scenario.ts';
import { MembersShown, membersListedIn, probeMembersShown } from './members-shown.ts';
import { probeScope, type ScopeStrategy } from './scope-probe.ts';
import { filterSupportSection } from './filter-support.ts';
import { diagnoseTarget } from './preflight.ts';
import { selector } from './select.ts';
import { RateLimitBreaker, TimeoutBreaker } from './breaker.ts';
import { CredentialWatch } from './credentials.ts';
import { staleWaivers, waive, type Baseline } from './baseline.ts';
import { auditResponses } from '../checks/audit.ts';
import { computeIdpVerdicts, reliedOnCoreChecks } from './verdict.ts';
import { familyOf } from '../dialects/acceptance.ts';
import type { IdpFamily } from '../dialects/index.ts';
import { applySeverity, getProfile, type Profile, type SeverityOverride } from '../suite/profiles.ts';
import { claimCheckId, claimResult, finalProfileVerdict, PROFILE_RUN_CHECKS, profileVerdict } from './profile-verdict.ts';
import { tlsResult } from './tls-probe.ts';
import { runFuzzProperties, SUITE_FUZZ_RUNS, type FuzzBudget, type FuzzOutcome } from '../fuzz/run.ts';
import type { ReplayKey } from '../fuzz/replay.ts';
import { analyseRun } from '../analysis/analyse.ts';
import { DEFAULT_MAX_TIME_MS, markUnreached, notReached, TimeBudget } from './budget.ts';
import { shardCounter, type Shard } from './shard.ts';
import { checkCatalogue, checkSelection, SelectionError } from './catalogue.ts';
import { optionNames, type OptionNames, type Wording } from '../util/option-names.ts';

export interface RunEvents {
  onScenarioStart?(suite: string, scenarioTitle: string): void;
  onResult?(result: CheckResult): void;
  onExchange?(exchange: Exchange): void;
  /** A line for a person while the run goes on (429 waits, cleanup). */
  onNotice?(text: string): void;
  /** Called once the run has begun: `snapshot()` is the record as it stands (what a second signal writes). */
  onLive?(live: LiveRun): void;
}

export interface LiveRun {
  snapshot(): RunRecord;
}

export interface RunOptions {
  /** SCIM base URL; without it the embedded reference server is started. */
  url?: string;
  auth?: Auth;
  /** How messages name the options: the CLI's flags (default) or the library's option names (src/index.ts). */
  wording?: Wording;
  headers?: Record<string, string>;
  suites: string[];
  only?: string[];
  skip?: string[];
  timeoutMs?: number;
  seed: number;
  insecure?: boolean;
  noCleanup?: boolean;
  secrets?: string[];
  /** Extra User attributes to treat as required on top of what /Schemas says (profiles). */
  requireAttributes?: string[];
  profile?: string;
  /** Known failures waived for CI gating (see baseline.ts). */
  baseline?: Baseline;
  /** IdP dialect variants to replay (default: every variant a scenario lists). */
  dialects?: string[];
  /** The attribute IdP replays match users by (`{{matchingAttribute}}`; default userName). */
  matchingAttribute?: string;
  /** Checks re-levelled by a profile, each with its reason. */
  severity?: SeverityOverride[];
  /**
   * A standard profile (interop, IPSIE): its suites run after the chosen ones, its re-levels apply
   * (IdP verdicts keep the levels before them), and the run ends with its verdict. Without one, a
   * server that claims interopProfileConformant gets the interop profile checked all the same.
   */
  standard?: Profile;
  events?: RunEvents;
  /** Stops the run (its reason, a signal name such as SIGTERM, is reported); cleanup still runs. */
  signal?: AbortSignal;
  suitesDir?: string;
  /** Budget of the `fuzz` suite (default: a short one); `replay` re-runs stored counterexamples only. */
  fuzz?: FuzzBudget & { replay?: ReplayKey[] };
  /** Run only this shard's scenarios and fuzz properties (see shard.ts); merge the records afterwards. */
  shard?: Shard;
  /** Time limits, for embedding and tests (defaults: MAX_RETRY_WAIT_MS, CLEANUP_TIME_MS, INTERRUPTED_CLEANUP_TIME_MS). */
  limits?: { maxRetryWaitMs?: number; cleanupMs?: number; interruptedCleanupMs?: number };
  /** Whole-run time budget in ms (default 15 min; 0 = no limit): then the run stops, cleans up and reports. */
  maxTimeMs?: number;
  /**
   * After a successful write, queries wait this long (`--settle`: a search index that lags writes).
   * Absent: no wait, but a query step that fails right after a write is asked again a moment later,
   * and a lag it shows is adopted as the wait (search-lag.ts); 0: the search never lags, never ask again.
   */
  settleMs?: number;
  /** Starts the embedded target when no url is given (default: the plain reference server). */
  embedded?: () => Promise<EmbeddedTarget>;
  /**
   * Programmatic phases run after the suites, over the same client and cleanup journal (`certify`).
   * Each is called even when the run has already stopped sending (`aborted()`): it must then send
   * nothing, and may list the checks it did not reach.
   */
  phases?: RunPhase[];
}

export interface EmbeddedTarget {
  url: string;
  auth: Auth;
  close(): Promise<void>;
}

/** What a programmatic phase gets: the run's client, what discovery found, and where results go. */
export interface PhaseContext {
  client: ScimClient;
  discovery: Discovery;
  /** Marks everything the run creates (and is cleaned up at the end). */
  prefix: string;
  seed: number;
  runVars: Record<string, unknown>;
  selected(checkId: string): boolean;
  onResult(result: CheckResult): void;
  aborted(): boolean;
  /** Why the run stopped sending (its time budget ran out, it was interrupted, …), once aborted() is true. */
  stopReason(): string | undefined;
  /** Aborts when the run's time budget runs out: a phase's requests carry it, so one in flight is abandoned. */
  signal: AbortSignal;
  /** Announces a group of checks on the console (`scenario` line). */
  announce(title: string): void;
  /** Notes what a phase left out of a request because the target does not advertise it (the report's list). */
  onLeftOut?(origin: ExchangeOrigin, leftOut: LeftOut[]): void;
}

export type RunPhase = (ctx: PhaseContext) => Promise<void>;

/** Large enough to trip a body limit or a column width, small enough to stay polite; made once. */
const LONG_STRING = 'x'.repeat(200_000);

/** 429 waits shown one by one before the rest are only counted. */
const WAITS_SHOWN = 3;

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** How long the cleanup may take in all: normally, and once a signal asked the run to stop (CI kills soon after). */
export const CLEANUP_TIME_MS = 120_000;
export const INTERRUPTED_CLEANUP_TIME_MS = 8_000;

export async function runConformance(options: RunOptions): Promise<RunRecord> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  // The prefix marks everything this run creates; it is unique per run, not per seed, so a
  // replayed seed never collides with leftovers of an earlier run.
  const prefix = `spf${runId.slice(-4)}${randomBytes(2).toString('hex')}-`;
  const results: CheckResult[] = [];
  let cleanup: CleanupEntry[] = [];
  let leftovers: Leftover[] = [];
  let discovery: Discovery = buildDiscovery(undefined, undefined, undefined);
  let discovered = false;
  let cleaned = false;
  let runError: string | undefined;
  let embedded: EmbeddedTarget | undefined;
  let client: ScimClient | undefined;
  let journal: CleanupJournal | undefined;
  let target = options.url === undefined ? '(embedded reference server)' : options.url.trim() === '' ? '(no URL given)' : options.url;
  let fuzz: FuzzOutcome | undefined;
  let profileTrigger: ProfileVerdict['trigger'] = 'option';
  let verdictOfProfile: ProfileVerdict | undefined;
  let coreSuites: LoadedSuite[] = [];
  const names = optionNames(options.wording);
  const budget = new TimeBudget(options.maxTimeMs ?? DEFAULT_MAX_TIME_MS, names);
  const leftOut = new LeftOutLog();
  /** Check id → why it could not run, unexplained by any failure (scenario.ts, onNotRun). */
  const notRun = new Map<string, string>();
  // One gate for every client of the run: a write through one concerns a query through the other.
  const settle = new SettleGate(options.settleMs ?? 0);
  const searchLag = new SearchLag(settle, options.settleMs !== 0, (line) => notice(line));
  let loaded: LoadedSuite[] = [];

  // One switch stops the sending: a signal, or a breaker that found the run cannot go on.
  const stopSending = new AbortController();
  let stoppedAt: number | undefined;
  const stop = (): void => {
    stoppedAt ??= Date.now();
    stopSending.abort();
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const signalName = (): string => (typeof options.signal?.reason === 'string' ? options.signal.reason : 'Ctrl-C');
  const breaker = new TimeoutBreaker();
  const rateLimit = new RateLimitBreaker();
  const credentials = new CredentialWatch();
  const maxWaitMs = options.limits?.maxRetryWaitMs ?? MAX_RETRY_WAIT_MS;
  const cleanupMs = options.limits?.cleanupMs ?? CLEANUP_TIME_MS;
  const interruptedCleanupMs = options.limits?.interruptedCleanupMs ?? INTERRUPTED_CLEANUP_TIME_MS;
  const stopReason = (): string | undefined => breaker.reason(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, names) ?? rateLimit.reason(maxWaitMs) ?? credentials.reason();
  const interruptedError = (): string => {
    if (!discovered) return `interrupted (${signalName()}) before discovery finished; no check was judged`;
    if (!cleaned) return `interrupted (${signalName()}) during the run; stopped again before the cleanup finished`;
    return `interrupted (${signalName()}); ${leftovers.length === 0 ? 'what was created was cleaned up' : `${leftovers.length} resource(s) it created could not be deleted (listed under Leftovers)`}`;
  };

  // Where a search that lags would first show, the lag is measured once (search-lag-probe.ts): before
  // a scenario's first query after a write, and before the fuzzer. Not for certification tests:
  // Microsoft's and Okta's own tests query right after they write, so a lag fails them too.
  const measureSearchLag = async (): Promise<void> => {
    if (client && searchLag.wantsProbe && discovery.capabilities.users && !runError) await probeSearchLag(client, discovery, prefix, searchLag, budget.signal);
  };

  const buildRecord = (): RunRecord => {
    const error = runError ?? (options.signal?.aborted ? interruptedError() : undefined);
    const left = cleaned ? leftovers : [...leftovers, ...(journal?.outstanding() ?? [])];
    const exchanges = [...(client ? client.exchanges : []), ...(fuzz?.exchanges ?? [])];
    const analysis = analyseRun({ meta: { target, prefix }, results, exchanges }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const verdicts = error ? undefined : idpVerdictsOf(results, coreSuites).idpVerdicts;
    // The budget may run out after the last check was judged (while the run audits or a phase
    // tidies up): it cut nothing short then, and the run is as complete as one within its budget.
    const unreached = results.filter((r) => notReached(r, budget)).length;
    const cutShort = budget.ranOut && unreached > 0;
    return {
      meta: {
        runId,
        tool: TOOL_NAME,
        version: TOOL_VERSION,
        node: process.version,
        // Redacted as the exchanges are: a URL refused for its `user:password@` keeps no password here.
        target: redactText(target),
        embedded: options.url === undefined,
        suites: options.suites,
        ...(options.profile ? { profile: options.profile } : {}),
        seed: options.seed,
        ...(options.shard ? { shard: options.shard } : {}),
        ...selectionOf(options),
        prefix,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        ...(error ? { runError: error } : {}),
        ...(options.signal?.aborted ? { interrupted: signalName() } : {}),
        budget: { maxTimeMs: budget.maxTimeMs, ranOut: cutShort, notReached: unreached },
        // For the commands the reports print (clean, a fuzz replay): the run's own kind of credentials.
        ...(options.url !== undefined ? { credentials: runCredentials(options.auth, options.headers, options.secrets) } : {}),
      },
      discovery,
      exchanges,
      results: [...results],
      cleanup: [...cleanup, ...(fuzz?.cleanup ?? [])],
      ...(left.length > 0 ? { leftovers: left } : {}),
      ...sectionsOf([...leftOut.sections(), ...searchLag.sections(), ...[filterSupportSection(loaded, results)].filter((s) => s !== undefined), ...(fuzz?.sections ?? [])]),
      ...(verdicts ? { idpVerdicts: cutShort ? markUnreached(verdicts, results) : verdicts } : {}),
      ...(verdictOfProfile && !error ? { profileVerdict: verdictOfProfile } : {}),
      summary: summarize(results),
      findings: analysis.findings,
      latency: analysis.latency,
    };
  };
  options.events?.onLive?.({ snapshot: buildRecord });

  const notice = (text: string): void => options.events?.onNotice?.(text);
  // A server that rate-limits a whole run answers 429 dozens of times: the first waits are shown
  // one by one, the rest counted and summed once at the end, so they do not bury the results.
  const waits = { count: 0, ms: 0 };
  const onRateLimit = (event: RateLimitEvent): void => {
    rateLimit.observe(event);
    const where = `${event.exchange.request.method} ${new URL(event.exchange.request.url).pathname}`;
    const asked = event.retryAfter !== undefined ? `Retry-After: ${event.retryAfter}` : 'no Retry-After';
    if (event.gaveUp) notice(`429 Too Many Requests on ${where}: still rate-limited after ${event.attempt - 1} wait(s); giving up on it`);
    else {
      waits.count++;
      waits.ms += event.waitMs;
      if (waits.count <= WAITS_SHOWN) notice(`429 Too Many Requests on ${where}: waiting ${formatWait(event.waitMs)} (${asked}, each wait capped at ${formatWait(maxWaitMs)})`);
      if (waits.count === WAITS_SHOWN + 1) notice('further 429 waits are counted, not shown; their total follows at the end');
    }
    if (rateLimit.tripped) stop();
  };
  const noticeWaits = (): void => {
    if (waits.count > WAITS_SHOWN) notice(`429 Too Many Requests: waited ${waits.count} times in all, ${formatWait(waits.ms)} together`);
  };
  const afterExchange = (exchange: Exchange, request: OutgoingRequest, sender: ScimClient): Promise<void> | void => {
    const probing = credentials.afterExchange(exchange, request, sender);
    if (probing) return probing.then(() => void (credentials.tripped && stop()));
    if (credentials.tripped) stop();
  };

  try {
    // `fuzz` is not a folder of suite files: it runs after the data suites (src/fuzz). A standard
    // profile's suites run after the chosen ones.
    const chosen = options.suites.filter((s) => s !== 'discovery' && s !== 'fuzz');
    const suites = (loaded = loadSuites(['discovery', ...chosen, ...(options.standard?.suites ?? []).filter((s) => !chosen.includes(s))], options.suitesDir));
    // A server that claims the interoperability profile gets its checks without --profile (below):
    // they can be selected in any run that is more than a fuzz pass.
    const fuzzOnly = options.suites.length > 0 && options.suites.every((s) => s === 'fuzz');
    const claimable = options.standard || fuzzOnly ? [] : loadSuites(['interop'], options.suitesDir);
    // An IdP verdict relies on core checks (authentication, the userName filter …): a run of the
    // replay packs alone runs those too, so the verdict is not computed without its evidence.
    coreSuites = suites.filter((s) => s.suite === 'core');
    const families = idpFamiliesOf(suites);
    const dependencies = families.length > 0 && coreSuites.length === 0 ? loadSuites(['core'], options.suitesDir) : [];
    if (dependencies.length > 0) coreSuites = dependencies;
    const reliedOn = new Set(families.flatMap((f) => reliedOnCoreChecks(f, dependencies)));
    // Those relied-on core checks run too, so `--suite entra --skip auth.missing.401` names a check
    // of the run (and makes the verdict partial), as docs/idp-packs.md says.
    const catalogue = [
      ...checkCatalogue([...suites, ...claimable], { audits: options.suites.includes('core') || options.standard !== undefined, fuzz: options.suites.includes('fuzz'), extra: fuzzOnly ? [] : PROFILE_RUN_CHECKS }),
      ...checkCatalogue(dependencies, { audits: false, fuzz: false }).filter((entry) => reliedOn.has(entry.id)),
    ];
    // Programmatic phases (certify) name their checks only as they run, so then nothing is refused.
    if (!options.phases?.length) checkSelection(options.only ?? [], options.skip ?? [], options.suites, catalogue, names);
    if (!options.phases?.length) checkDialects(options.dialects ?? [], suites, options.suites, names);
    if (options.shard) checkShard(options.shard);
    if (options.url !== undefined) checkTargetUrl(options.url);
    else {
      // Under a standard profile the embedded reference server meets the interoperability profile.
      embedded = await (options.embedded ?? (() => startEmbedded(options.standard ? 'interop' : undefined)))().catch((error: unknown) => {
        throw new SetupError(`could not start the embedded reference server: ${error instanceof Error ? error.message : String(error)}`);
      });
      target = embedded.url;
    }
    const auth: Auth = embedded ? embedded.auth : (options.auth ?? { kind: 'none' });
    const shared = {
      auth,
      ...(options.wording ? { wording: options.wording } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      insecure: options.insecure ?? false,
      secrets: options.secrets ?? [],
      stopSignal: stopSending.signal,
      settle,
      maxRetryWaitMs: maxWaitMs,
      onRateLimit,
      afterExchange,
    };
    client = createClient({
      baseUrl: target,
      ...shared,
      onExchange: (ex, request) => {
        journal?.observe(ex, request);
        breaker.observe(ex);
        if (breaker.tripped) stop();
        options.events?.onExchange?.(ex);
      },
    });
    journal = new CleanupJournal(client, prefix);
    const random = createRandom(options.seed);
    // Only the names suites may use (src/suite/variables.ts checks them when a suite is loaded).
    const runVars: Partial<Record<RunVariable, unknown>> = {
      prefix,
      runId,
      // The SCIM base URL as the client was given it: an IdP builds references from it ($ref
      // `{base}/Users/{id}`), not from what the server returned.
      baseUrl: target.replace(/\/+$/, ''),
      nonexistentId: random.uuid(),
      randomUuid: random.uuid(),
      requiredUserAttributes: [] as string[],
      longString: LONG_STRING,
      matchingAttribute: options.matchingAttribute ?? 'userName',
      // For `foreach` steps that need many resources (IPSIE's 50 member operations in one PATCH).
      fifty: Array.from({ length: 50 }, (_, i) => i + 1),
    };
    const wrongAuth = { bearer: { kind: 'bearer', token: `scimproof-wrong-${random.hex(16)}` } as Auth, basic: { kind: 'basic', user: 'scimproof', password: `wrong-${random.hex(8)}` } as Auth };
    const select = selector(options.only ?? [], options.skip ?? []);
    let standard = options.standard;
    // Discovery's verdicts reach the console only once the run knows whether it can test the
    // target: against a wrong token or URL they are not the server's, and the console printed
    // them as failures (✗ discovery.spc.status …) above "11 skipped".
    let holdingDiscovery = true;
    const ctx: ScenarioContext = {
      client,
      discovery,
      runVars,
      selected: select,
      onResult: (judged) => {
        const forApp = options.severity?.length ? applySeverity(judged, options.severity) : judged;
        const leveled = standard?.severity.length ? applySeverity(forApp, standard.severity, { keepBefore: true }) : forApp;
        const waived = options.baseline ? waive(leveled, options.baseline) : leveled;
        // What was judged on the answer that showed the run cannot go on is not the server's verdict.
        const why = rateLimit.tripped || credentials.tripped ? stopReason() : undefined;
        const r = why && waived.status !== 'pass' && waived.status !== 'skip' ? notJudged(waived, why) : waived;
        results.push(r);
        if (!holdingDiscovery) options.events?.onResult?.(r);
      },
      aborted: () => stopSending.signal.aborted || budget.ranOut,
      stopReason: () => (options.signal?.aborted ? 'the run was interrupted' : budget.ranOut ? budget.reason : stopSending.signal.aborted ? (stopReason() ?? 'the run was stopped') : undefined),
      signal: budget.signal,
      wrongAuth,
      onLeftOut: (origin, list) => leftOut.record(origin, list),
      searchLag,
      measureSearchLag: () => measureSearchLag(),
      onNotRun: (checkId, message) => notRun.set(checkId, message),
      learnGroupMembers: async () => {
        const learned = await membersShown.learn();
        if (learned) ctx.discovery.groupMembers = learned;
      },
    };
    // Once per run, when a read-back that should list group members lists none (members-shown.ts).
    const membersShown = new MembersShown(() => probeMembersShown(client!, ctx.discovery, prefix, budget.signal));
    // Audits send nothing: after the time budget ran out they still judge what was recorded.
    const mayAudit = (): boolean => !ctx.aborted() || (budget.ranOut && !options.signal?.aborted && !breaker.tripped);
    try {
      const [discoverySuite, ...rest] = suites as [LoadedSuite, ...LoadedSuite[]];
      const captured = await runSuite(discoverySuite, ctx, options.events, true);
      // A document is what a step captured from a 2xx answer: the body of a 401 or 404 (a SCIM
      // error) was taken for the ServiceProviderConfig, and the report listed it as advertised.
      const served = (step: string): boolean => client!.exchanges.some((ex) => ex.origin?.suite === 'discovery' && ex.origin.step === step && ex.response !== undefined && ex.response.status >= 200 && ex.response.status < 300);
      discovery = buildDiscovery(served('service-provider-config') ? captured.spc : undefined, served('schemas') ? captured.schemas : undefined, served('resource-types') ? captured.resourceTypes : undefined);
      ctx.discovery = discovery;
      discovered = !ctx.aborted();
      // RFC 7643 §4.1.1 makes userName required whatever /Schemas says.
      runVars.requiredUserAttributes = [...new Set(['userName', ...requiredAttributes(discovery), ...(options.requireAttributes ?? [])])];
      const pageCap = maxPageSize(discovery.serviceProviderConfig);
      if (pageCap !== undefined) Object.assign(runVars, { maxPageSize: pageCap, aboveMaxPageSize: pageCap + 1 });
      const declared = declaredUser(discovery, `${prefix}declared.user@example.com`);
      if (declared) runVars.declaredUser = declared;
      runError = diagnoseTarget(client.exchanges, names);
      // Discovery's verdicts on a target the run cannot test (wrong URL, wrong token) are about the
      // caller's setup, not the server: not charged to it.
      if (runError) results.forEach((r, i) => (results[i] = r.status === 'pass' || r.status === 'skip' ? r : notJudged(r, runError!)));
      holdingDiscovery = false;
      for (const r of results) options.events?.onResult?.(r);
      // Scenarios that query a set of their own users need a scope filter (scope-probe.ts).
      const needsScope = options.suites.includes('fuzz') || dependencies.length > 0 || suites.some((suite) => suite.scenarios.some((scenario) => scenario.requires?.includes('scopedQueries')));
      if (!runError && !ctx.aborted() && needsScope) {
        const scope = await probeScope(client, prefix, discovery);
        discovery.capabilities.scopedQueries = scope !== undefined;
        if (scope) runVars.scopeStrategy = scope;
      }
      // A server that declares interopProfileConformant has its claim checked, profile or not
      // (unless the run is only a fuzz pass).
      const claimed = claimsInterop(discovery.serviceProviderConfig);
      if (!runError && claimed && !standard && !fuzzOnly) {
        standard = getProfile('interop');
        profileTrigger = 'claim';
        if (!rest.some((s) => s.suite === 'interop')) rest.push(...loadSuites(['interop'], options.suitesDir));
      }
      // Shards share one counter over every scenario they run, the relied-on core ones included, so
      // each scenario runs in exactly one shard and the merged record holds all the evidence.
      const inShard = shardCounter(options.shard);
      if (!runError && dependencies.length > 0) {
        const onlyReliedOn: ScenarioContext = { ...ctx, selected: (id) => reliedOn.has(id) && select(id) };
        for (const suite of dependencies) await runSuite(suite, onlyReliedOn, options.events, false, undefined, inShard);
      }
      if (!runError) for (const suite of rest) await runSuite(suite, ctx, options.events, false, options.dialects, inShard);
      // Called even once the run has stopped sending, so that a phase can list what it did not reach.
      for (const phase of runError ? [] : (options.phases ?? [])) {
        await phase({
          client,
          discovery,
          prefix,
          seed: options.seed,
          runVars,
          selected: select,
          onResult: ctx.onResult,
          aborted: ctx.aborted,
          stopReason: () => ctx.stopReason?.(),
          signal: budget.signal,
          announce: (title) => options.events?.onScenarioStart?.('certify', title),
          onLeftOut: (origin, list) => leftOut.record(origin, list),
        });
      }
      if (!runError && (options.suites.includes('core') || standard) && mayAudit()) {
        const audits = auditResponses(client.exchanges).filter((result) => select(result.checkId));
        // Announced as a scenario of their own: under the last scenario's line, an audit's failure read as that scenario's.
        if (audits.length > 0) options.events?.onScenarioStart?.('core', 'Every response the run received (schema, Content-Type)');
        for (const result of audits) ctx.onResult(result);
      }
      if (!runError && standard && mayAudit()) {
        options.events?.onScenarioStart?.('interop', 'Transport and the conformance claim');
        if (standard.checks.includes('interop.') && select('interop.tls') && !ctx.aborted()) ctx.onResult(await tlsResult(target, { insecure: options.insecure ?? false, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS }));
        const interop = standard.name === 'interop' ? standard : claimed ? getProfile('interop') : undefined;
        if (interop && select(claimCheckId(interop))) {
          const spcExchange = client.exchanges.find((x) => x.origin?.suite === 'discovery' && /\/ServiceProviderConfig$/.test(new URL(x.request.url).pathname));
          const claim = claimResult(interop, profileVerdict(interop, results, profileTrigger, []), discovery.serviceProviderConfig, spcExchange);
          if (claim) ctx.onResult(claim);
        }
      }
      if (!runError && options.suites.includes('fuzz') && !ctx.aborted()) await measureSearchLag();
      // After the budget ran out the fuzzer still runs, only to list its properties as not reached.
      if (!runError && options.suites.includes('fuzz') && (!ctx.aborted() || mayAudit())) {
        const { replay, ...budget } = options.fuzz ?? { runs: SUITE_FUZZ_RUNS };
        fuzz = await runFuzzProperties({
          client: { baseUrl: target, ...shared },
          discovery,
          prefix,
          seed: options.seed,
          budget,
          keep: options.noCleanup ?? false,
          selected: select,
          onResult: ctx.onResult,
          onProperty: (_checkId, title) => options.events?.onScenarioStart?.('fuzz', title),
          ...(options.events?.onExchange ? { onExchange: options.events.onExchange } : {}),
          aborted: ctx.aborted,
          cleanupDeadline: () => (stoppedAt !== undefined ? stoppedAt + interruptedCleanupMs : undefined),
          stopReason: ctx.stopReason!,
          ...(replay ? { replay } : {}),
          // A server held to (or claiming) the interop profile is fuzzed inside its PATCH subset.
          ...(standard?.checks.includes('interop.') || claimed ? { patchRules: 'interop' as const } : {}),
          ...(options.shard ? { shard: options.shard } : {}),
          ...(runVars.scopeStrategy ? { scope: runVars.scopeStrategy as ScopeStrategy } : {}),
          ...(options.requireAttributes ? { requireAttributes: options.requireAttributes } : {}),
          // A fuzz pass without the core suite (or with its group reads skipped) has seen no group
          // read back: it asks as the scenarios do, unless a read already listed members.
          learnGroupMembers: async () => {
            if (!membersListedIn(client!.exchanges)) await ctx.learnGroupMembers!();
          },
        });
      }
      // Checks a step did not let run, with nothing in the report failing on it, are skips while the
      // run fails anyway (the failure is the finding), and errors when it would read as a pass.
      if (!results.some((r) => r.status === 'fail')) results.forEach((r, i) => {
        const message = r.status === 'skip' ? notRun.get(r.checkId) : undefined;
        if (message === undefined) return;
        const { reason: _reason, ...rest } = r;
        results[i] = { ...rest, status: 'error', message };
      });
      // A shard sees only part of a waiver's checks; `report --merge --baseline` judges staleness.
      if (options.baseline && !options.shard && !ctx.aborted()) for (const stale of staleWaivers(results, options.baseline)) ctx.onResult(stale);
      if (!runError && standard) verdictOfProfile = finalProfileVerdict(standard, results, profileTrigger, discovery.serviceProviderConfig);
    } finally {
      budget.stop();
      runError ??= stopReason();
      journal.adopt(fuzz?.unresolved ?? []);
      if (stopSending.signal.aborted && journal.pending > 0) notice(`cleaning up what this run created (at most ${formatWait(interruptedCleanupMs)})`);
      const deadline = (stoppedAt ?? Date.now()) + (stoppedAt !== undefined ? interruptedCleanupMs : cleanupMs);
      const sweep = journal.attempted > 0 || (fuzz?.requests ?? 0) > 0 ? { sweep: { collections: sweepCollections(client, discovery) } } : {};
      const outcome = await journal.clean({
        keep: options.noCleanup ?? false,
        deadline,
        ...(breaker.tripped ? { timeoutMs: 3_000, giveUpAfterTimeouts: 2 } : { giveUpAfterTimeouts: 3 }),
        ...sweep,
      });
      cleanup = outcome.entries;
      leftovers = [...outcome.leftovers, ...(fuzz?.leftovers ?? [])];
      cleaned = true;
    }
  } catch (error) {
    cleaned = true;
    if (error instanceof SuiteError || error instanceof SelectionError) runError = error.message;
    else if (error instanceof SetupError) runError = error.message;
    else {
      // A bug of the harness: the run still ends in a record and a report, and says so.
      runError = `harness error (please report it): ${error instanceof Error ? error.message : String(error)}`;
      if (process.env.SCIMPROOF_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await client?.close();
    await embedded?.close();
  }
  budget.stop();
  noticeWaits();
  const lagged = searchLag.summary();
  if (lagged) notice(lagged);
  if (options.signal?.aborted && !runError) runError = interruptedError();
  return buildRecord();
}

/** The collections a run sweeps for its prefix: Users, and Groups when the target has them. */
function sweepCollections(client: ScimClient, discovery: Discovery): string[] {
  return ['/Users', ...(discovery.capabilities.groups ? ['/Groups'] : [])].map((path) => client.resolve(path));
}

function formatWait(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** A result that was judged on an answer the run could not trust (rate limit, lost credentials). */
function notJudged(result: CheckResult, why: string): CheckResult {
  const { message: _message, expected: _expected, actual: _actual, pointer: _pointer, ...rest } = result;
  return { ...rest, status: 'skip', reason: `not judged: ${why.split(';')[0]}` };
}

/** Runs the scenarios of one suite file; for discovery, returns what its steps captured. */
async function runSuite(suite: LoadedSuite, ctx: ScenarioContext, events: RunEvents | undefined, collect: boolean, dialects?: string[], inShard: () => boolean = () => true): Promise<Record<string, unknown>> {
  const captured: Record<string, unknown> = {};
  for (let i = 0; i < suite.scenarios.length; i++) {
    const scenario = suite.scenarios[i]!;
    const variants = scenario.dialects ? scenario.dialects.filter((d) => !dialects || dialects.includes(d)) : [undefined];
    for (const variant of variants) {
      if (!inShard()) continue;
      events?.onScenarioStart?.(suite.suite, variant ? `${scenario.title} [${variant}]` : scenario.title);
      const vars = await runScenario(suite, i, ctx, variant);
      if (collect) Object.assign(captured, vars);
    }
  }
  return captured;
}

const claimsInterop = (spc: unknown): boolean => (spc as { interopProfileConformant?: unknown } | undefined)?.interopProfileConformant === true;

function sectionsOf(sections: ReportSection[]): { sections?: ReportSection[] } {
  return sections.length > 0 ? { sections } : {};
}

function idpVerdictsOf(results: CheckResult[], coreSuites: readonly LoadedSuite[]): { idpVerdicts?: RunRecord['idpVerdicts'] } {
  const verdicts = computeIdpVerdicts(results, coreSuites);
  return verdicts.length > 0 ? { idpVerdicts: verdicts } : {};
}

/** The IdP families whose replay scenarios are among the loaded suites. */
function idpFamiliesOf(suites: readonly LoadedSuite[]): IdpFamily[] {
  const families = new Set<IdpFamily>();
  for (const suite of suites) for (const scenario of suite.scenarios) for (const dialect of scenario.dialects ?? []) families.add(familyOf(dialect));
  return [...families];
}

export function summarize(results: CheckResult[]): Summary {
  const summary: Summary = { total: results.length, pass: 0, fail: 0, warn: 0, info: 0, skip: 0, error: 0 };
  for (const r of results) summary[r.status]++;
  return summary;
}

/** A problem of the run's setup that the caller can act on (one line, the run's error). */
class SetupError extends Error {}

/**
 * A --dialect that no scenario of the chosen suites replays would leave nothing of that IdP to
 * judge, and the run would pass on the rest (`--suite okta --dialect okta-oig`, a mock-IdP dialect).
 */
function checkDialects(dialects: readonly string[], suites: readonly LoadedSuite[], suiteNames: readonly string[], names: OptionNames): void {
  if (dialects.length === 0) return;
  const replayed = new Set(suites.flatMap((suite) => suite.scenarios.flatMap((scenario) => scenario.dialects ?? [])));
  const missing = dialects.filter((d) => !replayed.has(d));
  if (missing.length === 0) return;
  const offered = replayed.size > 0 ? `they replay ${[...replayed].join(', ')}` : 'they replay no IdP (add entra or okta to the suites)';
  throw new SetupError(`${names.dialects} ${missing.join(', ')}: no scenario of the suites ${suiteNames.join(', ')} replays ${missing.length === 1 ? 'it' : 'them'}; ${offered}`);
}

/** The CLI checks --url itself; a program calling the library gets the same one-line answer. */
function checkTargetUrl(raw: string): void {
  // An empty URL is an unset variable (`url: process.env.SCIM_BASE_URL`), not a request for the
  // embedded server: testing that instead would pass the run of a server nobody looked at.
  if (raw.trim() === '') throw new SetupError('the target URL is empty (is the variable it comes from, e.g. SCIM_BASE_URL, set?); leave the URL out to test the embedded reference server');
  const url = httpUrl(raw, 'the target URL', 'expected the SCIM base URL, like https://app.example.com/scim/v2');
  if (!(url instanceof URL)) throw new SetupError(url.problem);
  // They were neither sent (every request a 401, failed as the server's) nor kept out of the report.
  if (url.username || url.password) throw new SetupError(`the target URL carries credentials (${redactText(raw)}); pass them as auth: { kind: 'basic', user, password } and the URL without them`);
}

/** The CLI parses --shard itself; a program's `{ index: 0, total: 3 }` ran no scenario at all and passed. */
function checkShard({ index, total }: Shard): void {
  if (!Number.isInteger(total) || total < 1) throw new SetupError(`shard ${index}/${total}: the number of jobs must be a whole number, at least 1`);
  if (!Number.isInteger(index) || index < 1 || index > total) throw new SetupError(`shard ${index}/${total}: the job number must be a whole number between 1 and ${total} (shards count from 1)`);
}

/** The run's narrowing, as run.json records it: only what was given. */
function selectionOf(options: Pick<RunOptions, 'only' | 'skip' | 'dialects'>): { selection?: NonNullable<RunRecord['meta']['selection']> } {
  const selection = {
    ...(options.only?.length ? { only: [...options.only] } : {}),
    ...(options.skip?.length ? { skip: [...options.skip] } : {}),
    ...(options.dialects?.length ? { dialects: [...options.dialects] } : {}),
  };
  return Object.keys(selection).length > 0 ? { selection } : {};
}

async function startEmbedded(profile: 'interop' | undefined): Promise<EmbeddedTarget> {
  const { startServer } = await import('../server/index.ts');
  const server = await startServer({ port: 0, host: '127.0.0.1', ...(profile ? { profile } : {}) });
  return { url: server.url, auth: { kind: 'bearer', token: server.token }, close: () => server.close() };
}
