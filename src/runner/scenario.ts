// Executes one scenario: for each step, render the request from suite data and captured values,
// send it through the recording client, capture values for later steps, and judge the exchange
// with the checks the step names. A check that throws is a harness error, never a server failure.
import { createHash } from 'node:crypto';
import type { Auth, OutgoingRequest, ScimClient } from '../http/client.ts';
import type { CheckResult, Discovery, Exchange } from '../record/types.ts';
import { checkKind } from '../checks/registry.ts';
import type { Verdict } from '../checks/types.ts';
import type { BurstSpec, Expectation, LoadedSuite, Scenario, Step } from '../suite/types.ts';
import { getPointer } from '../util/pointer.ts';
import { buildDialectRequest } from '../dialects/index.ts';
import { DialectArgumentError } from '../dialects/shared.ts';
import { describeCapability } from './discovery.ts';
import { MissingVariable, render } from './template.ts';
import { leaveOut } from './leave-out.ts';
import { fitRequest, type LeftOut } from './schema-fit.ts';
import { scopeFilter, type ScopeStrategy } from './scope-probe.ts';
import { advertisedUser } from '../spec/advertised.ts';

export interface ScenarioContext {
  client: ScimClient;
  discovery: Discovery;
  /** Run-wide variables (prefix, seed-derived ids, run lists such as requiredUserAttributes). */
  runVars: Record<string, unknown>;
  /** Decides whether a check id is selected by --only/--skip. */
  selected(checkId: string): boolean;
  onResult(result: CheckResult): void;
  aborted(): boolean;
  /** Credentials used by `auth: wrong-*` probes. */
  wrongAuth: { bearer: Auth; basic: Auth };
  /** Told what a request left out because the server does not advertise it (schema-fit.ts). */
  onLeftOut?(origin: NonNullable<OutgoingRequest['origin']>, leftOut: LeftOut[]): void;
}

interface StepInstance {
  step: Step;
  index: number;
  item?: unknown;
  suffix: string;
}

const statusFor = (verdict: Verdict, level: Expectation['level']): CheckResult['status'] => {
  if (verdict.ok === true) return 'pass';
  if (verdict.ok === 'skip') return 'skip';
  return level === 'SHOULD' ? 'warn' : level === 'MAY' ? 'info' : 'fail';
};

/**
 * A GUID of the scenario's own (`{{scenario.uuid}}`), for values an IdP fills with an object id
 * (Entra's group externalId): unique per scenario and variant, so a server that derives ids from
 * it never gives two scenarios one resource; the same for the same seed.
 */
