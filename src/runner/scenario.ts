// Executes one scenario: for each step, render the request from suite data and captured values,
// send it through the recording client, capture values for later steps, and judge the exchange
// with the checks the step names. A check that throws is a harness error, never a server failure.
import { createHash } from 'node:crypto';
import type { Auth, OutgoingRequest, ScimClient } from '../http/client.ts';
import type { Cause, CheckResult, Discovery, Exchange } from '../record/types.ts';
import { displayId } from '../record/display-id.ts';
import { checkKind } from '../checks/registry.ts';
import type { Verdict } from '../checks/types.ts';
import type { BurstSpec, Expectation, LoadedSuite, Scenario, Step } from '../suite/types.ts';
import { getPointer } from '../util/pointer.ts';
import { bodilessCreateStandIn, isBodilessCreate } from '../spec/created.ts';
import { buildDialectRequest } from '../dialects/index.ts';
import { DialectArgumentError } from '../dialects/shared.ts';
import { describeMissing } from './discovery.ts';
import { attributesToAsk } from '../spec/returned.ts';
import { membersUnseen } from './members-shown.ts';
import { readOnlyNeed, readOnlyPutRefused, refusedAsDeclared } from './declared-mutability.ts';
import { MissingVariable, render, renderPath } from './template.ts';
import { leaveOut } from './leave-out.ts';
import { withRequiredValues } from './required-fill.ts';
import { fitRequest, groupQuerySkip, type LeftOut } from './schema-fit.ts';
import { scopeFilter, type ScopeStrategy } from './scope-probe.ts';
import { advertisedUser, declaredReadOnly, READ_ONLY_PHRASE } from '../spec/advertised.ts';
import { EvidenceIndex } from './chain.ts';
import { clockTickMs } from './clock-tick.ts';
import { sleep } from '../util/sleep.ts';
import { isCollectionQuery } from '../http/settle.ts';
import { ASK_AGAIN_AFTER_MS, RECENT_WRITE_MS, type SearchLag } from './search-lag.ts';
import { gateOnOffers, learnFrom, type Offers } from './offers.ts';
import { asConsequence, causeFromResult, describeExchange, failedOutcome, failedWriteBefore, failureOf, withCause, type Judged, type StepRun } from './consequences.ts';

export interface ScenarioContext {
  client: ScimClient;
  discovery: Discovery;
  /** Run-wide variables (prefix, seed-derived ids, run lists such as requiredUserAttributes). */
  runVars: Record<string, unknown>;
  /** Decides whether a check id is selected by --only/--skip. */
  selected(checkId: string): boolean;
  onResult(result: CheckResult): void;
  aborted(): boolean;
  /** Why the run stops early (the time budget ran out, Ctrl-C …), once `aborted()` is true. */
  stopReason?(): string | undefined;
  /** Aborts requests in flight when the run must stop (the time budget); cleanup does not use it. */
  signal?: AbortSignal;
  /** Credentials used by `auth: wrong-*` probes. */
  wrongAuth: { bearer: Auth; basic: Auth };
  /** Told what a request left out because the server does not advertise it (schema-fit.ts). */
  onLeftOut?(origin: NonNullable<OutgoingRequest['origin']>, leftOut: LeftOut[]): void;
  /** Asks a failing query again when the server's search may lag its writes (search-lag.ts); absent: never. */
  searchLag?: SearchLag;
  /** Measures the lag (search-lag-probe.ts); called before the first query step after a write. */
  measureSearchLag?(): Promise<void>;
  /**
   * Told of a check skipped because a step with checks of its own did not yield what it needed,
   * while none of that step's checks in the report failed (see `explained`): a run that fails
   * nothing else must not read as a pass on it (run.ts makes it an error then).
   */
  onNotRun?(checkId: string, message: string): void;
  /**
   * Learns once per run how the server shows group members (members-shown.ts) and records it in
   * `discovery.groupMembers`; called when a read-back that should list members lists none.
   */
  learnGroupMembers?(): Promise<void>;
}

interface StepInstance {
  step: Step;
  index: number;
  item?: unknown;
}

/** Check kinds that, when they pass on an error answer, show the refusal was what the step wanted. */
const REFUSAL_KINDS = new Set(['status', 'error', 'created-or-rejected']);

const statusFor = (verdict: Verdict, level: Expectation['level']): CheckResult['status'] => {
  if (verdict.ok === true) return 'pass';
  if (verdict.ok === 'skip') return 'skip';
  return level === 'SHOULD' ? 'warn' : level === 'MAY' ? 'info' : 'fail';
};

type Base = Omit<CheckResult, 'status' | 'exchangeIds'>;
type Found = Cause & { result?: CheckResult };

