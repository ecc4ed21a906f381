// Joins the run records of parallel shards (`--shard i/n`) into one record, so one report shows
// the whole run (`scimproof report --merge a.json b.json …`). Exchange ids are renumbered so they
// stay unique; a check that ran in several shards (discovery, the run-wide audits) keeps its worst
// verdict; the IdP verdicts and the summary are computed again over the joined results, because a
// core failure in one shard can block an IdP whose replay pack ran in another.
import { analyseRun } from '../analysis/analyse.ts';
import { DEFAULT_TIMEOUT_MS } from '../http/client.ts';
import type { CheckResult, CheckStatus, Exchange, IdpVerdict, ReportSection, RunRecord } from '../record/types.ts';
import { staleWaivers, type Baseline } from './baseline.ts';
import { countStatuses } from '../report/summarize.ts';
import { computeIdpVerdicts } from './verdict.ts';
import { markUnreached } from './budget.ts';
import { finalProfileVerdict } from './profile-verdict.ts';
import { getProfile } from '../suite/profiles.ts';

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

export interface MergeOptions {
  /** Judge stale waivers over the joined results (shards cannot: each sees only part of a waiver). */
  baseline?: Baseline;
}

/** Which verdict wins when a check ran in several shards: the one that says most against the server. */
const SEVERITY: readonly CheckStatus[] = ['fail', 'error', 'warn', 'info', 'pass', 'skip'];