function scenarioUuid(runUuid: string, tag: string): string {
  const hex = createHash('sha256').update(`${runUuid}:${tag}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Runs the scenario and returns its variables (run variables plus everything captured). */
export async function runScenario(suite: LoadedSuite, scenarioIndex: number, ctx: ScenarioContext, variant?: string): Promise<Record<string, unknown>> {
  const scenario = suite.scenarios[scenarioIndex]!;
  const tag = `${String(ctx.runVars.prefix)}${scenario.id.replace(/[^a-z0-9]/gi, '')}${variant ? variant.replace(/[^a-z0-9]/gi, '') : ''}`;
  const strategy = ctx.runVars.scopeStrategy as ScopeStrategy | undefined;
  // `{{scenario.scope}}`: a filter that selects this scenario's users (scope-probe.ts).
  const vars: Record<string, unknown> = { ...ctx.runVars, scenario: { tag, uuid: scenarioUuid(String(ctx.runVars.randomUuid), tag), ...(strategy ? { scope: scopeFilter(strategy, tag) } : {}) }, ...(variant ? { dialect: variant } : {}) };
  const pointerBase = `${suite.file}#/scenarios/${scenarioIndex}`;
  const instances = expand(scenario, vars, variant ? `[${variant}]` : '');
  const selectedIds = instances.flatMap((i) => (i.step.expect ?? []).map((e) => e.id + i.suffix)).filter((id) => ctx.selected(id));
  // Discovery always runs: every later capability decision depends on it.
  if (suite.suite !== 'discovery' && selectedIds.length === 0 && instances.some((i) => (i.step.expect ?? []).length > 0)) return vars;

  const missing = (scenario.requires ?? []).filter((cap) => !ctx.discovery.capabilities[cap]);
  let stopReason: string | undefined = missing.length > 0 ? missing.map(describeCapability).join('; ') : undefined;

  for (const instance of instances) {
    const { step, suffix } = instance;
    const expectations = (step.expect ?? []).filter((e) => ctx.selected(e.id + suffix));
    const stepVars = instance.item === undefined ? vars : { ...vars, item: instance.item };
    const origin = { suite: suite.suite, scenario: scenario.id, step: step.name + suffix, pointer: `${pointerBase}/steps/${instance.index}` };
    const base = (e: Expectation) => ({
      checkId: e.id + suffix,
      title: instance.item === undefined ? e.title : `${e.title} (${String(instance.item)})`,
      area: suite.area,
      suite: suite.suite,
      level: e.level ?? checkKind(e.check)!.defaultLevel,
      refs: e.refs ?? checkKind(e.check)!.defaultRefs,
      ...(e.impact ? { impact: e.impact } : {}),
    });
    if (ctx.aborted()) stopReason = 'the run was interrupted';
    if (stopReason) {
      for (const e of expectations) ctx.onResult({ ...base(e), status: 'skip', reason: stopReason, exchangeIds: [] });
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
      for (const e of expectations) ctx.onResult({ ...base(e), status: 'skip', reason, exchangeIds: [] });
      if (!step.continueOnFailure) stopReason = reason;
      continue;
    }
    // Like an IdP's attribute mapping, requests carry only attributes the server advertises (what
    // the IdP always sends stays); a probe sending an unadvertised attribute on purpose says `fit: false`.
    const { keep, ...built } = request;
    const fitted = step.send.fit === false ? { request: built, leftOut: [] } : fitRequest(built, advertisedUser(ctx.discovery), keep ?? []);
    if ('skip' in fitted) {
      for (const e of expectations) ctx.onResult({ ...base(e), status: 'skip', reason: fitted.skip, exchangeIds: [] });
      continue;
    }
    if (fitted.leftOut.length > 0) ctx.onLeftOut?.(origin, fitted.leftOut);
    const exchanges = await sendStep(step, fitted.request, ctx);
    const captureProblem = capture(step, exchanges, vars);
    for (const e of expectations) ctx.onResult(judge(e, base(e), exchanges, stepVars, ctx));
    if (captureProblem && !step.continueOnFailure) stopReason = `step "${step.name}" did not yield ${captureProblem}`;
  }
  return vars;
}

function expand(scenario: Scenario, vars: Record<string, unknown>, variantSuffix: string): StepInstance[] {
  const out: StepInstance[] = [];
  scenario.steps.forEach((step, index) => {
    if (!step.foreach) {
      out.push({ step, index, suffix: variantSuffix });
      return;
    }
    const items = vars[step.foreach];
    for (const item of Array.isArray(items) ? items : []) out.push({ step, index, item, suffix: `${variantSuffix}[${String(item)}]` });
  });
  return out;
}

/** The request a step sends; `keep` names what an IdP sends whatever the server advertises. */
function buildRequest(step: Step, vars: Record<string, unknown>, ctx: ScenarioContext, origin: OutgoingRequest['origin']): OutgoingRequest & { keep?: string[] } {
  const send = step.send;
  if (send.dialect !== undefined && send.request !== undefined) {
    const built = buildDialectRequest(render(send.dialect, vars), send.request, render(send.args ?? {}, vars));
    return { method: built.method, path: built.path, ...(built.headers ? { headers: built.headers } : {}), ...(built.json !== undefined ? { json: built.json } : {}), auth: 'default', ...(origin ? { origin } : {}), ...(built.always ? { keep: built.always } : {}) };
  }
  let body = send.body === undefined ? undefined : render(send.body, vars);
  for (const path of send.omit ?? []) body = leaveOut(body, render(path, vars), ctx.discovery);
  const auth = send.auth === 'none' ? ({ kind: 'none' } as const) : send.auth === 'wrong-bearer' ? ctx.wrongAuth.bearer : send.auth === 'wrong-basic' ? ctx.wrongAuth.basic : 'default';
  return {
    method: send.method ?? 'GET',
    path: render(send.path ?? '/', vars),
    ...(send.query ? { query: render(send.query, vars) } : {}),
    ...(send.headers ? { headers: render(send.headers, vars) } : {}),
    ...(send.rawBody !== undefined ? { rawBody: render(send.rawBody, vars) } : body !== undefined ? { json: body } : {}),
    auth,
    ...(origin ? { origin } : {}),
  };
}

/** Most pages a `follow` step requests; a server still answering nextCursor after this never ends. */
export const FOLLOW_PAGE_LIMIT = 25;

/**
 * Sends a step: one request, or for `follow: "nextCursor"` (RFC 9865) the first page and then the
 * same query with `cursor` set to each nextCursor, until a page has none, is not a 200, or the
 * page limit is reached.
 */
async function sendStep(step: Step, request: OutgoingRequest, ctx: ScenarioContext): Promise<Exchange[]> {
  if (step.send.burst) return sendBurst(step.send.burst, request, ctx);
  const first = await ctx.client.send(request);
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

/** A rate-limit probe: the same request `requests` times, paced or not, until a status answers. */
async function sendBurst(spec: BurstSpec, request: OutgoingRequest, ctx: ScenarioContext): Promise<Exchange[]> {
  const sent: Exchange[] = [];
  const started = performance.now();
  let next = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < spec.requests && !ctx.aborted()) {
      const i = next++;
      if (spec.perSecond) {
        const wait = started + (i * 1000) / spec.perSecond - performance.now();
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

/**
 * Stores captured values; returns a description of the first capture that found nothing. Over the
 * pages of a `follow` step, list values are joined and single values come from the first page. A
 * name ending in `[]` appends to a list (a `foreach` step collecting ids).
 */
function capture(step: Step, exchanges: Exchange[], vars: Record<string, unknown>): string | undefined {
  let problem: string | undefined;
  for (const [rawName, source] of Object.entries(step.capture ?? {})) {
    const values = exchanges.map((exchange) => {
      const res = exchange.response;
      if (source.startsWith('header:')) return res?.headers[source.slice(7).toLowerCase()];
      return res?.json === undefined ? undefined : getPointer(res.json, source);
    });
    const value = values.every(Array.isArray) && values.length > 1 ? values.flat() : values[0];
    const name = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    if (value === undefined || value === null || value === '') problem ??= `${source} for {{${name}}}`;
    else if (rawName.endsWith('[]')) vars[name] = [...(Array.isArray(vars[name]) ? (vars[name] as unknown[]) : []), value];
    else vars[name] = value;
  }
  return problem;
}

function judge(e: Expectation, base: Omit<CheckResult, 'status' | 'exchangeIds'>, exchanges: Exchange[], vars: Record<string, unknown>, ctx: ScenarioContext): CheckResult {
  const kind = checkKind(e.check)!;
  // Kinds that judge one response judge the last one (the page that ended a walk); the result
  // names every exchange of the step.
  const exchange = exchanges[exchanges.length - 1]!;
  const exchangeIds = exchanges.map((x) => x.id);
  let params: Record<string, unknown>;
  try {
    params = render(e.with ?? {}, vars);
  } catch (error) {
    if (error instanceof MissingVariable) return { ...base, status: 'skip', reason: `not judged: ${error.message}`, exchangeIds };
    throw error;
  }
  let verdict: Verdict;
  try {
    verdict = kind.verify({ exchange, exchanges, params, vars, discovery: ctx.discovery, resolve: (p) => ctx.client.resolve(p) });
  } catch (error) {
    return { ...base, status: 'error', message: `harness error in check kind "${e.check}": ${error instanceof Error ? error.message : String(error)}`, exchangeIds };
  }
  const status = statusFor(verdict, base.level);
  if (verdict.ok === true) return { ...base, status, exchangeIds, ms: exchange.ms, ...(verdict.note ? { message: verdict.note } : {}) };
  if (verdict.ok === 'skip') return { ...base, status, reason: verdict.reason, exchangeIds };
  return {
    ...base,
    status,
    message: verdict.message,
    exchangeIds,
    ms: exchange.ms,
    ...('expected' in verdict ? { expected: verdict.expected } : {}),
    ...('actual' in verdict ? { actual: verdict.actual } : {}),
    ...(verdict.pointer ? { pointer: verdict.pointer } : {}),
  };
}