/** Runs the scenario and returns its variables (run variables plus everything captured). */
export async function runScenario(suite: LoadedSuite, scenarioIndex: number, ctx: ScenarioContext, variant?: string): Promise<Record<string, unknown>> {
  const scenario = suite.scenarios[scenarioIndex]!;
  const tag = `${String(ctx.runVars.prefix)}${scenarioStem(scenario.id, variant)}`;
  // A random id of the scenario's own: an id one scenario makes a server take (a PUT naming another
  // id) must not turn up as "an id that does not exist" in another.
  const randomUuid = scenarioUuid(String(ctx.runVars.randomUuid), `${tag}:random`);
  const strategy = ctx.runVars.scopeStrategy as ScopeStrategy | undefined;
  // `{{scenario.scope}}`: a filter that selects this scenario's users (scope-probe.ts).
  const vars: Record<string, unknown> = { ...ctx.runVars, randomUuid, scenario: { tag, uuid: scenarioUuid(String(ctx.runVars.randomUuid), tag), ...(strategy ? { scope: scopeFilter(strategy, tag) } : {}) }, ...(variant ? { dialect: variant } : {}) };
  const pointerBase = `${suite.file}#/scenarios/${scenarioIndex}`;
  const instances = expand(scenario, vars);
  const idOf = (e: Expectation, instance: StepInstance): string => displayId({ baseId: e.id, ...(variant ? { variant } : {}), ...(instance.item !== undefined ? { item: String(instance.item) } : {}) });
  const selectedIds = instances.flatMap((i) => (i.step.expect ?? []).map((e) => idOf(e, i))).filter((id) => ctx.selected(id));
  // Discovery always runs: every later capability decision depends on it.
  if (suite.suite !== 'discovery' && selectedIds.length === 0 && instances.some((i) => (i.step.expect ?? []).length > 0)) return vars;

  const missing = (scenario.requires ?? []).filter((cap) => !ctx.discovery.capabilities[cap]);
  // `unexplained`: the scenario stopped because a step with checks of its own did not yield a value
  // a later step needs, and none of its checks the report shows failed (a 201 without the id whose
  // status check passed; a refusal --only leaves out): what could not run must not read as a pass
  // (ctx.onNotRun). A set-up step without checks explains nothing either: in the built-in suites
  // a scenario of its own judges that request, and its failure keeps these skips (run.ts); in a
  // vendor's suite, or with that scenario left out, nothing in the report would say why.
  let stop: { reason: string; cause?: Found; unexplained?: boolean } | undefined = missing.length > 0 ? { reason: describeMissing(missing, ctx.discovery) } : undefined;
  // Resources (URL paths) a write to which the server refused as its /Schemas says (declared-mutability.ts):
  // what later steps read back of them is not judged; their other checks are.
  const refusedAsSchemaSays = new Map<string, string>();
  // Why the last set-up write was not sent (schema-fit.ts), until the next write is.
  let unsentWrite: string | undefined;
  const runs: StepRun[] = [];
  // Every expectation is judged, selected or not, so a cause is known even when --only hides it.
  const judgedByBaseId = new Map<string, Judged[]>();
  const resultsById = new Map<string, CheckResult>();
  // Which step was to capture each variable, so a step that cannot be built can name the cause.
  const capturedBy = new Map<string, StepRun>();
  // What this scenario sent so far: the evidence chains of its judgements are picked from it.
  const sent = new EvidenceIndex(String(ctx.runVars.prefix ?? ''));
  // Refusals a check of the step accepted (a probe that must get a 400): not part of any story.
  const expectedRefusals = new Set<string>();
  // What the server's answers showed it offers (a step's `learn`), for the checks that `need` it.
  const offers: Offers = new Map();

  for (const instance of instances) {
    const { step } = instance;
    const expectations = step.expect ?? [];
    const stepVars = instance.item === undefined ? vars : { ...vars, item: instance.item };
    const stepName = `${step.name}${variant ? `[${variant}]` : ''}${instance.item !== undefined ? `[${String(instance.item)}]` : ''}`;
    const origin = { suite: suite.suite, scenario: scenario.id, step: stepName, pointer: `${pointerBase}/steps/${instance.index}` };
    const base = (e: Expectation): Base => ({
      checkId: idOf(e, instance),
      baseId: e.id,
      ...(variant ? { variant } : {}),
      ...(instance.item !== undefined ? { item: String(instance.item) } : {}),
      title: instance.item === undefined ? e.title : `${e.title} (${String(instance.item)})`,
      area: suite.area,
      suite: suite.suite,
      level: e.level ?? checkKind(e.check)!.defaultLevel,
      refs: e.refs ?? checkKind(e.check)!.defaultRefs,
      ...(e.impact ? { impact: e.impact } : {}),
      ...(e.blocksIdp !== undefined ? { blocksIdp: e.blocksIdp } : {}),
      kind: e.check,
    });
    const record = (run: StepRun): void => {
      runs.push(run);
      for (const j of run.judged) {
        const baseId = j.result.baseId ?? j.result.checkId;
        judgedByBaseId.set(baseId, [...(judgedByBaseId.get(baseId) ?? []), j]);
        resultsById.set(j.result.checkId, j.result);
        if (j.selected) ctx.onResult(j.result);
      }
    };
    const skipAll = (reason: string, cause?: Found, unexplained = false): void => {
      record({
        judged: expectations.map((e) => {
          const result: CheckResult = { ...base(e), status: 'skip', reason, exchangeIds: [], ...(cause ? { causedBy: publicCause(cause, ctx) } : {}) };
          const selected = ctx.selected(result.checkId);
          if (unexplained && selected) ctx.onNotRun?.(result.checkId, `not run: ${reason}, and no check of that step in the report failed: a check that could not run is no pass`);
          return { result, selected, judges: checkKind(e.check)!.judges };
        }),
      });
    };
    if (ctx.aborted()) stop = { reason: ctx.stopReason?.() ?? 'the run was interrupted' };
    if (stop) {
      skipAll(stop.reason, stop.cause, stop.unexplained);
      continue;
    }
    const stepMissing = (step.requires ?? []).filter((cap) => !ctx.discovery.capabilities[cap]);
    if (stepMissing.length > 0) {
      skipAll(describeMissing(stepMissing, ctx.discovery));
      continue;
    }
    let request: OutgoingRequest & { keep?: string[] };
    try {
      request = buildRequest(step, stepVars, ctx, origin);
    } catch (error) {
      // An argument the server's earlier answer did not provide (a GET that returned an error
      // instead of the resource) means the step cannot be sent: skipped, with the reason.
      if (!(error instanceof MissingVariable) && !(error instanceof DialectArgumentError)) throw error;
      const reason = `not sent: ${error.message}`;
      const source = error instanceof MissingVariable ? capturedBy.get(error.variable) : undefined;
      const cause = source?.exchange ? (failureOf(source) ?? failingCheckOf(source, `{{${(error as MissingVariable).variable}}}`) ?? { exchangeId: source.exchange.id, summary: `${describeExchange(source.exchange)} without the value` }) : undefined;
      const unexplained = cause !== undefined && !explained(source!, cause, ctx);
      skipAll(reason, cause, unexplained);
      if (!step.continueOnFailure) stop = { reason, ...(cause ? { cause } : {}), ...(unexplained ? { unexplained } : {}) };
      continue;
    }
    // Like an IdP's attribute mapping, requests carry only attributes the server advertises (what
    // the IdP always sends stays); a probe sending an unadvertised attribute on purpose says `fit: false`.
    const { keep, ...built } = request;
    const groupSkip = step.send.fit === false ? undefined : groupQuerySkip(built, ctx.discovery, typeof ctx.runVars.prefix === 'string' ? ctx.runVars.prefix : undefined);
    const fitted = step.send.fit === false ? { request: built, leftOut: [] } : groupSkip ? { skip: groupSkip } : fitRequest(built, advertisedUser(ctx.discovery), keep ?? [], step.send.dialect === undefined);
    if ('skip' in fitted) {
      skipAll(fitted.skip);
      // A set-up write (no checks of its own) that cannot be sent as written leaves nothing for the
      // reads after it to judge: they would judge a change that was never asked for.
      if (expectations.length === 0 && built.method.toUpperCase() !== 'GET') unsentWrite = fitted.skip;
      continue;
    }
    if (unsentWrite !== undefined) {
      if (built.method.toUpperCase() === 'GET') {
        skipAll(`${unsentWrite} (this reads back what that PATCH was to change)`);
        continue;
      }
      unsentWrite = undefined;
    }
    if (fitted.leftOut.length > 0) ctx.onLeftOut?.(origin, fitted.leftOut);
    // A probe of one attribute (a wrongly typed value) that the request cannot carry as written judges nothing.
    if (step.probes !== undefined) {
      const why = fitted.leftOut.find((l) => l.what.toLowerCase() === step.probes!.toLowerCase())?.reason ?? declaredReadOnly(advertisedUser(ctx.discovery), step.probes);
      if (why) {
        skipAll(`not sent: this probe is about ${step.probes}, but ${why}`);
        continue;
      }
    }
    if (step.waitForTick !== undefined) await waitForTick(step.waitForTick, stepVars);
    // The first query after a write is where a search that lags would first show: measured there
    // (not inside a burst, whose requests measure a rate).
    const query = !step.send.burst && isCollectionQuery(fitted.request.method, fitted.request.path, fitted.request.query);
    if (query && ctx.searchLag?.wantsProbe && ctx.searchLag.sinceLastWrite() <= RECENT_WRITE_MS) await ctx.measureSearchLag?.();
    // One exchange, or the pages of a `follow` walk / the requests of a `burst`: the last is judged.
    let exchanges = await sendStep(step, ctx.signal ? { ...fitted.request, signal: ctx.signal } : fitted.request, ctx);
    let exchange = exchanges[exchanges.length - 1]!;
    if (exchange.transportError?.code === 'aborted' && ctx.aborted()) {
      // The run stopped while this request was in flight: nothing to judge, and nothing after it.
      const reason = ctx.stopReason?.() ?? 'the run was interrupted';
      stop = { reason };
      const waitedFor = `${exchange.request.method} ${request.path.split('?')[0]}`;
      record({
        judged: expectations.map((e) => {
          const result: CheckResult = { ...base(e), status: 'skip', reason: `${reason} (while waiting for the answer to ${waitedFor}, ${exchange.id})`, exchangeIds: [exchange.id] };
          return { result, selected: ctx.selected(result.checkId), judges: checkKind(e.check)!.judges };
        }),
      });
      continue;
    }
    // The story that led to the step's first request, then the step's other exchanges in order:
    // every page of a walk; of a burst (hundreds of requests) the first refused one and the last.
    const judgeAnswer = (xs: Exchange[]): Answer => {
      const rest = step.send.burst ? burstEvidence(xs) : xs.slice(1);
      const chain = [...sent.chainOf(xs[0]!, (x) => expectedRefusals.has(x.id)), ...rest].map((x) => x.id);
      const captureProblem = capture(step, xs, vars);
      return { exchanges: xs, captureProblem, results: expectations.map((e) => judge(e, base(e), xs, chain, stepVars, ctx)) };
    };
    const before = ctx.searchLag && query && fitted.request.auth === 'default' ? { ...vars } : undefined;
    let answer = judgeAnswer(exchanges);
    if (before && mayBeLag(answer, expectations, ctx) && ctx.searchLag!.mayAskAgain()) {
      answer = await askAgain(answer, before, { step, request: ctx.signal ? { ...fitted.request, signal: ctx.signal } : fitted.request, vars, judgeAnswer }, ctx);
    }
    if (ctx.learnGroupMembers && !ctx.discovery.groupMembers && membersUnseen(answer.exchanges[answer.exchanges.length - 1]!, expectations, answer.results.map((r) => r.status === 'pass' || r.status === 'skip'))) {
      answer = await judgedOnMembersShown(answer, { step, request: ctx.signal ? { ...fitted.request, signal: ctx.signal } : fitted.request, vars, judgeAnswer }, ctx);
    }
    const { captureProblem } = answer;
    exchanges = answer.exchanges;
    exchange = exchanges[exchanges.length - 1]!;
    for (const x of exchanges) sent.add(x);
    const run: StepRun = { exchange, judged: [] };
    for (const name of Object.keys(step.capture ?? {})) capturedBy.set(name.replace(/\[\]$/, ''), run);
    expectations.forEach((e, i) => {
      const result = answer.results[i]!;
      if (result.status === 'pass' && REFUSAL_KINDS.has(e.check)) expectedRefusals.add(exchange.id);
      run.judged.push({ result, selected: ctx.selected(result.checkId), judges: checkKind(e.check)!.judges });
    });
    applyCauses(run, runs, expectations, judgedByBaseId, resultsById, ctx);
    // What an IdP writes to an attribute the server declares readOnly is ignored (RFC 7644 §3.5.1):
    // the check is not judged, and the IdP's verdict says once what it needs.
    run.judged = run.judged.map((j) => {
      const declared = j.result.status === 'skip' && !j.result.idpNeeds && (j.result.variant !== undefined || j.result.impact !== undefined) ? READ_ONLY_CLAUSE.exec(j.result.reason ?? '')?.[1] : undefined;
      return declared ? { ...j, result: { ...j.result, idpNeeds: readOnlyNeed(declared) } } : j;
    });
    learnFrom(step.learn, exchange, offers);
    gateOnOffers(run.judged, expectations, offers);
    const unoffered = variant === undefined ? notOffered(exchange, ctx.discovery.capabilities.serviceProviderConfig === false) : undefined;
    const needs = variant !== undefined ? idpNeedsPatch(exchange, variant, ctx.discovery) : undefined;
    if (needs) {
      // The server said it has no PATCH, and kept its word: the replay cannot go on, and what the
      // IdP would meet is its verdict's (one blocking sentence), not a failure of each check.
      run.judged = run.judged.map((j) => (j.result.status === 'pass' ? j : { ...j, result: { ...j.result, status: 'skip', reason: needs.reason, idpNeeds: needs.need, exchangeIds: [exchange.id] } }));
      record(run);
      stop = { reason: needs.reason };
      continue;
    }
    const immutable = !unoffered ? refusedAsDeclared(exchange, ctx.discovery, ctx.client.exchanges) : undefined;
    if (immutable) {
      // The server did what its schema says: not judged; an IdP that makes this change cannot
      // work, and its verdict says so once (idpNeeds on the replay's checks and on core checks an IdP relies on).
      const reason = `not judged: ${immutable.why}`;
      run.judged = run.judged.map((j) => {
        if (j.result.status === 'pass') return j;
        const forIdp = j.result.variant !== undefined || j.result.impact !== undefined;
        const need = immutable.need;
        return { ...j, result: { ...j.result, status: 'skip', reason, ...(forIdp ? { idpNeeds: need } : {}), exchangeIds: [exchange.id] } };
      });
      record(run);
      // An IdP replay is a sequence that relies on each write: it stops. A core scenario goes on
      // (its later probes, such as an id change, are judged), reading that resource back unjudged.
      if (variant !== undefined) stop = { reason };
      else refusedAsSchemaSays.set(resourceKey(exchange), reason);
      continue;
    }
    if (unoffered) {
      // What the RFC checks cannot judge: the product does not offer the operation. The IdP
      // replays (variants) keep their failures: Entra sends DELETE, Okta sends PUT.
      run.judged = run.judged.map((j) => (j.result.status === 'pass' ? j : { ...j, result: { ...j.result, status: 'skip', reason: unoffered, exchangeIds: [exchange.id] } }));
      record(run);
      stop = { reason: unoffered };
      continue;
    }
    const putRefused = !unoffered && !immutable ? readOnlyPutRefused(exchange, ctx.discovery) : undefined;
    if (putRefused) run.judged = run.judged.map((j) => (j.result.status === 'fail' || j.result.status === 'warn' ? { ...j, result: { ...j.result, message: `${j.result.message ?? ''}: ${putRefused}` } } : j));
    const refusedBefore = refusedAsSchemaSays.get(resourceKey(exchange));
    if (refusedBefore && exchange.request.method === 'GET') {
      run.judged = run.judged.map((j) => (j.result.status === 'pass' || j.judges !== 'content' ? j : { ...j, result: { ...j.result, status: 'skip', reason: `${refusedBefore} (this reads back the resource the refused write was for)`, exchangeIds: [exchange.id] } }));
    }
    record(run);
    const status = exchange.response?.status;
    if (captureProblem && !step.continueOnFailure && step.absentMeans !== undefined && status !== undefined && status >= 200 && status < 300 && exchange.response?.json !== undefined) {
      // A value the server may leave out (meta.lastModified): a success without it is no answer, not a failure.
      stop = { reason: `step "${step.name}" did not yield ${captureProblem}: ${step.absentMeans}` };
    } else if (captureProblem && !step.continueOnFailure) {
      // The step's own failing check says best why the value is missing (a 201 with an empty body).
      const cause = failureOf(run) ?? failingCheckOf(run, captureProblem) ?? { exchangeId: exchange.id, summary: `${describeExchange(exchange)} without ${captureProblem}` };
      stop = { reason: `step "${step.name}" did not yield ${captureProblem}`, cause, ...(explained(run, cause, ctx) ? {} : { unexplained: true }) };
    }
  }
  return vars;
}

