// Runs the fuzz properties against a target and turns what happened into run-record parts: one
// CheckResult per property, one `fuzz-counterexample` section per failure, and only the exchanges
// worth keeping (the minimal counterexamples, plus the last few hundred of passing runs).
//
// Each property runs in three phases, all from the printed seed:
//   1. search: up to `runs` runs (or until the time share is used), stopping at the first failure;
//   2. shrink: resume from that failure's path and shrink it (bounded in time);
//   3. record: replay the minimal case once ({seed, path, endOnFailure}) so its exchanges are clean.
// A replay (`scimproof fuzz --replay FILE`) is phase 3 alone.
import fc from 'fast-check';
import type { ClientOptions } from '../http/client.ts';
import type { CheckResult, CleanupEntry, Discovery, Exchange, Leftover, ReportSection } from '../record/types.ts';
import type { CreateAttempt } from '../runner/cleanup.ts';
import { describeMissing, SPC_ADVERTISED } from '../runner/discovery.ts';
import { PROPERTIES } from './properties/index.ts';
import { applyRules, describeRules, learnProductRules, type ProductRules } from './product-rules.ts';
import { replayFileName, type ReplayKey } from './replay.ts';
import { targetSchemas } from './schemas.ts';
import { FuzzTarget } from './target.ts';
import { shardCounter, type Shard } from '../runner/shard.ts';
import { FilterDeclined, PropertyFailure, ServerRefusal, type FuzzEnv, type FuzzProperty } from './types.ts';
import type { ScopeStrategy } from '../runner/scope-probe.ts';
import { credentialArguments, shellQuote } from '../util/shell-credentials.ts';
import { runCredentials } from '../http/credentials.ts';
import { declaredGroupReadOnly } from '../spec/advertised.ts';

export interface FuzzBudget {
  /** Runs per property (fast-check numRuns). */
  runs?: number;
  /** Total time for the search phases of all properties, in ms (overrides `runs` as the limit). */
  timeMs?: number;
  /** Stop after this many failing properties (0: no limit). */
  maxFailures?: number;
  /** Time allowed for shrinking one failure, in ms. */
  shrinkTimeMs?: number;
  /** Requests per second (0: unpaced). */
  rate?: number;
  /** Only these property ids (`create-get`, ...). */
  properties?: string[];
}

export const DEFAULT_FUZZ_RUNS = 100;
/** `run --suite fuzz` keeps the default run quick. */
export const SUITE_FUZZ_RUNS = 15;
const DEFAULT_SHRINK_MS = 30_000;

export interface FuzzRunContext {
  client: Omit<ClientOptions, 'onExchange'>;
  discovery: Discovery;
  /** The run prefix (`spf…-`). */
  prefix: string;
  seed: number;
  budget: FuzzBudget;
  keep?: boolean;
  selected?(checkId: string): boolean;
  onResult?(result: CheckResult): void;
  /** Called after every fuzz exchange (including those later dropped from the record). */
  onExchange?(exchange: Exchange): void;
  /** Called when a property starts (console progress). */
  onProperty?(checkId: string, title: string): void;
  aborted?(): boolean;
  /** Epoch ms by which a property run's cleanup must end, once the run is stopping. */
  cleanupDeadline?(): number | undefined;
  /** Why the run stops early (the skip reason of the properties it does not reach). */
  stopReason?(): string | undefined;
  /** Re-run exactly these counterexamples instead of searching. */
  replay?: ReplayKey[];
  /** Only this shard's properties; each keeps the time share it has in an unsharded run. */
  shard?: Shard;
  /** How queries are limited to one run's users (src/runner/scope-probe.ts). */
  scope?: ScopeStrategy;
  /** User attributes required on top of what /Schemas says (`--require`). */
  requireAttributes?: string[];
  /** The server follows the interop profile's PATCH subset (see FuzzEnv.patchRules). */
  patchRules?: 'interop';
  /**
   * Learns how the server shows group members (src/runner/members-shown.ts) into
   * `discovery.groupMembers`, when the run has not yet: called once, before the first property that
   * reads groups back, so a fuzz pass without the core suite judges members as a full run does.
   */
  learnGroupMembers?(): Promise<void>;
}

