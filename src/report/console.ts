// Live progress for a run: one line per scenario as it finishes (failing check ids under it),
// then a summary, the IdP verdicts and the path of the HTML report. Colour and line rewriting
// only on a TTY, and colour never when NO_COLOR is set, unless the caller forces it.
import type { CheckResult, CheckStatus, RunRecord } from '../record/types.ts';
import { cleanCommand, countStatuses, STATUS_ORDER, verdictOf, type VerdictKind } from './summarize.ts';

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
  info: ['info', 'info'], skip: ['skipped', 'skipped'], error: ['error', 'errors'],
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
  const paint: Paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const verbose = options.verbose === true;
  let current: { label: string; results: CheckResult[] } | undefined;
  let pendingLine = false;

  const write = (text: string): void => void stream.write(text);
  const clearPending = (): void => {
    if (pendingLine) write('\r\u001b[2K');
    pendingLine = false;
  };
  const detail = (r: CheckResult): string => {
    const [mark, code] = MARK[r.status];
    const why = r.status === 'skip' ? r.reason : r.message;
    return `      ${paint(code, mark)} ${r.checkId}${why ? paint(90, ` — ${why.split('\n', 1)[0]}`) : ''}\n`;
  };
  const finishScenario = (): void => {
    if (!current) return;
    clearPending();
    const status = worst(current.results);
    const [mark, code] = MARK[status];
    const counts = current.results.length > 0 ? paint(90, `  ${countsLine(current.results, ['pass', 'fail', 'error', 'warn', 'info', 'skip'])}`) : '';
    write(`  ${paint(code, mark)} ${current.label}${counts}\n`);
    for (const r of current.results) if (verbose || r.status === 'fail' || r.status === 'error') write(detail(r));
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
      const verdict = verdictOf(record);
      const counts = countStatuses(record.results);
      write('\n');
      write(`Checks: ${counts.total} total${counts.total > 0 ? ` · ${countsLine(record.results, STATUS_ORDER).replace(/, /g, ' · ')}` : ''}\n`);
      write(`Verdict: ${paint(VERDICT_COLOR[verdict.kind], verdict.headline)} — ${verdict.detail}\n`);
      const idp = record.idpVerdicts ?? [];
      if (idp.length > 0) write('IdP verdicts:\n');
      for (const v of idp) {
        const mark = v.works ? paint(32, '✓') : paint(31, '✗');
        const tail = v.works ? 'would work' : `would fail: ${v.blocking.map((b) => b.checkId).join(', ') || 'see report'}`;
        write(`  ${mark} ${v.label} — ${tail}\n`);
      }
      const leftovers = record.leftovers ?? [];
      if (leftovers.length > 0) {
        write(`${paint(31, 'Leftovers:')} ${leftovers.length} resource(s) this run created may still be on the target:\n`);
        for (const l of leftovers.slice(0, LEFTOVER_LINES)) write(`  ${paint(31, '•')} ${l.resourceType} ${l.name ?? ''}${l.location ? ` ${l.location}` : ''} ${paint(90, `— ${l.reason}`)}\n`);
        if (leftovers.length > LEFTOVER_LINES) write(`  … and ${leftovers.length - LEFTOVER_LINES} more (all in the run record)\n`);
        write(`  Remove them with: ${cleanCommand(record, paths.json)}\n`);
      }
      write(`Seed: ${record.meta.seed} (replay with --seed ${record.meta.seed})\n`);
      if (paths.json) write(`Run record: ${paths.json}\n`);
      if (paths.junit) write(`JUnit: ${paths.junit}\n`);
      if (paths.html) write(`HTML report: ${paths.html}\n`);
    },
  };
}