/** A step's answer as judged: its exchanges, what its captures missed, one result per expectation. */
interface Answer {
  exchanges: Exchange[];
  captureProblem: string | undefined;
  results: CheckResult[];
}

const failed = (r: CheckResult): boolean => r.status !== 'pass' && r.status !== 'skip';

/**
 * Whether a search that lags writes could explain what failed: the request got the answer it should
 * (every outcome and form check passed) and only checks of what came back failed.
 */
function mayBeLag(answer: Answer, expectations: readonly Expectation[], ctx: ScenarioContext): boolean {
  let any = false;
  for (let i = 0; i < expectations.length; i++) {
    if (!failed(answer.results[i]!)) continue;
    if (checkKind(expectations[i]!.check)!.judges !== 'content') return false;
    // (A check left out by --only/--skip is judged all the same, but not worth waiting for.)
    if (ctx.selected(answer.results[i]!.checkId)) any = true;
  }
  return any;
}

/** Puts `vars` back as they were in `snapshot` (captures of an answer that is not kept). */
function restoreVars(vars: Record<string, unknown>, snapshot: Record<string, unknown>): void {
  for (const key of Object.keys(vars)) if (!(key in snapshot)) delete vars[key];
  Object.assign(vars, snapshot);
}

/**
 * Sends a failing query step again, a little later each time (search-lag.ts), until an answer
 * passes every check. That answer is the step's, and the checks the first answer failed say so;
 * if none passes, the first answer stands, with its captures.
 */
