// The run: discovery first, then every selected suite, then cleanup, always ending in one
// RunRecord that every reporter renders. A run that cannot be made (unreachable target, rejected
// credentials, a server that does not speak SCIM, a bad suite file) still ends in a record, with
// meta.runError set, so a report is written either way.
import { randomBytes } from 'node:crypto';
import { createClient, DEFAULT_TIMEOUT_MS, type Auth, type ScimClient } from '../http/client.ts';
import type { CheckResult, CleanupEntry, Discovery, Exchange, RunRecord, Summary } from '../record/types.ts';
import { loadSuites, SuiteError } from '../suite/load.ts';
import type { LoadedSuite } from '../suite/types.ts';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';
import { createRandom } from '../util/random.ts';
import { CleanupJournal } from './cleanup.ts';
import { buildDiscovery, requiredAttributes } from './discovery.ts';
import { runScenario, type ScenarioContext } from './scenario.ts';
import { diagnoseTarget } from './preflight.ts';
import { selector } from './select.ts';
import { TimeoutBreaker } from './breaker.ts';
import { staleWaivers, waive, type Baseline } from './baseline.ts';
import { auditResponses } from '../checks/audit.ts';
import { computeIdpVerdicts } from './verdict.ts';
import { applySeverity, type SeverityOverride } from '../suite/profiles.ts';
import { runFuzzProperties, SUITE_FUZZ_RUNS, type FuzzBudget, type FuzzOutcome } from '../fuzz/run.ts';
import type { ReplayKey } from '../fuzz/replay.ts';
import { shardCounter, type Shard } from './shard.ts';
import { checkCatalogue, checkSelection, SelectionError } from './catalogue.ts';

export interface RunEvents {
  onScenarioStart?(suite: string, scenarioTitle: string): void;
  onResult?(result: CheckResult): void;
  onExchange?(exchange: Exchange): void;
}

export interface RunOptions {
  /** SCIM base URL; without it the embedded reference server is started. */
  url?: string;
  auth?: Auth;
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
  events?: RunEvents;
  signal?: AbortSignal;
  suitesDir?: string;
  /** Budget of the `fuzz` suite (default: a short one); `replay` re-runs stored counterexamples only. */
  fuzz?: FuzzBudget & { replay?: ReplayKey[] };
  /** Run only this shard's scenarios and fuzz properties (see shard.ts); merge the records afterwards. */
  shard?: Shard;
}

interface EmbeddedTarget {
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Large enough to trip a body limit or a column width, small enough to stay polite; made once. */
const LONG_STRING = 'x'.repeat(200_000);

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function runConformance(options: RunOptions): Promise<RunRecord> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  // The prefix marks everything this run creates; it is unique per run, not per seed, so a
  // replayed seed never collides with leftovers of an earlier run.
  const prefix = `spf${runId.slice(-4)}${randomBytes(2).toString('hex')}-`;
  const results: CheckResult[] = [];
  let cleanup: CleanupEntry[] = [];
  let discovery: Discovery = buildDiscovery(undefined, undefined, undefined);
  let runError: string | undefined;
  let embedded: EmbeddedTarget | undefined;
  let client: ScimClient | undefined;
  let target = options.url ?? '(embedded reference server)';
  let fuzz: FuzzOutcome | undefined;

