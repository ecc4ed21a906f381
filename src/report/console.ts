// Live progress for a run: one line per scenario as it finishes (failing check ids under it),
// then a summary, the IdP verdicts and the path of the HTML report. Colour and line rewriting
// only on a TTY, and colour never when NO_COLOR is set, unless the caller forces it.
import type { CheckResult, CheckStatus, Finding, IdpVerdict, LatencyReport, RunRecord } from '../record/types.ts';
import { formatMs } from '../analysis/latency.ts';
import { analysisOf } from './analysis-of.ts';
import { terminalCodes } from '../util/printable.ts';
import { cleanCommand, cleanLead, countStatuses, findingStatus, plural, STATUS_ORDER, verdictOf, type VerdictKind } from './summarize.ts';

export interface ConsoleStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ConsoleReporterOptions {
  stream?: ConsoleStream;
  /** Force colour on or off; by default on only for a TTY without NO_COLOR / TERM=dumb. */
  color?: boolean;
  /** List every result under its scenario, not only failures and errors. */
  verbose?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ReportPaths { html?: string; json?: string; junit?: string }

export interface ConsoleReporter {
  onScenarioStart(suite: string, scenarioTitle: string): void;
  onResult(result: CheckResult): void;
  /** A line about the run itself (a 429 wait, the cleanup), between the scenario lines. */
  onNotice(text: string): void;
  onRunEnd(record: RunRecord, paths: ReportPaths): void;
}

/** Leftovers listed on the console; the rest are in run.json and the HTML report. */
const LEFTOVER_LINES = 20;

type Paint = (code: number, text: string) => string;

const MARK: Record<CheckStatus, [string, number]> = {
  fail: ['✗', 31], error: ['!', 35], warn: ['⚠', 33], info: ['i', 36], skip: ['-', 90], pass: ['✓', 32],
};
const WORD: Record<CheckStatus, [string, string]> = {
  pass: ['passed', 'passed'], fail: ['failed', 'failed'], warn: ['warning', 'warnings'],
  info: ['info', 'info'], skip: ['skipped', 'skipped'], error: ['not judged', 'not judged'],
};
const VERDICT_COLOR: Record<VerdictKind, number> = { pass: 32, fail: 31, incomplete: 33, 'not-run': 90 };

function countsLine(results: readonly CheckResult[], order: readonly CheckStatus[]): string {
  const counts = countStatuses(results);
  return order.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${WORD[s][counts[s] === 1 ? 0 : 1]}`).join(', ');
}

function worst(results: readonly CheckResult[]): CheckStatus {
  const present = new Set(results.map((r) => r.status));
  // A scenario whose results are all skipped shows as skipped; otherwise the worst judged status.
  return STATUS_ORDER.find((s) => s !== 'skip' && s !== 'info' && present.has(s)) ?? (present.has('info') ? 'pass' : 'skip');
}

export function createConsoleReporter(options: ConsoleReporterOptions = {}): ConsoleReporter {
  const stream: ConsoleStream = options.stream ?? process.stdout;
  const env = options.env ?? process.env;
  const tty = stream.isTTY === true;
  const color = options.color ?? (tty && !env.NO_COLOR && env.TERM !== 'dumb');
  const codes = terminalCodes();
  const paint: Paint = (code, text) => (color ? `${codes.esc}[${code}m${text}${codes.esc}[0m` : text);
  const verbose = options.verbose === true;
  let current: { label: string; results: CheckResult[] } | undefined;
  let pendingLine = false;
  /** Errors listed under their scenario: the rest are listed at the end (a skip the run made an error when it ended). */
  const errorsShown = new Set<string>();

  // Every line goes through codes.text: messages carry a server's `detail`, ids and Locations.
  const write = (text: string): void => void stream.write(codes.text(text));
  const clearPending = (): void => {
    if (pendingLine) void stream.write('\r\u001b[2K'); // ours, written as is
    pendingLine = false;
  };
  const detail = (r: CheckResult): string => {
    const [mark, code] = MARK[r.status];
    // A check that could not run names the answer that stopped it (the request is in the report).
    const cause = r.status === 'error' && r.exchangeIds.length === 0 && r.causedBy ? ` [${r.causedBy.summary}]` : '';
    const why = r.status === 'skip' ? r.reason : r.message && `${r.message.split('\n', 1)[0]}${cause}`;
    return `      ${paint(code, mark)} ${r.checkId}${why ? paint(90, ` — ${why.split('\n', 1)[0]}`) : ''}\n`;
  };
  /** Scenarios that ended without a result: --only/--skip (or a certify programme) selected none of their checks. */
  let withoutResults = 0;
  const finishScenario = (): void => {
    if (!current) return;
    clearPending();
    if (current.results.length === 0) {
      // A narrowed run would otherwise list every scenario it left out, dozens of lines of "-".
      withoutResults++;
      current = undefined;
      return;
    }
    const status = worst(current.results);
    const [mark, code] = MARK[status];
    const counts = current.results.length > 0 ? paint(90, `  ${countsLine(current.results, ['pass', 'fail', 'error', 'warn', 'info', 'skip'])}`) : '';
    write(`  ${paint(code, mark)} ${current.label}${counts}\n`);
    for (const r of current.results) {
      if (verbose || r.status === 'fail' || r.status === 'error') write(detail(r));
      if (r.status === 'error') errorsShown.add(r.checkId);
    }
    current = undefined;
  };

  return {
    onScenarioStart(suite, scenarioTitle) {
      finishScenario();
      current = { label: `${suite} › ${scenarioTitle}`, results: [] };
      if (tty) {
        write(`  ${paint(90, '…')} ${current.label}`);
        pendingLine = true;
      }
    },
    onResult(result) {
      current ??= { label: result.suite, results: [] };
      current.results.push(result);
    },
    onNotice(text) {
      clearPending();
      write(`    ${paint(33, '⏳')} ${paint(90, text)}\n`);
      if (tty && current) {
        write(`  ${paint(90, '…')} ${current.label}`);
        pendingLine = true;
      }
    },
    onRunEnd(record, paths) {
      finishScenario();
      if (withoutResults > 0) {
        const why = record.certification ? 'the programme judges none of their checks' : record.meta.selection ? 'none of their checks was selected' : 'they have no checks';
        write(`  ${paint(90, `- ${plural(withoutResults, 'scenario')} not listed: ${why}`)}\n`);
      }
      const verdict = verdictOf(record);
      const counts = countStatuses(record.results);
      write('\n');
      write(`Checks: ${counts.total} total${counts.total > 0 ? ` · ${countsLine(record.results, STATUS_ORDER).replace(/, /g, ' · ')}` : ''}\n`);
      write(`Verdict: ${paint(VERDICT_COLOR[verdict.kind], verdict.headline)} — ${verdict.detail}\n`);
      const unlisted = record.results.filter((r) => r.status === 'error' && !errorsShown.has(r.checkId));
      if (unlisted.length > 0) write(`Not judged (${unlisted.length}):\n`);
      for (const r of unlisted.slice(0, LEFTOVER_LINES)) write(detail(r));
      if (unlisted.length > LEFTOVER_LINES) write(`      … and ${unlisted.length - LEFTOVER_LINES} more (all in the report)\n`);
      const { findings, latency } = analysisOf(record);
      for (const line of findingLines(findings, record.results, paint)) write(line);
      if (latency.endpoints.length > 0) write(`${latencyLine(latency.endpoints)}\n`);
      const profile = record.profileVerdict;
      if (profile) {
        const mark = profile.state === 'meets' ? paint(32, '✓') : profile.state === 'fails' ? paint(31, '✗') : paint(33, '?');
        const state = profile.state === 'meets' ? 'meets the profile' : profile.state === 'fails' ? `does not meet it: ${profile.failing.map((f) => f.checkId).join(', ')}` : 'not judged';
        write(`Profile verdict${profile.trigger === 'claim' ? ' (the server claims it)' : ''}:\n`);
        write(`  ${mark} ${profile.title}${profile.version ? ` (${profile.version})` : ''} — ${state}\n`);
        if (profile.claim && profile.claim.value !== null) write(`    claim: ${profile.claim.message}\n`);
        if (profile.notJudged.length > 0) write(paint(90, `    not judged: ${profile.notJudged.slice(0, 3).map((n) => n.what).join('; ')}${profile.notJudged.length > 3 ? ` (+${profile.notJudged.length - 3}, see the report)` : ''}\n`));
      }
      // A certify run prints its programme's verdict after this, test by test: the IdP verdict of the
      // few pack checks it ran read "partial: 19 checks it relies on did not run" beside it.
      const idp = record.certification ? [] : (record.idpVerdicts ?? []);
      if (idp.length > 0) write('IdP verdicts:\n');
      for (const v of idp) {
        const mark = v.works ? paint(32, '✓') : v.notJudged ? paint(33, '?') : paint(31, '✗');
        const tail = v.works ? 'would work' : v.notJudged ? `not judged: ${v.blocking.map((b) => b.title.charAt(0).toLowerCase() + b.title.slice(1)).join('; ')}` : `would fail: ${blockingByFinding(v, findings) || 'see report'}`;
        const partial = v.missing?.length ? ` (partial: ${v.missing.length} check${v.missing.length === 1 ? '' : 's'} it relies on did not run: ${v.missing.slice(0, 4).join(', ')}${v.missing.length > 4 ? ', …' : ''})` : '';
        write(`  ${mark} ${v.label} — ${tail}${partial}\n`);
      }
      const leftovers = record.leftovers ?? [];
      if (leftovers.length > 0) {
        write(`${paint(31, 'Leftovers:')} ${leftovers.length} resource(s) this run created may still be on the target:\n`);
        for (const l of leftovers.slice(0, LEFTOVER_LINES)) write(`  ${paint(31, '•')} ${l.resourceType} ${l.name ?? ''}${l.location ? ` ${l.location}` : ''} ${paint(90, `— ${l.reason}`)}\n`);
        if (leftovers.length > LEFTOVER_LINES) write(`  … and ${leftovers.length - LEFTOVER_LINES} more (all in the run record)\n`);
        write(`  ${cleanLead(record)} ${cleanCommand(record, paths.json)}\n`);
      }
      const conflicts = (profile?.conflicts ?? []).flatMap((c) => c.effects);
      if (conflicts.length > 0) write('Profile vs IdPs:\n');
      for (const effect of conflicts) write(`  ${effect.state === 'breaks' ? paint(31, '!') : paint(33, '~')} ${effect.sentence}\n`);
      write(`Seed: ${record.meta.seed} (replay with --seed ${record.meta.seed})\n`);
      if (paths.json) write(`Run record: ${paths.json}\n`);
      if (paths.junit) write(`JUnit: ${paths.junit}\n`);
      if (paths.html) write(`HTML report: ${paths.html}\n`);
    },
  };
}

const MEMBERS_SHOWN = 4;

const idList = (ids: readonly string[]): string => (ids.length <= MEMBERS_SHOWN ? ids.join(', ') : `${ids.slice(0, MEMBERS_SHOWN).join(', ')} … (${ids.length - MEMBERS_SHOWN} more)`);

/** Each root cause on a line, the checks it explains under it (direct, then consequences). */
function findingLines(findings: readonly Finding[], results: readonly CheckResult[], paint: Paint): string[] {
  if (findings.length === 0) return [];
  const members = findings.flatMap((f) => [...f.symptoms, ...f.consequences]);
  const waived = members.filter((m) => results[m.result]?.waivedStatus !== undefined).length;
  const checks = members.length - waived;
  const causes = findings.filter((f) => f.kind !== 'latency').length;
  // Waived checks are still grouped (the defect is still there) but counted apart: they do not fail the run.
  const counted = [checks > 0 || waived === 0 ? `${checks} failed or warning check${checks === 1 ? '' : 's'}` : '', waived > 0 ? `${waived} waived by the baseline` : ''].filter(Boolean).join(' and ');
  const lines = [`Findings: ${counted} from ${causes} root cause${causes === 1 ? '' : 's'}${causes < findings.length ? `, and ${findings.length - causes} latency flag${findings.length - causes === 1 ? '' : 's'}` : ''}:\n`];
  for (const f of findings) {
    const status = findingStatus(f, results);
    const [mark, code] = MARK[status === 'waived' ? 'info' : status];
    const single = f.symptoms.length + f.consequences.length === 1 ? `${[...f.symptoms, ...f.consequences][0]!.checkId} — ` : '';
    lines.push(`  ${paint(code, mark)} ${f.id} ${single}${f.title}\n`);
    if (f.symptoms.length > 1 || f.consequences.length > 0) lines.push(`      ${paint(90, `${f.symptoms.length} direct: ${idList(f.symptoms.map((m) => m.checkId))}`)}\n`);
    if (f.consequences.length > 0) lines.push(`      ${paint(90, `${f.consequences.length} consequence${f.consequences.length === 1 ? '' : 's'}: ${idList(f.consequences.map((m) => m.checkId))}`)}\n`);
    if (f.skipped.length > 0) lines.push(`      ${paint(90, `${f.skipped.length} skipped because of it`)}\n`);
  }
  return lines;
}

/** The slowest endpoints by p95, in one line; flagged ones are findings above. */
function latencyLine(endpoints: LatencyReport['endpoints']): string {
  const shown = [...endpoints].sort((a, b) => b.p95Ms - a.p95Ms).slice(0, 4);
  const rest = endpoints.length - shown.length;
  return `Latency p50/p95 (slowest first): ${shown.map((e) => `${e.endpoint} ${formatMs(e.p50Ms)}/${formatMs(e.p95Ms)}`).join(' · ')}${rest > 0 ? ` · ${rest} more endpoint${rest === 1 ? '' : 's'} in the report` : ''}`;
}

/**
 * An IdP's blocking checks by root cause, each named by the finding the report lists it under:
 * `F1 (24 checks), F2 (entra.x.y)`; a check under no finding by its id alone.
 */
function blockingByFinding(verdict: IdpVerdict, findings: readonly Finding[]): string {
  const findingOf = new Map<string, string>();
  for (const f of findings) for (const m of [...f.symptoms, ...f.consequences]) findingOf.set(m.checkId, f.id);
  const groups = new Map<string, string[]>();
  for (const b of verdict.blocking) {
    const key = findingOf.get(b.checkId) ?? b.checkId;
    groups.set(key, [...(groups.get(key) ?? []), b.checkId]);
  }
  return [...groups].map(([key, ids]) => (!findingOf.has(ids[0]!) ? key : `${key} (${ids.length === 1 ? ids[0]! : `${ids.length} checks`})`)).join(', ');
}