async function askAgain(first: Answer, before: Record<string, unknown>, again: { step: Step; request: OutgoingRequest; vars: Record<string, unknown>; judgeAnswer: (xs: Exchange[]) => Answer }, ctx: ScenarioContext): Promise<Answer> {
  const lag = ctx.searchLag!;
  const afterFirst = { ...again.vars };
  const missed = first.exchanges[first.exchanges.length - 1]!;
  for (const waitMs of ASK_AGAIN_AFTER_MS) {
    await sleep(waitMs, ctx.signal);
    if (ctx.aborted()) break;
    const sinceWrite = lag.sinceLastWrite();
    const origin = again.request.origin ? { origin: { ...again.request.origin, step: `${again.request.origin.step} (asked again: search lag?)` } } : {};
    const xs = await sendStep(again.step, { ...again.request, ...origin }, ctx);
    if (xs[xs.length - 1]!.transportError) break;
    restoreVars(again.vars, before);
    const answer = again.judgeAnswer(xs);
    if (answer.results.some(failed)) continue;
    const found = xs[xs.length - 1]!;
    lag.lagged({ step: `${again.request.origin?.scenario ?? ''} / ${again.request.origin?.step ?? again.step.name}`, missedExchangeId: missed.id, passedExchangeId: found.id, afterWriteMs: sinceWrite });
    const note = `passed when asked again ${Math.round(sinceWrite)} ms after the last write; the first answer (${missed.id}) missed it: the server's search lags its writes`;
    answer.results = answer.results.map((r, i) => (failed(first.results[i]!) ? { ...r, message: note, exchangeIds: [...r.exchangeIds.slice(0, -1), missed.id, ...r.exchangeIds.slice(-1)] } : r));
    return answer;
  }
  lag.notHelped();
  restoreVars(again.vars, afterFirst);
  return first;
}

