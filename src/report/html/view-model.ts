// Everything the HTML page says, worked out here: the templates only iterate and print.
import type { CheckResult, CheckStatus, Level, RunRecord } from '../../record/types.ts';
import { indexExchanges } from '../body.ts';
import { refLink } from '../refs.ts';
import { cleanCommand, countStatuses, formatDuration, runDurationMs, STATUS_BADGE, STATUS_LABEL, STATUS_ORDER, verdictOf } from '../summarize.ts';
import { cardView, sectionView } from './view-cards.ts';
import type { AreaView, CardView, CertificationView, CountCell, IdpView, NameValue, ReportView, RowView } from './view-types.ts';

const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];
const CARD_STATUSES: ReadonlySet<CheckStatus> = new Set(['fail', 'error', 'warn']);
const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';

function cells(results: readonly CheckResult[]): CountCell[] {
  const counts = countStatuses(results);
  return STATUS_ORDER.map((status) => ({ status, label: STATUS_LABEL[status], count: counts[status], zero: counts[status] === 0 }));
}

function metaRows(record: RunRecord): NameValue[] {
  const { meta } = record;
  const rows: NameValue[] = [
    { name: 'Target', value: meta.embedded ? `${meta.target} (embedded reference server)` : meta.target },
    { name: 'Run id', value: meta.runId },
    { name: 'Seed', value: String(meta.seed) },
    { name: 'Prefix', value: meta.prefix },
  ];
  if (meta.profile) rows.push({ name: 'Profile', value: meta.profile });
  if (meta.suites.length > 0) rows.push({ name: 'Suites', value: meta.suites.join(', ') });
  rows.push(
    { name: 'Started', value: meta.startedAt },
    { name: 'Duration', value: formatDuration(runDurationMs(meta)) },
    { name: 'Exchanges', value: String(record.exchanges.length) },
    { name: 'Tool', value: `${meta.tool} ${meta.version} · Node ${meta.node}` },
  );
  return rows;
}

function rowNote(result: CheckResult): string | null {
  if (result.status === 'skip') return result.reason ?? 'skipped (no reason recorded)';
  if (result.status === 'pass') return null;
  return result.message ?? null;
}