export interface FuzzOutcome {
  results: CheckResult[];
  sections: ReportSection[];
  /** Exchanges to add to the record, ids `f0001`… */
  exchanges: Exchange[];
  /** Cleanup problems (failed or kept resources); successful deletes are only counted. */
  cleanup: CleanupEntry[];
  /** What the runs' cleanups could not delete. */
  leftovers: Leftover[];
  /** Creates only the run's final sweep by prefix can settle. */
  unresolved: CreateAttempt[];
  requests: number;
}

interface Attempt {
  failed: boolean;
  interrupted: boolean;
  numRuns: number;
  path?: string;
  replayPath?: string;
  counterexample?: unknown;
  error?: unknown;
}

const REPLAY_PATH = /\/\*replayPath="([^"]*)"\*\//;

/** fast-check prints a commands counterexample with its replayPath; commands need it back to replay. */
function replayPathOf(counterexample: unknown): string | undefined {
  const first = Array.isArray(counterexample) ? counterexample[0] : undefined;
  // Only a commands iterable prints a replayPath; plain generated values (arrays of objects, some
  // without a prototype) may not even convert to a string.
  if (first === null || typeof first !== 'object' || Array.isArray(first) || !(Symbol.iterator in first)) return undefined;
  try {
    return REPLAY_PATH.exec(String(first))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * What the fuzzer may generate: only what a ServiceProviderConfig advertised. Without one the
 * scenarios still judge PATCH and filters (discovery.ts) and set a PATCH answered 501 aside as not
 * offered; a generated case cannot, so it would fail every case on a product that has no PATCH.
 */
/** What the run learned of how group members are shown, beyond what /Schemas declares (members-shown.ts). */
function shownMembers(discovery: Discovery): FuzzEnv['groupMembers'] {
  const shown = discovery.groupMembers?.shown;
  return shown === 'on-request' || shown === 'never' ? shown : undefined;
}

function advertised(capabilities: Readonly<Record<string, boolean>>): Readonly<Record<string, boolean>> {
  if (capabilities.serviceProviderConfig !== false) return capabilities;
  return { ...capabilities, ...Object.fromEntries(SPC_ADVERTISED.map((name) => [name, false])) };
}

export async function runFuzzProperties(ctx: FuzzRunContext): Promise<FuzzOutcome> {
  const target = new FuzzTarget({ client: { ...ctx.client, ...(ctx.budget.rate ? { ratePerSecond: ctx.budget.rate } : {}) }, prefix: ctx.prefix, keep: ctx.keep ?? false, ...(ctx.aborted ? { aborted: ctx.aborted } : {}), ...(ctx.cleanupDeadline ? { cleanupDeadline: ctx.cleanupDeadline } : {}), ...(ctx.onExchange ? { onExchange: ctx.onExchange } : {}) });
  const env: FuzzEnv = { target, schemas: targetSchemas(ctx.discovery, ctx.requireAttributes ?? []), capabilities: advertised(ctx.discovery.capabilities), ...(ctx.scope ? { scope: ctx.scope } : {}), ...(ctx.patchRules ? { patchRules: ctx.patchRules } : {}), ...(shownMembers(ctx.discovery) ? { groupMembers: shownMembers(ctx.discovery)! } : {}) };
  let membersLearned = ctx.learnGroupMembers === undefined || ctx.discovery.groupMembers !== undefined || env.capabilities.groups === false;
  const refusals: ServerRefusal[] = [];
  const results: CheckResult[] = [];
  const sections: ReportSection[] = [];
  const kept = new Map<Exchange, Exchange>();
  let nextId = 1;
  const keep = (list: readonly Exchange[]): string[] =>
    list.map((ex) => {
      let copy = kept.get(ex);
      if (!copy) {
        copy = { ...ex, id: `f${String(nextId++).padStart(4, '0')}` };
        kept.set(ex, copy);
      }
      return copy.id;
    });
  const emit = (r: CheckResult) => {
    results.push(r);
    ctx.onResult?.(r);
  };

  const chosen = PROPERTIES.filter((p) => (!ctx.budget.properties || ctx.budget.properties.includes(p.id)) && (!ctx.replay || ctx.replay.some((k) => k.property === p.id)));
  const numRuns = ctx.budget.runs ?? (ctx.budget.timeMs ? 1_000_000 : DEFAULT_FUZZ_RUNS);
  const share = ctx.budget.timeMs ? Math.max(1, Math.floor(ctx.budget.timeMs / Math.max(1, chosen.length))) : undefined;
  let failures = 0;
  let learned: ProductRules | undefined;
  const inShard = shardCounter(ctx.shard);

  try {
    for (const property of chosen) {
      if (!inShard()) continue;
      const checkId = `fuzz.${property.id}`;
      if (ctx.selected && !ctx.selected(checkId)) continue;
      const base = { checkId, baseId: checkId, title: property.title, area: 'fuzz', suite: 'fuzz', level: property.level ?? 'MUST', refs: property.refs };
      const missing = property.requires.filter((cap) => env.capabilities[cap] === false);
      if (missing.length > 0) {
        emit({ ...base, status: 'skip', reason: describeMissing(missing, ctx.discovery), exchangeIds: [] });
        continue;
      }
      if (property.readsGroups && !membersLearned && !ctx.aborted?.()) {
        membersLearned = true;
        await ctx.learnGroupMembers!();
        const shown = shownMembers(ctx.discovery);
        if (shown) env.groupMembers = shown;
      }
      const membersReadOnly = property.readsMembers ? declaredGroupReadOnly(ctx.discovery, 'members') : undefined;
      if (membersReadOnly) {
        emit({ ...base, status: 'skip', reason: `not sent: this property adds group members, but ${membersReadOnly}`, exchangeIds: [] });
        continue;
      }
      if (property.readsMembers && ctx.discovery.groupMembers?.shown === 'never') {
        emit({ ...base, status: 'skip', reason: `not judged: the server never shows group members (${ctx.discovery.groupMembers.evidence})`, exchangeIds: ctx.discovery.groupMembers.exchangeIds });
        continue;
      }
      if (ctx.budget.maxFailures && failures >= ctx.budget.maxFailures) {
        emit({ ...base, status: 'skip', reason: `stopped after ${failures} failing propert${failures === 1 ? 'y' : 'ies'} (--max-failures)`, exchangeIds: [] });
        continue;
      }
      if (ctx.aborted?.()) {
        emit({ ...base, status: 'skip', reason: ctx.stopReason?.() ?? 'interrupted', exchangeIds: [] });
        continue;
      }
      ctx.onProperty?.(checkId, property.title);
      if (!learned) {
        // Once, before the first property that runs: what the product takes (product-rules.ts).
        target.beginProperty('rl', 'fuzz (product rules)');
        learned = await learnProductRules(env);
        env.schemas = applyRules(env.schemas, learned);
      }
      target.beginProperty(property.tag, checkId);
      const started = performance.now();
      const replay = ctx.replay?.find((k) => k.property === property.id);
      let verdict: Awaited<ReturnType<typeof fuzzOne>>;
      const tally: Tally = { judged: 0, refused: [], declined: [] };
      try {
        verdict = await fuzzOne(property, env, tally, {
          seed: replay?.seed ?? ctx.seed,
          numRuns,
          ...(share ? { timeMs: share } : {}),
          shrinkTimeMs: ctx.budget.shrinkTimeMs ?? DEFAULT_SHRINK_MS,
          ...(replay ? { replay } : {}),
        });
      } catch (error) {
        // A bug of the fuzzer itself: reported as a harness error, never against the server.
        emit({ ...base, status: 'error', message: `harness error while fuzzing: ${error instanceof Error ? error.message : String(error)}`, exchangeIds: [] });
        continue;
      }
      const ms = Math.round(performance.now() - started);
      refusals.push(...tally.refused);
      if (!verdict.failed && tally.judged === 0 && tally.refused.length > 0) {
        emit({ ...base, status: 'skip', reason: `not judged: the server refused every generated case with a clean 400, 409 or 413 (${tally.refused[0]!.detail.slice(0, 200)}); see fuzz.valid-input-accepted`, exchangeIds: [], ms });
        continue;
      }
      if (!verdict.failed && tally.judged === 0 && tally.declined.length > 0) {
        emit({ ...base, status: 'skip', reason: `not judged: the server declined every generated filter with 400 (invalidFilter, or no scimType), as RFC 7644 lets it for attributes and operators it does not filter on (${tally.declined[0]!.message.slice(0, 300)})`, exchangeIds: keep([tally.declined[0]!.exchange]), ms });
        continue;
      }
      // A property that judged no case has not passed: its time share ran out before one finished.
      if (!verdict.failed && tally.judged === 0 && !replay && !ctx.aborted?.()) {
        const why = verdict.interrupted && share ? `no generated case finished within this property's share of the time budget (${share} ms of --time ${ctx.budget.timeMs} ms)` : 'no generated case could be judged';
        emit({ ...base, status: 'skip', reason: `not judged: ${why}`, exchangeIds: [], ms });
        continue;
      }
      if (!verdict.failed) {
        const declined = tally.declined.length > 0 ? `; ${tally.declined.length} set aside: filters the server declines with 400 invalidFilter (RFC 7644 §3.12), e.g. ${tally.declined[0]!.message.slice(0, 200)}` : '';
        const message = replay ? `the counterexample no longer fails (seed ${replay.seed}, path ${replay.path})` : `${tally.judged} generated cases passed (seed ${ctx.seed})${verdict.interrupted ? ', stopped by the time budget' : ''}${declined}`;
        emit({ ...base, status: ctx.aborted?.() ? 'skip' : 'pass', ...(ctx.aborted?.() ? { reason: ctx.stopReason?.() ?? 'interrupted' } : {}), message, exchangeIds: [], ms });
        continue;
      }
      const sent = verdict.exchanges.filter((ex) => ex.origin?.suite !== 'cleanup');
      const unanswered = sent.at(-1);
      if (unanswered && !unanswered.response && unanswered.transportError) {
        // No answer is not a wrong answer: as in a scenario, the property could not be judged (the
        // run reads INCOMPLETE unless something else failed); the timeout is the latency finding's.
        const reason = verdict.error instanceof Error ? verdict.error.message : String(verdict.error);
        emit({ ...base, status: 'error', message: `not judged: ${reason}`, exchangeIds: keep([unanswered]), ms });
        continue;
      }
      failures++;
      const exchangeIds = keep(sent);
      const failure = verdict.error instanceof PropertyFailure ? verdict.error : undefined;
      const reason = verdict.error instanceof Error ? verdict.error.message : String(verdict.error);
      const counterexample = describeInput(property, verdict.counterexample);
      const replayed = verdict.refusedOnReplay
        ? ` (replayed, the minimal case was refused this time, not passed: ${verdict.refusedOnReplay.detail.slice(0, 160)}; a server that keeps values unique or reserved refuses a case it took once. The exchanges shown are from its last failing run)`
        : ' (the minimal case did not fail again when replayed; the exchanges shown are from its last failing run)';
      const message = `${reason}${verdict.flaky ? replayed : ''}`;
      emit({
        ...base,
        status: base.level === 'MUST' ? 'fail' : base.level === 'SHOULD' ? 'warn' : 'info',
        message,
        ...(failure?.expected !== undefined ? { expected: failure.expected } : {}),
        ...(failure?.actual !== undefined ? { actual: failure.actual } : {}),
        exchangeIds,
        ms,
      });
      sections.push({
        kind: 'fuzz-counterexample',
        title: `${checkId}: minimal counterexample`,
        data: {
          property: property.id,
          seed: verdict.seed,
          path: verdict.path ?? '',
          ...(verdict.replayPath ? { replayPath: verdict.replayPath } : {}),
          replayFile: replayFileName(property.id),
          // The run's own credentials (a --basic run replays with --basic), every word quoted for sh.
          replayCommand: `npx scimproof fuzz --replay ${shellQuote(replayFileName(property.id))} --url ${shellQuote(target.baseUrl)} ${credentialArguments(runCredentials(ctx.client.auth, ctx.client.headers, ctx.client.secrets))}`.trimEnd(),
          requests: exchangeIds.length,
          shrinks: verdict.numShrinks,
          message,
          counterexample,
          exchangeIds,
        },
      });
    }
    // A finding only when there is one: no refusal means nothing to report beyond the properties.
    if (refusals.length > 0 && (!ctx.selected || ctx.selected(ACCEPTED_ID))) emit(acceptedResult(refusals, keep));
  } finally {
    await target.close();
  }
  const summary = target.cleanupSummary;
  const rules = learned ? describeRules(learned) : undefined;
  sections.unshift({
    kind: 'fuzz-summary',
    title: 'Fuzzing',
    data: {
      seed: ctx.seed,
      properties: results.length,
      failed: results.filter((r) => r.status === 'fail').length,
      requests: target.requests,
      runsPerProperty: ctx.budget.timeMs ? `time budget ${ctx.budget.timeMs} ms` : numRuns,
      created: summary.deleted + summary.gone + summary.failed + summary.kept,
      cleanupFailed: summary.failed,
      kept: summary.kept,
      ...(rules ? { productRules: rules } : {}),
    },
  });
  keep(target.recentExchanges());
  const exchanges = [...kept.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { results, sections, exchanges, cleanup: target.cleanup, leftovers: target.leftovers, unresolved: target.unresolved, requests: target.requests };
}

function describeInput(property: FuzzProperty<unknown>, counterexample: unknown): string {
  const input = Array.isArray(counterexample) ? counterexample[0] : counterexample;
  const text = property.describe ? property.describe(input) : fc.stringify(input);
  return text.length > 4000 ? `${text.slice(0, 3997)}...` : text;
}

interface FuzzOneOptions {
  seed: number;
  numRuns: number;
  timeMs?: number;
  shrinkTimeMs: number;
  replay?: ReplayKey;
}

interface Verdict {
  failed: boolean;
  interrupted: boolean;
  numRuns: number;
  numShrinks: number;
  seed: number;
  path?: string;
  replayPath?: string;
  counterexample?: unknown;
  error?: unknown;
  exchanges: Exchange[];
  flaky: boolean;
  /** When the minimal case did not fail again because the server refused it this time (a value it now holds reserved). */
  refusedOnReplay?: ServerRefusal;
}

// The plugin is generic over nothing; fast-check types it loosely.
const timeLimit = (ms: number) => fc.interruptAfterTimeLimit(ms) as unknown as fc.Plugin<[unknown]>;

/** How many generated cases a property could judge, and which ones the server refused by a rule of its own. */
interface Tally {
  judged: number;
  refused: ServerRefusal[];
  /** Generated filters the server declined with 400 invalidFilter (allowed; set aside). */
  declined: FilterDeclined[];
}

const ACCEPTED_ID = 'fuzz.valid-input-accepted';

/** One finding for every clean refusal of a schema-valid request, at SHOULD, with the server's own words. */
function acceptedResult(refused: readonly ServerRefusal[], keep: (list: readonly Exchange[]) => string[]): CheckResult {
  const base = { checkId: ACCEPTED_ID, baseId: ACCEPTED_ID, title: 'Generated resources and PATCHes that the schema allows are accepted', area: 'fuzz', suite: 'fuzz', level: 'SHOULD' as const, refs: ['RFC7643-2.2', 'RFC7644-3.3', 'RFC7644-3.12'] };
  const details = [...new Set(refused.map((r) => r.detail))];
  return {
    ...base,
    status: 'warn',
    message: `the server refused ${refused.length} generated request(s) that its /Schemas allows, with a clean 400 (409: a value it keeps unique or reserved, RFC 7644 §3.12; 413: a size limit): ${details.slice(0, 3).map((d) => JSON.stringify(d.slice(0, 160))).join('; ')}. A rule of the application, not a protocol failure; IdPs show such errors to the admin (example: ${refused[0]!.message})`,
    exchangeIds: keep([refused[0]!.exchange]),
  };
}

function stoppedByTheRun(error: unknown, exchanges: readonly Exchange[]): boolean {
  return (error instanceof Error && error.name === 'AbortError') || exchanges.some((x) => x.transportError?.code === 'aborted');
}

async function fuzzOne(property: FuzzProperty<unknown>, env: FuzzEnv, tally: Tally, options: FuzzOneOptions): Promise<Verdict> {
  let lastFailing: { exchanges: Exchange[]; error: unknown } | undefined;
  const make = (replayPath?: string) =>
    fc.asyncProperty(property.arbitrary(env, replayPath), async (input) => {
      if (env.target.aborted()) return;
      const outcome = await env.target.run(() => property.check(env, input));
      // The run stopped (a signal, the time budget) while this case was under way: a request the run
      // aborted itself, or did not send, says nothing of the server. No verdict, as a scenario step.
      if (outcome.error !== undefined && env.target.aborted() && stoppedByTheRun(outcome.error, outcome.exchanges)) return;
      if (outcome.error instanceof ServerRefusal) {
        tally.refused.push(outcome.error);
        return;
      }
      if (outcome.error instanceof FilterDeclined) {
        tally.declined.push(outcome.error);
        return;
      }
      if (!('error' in outcome) || outcome.error === undefined) tally.judged++;
      if ('error' in outcome && outcome.error !== undefined) {
        lastFailing = { exchanges: outcome.exchanges, error: outcome.error };
        throw outcome.error;
      }
    });
  const attempt = async (params: fc.Parameters<[unknown]>, replayPath?: string): Promise<Attempt & { numShrinks: number }> => {
    const details = await fc.check(make(replayPath), params);
    // A time limit returns while the evaluation it interrupted still runs: let it finish (its
    // outcome is ignored) before anything else uses the target.
    await env.target.settled();
    return {
      failed: details.failed,
      interrupted: details.interrupted,
      numRuns: details.numRuns,
      numShrinks: details.numShrinks,
      ...(details.counterexamplePath !== null ? { path: details.counterexamplePath } : {}),
      ...(details.counterexample !== null ? { counterexample: details.counterexample, replayPath: replayPathOf(details.counterexample) ?? replayPath } : {}),
      error: details.errorInstance,
    };
  };
  const seed = options.seed;
  let found: Attempt & { numShrinks: number };
  let numShrinks = 0;
  let runs = 0;
  if (options.replay) {
    found = await attempt({ seed, path: options.replay.path, endOnFailure: true, numRuns: 1 }, options.replay.replayPath);
    runs = found.numRuns;
  } else {
    found = await attempt({ seed, numRuns: options.numRuns, endOnFailure: true, ...(options.timeMs ? { plugins: [timeLimit(options.timeMs)] } : {}) });
    runs = found.numRuns;
    if (found.failed && found.path !== undefined && !env.target.aborted()) {
      const shrunk = await attempt({ seed, path: found.path, numRuns: options.numRuns, plugins: [timeLimit(options.shrinkTimeMs)] }, found.replayPath);
      if (shrunk.failed && shrunk.path !== undefined) {
        found = shrunk;
        numShrinks = shrunk.numShrinks;
      }
    }
  }
  if (!found.failed || found.path === undefined) {
    return { failed: false, interrupted: found.interrupted, numRuns: runs, numShrinks: 0, seed, exchanges: [], flaky: false };
  }
  const fromSearch = lastFailing;
  lastFailing = undefined;
  // Phase 3: the minimal case once more, so its exchanges stand alone in the record.
  let flaky = false;
  let refusedOnReplay: ServerRefusal | undefined;
  if (!options.replay) {
    const refusedBefore = tally.refused.length;
    const again = await attempt({ seed, path: found.path, endOnFailure: true, numRuns: 1 }, found.replayPath);
    if (!again.failed) {
      flaky = true;
      // A server that keeps values reserved (an email after DELETE: 409) refuses the same case the
      // second time: not a pass, and not a request of the run to count in fuzz.valid-input-accepted.
      if (tally.refused.length > refusedBefore) refusedOnReplay = tally.refused.splice(refusedBefore).at(-1);
    } else if (again.path !== undefined) found = { ...again, numShrinks };
  }
  const recorded: { exchanges: Exchange[]; error: unknown } | undefined = lastFailing ?? fromSearch;
  return {
    failed: true,
    interrupted: found.interrupted,
    numRuns: runs,
    numShrinks,
    seed,
    path: found.path,
    ...(found.replayPath ? { replayPath: found.replayPath } : {}),
    counterexample: found.counterexample,
    error: recorded?.error ?? found.error,
    exchanges: recorded?.exchanges ?? [],
    flaky,
    ...(refusedOnReplay ? { refusedOnReplay } : {}),
  };
}