/**
 * A read-back that should list group members listed none: the run learns once how the server
 * shows them (members-shown.ts), and judges the answer again by what it learned. Shown only when
 * asked: the harness's own read is sent again with `attributes=` naming what its checks judge (an
 * IdP's read is not: it asks what the IdP asks). Never shown: the membership assertions are not
 * judged (groups.get.members says why). Shown by default: the answer stands.
 */
async function judgedOnMembersShown(first: Answer, again: { step: Step; request: OutgoingRequest; vars: Record<string, unknown>; judgeAnswer: (xs: Exchange[]) => Answer }, ctx: ScenarioContext): Promise<Answer> {
  const before = { ...again.vars };
  await ctx.learnGroupMembers!();
  const shown = ctx.discovery.groupMembers?.shown;
  if (shown === undefined || shown === 'default' || ctx.aborted()) return first;
  const query = again.request.query;
  const attributes = again.step.send.dialect === undefined ? attributesToAsk(ctx.discovery, again.request.method, query, assertedPointers(again.step)) : undefined;
  restoreVars(again.vars, before);
  if (shown === 'never' || attributes === undefined) return again.judgeAnswer(first.exchanges);
  const origin = again.request.origin ? { origin: { ...again.request.origin, step: `${again.request.origin.step} (asked again with attributes=${attributes})` } } : {};
  const xs = await sendStep(again.step, { ...again.request, query: { ...(query ?? {}), attributes }, ...origin }, ctx);
  if (xs[xs.length - 1]!.transportError) return first;
  restoreVars(again.vars, before);
  const answer = again.judgeAnswer(xs);
  const note = `judged on the read sent again with attributes=${attributes}: the server shows group members only when asked (${ctx.discovery.groupMembers!.evidence})`;
  answer.results = answer.results.map((r, i) => (r.status === 'pass' && failed(first.results[i]!) ? { ...r, message: note } : r));
  return answer;
}

/** The first check of the step that failed and is reported, as the cause of what the step did not yield. */
function failingCheckOf(run: StepRun, missing: string): Found | undefined {
  const failed = run.judged.find((j) => j.selected && (j.result.status === 'fail' || j.result.status === 'warn'));
  if (!failed || !run.exchange) return undefined;
  return { checkId: failed.result.checkId, result: failed.result, exchangeId: run.exchange.id, summary: `${describeExchange(run.exchange)} without ${missing}: ${failed.result.message ?? failed.result.title}` };
}

/**
 * Whether what a step did not yield is explained to the reader: the report shows a check of that
 * step that failed (or warned). Otherwise (a 201 without the id a later step needs whose status
 * check passed, a failure --only leaves out, a set-up step without checks that was refused) the
 * checks that could not run would be skips that read as a pass.
 */
function explained(source: StepRun, cause: Found, ctx: ScenarioContext): boolean {
  const shown = cause.checkId !== undefined && ctx.selected(cause.checkId) && cause.result !== undefined && cause.result.status !== 'pass' && cause.result.status !== 'skip';
  return shown || source.judged.some((j) => j.selected && (j.result.status === 'fail' || j.result.status === 'warn'));
}

/** The cause as a result carries it: it names a check only when the report shows that check. */
function publicCause(cause: Found, ctx: ScenarioContext): Cause {
  const { result: _result, checkId, ...rest } = cause;
  return checkId !== undefined && ctx.selected(checkId) ? { checkId, ...rest } : rest;
}

/** Rewrites the step's results that follow from an earlier failure (see consequences.ts). */
function applyCauses(run: StepRun, earlier: readonly StepRun[], expectations: Expectation[], judgedByBaseId: ReadonlyMap<string, Judged[]>, resultsById: ReadonlyMap<string, CheckResult>, ctx: ScenarioContext): void {
  const exchange = run.exchange!;
  const sibling = failedOutcome(run.judged, exchange);
  const upstream = failedWriteBefore(earlier, exchange);
  run.judged.forEach((j, i) => {
    const e = expectations[i]!;
    const needs = e.precondition === undefined ? [] : [e.precondition].flat();
    const unmet = needs.flatMap((id) => judgedByBaseId.get(id) ?? []).find((p) => p.result.status !== 'pass');
    if (unmet) {
      j.result = asConsequence(j.result, reportable(causeFromResult(unmet.result, resultsById), ctx), false);
      return;
    }
    if (j.judges !== 'content') return;
    // Judged on its own answer (an error where the data should be), a sibling keeps its verdict.
    if (sibling?.checkId !== undefined) j.result = withCause(j.result, sibling);
    else if (upstream) j.result = asConsequence(j.result, upstream, true);
  });
}

/** A cause may make a check a skipped consequence only when the report shows the causing check. */
function reportable(cause: Found, ctx: ScenarioContext): Found {
  return cause.checkId !== undefined && ctx.selected(cause.checkId) ? cause : publicCause(cause, ctx);
}

/**
 * A GUID of the scenario's own (`{{scenario.uuid}}`), for values an IdP fills with an object id
 * (Entra's group externalId): unique per scenario and variant, so a server that derives ids from
 * it never gives two scenarios one resource; the same for the same seed. `{{randomUuid}}` is one
 * too: an id one scenario makes a server take must not be "an id that does not exist" in another.
 */
