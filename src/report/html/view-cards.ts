// Cards: one per failing, erroring or warning check (the claim, the spec, the exchange that
// failed, the curl line), and one per extra section such as a fuzz counterexample.
import type { CheckResult, Exchange, ReportSection } from '../../record/types.ts';
import { showValue } from '../body.ts';
import { refLink } from '../refs.ts';
import { STATUS_BADGE } from '../summarize.ts';
import { exchangeViews } from './view-exchange.ts';
import type { CardView, NameValue, SectionView } from './view-types.ts';

const VALUE_LIMIT = 4000;

export function cardView(result: CheckResult, anchor: string, exchanges: ReadonlyMap<string, Exchange>): CardView {
  const { views, missing } = exchangeViews(result.exchangeIds, exchanges);
  const exchange = views.at(-1) ?? null;
  const earlier = views.slice(0, -1);
  const expected = result.expected === undefined ? null : showValue(result.expected, VALUE_LIMIT);
  const actual = result.actual === undefined ? null : showValue(result.actual, VALUE_LIMIT);
  return {
    anchor,
    status: result.status,
    statusLabel: STATUS_BADGE[result.status],
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
    earlier,
    earlierLabel: earlier.length === 1 ? '1 earlier exchange in this check' : `${earlier.length} earlier exchanges in this check`,
    missing: missing.length > 0 ? `Exchange ${missing.join(', ')} is not in the run record.` : null,
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
