// Everything the HTML page says, worked out here: the templates only iterate and print.
import type { CheckResult, Finding, IdpVerdict, Level, RunRecord } from '../../record/types.ts';
import { indexExchanges } from '../body.ts';
import { refLink } from '../refs.ts';
import { cleanCommand, cleanLead, countStatuses, type RenderContext, formatDuration, runDurationMs, selectionText, STATUS_BADGE, STATUS_LABEL, STATUS_ORDER, verdictOf } from '../summarize.ts';
import { analysisOf } from '../analysis-of.ts';
import { errorKindsSentence } from '../error-kind.ts';
import { sectionView } from './view-cards.ts';
import { buildCards, findingAnchor, findingViews, latencyView } from './view-findings.ts';
import type { AreaView, CardView, CertificationView, ConflictView, CountCell, IdpCauseView, IdpView, NameValue, ProfileView, ReportView, RowView } from './view-types.ts';

const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];
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
  const narrowed = selectionText(record);
  if (narrowed) rows.push({ name: 'Narrowed to', value: narrowed });
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

function profileView(record: RunRecord, firstCardOf: Map<string, string>): ProfileView | null {
  const v = record.profileVerdict;
  if (!v) return null;
  const link = (i: { checkId: string; title: string }) => ({ checkId: i.checkId, title: i.title, cardAnchor: firstCardOf.get(i.checkId) ?? null });
  const stateLabel = v.state === 'meets' ? 'Meets the profile' : v.state === 'fails' ? 'Does not meet it' : 'Not judged';
  const why =
    v.state === 'fails'
      ? `${v.failing.length} of the profile's MUST checks failed (${v.counts.pass} passed).`
      : v.state === 'meets'
        ? `All ${v.counts.pass} judged checks passed${v.notJudged.length > 0 ? `; ${v.notJudged.length} item(s) not judged (below)` : ''}.`
        : 'No check of the profile could be judged.';
  return {
    title: v.title,
    version: v.version ?? null,
    met: v.state === 'meets',
    stateLabel,
    stateClass: v.state === 'meets' ? 'idp-ok' : 'idp-bad',
    why: v.trigger === 'claim' ? `${why} Checked because the server declares conformance.` : why,
    failing: v.failing.map(link),
    warnings: v.warnings.map(link),
    notJudged: v.notJudged,
    claim: v.claim && v.claim.value !== null ? { text: v.claim.message, holds: v.claim.holds !== false } : null,
  };
}

function conflictViews(record: RunRecord): ConflictView[] {
  return (record.profileVerdict?.conflicts ?? []).flatMap((c) =>
    c.effects.map((e) => ({
      ref: c.requirement.ref,
      requirementId: c.requirement.checkId,
      sideLabel: c.side === 'strict' ? 'meets the profile' : c.side === 'tolerant' ? 'serves the IdP' : 'unknown',
      sideClass: c.side,
      idp: e.label,
      state: e.state === 'breaks' ? 'breaks' : e.state === 'works' ? 'works' : 'not run',
      sentence: e.sentence,
    })),
  );
}