const RESOURCE_PATH = /\/(Users|Groups)\/(?!\.search(?:$|\?))[^/?]+(?:\?|$)/i;

/**
 * Why the RFC checks of a step cannot judge its answer: a PUT or DELETE of a User or Group
 * answered 405 or 501, an operation the product does not offer (deprovisioning by active false
 * only; updates by PATCH only). RFC 7644 §3.12 lists 501 for "the requested operation" a service
 * provider does not support, and HTTP 405 says the same of a method (RFC 9110 §15.5.6).
 * With `noServiceProviderConfig` a PATCH too: it is judged there although nothing advertised it
 * (discovery.ts). Where a ServiceProviderConfig says patch.supported, a 501 contradicts it and
 * stays a failure.
 */
export function notOffered(exchange: Exchange, noServiceProviderConfig = false): string | undefined {
  const { method } = exchange.request;
  const status = exchange.response?.status;
  const optional = method === 'PUT' || method === 'DELETE' || (method === 'PATCH' && noServiceProviderConfig);
  if (!optional || (status !== 405 && status !== 501)) return undefined;
  const path = new URL(exchange.request.url).pathname;
  const kind = RESOURCE_PATH.exec(path)?.[1];
  if (!kind) return undefined;
  const idp =
    method === 'DELETE'
      ? 'Entra sends DELETE when a user is deleted or unassigned (see its verdict)'
      : method === 'PUT'
        ? 'Okta sends PUT for every update (see its verdict)'
        : 'the server publishes no ServiceProviderConfig to say so (RFC 7644 §5: patch.supported); Entra sends PATCH for every update and Okta to deactivate (see their verdicts)';
  return `not judged: the server does not offer ${method} on /${kind[0]!.toUpperCase()}${kind.slice(1).toLowerCase()}/{id} (HTTP ${status}); RFC 7644 §3.12 lets a service provider answer 501 to an operation it does not support. ${idp}`;
}

/** The resource a request is about: its URL path, lower-cased, without the query. */
const resourceKey = (exchange: Exchange): string => new URL(exchange.request.url).pathname.toLowerCase();

/**
 * An IdP replay's PATCH answered 405 or 501 by a server whose ServiceProviderConfig says
 * patch.supported false (RFC 7644 §3.5.2 makes PATCH optional; §3.12 gives 501 to an operation not
 * supported): not a wrong answer to judge, but an IdP that cannot work, since it sends PATCH.
 * Undefined when the server claims PATCH (a 501 then contradicts it and stays a failure) or
 * publishes no ServiceProviderConfig.
 */
export function idpNeedsPatch(exchange: Exchange, variant: string, discovery: ScenarioContext['discovery']): { reason: string; need: string } | undefined {
  const status = exchange.response?.status;
  if (exchange.request.method !== 'PATCH' || (status !== 405 && status !== 501)) return undefined;
  if (discovery.capabilities.serviceProviderConfig === false || discovery.capabilities.patch !== false) return undefined;
  const family = variant.startsWith('okta') ? 'Okta' : variant.startsWith('entra') ? 'Entra' : variant;
  const sends = family === 'Entra' ? 'Entra sends PATCH for every user update and to disable users (ENTRA-1.4, ENTRA-1.5)' : family === 'Okta' ? 'Okta sends PATCH to deactivate and reactivate users and to push group changes (OKTA-2.6, OKTA-2.7, OKTA-2.8)' : `${family} sends PATCH`;
  const need = `${family} needs PATCH: ${sends}, and the server does not support it (ServiceProviderConfig patch.supported false; PATCH answered HTTP ${status})`;
  return { need, reason: `not supported: the server does not support PATCH (ServiceProviderConfig patch.supported false; HTTP ${status}, as RFC 7644 §3.12 allows); ${sends}, so it cannot provision this server (see its verdict)` };
}

/**
 * The part of a scenario's tag after the run prefix: its id and variant squashed, at most
 * TAG_STEM characters (its start and a hash of the whole when longer). The tag starts every
 * userName a scenario sends, and products cap userNames (64 characters is common): a long one
 * (`entrauserlifecycleentracompliant`) made `….adele.vs@example.com` 65 characters, refused with
 * 400, and Entra's verdict failed on the harness's own data.
 */
export const TAG_STEM = 16;

export function scenarioStem(id: string, variant?: string): string {
  const whole = `${id}${variant ?? ''}`.replace(/[^a-z0-9]/gi, '');
  if (whole.length <= TAG_STEM) return whole;
  return `${whole.slice(0, TAG_STEM - 6)}${createHash('sha256').update(whole).digest('hex').slice(0, 6)}`;
}

