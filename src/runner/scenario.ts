// Executes one scenario: for each step, render the request from suite data and captured values,
// send it through the recording client, capture values for later steps, and judge the exchange
// with the checks the step names. A check that throws is a harness error, never a server failure.
import { createHash } from 'node:crypto';
import type { Auth, OutgoingRequest, ScimClient } from '../http/client.ts';
import type { CheckResult, Discovery, Exchange } from '../record/types.ts';
import { checkKind } from '../checks/registry.ts';
import type { Verdict } from '../checks/types.ts';
import type { Expectation, LoadedSuite, Scenario, Step } from '../suite/types.ts';
import { getPointer } from '../util/pointer.ts';
import { buildDialectRequest } from '../dialects/index.ts';
import { DialectArgumentError } from '../dialects/shared.ts';
import { describeCapability } from './discovery.ts';
import { MissingVariable, render } from './template.ts';
import { leaveOut } from './leave-out.ts';
import { fitRequest, type LeftOut } from './schema-fit.ts';
import { scopeFilter, type ScopeStrategy } from './scope-probe.ts';
import { advertisedUser } from '../spec/advertised.ts';
import { evidenceChain } from './chain.ts';
import { clockTickMs } from './clock-tick.ts';

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
}

interface StepInstance {
  step: Step;
  index: number;
  item?: unknown;
  suffix: string;
}

/** Check kinds that, when they pass on an error answer, show the refusal was what the step wanted. */
const REFUSAL_KINDS = new Set(['status', 'error', 'created-or-rejected']);

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
  // What this scenario sent so far: the evidence chains of its judgements are picked from it.
  const sent: Exchange[] = [];
  // Refusals a check of the step accepted (a probe that must get a 400): not part of any story.
  const expectedRefusals = new Set<string>();

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
      kind: e.check,
    });
    if (ctx.aborted()) stopReason = ctx.stopReason?.() ?? 'the run was interrupted';
    if (stopReason) {
      for (const e of expectations) ctx.onResult({ ...base(e), status: 'skip', reason: stopReason, exchangeIds: [] });
      continue;
    }
    let request: OutgoingRequest;
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
    // Like an IdP's attribute mapping, requests carry only attributes the server advertises.
    const fitted = fitRequest(request, advertisedUser(ctx.discovery));
    if ('skip' in fitted) {
      for (const e of expectations) ctx.onResult({ ...base(e), status: 'skip', reason: fitted.skip, exchangeIds: [] });
      continue;
    }
    if (fitted.leftOut.length > 0) ctx.onLeftOut?.(origin, fitted.leftOut);
    if (step.waitForTick !== undefined) await waitForTick(step.waitForTick, stepVars);
    const exchange = await ctx.client.send(ctx.signal ? { ...fitted.request, signal: ctx.signal } : fitted.request);
    if (exchange.transportError?.code === 'aborted' && ctx.aborted()) {
      // The run stopped while this request was in flight: nothing to judge, and nothing after it.
      stopReason = ctx.stopReason?.() ?? 'the run was interrupted';
      const waitedFor = `${exchange.request.method} ${request.path.split('?')[0]}`;
      for (const e of expectations) ctx.onResult({ ...base(e), status: 'skip', reason: `${stopReason} (while waiting for the answer to ${waitedFor}, ${exchange.id})`, exchangeIds: [exchange.id] });
      continue;
    }
    const chain = evidenceChain(exchange, sent, String(ctx.runVars.prefix ?? ''), (x) => expectedRefusals.has(x.id)).map((x) => x.id);
    sent.push(exchange);
    const captureProblem = capture(step, exchange, vars);
    for (const e of expectations) {
      const result = judge(e, base(e), exchange, chain, stepVars, ctx);
      if (result.status === 'pass' && REFUSAL_KINDS.has(e.check)) expectedRefusals.add(exchange.id);
      ctx.onResult(result);
    }
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

function buildRequest(step: Step, vars: Record<string, unknown>, ctx: ScenarioContext, origin: OutgoingRequest['origin']): OutgoingRequest {
  const send = step.send;
  if (send.dialect !== undefined && send.request !== undefined) {
    const built = buildDialectRequest(render(send.dialect, vars), send.request, render(send.args ?? {}, vars));
    return { method: built.method, path: built.path, ...(built.headers ? { headers: built.headers } : {}), ...(built.json !== undefined ? { json: built.json } : {}), auth: 'default', ...(origin ? { origin } : {}) };
  }
  let body = send.body === undefined ? undefined : render(send.body, vars);
  for (const path of send.omit ?? []) body = leaveOut(body, render(path, vars), ctx.discovery);
  const auth = send.auth === 'none' ? ({ kind: 'none' } as const) : send.auth === 'wrong-bearer' ? ctx.wrongAuth.bearer : send.auth === 'wrong-basic' ? ctx.wrongAuth.basic : 'default';
  // The wrong credentials are made up here: recorded as sent, so the probe's curl line reproduces it.
  const madeUp = send.auth === 'wrong-bearer' || send.auth === 'wrong-basic';
  return {
    method: send.method ?? 'GET',
    path: render(send.path ?? '/', vars),
    ...(send.query ? { query: render(send.query, vars) } : {}),
    ...(send.headers ? { headers: render(send.headers, vars) } : {}),
    ...(send.rawBody !== undefined ? { rawBody: render(send.rawBody, vars) } : body !== undefined ? { json: body } : {}),
    auth,
    ...(madeUp ? { authIsMadeUp: true } : {}),
    ...(origin ? { origin } : {}),
  };
}

/** Stores captured values; returns a description of the first capture that found nothing. */
function capture(step: Step, exchange: Exchange, vars: Record<string, unknown>): string | undefined {
  let problem: string | undefined;
  for (const [name, source] of Object.entries(step.capture ?? {})) {
    const res = exchange.response;
    let value: unknown;
    if (source.startsWith('header:')) value = res?.headers[source.slice(7).toLowerCase()];
    else value = res?.json === undefined ? undefined : getPointer(res.json, source);
    if (value === undefined || value === null || value === '') problem ??= `${source} for {{${name}}}`;
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

function judge(e: Expectation, base: Omit<CheckResult, 'status' | 'exchangeIds'>, exchange: Exchange, exchangeIds: string[], vars: Record<string, unknown>, ctx: ScenarioContext): CheckResult {
  const kind = checkKind(e.check)!;
  let params: Record<string, unknown>;
  try {
    params = render(e.with ?? {}, vars);
  } catch (error) {
    if (error instanceof MissingVariable) return { ...base, status: 'skip', reason: `not judged: ${error.message}`, exchangeIds };
    throw error;
  }
  let verdict: Verdict;
  try {
    verdict = kind.verify({ exchange, params, vars, discovery: ctx.discovery, resolve: (p) => ctx.client.resolve(p) });
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
