// The provisioning log: what the IdP did to each object and why, in three forms — JSON lines
// (streamed as the cycle runs, so even a crashed cycle leaves its trace), a console summary, and
// the HTML report (a RunRecord with one result per object action, rendered by src/report).
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CheckResult, CheckStatus, Exchange, RunRecord, Summary } from '../record/types.ts';
import { writeReports } from '../report/write.ts';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';
import type { CycleResult, ObjectResult } from './types.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function parsed(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  }
}

/** One request/response pair as the log shows it (secrets were redacted by the recorder). */
export function logExchange(x: Exchange): Record<string, unknown> {
  return {
    id: x.id,
    method: x.request.method,
    url: x.request.url,
    ...(x.request.body !== undefined ? { body: parsed(x.request.body) } : {}),
    ...(x.response ? { status: x.response.status, response: x.response.json ?? parsed(x.response.body) } : {}),
    ...(x.transportError ? { transportError: x.transportError } : {}),
    ms: x.ms,
  };
}

export function exchangeIndex(exchanges: readonly Exchange[]): Map<string, Exchange> {
  return new Map(exchanges.map((x) => [x.id, x]));
}

export class JsonlLog {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  private write(line: Record<string, unknown>): void {
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }

  cycleStart(cycle: number, info: { dialect: string; directory: string; target: string }): void {
    this.write({ type: 'cycle-start', cycle, at: new Date().toISOString(), ...info });
  }

  object(cycle: number, result: ObjectResult, lookup: (id: string) => Exchange | undefined): void {
    const { exchangeIds, ...rest } = result;
    const requests = exchangeIds.map((id) => lookup(id)).filter((x): x is Exchange => x !== undefined).map(logExchange);
    this.write({ type: 'object', cycle, ...rest, requests });
  }

  cycleEnd(result: CycleResult): void {
    const { results: _results, ...rest } = result;
    this.write({ type: 'cycle-end', ...rest });
  }
}

// ---- console -------------------------------------------------------------------------------------

const SYMBOL: Record<ObjectResult['outcome'], string> = { success: '✓', failed: '✗', skipped: '·', stopped: '■' };

/** One line per object as it happens (the local development loop shows changes arriving). */
export function objectLine(r: ObjectResult): string {
  const what = r.objectType === 'job' ? r.action : `${r.action} ${r.objectType === 'manager' ? 'manager of' : r.objectType} ${r.display}`;
  const tail =
    r.outcome === 'failed' || r.outcome === 'stopped'
      ? `: ${r.error ? errorText(r.error) : r.reason}${r.attempts ? ` (attempt ${r.attempts}; retried next cycle)` : ''}`
      : r.outcome === 'skipped'
        ? ` (${r.reason})`
        : r.targetId && (r.action === 'create' || r.action === 'link' || r.action === 'create-group' || r.action === 'link-group')
          ? ` → ${r.targetId}`
          : r.reason ? ` (${r.reason})` : '';
  return `  ${SYMBOL[r.outcome]} ${what}${tail}`;
}

function errorText(e: { status?: number; scimType?: string; message: string }): string {
  return `${e.status !== undefined ? `HTTP ${e.status}${e.scimType ? ` ${e.scimType}` : ''}: ` : ''}${e.message}`;
}

