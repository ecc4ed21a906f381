// Findings as the page shows them: each root cause with the table of every check it explains
// (direct, consequence, skipped), the lead check's card open and the other cards one click away.
import type { CheckResult, Exchange, Finding, FindingKind, LatencyReport, RunRecord } from '../../record/types.ts';
import { formatMs } from '../../analysis/latency.ts';
import { reproductionScript } from '../reproduce.ts';
import { findingStatus, STATUS_BADGE } from '../summarize.ts';
import { cardView } from './view-cards.ts';
import { exchangeViews } from './view-exchange.ts';
import type { CardView, FindingMemberView, FindingView, LatencyView } from './view-types.ts';

const KIND_LABEL: Readonly<Record<FindingKind, string>> = {
  check: 'One check',
  'attribute-form': 'One attribute, everywhere',
  refusal: 'One refusal, many requests',
  'unexpected-status': 'One status, many checks',
  'same-assertion': 'One assertion, many places',
  'paging-ignored': 'One paging defect, many pages',
  setup: 'A refused set-up request',
  latency: 'Latency',
};

export const cardAnchor = (index: number): string => `card-${index + 1}`;
export const findingAnchor = (finding: Pick<Finding, 'id'>): string => `finding-${finding.id}`;

/** Every card of a failing or warning result, keyed by its index, with its chain and script. */
export function buildCards(record: RunRecord, findings: readonly Finding[], exchanges: ReadonlyMap<string, Exchange>): Map<number, CardView> {
  const because = new Map<number, { because: string; cause?: number }>();
  for (const finding of findings) {
    for (const m of finding.consequences) because.set(m.result, { because: m.because ?? 'a consequence of this finding', ...(m.causeResult !== undefined ? { cause: m.causeResult } : {}) });
  }
  const cards = new Map<number, CardView>();
  record.results.forEach((result, index) => {
    if (!['fail', 'error', 'warn'].includes(result.status) && !result.waivedStatus) return;
    const link = because.get(index);
    const script = reproductionScript(result, exchanges, record.meta);
    cards.set(index, cardView(result, cardAnchor(index), {
      exchanges,
      baseUrl: record.meta.target,
      ...(link ? { because: link.because, ...(link.cause !== undefined ? { causeAnchor: cardAnchor(link.cause) } : {}) } : {}),
      ...(script ? { script } : {}),
    }));
  });
  return cards;
}

function memberView(result: CheckResult, index: number, role: FindingMemberView['role'], note: string | null, cards: ReadonlyMap<number, CardView>): FindingMemberView {
  return {
    role,
    roleClass: role.toLowerCase(),
    status: result.status,
    statusLabel: STATUS_BADGE[result.status],
    checkId: result.checkId,
    title: result.title,
    note,
    cardAnchor: cards.get(index)?.anchor ?? null,
  };
}

export function findingViews(record: RunRecord, findings: readonly Finding[], cards: ReadonlyMap<number, CardView>, exchanges: ReadonlyMap<string, Exchange>): FindingView[] {
  return findings.map((finding) => {
    const results = record.results;
    const members = [
      ...finding.symptoms.map((m) => memberView(results[m.result]!, m.result, 'Direct', results[m.result]!.message ?? null, cards)),
      ...finding.consequences.map((m) => memberView(results[m.result]!, m.result, 'Consequence', m.because ?? null, cards)),
      ...finding.skipped.map((m) => memberView(results[m.result]!, m.result, 'Skipped', results[m.result]!.reason ?? null, cards)),
    ];
    const ordered = [...finding.symptoms, ...finding.consequences].map((m) => cards.get(m.result)).filter((c): c is CardView => c !== undefined);
    const [lead = null, ...others] = ordered;
    const evidence = finding.symptoms.length === 0 ? exchangeViews(finding.exchangeIds, exchanges).views : [];
    const status = findingStatus(finding, results);
    return {
      id: finding.id,
      anchor: findingAnchor(finding),
      status: status === 'waived' ? 'info' : status,
      statusLabel: status === 'waived' ? 'Waived' : STATUS_BADGE[status],
      kindLabel: KIND_LABEL[finding.kind],
      title: finding.title,
      basis: finding.basis,
      members,
      lead,
      others,
      othersLabel: others.length === 1 ? 'The card of its other check' : `The cards of its other ${others.length} checks`,
      evidence,
    };
  });
}

export function latencyView(latency: LatencyReport, findings: readonly Finding[]): LatencyView {
  const flagged = new Map(findings.filter((f) => f.kind === 'latency' && f.endpoint).map((f) => [f.endpoint!, findingAnchor(f)]));
  return {
    basis: latency.basis,
    rate: latency.rate.perSecond,
    rows: latency.endpoints.map((e) => ({
      endpoint: e.endpoint,
      count: e.count,
      failed: e.failed,
      p50: formatMs(e.p50Ms),
      p95: formatMs(e.p95Ms),
      max: formatMs(e.maxMs),
      concurrency: e.concurrencyForRate,
      flag: e.flag ? `${e.flag.level === 'breaks' ? 'Breaks an IdP' : 'Slow'}: ${e.flag.reason}` : null,
      flagClass: e.flag ? `lat-${e.flag.level}` : '',
      findingAnchor: flagged.get(e.endpoint) ?? null,
    })),
  };
}