export function buildReportView(record: RunRecord): ReportView {
  const exchanges = indexExchanges(record.exchanges);
  const verdict = verdictOf(record);
  const cards = new Map<CheckResult, CardView>();
  const firstCardOf = new Map<string, string>();
  record.results.forEach((result, i) => {
    if (!CARD_STATUSES.has(result.status)) return;
    const card = cardView(result, `card-${i + 1}`, exchanges);
    cards.set(result, card);
    if (!firstCardOf.has(result.checkId)) firstCardOf.set(result.checkId, card.anchor);
  });

  const position = new Map(record.results.map((result, i) => [result, i + 1]));
  const byArea = new Map<string, CheckResult[]>();
  for (const result of record.results) byArea.set(result.area, [...(byArea.get(result.area) ?? []), result]);
  const rowOf = (result: CheckResult): RowView => ({
    anchor: `result-${position.get(result)}`,
    status: result.status,
    statusLabel: STATUS_BADGE[result.status],
    checkId: result.checkId,
    title: result.title,
    level: result.level,
    refs: result.refs.map(refLink),
    note: rowNote(result),
    cardAnchor: cards.get(result)?.anchor ?? null,
  });
  const areas: AreaView[] = [...byArea].map(([name, results]) => ({
    name,
    anchor: `area-${slug(name)}`,
    levels: LEVELS.map((level) => ({ level, rows: results.filter((r) => r.level === level).map(rowOf) })).filter((g) => g.rows.length > 0),
  }));

  const totals = cells(record.results);
  const idp: IdpView[] = (record.idpVerdicts ?? []).map((v) => ({
    label: v.label,
    dialect: v.dialect,
    works: v.works,
    stateLabel: v.works ? 'Would work' : 'Would fail',
    blocking: v.blocking.map((b) => ({ checkId: b.checkId, title: b.title, impact: b.impact ?? null, cardAnchor: firstCardOf.get(b.checkId) ?? null })),
  }));
  const certification = certificationView(record, firstCardOf);
  const allCards = [...cards.values()];
  const failures = allCards.filter((card) => card.status === 'fail');
  const errors = allCards.filter((card) => card.status === 'error');
  const warnings = allCards.filter((card) => card.status === 'warn');
  const skips = record.results
    .filter((r) => r.status === 'skip')
    .map((r) => ({ checkId: r.checkId, title: r.title, reason: r.reason ?? 'no reason recorded', anchor: `result-${position.get(r)}` }));
  const sections = (record.sections ?? []).map((section, i) => ({ ...sectionView(section, exchanges), anchor: `section-${i + 1}` }));
  const leftovers = (record.leftovers ?? []).map((l) => ({ resourceType: l.resourceType, name: l.name ?? '', location: l.location ?? '', reason: l.reason }));
  const nav = [
    { anchor: 'leftovers', label: 'Leftovers', count: leftovers.length, show: leftovers.length > 0 },
    { anchor: 'certification', label: 'Certification', count: null, show: certification !== null },
    { anchor: 'idp', label: 'IdP verdicts', count: null, show: idp.length > 0 },
    { anchor: 'summary', label: 'Summary', count: null, show: true },
    { anchor: 'failures', label: 'Failures', count: failures.length, show: failures.length > 0 },
    { anchor: 'errors', label: 'Harness errors', count: errors.length, show: errors.length > 0 },
    { anchor: 'warnings', label: 'Warnings', count: warnings.length, show: warnings.length > 0 },
    { anchor: 'results', label: 'All results', count: record.results.length, show: true },
    { anchor: 'skipped', label: 'Skipped', count: skips.length, show: skips.length > 0 },
    ...sections.map((s) => ({ anchor: s.anchor, label: s.title.length > 32 ? `${s.title.slice(0, 30)}…` : s.title, count: null, show: true })),
    { anchor: 'cleanup', label: 'Cleanup', count: record.cleanup.length, show: record.cleanup.length > 0 },
  ].filter((entry) => entry.show).map(({ anchor, label, count }) => ({ anchor, label, count }));
  return {
    pageTitle: `scimproof ${verdict.headline} — ${record.meta.target}`,
    kindLabel: record.certification ? `Certification pre-flight: ${record.certification.label}` : record.meta.suites.some((s) => s.startsWith('idp-')) ? 'SCIM provisioning log (mock IdP)' : 'SCIM 2.0 conformance report',
    verdict,
    meta: metaRows(record),
    totals: totals.filter((cell) => !cell.zero),
    capabilities: Object.entries(record.discovery?.capabilities ?? {}).map(([name, on]) => ({ name, on })),
    idp,
    certification,
    summary: {
      columns: STATUS_ORDER.map((status) => ({ status, label: STATUS_LABEL[status] })),
      rows: areas.map((area) => ({ area: area.name, anchor: area.anchor, cells: cells(byArea.get(area.name) ?? []), total: (byArea.get(area.name) ?? []).length })),
      totals,
      total: record.results.length,
    },
    filters: [
      { status: 'all', label: 'All', count: record.results.length, disabled: false },
      // Info only when present: the six the reader expects are always offered, empty ones greyed out.
      ...totals.filter((cell) => cell.status !== 'info' || !cell.zero).map((cell) => ({ status: cell.status, label: cell.label, count: cell.count, disabled: cell.zero })),
    ],
    areas,
    nav,
    failures,
    errors,
    warnings,
    skips,
    cleanup: record.cleanup.map((c) => ({ location: c.location, resourceType: c.resourceType, status: c.status, message: c.message ?? '' })),
    leftovers,
    leftoverPrefix: record.meta.prefix,
    cleanCommand: cleanCommand(record),
    sections,
    generator: `${record.meta.tool} ${record.meta.version}`,
  };
}

const PROGRAMME_BADGE: Record<string, string> = { passed: 's-pass', failed: 's-fail', warning: 's-warn', skipped: 's-skip', error: 's-error' };

/** The programme's tests in its own groups, each linked to the card of its first failing check. */
function certificationView(record: RunRecord, firstCardOf: ReadonlyMap<string, string>): CertificationView | null {
  const c = record.certification;
  if (!c) return null;
  const groups: CertificationView['groups'] = [];
  for (const t of c.tests) {
    let group = groups.find((g) => g.name === t.group);
    if (!group) groups.push((group = { name: t.group, tests: [] }));
    const failing = [...t.failing, ...t.failingBeyond][0];
    group.tests.push({ name: t.name, optional: t.category === 'optional', status: t.status, badge: PROGRAMME_BADGE[t.status] ?? 's-info', reason: t.reason, mirrors: t.mirrors, cardAnchor: failing ? (firstCardOf.get(failing) ?? null) : null });
  }
  return { label: c.label, headline: c.headline, passes: c.passes && c.passesStrict, rule: c.rule, groups, notes: c.notes };
}