export function mergeRunRecords(records: readonly RunRecord[], options: MergeOptions = {}): RunRecord {
  if (records.length === 0) throw new MergeError('nothing to merge: give at least one run record');
  checkShards(records);
  checkSameRun(records);
  const renumber = exchangeRenumbering();
  const exchanges: Exchange[] = [];
  const byCheck = new Map<string, CheckResult>();
  const sections: ReportSection[] = [];
  records.forEach((record, k) => {
    const ids = new Map(record.exchanges.map((ex) => [ex.id, renumber(ex.id, k)]));
    const mapId = (id: string): string => ids.get(id) ?? id;
    for (const ex of record.exchanges) exchanges.push({ ...ex, id: mapId(ex.id) });
    for (const result of record.results) {
      const mine = { ...result, exchangeIds: result.exchangeIds.map(mapId) };
      const seen = byCheck.get(result.checkId);
      byCheck.set(result.checkId, seen ? worse(seen, mine) : mine);
    }
    for (const section of record.sections ?? []) sections.push({ ...section, data: remapExchangeIds(section.data, mapId) });
  });
  let results = [...byCheck.values()];
  if (options.baseline) results = [...results, ...staleWaivers(results, options.baseline)];
  const first = records[0]!;
  const runErrors = records.filter((r) => r.meta.runError).map((r) => `${r.meta.shard ? `shard ${r.meta.shard.index}/${r.meta.shard.total}` : r.meta.runId}: ${r.meta.runError}`);
  const { shard: _shard, runError: _runError, budget: _budget, interrupted: _interrupted, ...meta } = first.meta;
  const discovery = records.find((r) => r.discovery && Object.keys(r.discovery.capabilities).length > 0)?.discovery ?? first.discovery;
  const missing = missingShards(records);
  // A shard cut short by its time budget leaves its IdPs not judged, as a single run would; so does a shard not given.
  const verdicts = runErrors.length === 0 ? markShardsMissing(markUnreached(computeIdpVerdicts(results), results), missing) : [];
  // The profile verdict, like the IdP verdicts, is judged again over every shard's results.
  const shardProfile = records.find((r) => r.profileVerdict)?.profileVerdict;
  const judgedProfile = shardProfile && runErrors.length === 0 ? finalProfileVerdict(getProfile(shardProfile.profile), results, shardProfile.trigger, discovery?.serviceProviderConfig) : undefined;
  const profileVerdict = judgedProfile && missing.length > 0 && judgedProfile.state === 'meets' ? { ...judgedProfile, state: 'not-judged' as const, notJudged: [...judgedProfile.notJudged, { what: `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, reason: notMerged(missing) }] } : judgedProfile;
  const leftovers = records.flatMap((r) => r.leftovers ?? []);
  const budgets = records.map((r) => r.meta.budget).filter((b) => b !== undefined);
  // Findings and latency are judged again over every shard's results and exchanges, like the verdicts.
  const analysis = analyseRun({ meta: { target: first.meta.target, prefix: first.meta.prefix }, results, exchanges }, DEFAULT_TIMEOUT_MS);
  return {
    meta: {
      ...meta,
      runId: `${first.meta.runId}-merged`,
      suites: [...new Set(records.flatMap((r) => r.meta.suites))],
      startedAt: records.map((r) => r.meta.startedAt).sort()[0]!,
      finishedAt: records.map((r) => r.meta.finishedAt).sort().at(-1)!,
      ...(runErrors.length > 0 ? { runError: runErrors.join('; ') } : {}),
      ...(budgets.length > 0 ? { budget: { maxTimeMs: budgets[0]!.maxTimeMs, ranOut: budgets.some((b) => b.ranOut), notReached: budgets.reduce((n, b) => n + b.notReached, 0) } } : {}),
      mergedFrom: records.map((r) => r.meta.runId),
      ...(missing.length > 0 ? { missingShards: missing } : {}),
    },
    ...(discovery ? { discovery } : {}),
    exchanges,
    results,
    cleanup: records.flatMap((r) => r.cleanup),
    ...(leftovers.length > 0 ? { leftovers } : {}),
    ...(verdicts.length > 0 ? { idpVerdicts: verdicts } : {}),
    ...(profileVerdict ? { profileVerdict } : {}),
    summary: countStatuses(results),
    ...(sections.length > 0 ? { sections: joinSections(sections) } : {}),
    findings: analysis.findings,
    latency: analysis.latency,
  };
}

/** The shards of `total` that none of the records is, e.g. `["2/3"]`; empty for unsharded records. */
export function missingShards(records: readonly RunRecord[]): string[] {
  const total = records.find((r) => r.meta.shard)?.meta.shard?.total;
  if (total === undefined) return [];
  const present = new Set(records.map((r) => r.meta.shard?.index));
  return Array.from({ length: total }, (_, i) => i + 1).filter((i) => !present.has(i)).map((i) => `${i}/${total}`);
}

const notMerged = (missing: readonly string[]): string => `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not merged: the checks that ran there are missing`;

/**
 * Without every shard, no IdP "would work": part of its replay pack, or the core checks it relies
 * on, may have run in a shard not given. Like a budget that ran out, that alone is "not judged",
 * never "would fail"; a failure seen in the shards given still fails it.
 */
function markShardsMissing(verdicts: IdpVerdict[], missing: readonly string[]): IdpVerdict[] {
  if (missing.length === 0) return verdicts;
  return verdicts.map((verdict) => ({
    ...verdict,
    works: false,
    ...(verdict.works || verdict.notJudged ? { notJudged: true } : {}),
    blocking: [...verdict.blocking, { checkId: `${verdict.dialect}.not-merged`, title: notMerged(missing) }],
  }));
}

function checkShards(records: readonly RunRecord[]): void {
  const seen = new Set<number>();
  const totals = new Set<number>();
  for (const { meta } of records) {
    if (!meta.shard) continue;
    totals.add(meta.shard.total);
    if (seen.has(meta.shard.index)) throw new MergeError(`shard ${meta.shard.index}/${meta.shard.total} is given twice (run ${meta.runId})`);
    seen.add(meta.shard.index);
  }
  if (totals.size > 1) throw new MergeError(`the records come from different shardings (${[...totals].map((t) => `/${t}`).join(' and ')}); merge the shards of one run`);
}

/**
 * Shards of one run share their target, tool version, suites and profile; records that differ in
 * one of them are different runs, whose union would judge no server as any run would (the embedded
 * reference server listens on a new port in each shard, so only its being embedded is compared).
 */
function checkSameRun(records: readonly RunRecord[]): void {
  const sharded = records.filter((r) => r.meta.shard);
  if (sharded.length > 0 && sharded.length < records.length) {
    const whole = records.find((r) => !r.meta.shard)!;
    throw new MergeError(`run ${whole.meta.runId} is not a shard (no --shard) but the others are; merge the shards of one run`);
  }
  const aspects: Array<[string, (r: RunRecord) => string]> = [
    ['targets', (r) => (r.meta.embedded ? 'the embedded reference server' : r.meta.target.replace(/\/+$/, ''))],
    ['scimproof versions', (r) => r.meta.version],
    ['suites', (r) => [...r.meta.suites].sort().join(',')],
    ['profiles', (r) => r.meta.profile ?? '(none)'],
    ['selections (--only, --skip, --dialect)', (r) => selectionText(r.meta.selection)],
  ];
  // Budgets: the joined report states one (a shard cut short by a smaller --max-time, or fuzzed with
  // fewer --runs, reads as the run's). Compared among the records that have one: fuzzing runs in
  // the shard its scenarios were dealt to, and records written before budgets were kept have none.
  const budgets: Array<[string, (r: RunRecord) => string | undefined]> = [
    ['time budgets (--max-time)', (r) => (r.meta.budget ? (r.meta.budget.maxTimeMs === 0 ? 'no limit' : `${r.meta.budget.maxTimeMs / 1000}s`) : undefined)],
    ['fuzz budgets (--runs, --time)', fuzzBudgetOf],
  ];
  for (const [what, of] of [...aspects, ...budgets]) {
    const values = [...new Set(records.map(of).filter((v) => v !== undefined))];
    if (values.length > 1) throw new MergeError(`the records come from different ${what} (${values.slice(0, 3).map((v) => (v === '' ? '(none)' : v)).join(' and ')}); merge the shards of one run`);
  }
}

/** The fuzz budget a record ran with, from its fuzz summary: runs per property, or `time budget N ms`. */
function fuzzBudgetOf(record: RunRecord): string | undefined {
  const data = record.sections?.find((s) => s.kind === 'fuzz-summary')?.data;
  const runs = isRecord(data) ? data.runsPerProperty : undefined;
  if (runs === undefined) return undefined;
  return typeof runs === 'number' ? `${runs} runs per property` : String(runs);
}

function selectionText(selection: RunRecord['meta']['selection']): string {
  if (!selection) return 'none';
  const list = (flag: string, values: string[] | undefined): string[] => (values?.length ? [`${flag} ${[...values].sort().join(',')}`] : []);
  return [...list('--only', selection.only), ...list('--skip', selection.skip), ...list('--dialect', selection.dialects)].join(' ') || 'none';
}

/** Exchange ids stay `x0001`-shaped (letter + number), numbered on across the records. */
function exchangeRenumbering(): (id: string, recordIndex: number) => string {
  const next = new Map<string, number>();
  return (id, recordIndex) => {
    const match = /^([A-Za-z]+)\d+$/.exec(id);
    if (!match) return `${recordIndex + 1}.${id}`;
    const n = (next.get(match[1]!) ?? 0) + 1;
    next.set(match[1]!, n);
    return `${match[1]}${String(n).padStart(4, '0')}`;
  };
}

function worse(a: CheckResult, b: CheckResult): CheckResult {
  const rank = (r: CheckResult): number => SEVERITY.indexOf(r.status);
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? a : b;
  if (a.status === 'pass' || a.status === 'skip') return a;
  // The same verdict in two shards: keep the evidence of both.
  const messages = [...new Set([a.message, b.message].filter((m): m is string => m !== undefined))];
  return { ...a, exchangeIds: [...new Set([...a.exchangeIds, ...b.exchangeIds])], ...(messages.length > 0 ? { message: messages.join('\n') } : {}) };
}

/** The fuzz tally's counters: each shard counts its own properties and requests. */
const FUZZ_COUNTERS = ['properties', 'failed', 'requests', 'created', 'cleanupFailed', 'kept'];

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Sections each shard writes its own part of become one again, as in an unsharded run: the filter
 * support matrix and the attributes left out are one table (a row per operator or attribute), the
 * fuzz tally adds up. Other sections (counterexamples, search lag) stay one per shard.
 */
const SECTION_JOINS: Readonly<Partial<Record<string, (a: Record<string, unknown>, b: Record<string, unknown>) => Record<string, unknown>>>> = {
  'filter-support': (a, b) => ({ ...b, ...a }),
  'schema-fit': (a, b) => ({ ...b, ...a }),
  'fuzz-summary': (a, b) => {
    const joined: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) {
      const mine = a[key];
      if (FUZZ_COUNTERS.includes(key) && typeof mine === 'number' && typeof value === 'number') joined[key] = mine + value;
      else if (mine === undefined) joined[key] = value;
      else if (String(mine) !== String(value) && !String(mine).split(', ').includes(String(value))) joined[key] = `${String(mine)}, ${String(value)}`;
    }
    return joined;
  },
};

function joinSections(sections: readonly ReportSection[]): ReportSection[] {
  const joined: ReportSection[] = [];
  const firstOfKind = new Map<string, number>();
  for (const section of sections) {
    const join = SECTION_JOINS[section.kind];
    const at = firstOfKind.get(section.kind);
    const seen = at === undefined ? undefined : joined[at];
    if (join && seen && isRecord(seen.data) && isRecord(section.data)) {
      joined[at!] = { ...seen, data: join(seen.data, section.data) };
      continue;
    }
    if (join) firstOfKind.set(section.kind, joined.length);
    joined.push(section);
  }
  return joined;
}

/** Section data names exchanges under `exchangeId`/`exchangeIds` keys (fuzz counterexamples); renumber those. */
function remapExchangeIds(data: unknown, mapId: (id: string) => string, key = ''): unknown {
  const isIdKey = /^exchangeIds?$/.test(key);
  if (typeof data === 'string') return isIdKey ? mapId(data) : data;
  if (Array.isArray(data)) return data.map((item) => remapExchangeIds(item, mapId, key));
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, remapExchangeIds(v, mapId, k)]));
  }
  return data;
}