  try {
    // `fuzz` is not a folder of suite files: it runs after the data suites (src/fuzz).
    const suites = loadSuites(['discovery', ...options.suites.filter((s) => s !== 'discovery' && s !== 'fuzz')], options.suitesDir);
    const catalogue = checkCatalogue(suites, { audits: options.suites.includes('core'), fuzz: options.suites.includes('fuzz') });
    checkSelection(options.only ?? [], options.skip ?? [], options.suites, catalogue);
    if (!options.url) {
      embedded = await startEmbedded();
      target = embedded.url;
    }
    const auth: Auth = embedded ? { kind: 'bearer', token: embedded.token } : (options.auth ?? { kind: 'none' });
    let journal: CleanupJournal | undefined;
    const breaker = new TimeoutBreaker();
    client = createClient({
      baseUrl: target,
      auth,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      insecure: options.insecure ?? false,
      secrets: options.secrets ?? [],
      onExchange: (ex) => {
        journal?.observe(ex);
        breaker.observe(ex);
        options.events?.onExchange?.(ex);
      },
    });
    journal = new CleanupJournal(client);
    const random = createRandom(options.seed);
    const runVars: Record<string, unknown> = {
      prefix,
      runId,
      nonexistentId: random.uuid(),
      randomUuid: random.uuid(),
      requiredUserAttributes: [] as string[],
      longString: LONG_STRING,
      matchingAttribute: options.matchingAttribute ?? 'userName',
    };
    const wrongAuth = { bearer: { kind: 'bearer', token: `scimproof-wrong-${random.hex(16)}` } as Auth, basic: { kind: 'basic', user: 'scimproof', password: `wrong-${random.hex(8)}` } as Auth };
    const select = selector(options.only ?? [], options.skip ?? []);
    const ctx: ScenarioContext = {
      client,
      discovery,
      runVars,
      selected: select,
      onResult: (judged) => {
        const leveled = options.severity?.length ? applySeverity(judged, options.severity) : judged;
        const r = options.baseline ? waive(leveled, options.baseline) : leveled;
        results.push(r);
        options.events?.onResult?.(r);
      },
      aborted: () => (options.signal?.aborted ?? false) || breaker.tripped,
      wrongAuth,
    };
    try {
      const [discoverySuite, ...rest] = suites as [LoadedSuite, ...LoadedSuite[]];
      const captured = await runSuite(discoverySuite, ctx, options.events, true);
      discovery = buildDiscovery(captured.spc, captured.schemas, captured.resourceTypes);
      ctx.discovery = discovery;
      // RFC 7643 §4.1.1 makes userName required whatever /Schemas says.
      runVars.requiredUserAttributes = [...new Set(['userName', ...requiredAttributes(discovery), ...(options.requireAttributes ?? [])])];
      runError = diagnoseTarget(client.exchanges);
      const inShard = shardCounter(options.shard);
      if (!runError) for (const suite of rest) await runSuite(suite, ctx, options.events, false, options.dialects, inShard);
      if (!runError && options.suites.includes('core') && !ctx.aborted()) {
        for (const result of auditResponses(client.exchanges)) if (select(result.checkId)) ctx.onResult(result);
      }
      if (!runError && options.suites.includes('fuzz') && !ctx.aborted()) {
        const { replay, ...budget } = options.fuzz ?? { runs: SUITE_FUZZ_RUNS };
        fuzz = await runFuzzProperties({
          client: { baseUrl: target, auth, ...(options.headers ? { headers: options.headers } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), insecure: options.insecure ?? false, secrets: options.secrets ?? [] },
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
          ...(replay ? { replay } : {}),
          ...(options.shard ? { shard: options.shard } : {}),
        });
      }
      // A shard sees only part of a waiver's checks; `report --merge --baseline` judges staleness.
      if (options.baseline && !options.shard && !ctx.aborted()) for (const stale of staleWaivers(results, options.baseline)) ctx.onResult(stale);
    } finally {
      runError ??= breaker.reason(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      cleanup = await journal.clean(options.noCleanup ?? false, breaker.tripped ? { timeoutMs: 3_000, giveUpAfterTimeouts: 2 } : { giveUpAfterTimeouts: 3 });
    }
  } catch (error) {
    if (error instanceof SuiteError || error instanceof SelectionError) runError = error.message;
    else if (error instanceof EmbeddedServerError) runError = error.message;
    else {
      // A bug of the harness: the run still ends in a record and a report, and says so.
      runError = `harness error (please report it): ${error instanceof Error ? error.message : String(error)}`;
      if (process.env.SCIMPROOF_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    }
  } finally {
    await client?.close();
    await embedded?.close();
  }
  if (options.signal?.aborted && !runError) runError = 'interrupted (Ctrl-C); what was created was cleaned up';

  return {
    meta: {
      runId,
      tool: TOOL_NAME,
      version: TOOL_VERSION,
      node: process.version,
      target,
      embedded: !options.url,
      suites: options.suites,
      ...(options.profile ? { profile: options.profile } : {}),
      seed: options.seed,
      ...(options.shard ? { shard: options.shard } : {}),
      prefix,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      ...(runError ? { runError } : {}),
    },
    discovery,
    exchanges: [...(client ? client.exchanges : []), ...(fuzz?.exchanges ?? [])],
    results,
    cleanup: [...cleanup, ...(fuzz?.cleanup ?? [])],
    ...(fuzz && fuzz.sections.length > 0 ? { sections: fuzz.sections } : {}),
    ...(runError ? {} : idpVerdictsOf(results)),
    summary: summarize(results),
  };
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

function idpVerdictsOf(results: CheckResult[]): { idpVerdicts?: RunRecord['idpVerdicts'] } {
  const verdicts = computeIdpVerdicts(results);
  return verdicts.length > 0 ? { idpVerdicts: verdicts } : {};
}

export function summarize(results: CheckResult[]): Summary {
  const summary: Summary = { total: results.length, pass: 0, fail: 0, warn: 0, info: 0, skip: 0, error: 0 };
  for (const r of results) summary[r.status]++;
  return summary;
}

class EmbeddedServerError extends Error {}

async function startEmbedded(): Promise<EmbeddedTarget> {
  try {
    const { startServer } = await import('../server/index.ts');
    const server = await startServer({ port: 0, host: '127.0.0.1' });
    return { url: server.url, token: server.token, close: () => server.close() };
  } catch (error) {
    throw new EmbeddedServerError(`could not start the embedded reference server: ${error instanceof Error ? error.message : String(error)}`);
  }
}