function scenarioUuid(runUuid: string, tag: string): string {
  const hex = createHash('sha256').update(`${runUuid}:${tag}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function expand(scenario: Scenario, vars: Record<string, unknown>): StepInstance[] {
  const out: StepInstance[] = [];
  scenario.steps.forEach((step, index) => {
    if (!step.foreach) {
      out.push({ step, index });
      return;
    }
    const items = vars[step.foreach];
    for (const item of Array.isArray(items) ? items : []) out.push({ step, index, item });
  });
  return out;
}

/** The request a step sends; `keep` names what an IdP sends whatever the server advertises. */
function buildRequest(step: Step, vars: Record<string, unknown>, ctx: ScenarioContext, origin: OutgoingRequest['origin']): OutgoingRequest & { keep?: string[] } {
  const send = step.send;
  if (send.dialect !== undefined && send.request !== undefined) {
    const args = render(send.args ?? {}, vars);
    const built = buildDialectRequest(render(send.dialect, vars), send.request, args);
    // A request that brings its own Authorization (Okta's bad-token Spec Test) probes those credentials alone.
    const ownCredentials = built.headers !== undefined && Object.keys(built.headers).some((name) => name.toLowerCase() === 'authorization');
    const json = withRequiredValues(built.method, built.path, built.json, ctx.discovery, Array.isArray(args.omit) ? args.omit : []);
    return { method: built.method, path: built.path, ...(built.headers ? { headers: built.headers } : {}), ...(json !== undefined ? { json } : {}), auth: 'default', ...(ownCredentials ? { withoutCredentials: true } : {}), ...(origin ? { origin } : {}), ...(built.always ? { keep: built.always } : {}) };
  }
  let body = send.body === undefined ? undefined : render(send.body, vars);
  if (send.fit !== false) body = withRequiredValues(send.method ?? 'GET', renderPath(send.path ?? '/', vars), body, ctx.discovery);
  for (const path of send.omit ?? []) body = leaveOut(body, render(path, vars), ctx.discovery);
  const auth = send.auth === 'none' ? ({ kind: 'none' } as const) : send.auth === 'wrong-bearer' ? ctx.wrongAuth.bearer : send.auth === 'wrong-basic' ? ctx.wrongAuth.basic : 'default';
  // The wrong credentials are made up here: recorded as sent, so the probe's curl line reproduces it.
  const madeUp = send.auth === 'wrong-bearer' || send.auth === 'wrong-basic';
  const method = send.method ?? 'GET';
  const query = send.query ? render(send.query, vars) : undefined;
  const attributes = attributesToAsk(ctx.discovery, method, query, assertedPointers(step));
  return {
    method,
    path: renderPath(send.path ?? '/', vars),
    ...(query || attributes ? { query: { ...query, ...(attributes ? { attributes } : {}) } } : {}),
    ...(send.headers ? { headers: render(send.headers, vars) } : {}),
    ...(send.rawBody !== undefined ? { rawBody: render(send.rawBody, vars) } : body !== undefined ? { json: body } : {}),
    auth,
    ...(auth !== 'default' ? { withoutCredentials: true } : {}),
    ...(madeUp ? { authIsMadeUp: true } : {}),
    ...(origin ? { origin } : {}),
  };
}

/** The JSON pointers the body checks of a step assert on. */
function assertedPointers(step: Step): string[] {
  const pointers: string[] = [];
  for (const e of step.expect ?? []) {
    if (e.check !== 'body' || !Array.isArray(e.with?.assert)) continue;
    for (const a of e.with.assert as { pointer?: unknown }[]) if (typeof a?.pointer === 'string') pointers.push(a.pointer);
  }
  return pointers;
}

/** The clause of a not-judged reason that names a readOnly declaration (src/spec/advertised.ts). */
const READ_ONLY_CLAUSE = new RegExp(`the server declares ((?:User|Group) \\S+) ${READ_ONLY_PHRASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

/** Most pages a `follow` step requests; a server still answering nextCursor after this never ends. */
export const FOLLOW_PAGE_LIMIT = 25;

/**
 * Sends a step: one request, or for `follow: "nextCursor"` (RFC 9865) the first page and then the
 * same query with `cursor` set to each nextCursor, until a page has none, is not a 200, or the
 * page limit is reached; for `follow: "startIndex"` the same query from the next startIndex while
 * the pages hold fewer than totalResults (see followByIndex).
 */
async function sendStep(step: Step, request: OutgoingRequest, ctx: ScenarioContext): Promise<Exchange[]> {
  if (step.send.burst) return sendBurst(step.send.burst, request, ctx);
  const first = await ctx.client.send(request);
  if (step.send.follow === 'startIndex') return followByIndex(first, request, ctx);
  if (step.send.follow !== 'nextCursor') return [first];
  const pages = [first];
  for (let last = first; pages.length < FOLLOW_PAGE_LIMIT && !ctx.aborted(); ) {
    const next = last.response?.status === 200 ? getPointer(last.response.json, '/nextCursor') : undefined;
    if (typeof next !== 'string' || next === '') break;
    const following: OutgoingRequest = request.json !== undefined && request.method === 'POST'
      ? { ...request, json: { ...(request.json as Record<string, unknown>), cursor: next } }
      : { ...request, query: { ...(request.query ?? {}), cursor: next } };
    last = await ctx.client.send({ ...following, ...(request.origin ? { origin: { ...request.origin, step: `${request.origin.step} (page ${pages.length + 1})` } } : {}) });
    pages.push(last);
  }
  return pages;
}

/**
 * A page-capped answer read to its end (RFC 7644 §3.4.2.4; a cap is RFC 7643 §5 filter.maxResults):
 * the same query from startIndex 1 + the resources seen so far, while the last page was a 200 that
 * held some and the pages hold fewer than its totalResults. A server without index paging (RFC 9865
 * pagination.index false) is not asked: its one page is what the step judges.
 */
async function followByIndex(first: Exchange, request: OutgoingRequest, ctx: ScenarioContext): Promise<Exchange[]> {
  if (ctx.discovery.capabilities.indexPaging === false) return [first];
  const pages = [first];
  let seen = 0;
  for (let last = first; pages.length < FOLLOW_PAGE_LIMIT && !ctx.aborted(); ) {
    const res = last.response;
    const resources = res?.status === 200 ? getPointer(res.json, '/Resources') : undefined;
    const total = res?.status === 200 ? getPointer(res.json, '/totalResults') : undefined;
    if (!Array.isArray(resources) || resources.length === 0 || typeof total !== 'number') break;
    seen += resources.length;
    if (seen >= total) break;
    const following: OutgoingRequest = request.json !== undefined && request.method === 'POST'
      ? { ...request, json: { ...(request.json as Record<string, unknown>), startIndex: seen + 1 } }
      : { ...request, query: { ...(request.query ?? {}), startIndex: seen + 1 } };
    last = await ctx.client.send({ ...following, ...(request.origin ? { origin: { ...request.origin, step: `${request.origin.step} (page ${pages.length + 1})` } } : {}) });
    pages.push(last);
  }
  return pages;
}

/**
 * A rate-limit probe: the same request `requests` times, paced or not, until a status answers.
 * Paced requests take slots at least 1/perSecond apart, counted from when a slot is taken: a run
 * that falls behind (a busy machine) goes on at the pace, never catches up in a burst, so it can
 * only measure a lower rate (which the rate-limit check skips), never a higher one.
 */
async function sendBurst(spec: BurstSpec, request: OutgoingRequest, ctx: ScenarioContext): Promise<Exchange[]> {
  const sent: Exchange[] = [];
  if (spec.quietFirstMs) await sleep(spec.quietFirstMs, ctx.signal);
  const interval = spec.perSecond ? 1000 / spec.perSecond : 0;
  let nextSlot = performance.now();
  let next = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < spec.requests && !ctx.aborted()) {
      const i = next++;
      if (interval > 0) {
        const slot = Math.max(nextSlot, performance.now());
        nextSlot = slot + interval;
        const wait = slot - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const exchange = await ctx.client.send({ ...request, retries429: 0, ...(request.origin ? { origin: { ...request.origin, step: `${request.origin.step} (#${i + 1})`, probe: 'burst' as const } } : {}) });
      sent[i] = exchange;
      if (spec.untilStatus !== undefined && exchange.response?.status === spec.untilStatus) stop = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, spec.concurrency ?? 1) }, worker));
  return sent.filter((x) => x !== undefined);
}

