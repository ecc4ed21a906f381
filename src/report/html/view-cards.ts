// Cards: one per failing, erroring or warning check (the claim, the spec, the exchange that
// failed, the curl line), and one per extra section such as a fuzz counterexample.
import type { CheckResult, Exchange, ReportSection } from '../../record/types.ts';
import { isCreate, isRefused, isStateChange, pathOf } from '../../record/requests.ts';
import { showValue } from '../body.ts';
import { refLink } from '../refs.ts';
import { hasChain } from '../reproduce.ts';
import { STATUS_BADGE } from '../summarize.ts';
import { ERROR_KINDS, errorKindOf } from '../error-kind.ts';
import { exportHint } from '../export-hint.ts';
import { exchangeViews } from './view-exchange.ts';
import type { CardView, ChainStepView, NameValue, SectionView } from './view-types.ts';

const VALUE_LIMIT = 4000;

export interface CardContext {
  exchanges: ReadonlyMap<string, Exchange>;
  baseUrl: string;
  /** For a consequence: what it follows from, and the card of the check it follows from. */
  because?: string;
  causeAnchor?: string;
  script?: string;
}

function chainSteps(result: CheckResult, ctx: CardContext): ChainStepView[] {
  if (!hasChain(result)) return [];
  const basePath = pathOf(ctx.baseUrl);
  return result.exchangeIds.flatMap((id, i) => {
    const exchange = ctx.exchanges.get(id);
    if (!exchange) return [];
    const judged = i === result.exchangeIds.length - 1;
    const role = judged ? 'judged here' : isCreate(exchange) ? 'created the resource' : isStateChange(exchange) ? (isRefused(exchange) ? 'refused: nothing changed' : 'changed it') : 'read it';
    const status = exchange.response ? String(exchange.response.status) : (exchange.transportError?.code ?? 'no answer');
    const path = pathOf(exchange.request.url);
    const query = exchange.request.url.includes('?') ? `?${exchange.request.url.split('?').slice(1).join('?')}` : '';
    return [{
      exchangeId: id,
      method: exchange.request.method,
      path: `${path.startsWith(basePath) ? path.slice(basePath.length) || '/' : path}${query.length > 90 ? `${query.slice(0, 90)}…` : query}`,
      status,
      statusClass: exchange.response ? `http-${Math.floor(exchange.response.status / 100)}xx` : 'http-5xx',
      role,
      judged,
    }];
  });
}

export function cardView(result: CheckResult, anchor: string, ctx: CardContext): CardView {
  const script = ctx.script ?? null;
  const { views, missing } = exchangeViews(result.exchangeIds, ctx.exchanges, script === null);
  const exchange = views.at(-1) ?? null;
  const chain = chainSteps(result, ctx);
  // A read-back is read next to the change it reads; a judged write stands on its own.
  const judged = ctx.exchanges.get(result.exchangeIds.at(-1) ?? '');
  const previous = chain.length > 1 && judged && !isStateChange(judged) ? (views.at(-2) ?? null) : null;
  const earlier = views.slice(0, previous ? -2 : -1);
  const expected = result.expected === undefined ? null : showValue(result.expected, VALUE_LIMIT);
  const actual = result.actual === undefined ? null : showValue(result.actual, VALUE_LIMIT);
  return {
    anchor,
    status: result.status,
    // An error says which kind it is (no answer, harness error, not judged), as JUnit's error type does.
    statusLabel: result.status === 'error' ? ERROR_KINDS[errorKindOf(result, ctx.exchanges)].label : STATUS_BADGE[result.status],
    checkId: result.checkId,
    title: result.title,
    level: result.level,
    where: `${result.suite} › ${result.area}`,
    refs: result.refs.map(refLink),
    impact: result.impact ?? null,
    message: result.message ?? null,
    pointer: result.pointer ?? null,
    expected,
    actual,
    hasExpectation: expected !== null || actual !== null,
    exchange,
    // Warnings keep the page short: their exchange is one click away instead of always open.
    collapsed: result.status === 'warn',
    previous,
    earlier,
    earlierLabel: chain.length > 0
      ? `${earlier.length === 1 ? 'The earlier request' : `The ${earlier.length} earlier requests`} of this chain`
      : earlier.length === 1 ? '1 earlier exchange in this check' : `${earlier.length} earlier exchanges in this check`,
    missing: missing.length > 0 ? `Exchange ${missing.join(', ')} is not in the run record.` : null,
    chain,
    because: ctx.because ?? null,
    causeAnchor: ctx.causeAnchor ?? null,
    script,
    scriptHint: script ? exportHint(script) : '',
    scriptLabel: `Reproduce: a bash script that replays these ${chain.length} requests with fresh names, shows each answer next to the run's, then deletes what it made`,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Sections are open-ended (fuzz counterexamples, provisioning logs), so they are shown
 * generically: scalar fields as a list, referenced exchanges as exchange panels, the rest as JSON.
 */
export function sectionView(section: ReportSection, exchanges: ReadonlyMap<string, Exchange>): SectionView {
  const fields: NameValue[] = [];
  const rest: Record<string, unknown> = {};
  let ids: string[] = [];
  if (isRecord(section.data)) {
    for (const [name, value] of Object.entries(section.data)) {
      if (name === 'exchangeIds' && Array.isArray(value) && value.every((id) => typeof id === 'string')) ids = value;
      else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields.push({ name, value: String(value) });
      else rest[name] = value;
    }
  } else if (section.data !== undefined) {
    rest.data = section.data;
  }
  const { views, missing } = exchangeViews(ids, exchanges);
  if (missing.length > 0) fields.push({ name: 'missing exchanges', value: missing.join(', ') });
  const restKeys = Object.keys(rest);
  const json = restKeys.length === 0 ? null : showValue(restKeys.length === 1 && 'data' in rest ? rest.data : rest, 16_000);
  return { kind: section.kind, title: section.title, fields, json, exchanges: views };
}
