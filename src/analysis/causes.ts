// Which failures are consequences of an earlier one. A vendor who fixes the cause fixes them too,
// so each says what it follows from. Three rules, each about what the evidence shows:
//   1. an explicit link: the result names the result it depends on (`causedBy`);
//   2. the same response: a check of a response's content (its schema, its headers, its body)
//      judged a response whose status was already wrong, and a check of that status failed;
//   3. an earlier refused change: a check that reads state (a read-back, a list, the status of a
//      later request that depends on state) failed after the last request that changed the same
//      resource, earlier in its scenario, was refused unexpectedly (its status check failed, or it
//      was a set-up request no check judged). Only a request that succeeded, or one refused for a
//      reason that depends on state (404, 409, 412), can be a consequence this way: a 400 for the
//      request's own shape is its own finding.
import type { CheckResult, Exchange } from '../record/types.ts';
import { endpointOf, isRefused, isStateChange } from '../record/requests.ts';
import { describeRefusal } from './signatures.ts';

/** Check kinds whose failure is about the status the server chose. */
const STATUS_KINDS = new Set(['status', 'no-server-error', 'created-or-rejected']);
/** Check kinds that need a successful answer to judge anything (a refusal is their failure). */
const SUCCESS_KINDS = new Set(['list', 'partition']);
/** Check kinds that read state: what a read-back, a list or a later request shows. */
const STATE_KINDS = new Set(['body', 'list', 'partition', 'status', 'later']);
/** Statuses that depend on what happened before (gone, conflict, precondition), not on the request's shape. */
const STATE_STATUSES = new Set([404, 409, 412]);

export interface Cause {
  /** The failing result this one follows from; absent when a set-up request no check judged was refused. */
  result?: number;
  /** The refused exchange, for rule 3. */
  exchangeId?: string;
  because: string;
}

export interface CauseContext {
  results: readonly CheckResult[];
  exchanges: ReadonlyMap<string, Exchange>;
  baseUrl: string;
  /** Results (by index) grouped by the exchange they judged. */
  judgedOn: ReadonlyMap<string, number[]>;
  isFailing(index: number): boolean;
}

export const judgedExchangeId = (result: CheckResult): string | undefined => result.exchangeIds.at(-1);

/** A run-wide audit or a fuzz property: many exchanges, none of them a chain of one scenario. */
export const isAggregate = (result: CheckResult): boolean => result.kind === undefined && result.exchangeIds.length > 1;

export function isAboutStatus(result: CheckResult): boolean {
  if (result.kind !== undefined) return STATUS_KINDS.has(result.kind);
  // A fuzz property names the step first (`creating a valid User: expected HTTP 201, got 200`): the
  // same unexpected status as a scenario's status check, so the same finding.
  return /^(?:[^:\n]*: )?(?:expected HTTP|no HTTP response)/.test(result.message ?? '');
}

/** On a refused request, is the refusal itself what this check failed on? */
export const failsOnRefusal = (result: CheckResult): boolean => isAboutStatus(result) || SUCCESS_KINDS.has(result.kind ?? '');

const readsState = (result: CheckResult): boolean => result.kind === undefined || STATE_KINDS.has(result.kind);

/** The failing status check of an exchange, if one failed. */
function failedStatusCheck(exchangeId: string, ctx: CauseContext): number | undefined {
  return (ctx.judgedOn.get(exchangeId) ?? []).find((i) => ctx.isFailing(i) && failsOnRefusal(ctx.results[i]!));
}

export function explicitCause(result: CheckResult, index: number, ctx: CauseContext): Cause | undefined {
  // `causedBy` (src/record/types.ts, Cause) names the causing check by its display id when one judged it.
  const cause = result.causedBy as unknown;
  const link = cause && typeof cause === 'object' ? (cause as { checkId?: unknown }).checkId : cause;
  let target: number | undefined;
  if (typeof link === 'number' && Number.isInteger(link)) target = link;
  else if (typeof link === 'string') {
    // The nearest earlier result with that id: variants and items repeat ids only with their suffixes.
    for (let i = index - 1; i >= 0 && target === undefined; i--) if (ctx.results[i]!.checkId === link) target = i;
  }
  if (target === undefined || target === index || !ctx.isFailing(target)) return undefined;
  return { result: target, because: `follows from ${ctx.results[target]!.checkId}${result.reason ? `: ${result.reason}` : ''}` };
}

/** Why `results[index]` failed because of something else, or undefined when it is a cause itself. */
export function causeOf(index: number, ctx: CauseContext, hasFormDefect: boolean): Cause | undefined {
  const result = ctx.results[index]!;
  const explicit = explicitCause(result, index, ctx);
  if (explicit) return explicit;
  const judgedId = judgedExchangeId(result);
  const judged = judgedId === undefined ? undefined : ctx.exchanges.get(judgedId);
  if (!judged || isAggregate(result)) return undefined;

  if (isRefused(judged) && !failsOnRefusal(result)) {
    const statusCheck = failedStatusCheck(judged.id, ctx);
    if (statusCheck !== undefined) {
      return { result: statusCheck, because: `the response it judged was already wrong: ${endpointOf(judged, ctx.baseUrl)} answered ${describeRefusal(judged)} (see ${ctx.results[statusCheck]!.checkId})` };
    }
  }

  if (hasFormDefect || !readsState(result)) return undefined;
  if (isRefused(judged) && !STATE_STATUSES.has(judged.response?.status ?? 0)) return undefined;
  const chain = result.exchangeIds.slice(0, -1).map((id) => ctx.exchanges.get(id)).filter((x): x is Exchange => x !== undefined);
  const refused = chain.filter((x) => isStateChange(x) && isRefused(x)).reverse().find((x) => {
    const judgedThere = ctx.judgedOn.get(x.id) ?? [];
    return judgedThere.length === 0 || failedStatusCheck(x.id, ctx) !== undefined;
  });
  if (!refused) return undefined;
  const request = `${endpointOf(refused, ctx.baseUrl)} sent before it (${refused.id})`;
  const effect = isRefused(judged) ? 'so this request met a state its scenario never set up' : 'so what it reads back was never changed';
  const statusCheck = failedStatusCheck(refused.id, ctx);
  return statusCheck !== undefined
    ? { result: statusCheck, exchangeId: refused.id, because: `follows from ${ctx.results[statusCheck]!.checkId}: the ${request} was refused with ${describeRefusal(refused)}, ${effect}` }
    : { exchangeId: refused.id, because: `the set-up request ${request} was refused with ${describeRefusal(refused)}, ${effect}` };
}