export function buildReportView(record: RunRecord, context: RenderContext = {}): ReportView {
  const exchanges = indexExchanges(record.exchanges);
  const verdict = verdictOf(record);
  const { findings, latency } = analysisOf(record);
  const cardsByIndex = buildCards(record, findings, exchanges);
  const cards = new Map([...cardsByIndex].map(([i, card]) => [record.results[i]!, card]));
  const firstCardOf = new Map<string, string>();
  for (const card of cardsByIndex.values()) if (!firstCardOf.has(card.checkId)) firstCardOf.set(card.checkId, card.anchor);

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
    notJudged: v.notJudged === true,
    stateLabel: `${v.works ? 'Would work' : v.notJudged ? 'Not judged' : 'Would fail'}${v.missing?.length ? ' (partial)' : ''}`,
    missing: v.missing ?? [],
    blocking: v.blocking.map((b) => ({ checkId: b.checkId, title: b.title, impact: b.impact ?? null, cardAnchor: firstCardOf.get(b.checkId) ?? null })),
    causes: idpCauses(v.blocking, findings, firstCardOf),
  }));
  const profile = profileView(record, firstCardOf);
  const conflicts = conflictViews(record);
  const certification = certificationView(record, firstCardOf);
  const errors = [...cards.values()].filter((card) => card.status === 'error');
  const findingList = findingViews(record, findings, cardsByIndex, exchanges);
  const checkFindings = findings.filter((f) => f.kind !== 'latency');
  const failing = record.results.filter((r) => r.status === 'fail').length;
  const warning = record.results.filter((r) => r.status === 'warn').length;
  const waived = record.results.filter((r) => r.waivedStatus === 'fail' || r.waivedStatus === 'warn').length;
  const latencyFlags = findings.length - checkFindings.length;
  const skips = record.results
    .filter((r) => r.status === 'skip')
    .map((r) => ({ checkId: r.checkId, title: r.title, reason: r.reason ?? 'no reason recorded', anchor: `result-${position.get(r)}` }));
  const sections = (record.sections ?? []).map((section, i) => ({ ...sectionView(section, exchanges), anchor: `section-${i + 1}` }));
  const leftovers = (record.leftovers ?? []).map((l) => ({ resourceType: l.resourceType, name: l.name ?? '', location: l.location ?? '', reason: l.reason }));
  const nav = [
    { anchor: 'leftovers', label: 'Leftovers', count: leftovers.length, show: leftovers.length > 0 },
    { anchor: 'certification', label: 'Certification', count: null, show: certification !== null },
    { anchor: 'idp', label: profile ? 'Profile and IdP verdicts' : 'IdP verdicts', count: null, show: idp.length > 0 || profile !== null },
    { anchor: 'findings', label: 'Findings', count: findingList.length, show: findingList.length > 0 },
    { anchor: 'summary', label: 'Summary', count: null, show: true },
    { anchor: 'errors', label: 'Not judged', count: errors.length, show: errors.length > 0 },
    { anchor: 'latency', label: 'Latency', count: null, show: latency.endpoints.length > 0 },
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
    // Without a /ServiceProviderConfig nothing was advertised: the strip shows what the run assumed.
    capabilitiesLabel: record.discovery?.capabilities.serviceProviderConfig === false ? 'Assumed capabilities (no /ServiceProviderConfig was served)' : 'Advertised capabilities',
    idp,
    profile,
    conflicts,
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
    findings: findingList,
    findingsLead: findingsLead(failing, warning, waived, checkFindings.length, latencyFlags),
    errors,
    errorsLead: `These checks could not be judged and are not counted against the server: ${errorKindsSentence(record.results, exchanges)}.`,
    latency: latency.endpoints.length > 0 ? latencyView(latency, findings) : null,
    skips,
    cleanup: record.cleanup.map((c) => ({ location: c.location, resourceType: c.resourceType, status: c.status, message: c.message ?? '' })),
    leftovers,
    cleanLead: cleanLead(record),
    cleanCommand: cleanCommand(record, context.runJson),
    sections,
    generator: `${record.meta.tool} ${record.meta.version}`,
  };
}

/** An IdP's blocking checks grouped by the finding that explains them, in the order of the findings. */
function idpCauses(blocking: IdpVerdict['blocking'], findings: readonly Finding[], cardOf: ReadonlyMap<string, string>): IdpCauseView[] {
  const findingOf = new Map<string, Finding>();
  for (const f of findings) for (const m of [...f.symptoms, ...f.consequences]) findingOf.set(m.checkId, f);
  const groups = new Map<string, IdpCauseView>();
  for (const b of blocking) {
    const finding = findingOf.get(b.checkId);
    const key = finding?.id ?? `check:${b.checkId}`;
    const group = groups.get(key) ?? {
      findingId: finding?.id ?? null,
      findingAnchor: finding ? findingAnchor(finding) : null,
      title: finding?.title ?? b.title,
      impact: b.impact ?? null,
      checks: [],
      checksLabel: '',
      collapsed: false,
    };
    group.checks.push({ checkId: b.checkId, cardAnchor: cardOf.get(b.checkId) ?? null });
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ ...g, checksLabel: g.checks.length === 1 ? 'blocking check:' : `${g.checks.length} blocking checks`, collapsed: g.checks.length > 4 }));
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function findingsLead(failing: number, warning: number, waived: number, findings: number, latencyFlags: number): string {
  const parts = [failing > 0 ? `${plural(failing, 'failed check')}` : '', warning > 0 ? plural(warning, 'warning') : '', waived > 0 ? `${plural(waived, 'check')} waived by the baseline` : ''].filter(Boolean);
  const checks = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
  const latency = latencyFlags > 0 ? ` ${plural(latencyFlags, 'endpoint')} ${latencyFlags === 1 ? 'is' : 'are'} flagged for latency.` : '';
  if (findings === 0) return `No check failed.${latency}`;
  return `${checks} come down to ${plural(findings, 'root cause')}. Each finding lists every check it explains: the ones that show it directly, and the ones that failed only because of it (each says how). Fix the cause and re-run.${latency}`;
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
    group.tests.push({ name: t.name, optional: t.category === 'optional', status: t.notReached ? 'not reached' : t.status, badge: t.notReached ? 's-skip' : (PROGRAMME_BADGE[t.status] ?? 's-info'), reason: t.reason, advice: t.advice ?? null, mirrors: t.mirrors, cardAnchor: failing ? (firstCardOf.get(failing) ?? null) : null });
  }
  return { label: c.label, headline: c.headline, passes: c.passes && c.passesStrict, open: c.partial === true || c.incomplete === true, rule: c.rule, groups, notes: c.notes };
}