export function consoleSummary(result: CycleResult, paths: { jsonl?: string; html?: string }): string {
  const c = result.counts;
  const secs = ((Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000).toFixed(2);
  const lines = [
    `cycle ${result.cycle} · ${result.dialect} → ${result.target} · ${result.requests} request(s) in ${secs} s`,
    `  created ${c.created} · linked ${c.linked} · updated ${c.updated} · enabled ${c.enabled} · disabled ${c.disabled} · deleted ${c.deleted} · managers ${c.managers} · groups ${c.groups} · unchanged ${c.unchanged} · skipped ${c.skipped} · failed ${c.failed}`,
  ];
  const failed = result.results.filter((r) => r.outcome === 'failed' || r.outcome === 'stopped');
  for (const r of failed.slice(0, 20)) lines.push(objectLine(r));
  if (failed.length > 20) lines.push(`  … and ${failed.length - 20} more failed object(s); see the log`);
  if (result.status === 'stopped') lines.push(`  cycle stopped: ${result.stopReason ?? 'unknown reason'}`);
  else if (result.status === 'failed') lines.push(`  ${c.failed} object(s) failed and stay in escrow; the next cycle retries them`);
  else lines.push('  every object is provisioned');
  if (paths.jsonl) lines.push(`  log:  ${paths.jsonl}`);
  if (paths.html) lines.push(`  html: ${paths.html}`);
  return `${lines.join('\n')}\n`;
}

// ---- HTML (RunRecord) ----------------------------------------------------------------------------

const STATUS: Record<ObjectResult['outcome'], CheckStatus> = { success: 'pass', failed: 'fail', stopped: 'fail', skipped: 'skip' };

const REFS: Record<'entra' | 'okta', Partial<Record<string, string>>> = {
  entra: { create: 'ENTRA-1.3', link: 'ENTRA-1.3', update: 'ENTRA-1.4', disable: 'ENTRA-1.5', enable: 'ENTRA-1.5', delete: 'ENTRA-1.6', manager: 'ENTRA-1.8', group: 'ENTRA-1.7', job: 'ENTRA-1.2' },
  okta: { create: 'OKTA-2.4', link: 'OKTA-2.4', update: 'OKTA-2.5', disable: 'OKTA-2.6', enable: 'OKTA-2.7', manager: 'OKTA-2.5', group: 'OKTA-2.8', job: 'OKTA-2.2' },
};

function checkResult(r: ObjectResult, suite: string, family: 'entra' | 'okta'): CheckResult {
  const ref = REFS[family][r.objectType === 'user' ? r.action : r.objectType];
  const failed = r.outcome === 'failed' || r.outcome === 'stopped';
  return {
    checkId: r.objectType === 'job' ? `idp.job.${r.action}` : `idp.${r.objectType}.${r.action}.${r.id}`,
    title: r.objectType === 'job' ? `${r.action}: ${r.display}` : `${r.action} ${r.objectType} ${r.display}`,
    area: `provisioning ${r.objectType === 'manager' ? 'manager links' : `${r.objectType}s`}`,
    suite,
    level: 'MUST',
    refs: ref ? [ref] : [],
    ...(r.impact ? { impact: r.impact } : {}),
    status: STATUS[r.outcome],
    ...(failed ? { message: `${r.error ? errorText(r.error) : r.reason}${r.attempts ? ` (attempt ${r.attempts})` : ''} — ${r.reason}` } : {}),
    ...(r.outcome === 'skipped' ? { reason: r.reason } : {}),
    ...(r.outcome === 'success' ? { message: r.reason } : {}),
    ...(r.targetId ? { actual: { targetId: r.targetId } } : {}),
    exchangeIds: r.exchangeIds,
  };
}

export function cycleRecord(result: CycleResult, exchanges: readonly Exchange[]): RunRecord {
  const family = result.dialect.startsWith('okta') ? 'okta' : 'entra';
  const suite = `idp-${result.dialect}`;
  const results = result.results.map((r) => checkResult(r, suite, family));
  const summary: Summary = { total: 0, pass: 0, fail: 0, warn: 0, info: 0, skip: 0, error: 0 };
  for (const r of results) {
    summary.total++;
    summary[r.status]++;
  }
  const used = new Set(result.results.flatMap((r) => r.exchangeIds));
  return {
    meta: {
      runId: `idp-${result.dialect}-cycle-${result.cycle}`,
      tool: TOOL_NAME,
      version: TOOL_VERSION,
      node: process.version,
      target: result.target,
      embedded: false,
      suites: [suite],
      seed: 0,
      prefix: '',
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      ...(result.status === 'stopped' ? { runError: result.stopReason ?? 'the cycle stopped' } : {}),
    },
    exchanges: exchanges.filter((x) => used.has(x.id)),
    results,
    cleanup: [],
    summary,
    sections: [
      {
        kind: 'provisioning-log',
        title: `Provisioning cycle ${result.cycle}`,
        data: {
          cycle: result.cycle,
          dialect: result.dialect,
          directory: result.directory,
          target: result.target,
          status: result.status,
          ...(result.stopReason ? { stopReason: result.stopReason } : {}),
          requests: result.requests,
          ...result.counts,
          ...(result.quarantine ? { quarantine: result.quarantine } : {}),
        },
      },
    ],
  };
}

/** Writes run.json and index.html for one cycle under `<outDir>/cycle-NNNN/`. */
export async function writeCycleReport(result: CycleResult, exchanges: readonly Exchange[], outDir: string): Promise<{ html: string; json: string }> {
  const dir = join(outDir, `cycle-${String(result.cycle).padStart(4, '0')}`);
  const record = cycleRecord(result, exchanges);
  const written = await writeReports(record, { outDir: dir });
  return { html: written.html ?? join(dir, 'index.html'), json: written.json ?? join(dir, 'run.json') };
}

export { isRecord };