/** What a burst shows beyond its first request: the first 429 (if any) and the last request. */
function burstEvidence(exchanges: readonly Exchange[]): Exchange[] {
  const limited = exchanges.find((x) => x.response?.status === 429);
  return exchanges.slice(1).filter((x, i, rest) => x === limited || i === rest.length - 1);
}

/**
 * Stores captured values; returns a description of the first capture that found nothing. Over the
 * pages of a `follow` step, list values are joined and single values come from the first page. A
 * name ending in `[]` appends to a list (a `foreach` step collecting ids).
 */
function capture(step: Step, exchanges: Exchange[], vars: Record<string, unknown>): string | undefined {
  let problem: string | undefined;
  for (const [rawName, source] of Object.entries(step.capture ?? {})) {
    // `header:etag || /meta/version`: the first of the sources that holds a value.
    const read = (exchange: Exchange, one: string): unknown => {
      const res = exchange.response;
      if (one.startsWith('header:')) return res?.headers[one.slice(7).toLowerCase()];
      // A 201 with no body (legal, RFC 7644 §3.3) still names the resource in its Location: its
      // id, location and version are read from the headers, so the scenario goes on with it.
      if (res?.json === undefined) return getPointer(bodilessCreateStandIn(exchange), one);
      return getPointer(res.json, one);
    };
    const sources = source.split(' || ').map((s) => s.trim());
    const values = exchanges.map((exchange) => sources.map((one) => read(exchange, one)).find((v) => v !== undefined && v !== null && v !== '') ?? read(exchange, sources[0]!));
    const value = values.every(Array.isArray) && values.length > 1 ? values.flat() : values[0];
    const name = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    const bodiless = exchanges.length === 1 && isBodilessCreate(exchanges[0]!) ? ' (the 201 Created has no body)' : '';
    if (value === undefined || value === null || value === '') problem ??= `${source} for {{${name}}}${bodiless}`;
    else if (rawName.endsWith('[]')) vars[name] = [...(Array.isArray(vars[name]) ? (vars[name] as unknown[]) : []), value];
    else vars[name] = value;
  }
  return problem;
}

/**
 * Waits one tick of the clock a server timestamp is written with (its fractional digits tell the
 * resolution; none means whole seconds), so a timestamp the server writes next is strictly later.
 */
async function waitForTick(template: string, vars: Record<string, unknown>): Promise<void> {
  let stamp: unknown;
  try {
    stamp = render(template, vars);
  } catch (error) {
    if (error instanceof MissingVariable) return;
    throw error;
  }
  await new Promise((resolve) => setTimeout(resolve, clockTickMs(stamp) + 1));
}

function judge(e: Expectation, base: Base, exchanges: Exchange[], exchangeIds: string[], vars: Record<string, unknown>, ctx: ScenarioContext): CheckResult {
  const kind = checkKind(e.check)!;
  // Kinds that judge one response judge the last one (the page that ended a walk); the step's
  // other exchanges are in `exchanges` for the kinds that judge them all.
  const exchange = exchanges[exchanges.length - 1]!;
  let params: Record<string, unknown>;
  try {
    params = render(e.with ?? {}, vars);
  } catch (error) {
    if (error instanceof MissingVariable) return { ...base, status: 'skip', reason: `not judged: ${error.message}`, exchangeIds };
    throw error;
  }
  let verdict: Verdict;
  try {
    verdict = kind.verify({ exchange, exchanges, params, vars, discovery: ctx.discovery, checkId: e.id, resolve: (p) => ctx.client.resolve(p) });
  } catch (error) {
    return { ...base, status: 'error', message: `harness error in check kind "${e.check}": ${error instanceof Error ? error.message : String(error)}`, exchangeIds };
  }
  if (verdict.ok === false && !exchange.response && exchange.transportError) {
    // No answer is not a wrong answer: the check could not be judged (the run reads INCOMPLETE
    // unless something else failed), and the timeout or reset itself is the latency finding's.
    const { code, message } = exchange.transportError;
    return { ...base, status: 'error', message: `not judged: ${describeExchange(exchange).replace(/ \(.*\)$/, '')} (${code}: ${message})`, exchangeIds };
  }
  const relevelled = verdict.ok === false && verdict.level !== undefined && verdict.level !== base.level
    ? { level: verdict.level, ...(verdict.blocksIdp !== undefined ? { blocksIdp: verdict.blocksIdp } : {}) }
    // A failure of a detail no IdP reads keeps its level and stops blocking the verdicts.
    : verdict.ok === false && verdict.blocksIdp === false ? { level: base.level, blocksIdp: false } : undefined;
  const status = statusFor(verdict, relevelled?.level ?? base.level);
  if (verdict.ok === true) return { ...base, status, exchangeIds, ms: exchange.ms, ...(verdict.note ? { message: verdict.note } : {}) };
  if (verdict.ok === 'skip') return { ...base, status, reason: verdict.reason, exchangeIds };
  return {
    ...base,
    ...relevelled,
    status,
    message: verdict.message,
    exchangeIds,
    ms: exchange.ms,
    ...('expected' in verdict ? { expected: verdict.expected } : {}),
    ...('actual' in verdict ? { actual: verdict.actual } : {}),
    ...(verdict.pointer ? { pointer: verdict.pointer } : {}),
  };
}
