// What the terminal shows: one line per object that did something, and one line with the reason
// for every object that was skipped, failed, is waiting in escrow or was stopped; a cycle summary;
// provision on demand's five steps; one user's history across cycles.
import type { AttributeChange, CycleCounts, CycleResult, ObjectResult } from '../types.ts';
import { curlOf, type ObjectEntry } from './entries.ts';
import { retryIn } from '../escrow.ts';

const SYMBOL: Record<ObjectResult['outcome'], string> = { success: '✓', failed: '✗', skipped: '·', escrowed: '…', stopped: '■' };

export function errorText(e: { status?: number; scimType?: string; message: string; code?: string }): string {
  const head = [e.status !== undefined ? `HTTP ${e.status}` : '', e.scimType ?? '', e.code ? `[${e.code}]` : ''].filter(Boolean).join(' ');
  return `${head ? `${head}: ` : ''}${e.message}`;
}

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

export function changeText(c: AttributeChange): string {
  const from = c.old === undefined ? '(none)' : show(c.old);
  const to = c.new === undefined ? '(none)' : show(c.new);
  return `${c.path}: ${from} → ${to}${c.sent ? '' : ` — not sent${c.note ? `: ${c.note}` : ''}`}`;
}

/**
 * A finished cycle's counts in the cycle lists (`idp log`, the log's index page): every kind of
 * write, so a cycle that only linked managers or re-enabled users does not read as one that sent
 * nothing.
 */
export function countsText(c: CycleCounts): string {
  return `created ${c.created} · linked ${c.linked} · updated ${c.updated} · enabled ${c.enabled} · disabled ${c.disabled} · deleted ${c.deleted} · managers ${c.managers} · groups ${c.groups} · skipped ${c.skipped} · escrowed ${c.escrowed} · failed ${c.failed}`;
}

/** One line per object as it happens (the development loop shows changes arriving, and why others do not). */
export function objectLine(r: Omit<ObjectResult, 'exchangeIds'>): string {
  const what = r.objectType === 'job' ? r.action : `${r.action} ${r.objectType === 'manager' ? 'manager of' : r.objectType} ${r.display}`;
  let tail = '';
  if (r.outcome === 'failed' || r.outcome === 'stopped') {
    const retry = r.waitsForDirectory
      ? '; looked at again every cycle, without a request, until the directory changes'
      : r.nextRetryAt
        ? `; Entra retries at ${r.nextRetryAt}${retryIn(r.nextRetryAt, r.finishedAt)}` : r.autoRetry ? '; rate-limited with a Retry-After, so Okta retries it by itself at the next cycle' : r.attempts ? '; an admin task in Okta (not retried automatically)' : '';
    tail = `: ${r.error ? errorText(r.error) : r.reason}${r.attempts ? ` (attempt ${r.attempts}${retry})` : ''}`;
    // (A job stop's reason names the same refusal again, perhaps with what to change after it: said once.)
    if (r.error && r.reason && !r.reason.endsWith(`: ${r.error.message}`) && !r.reason.includes(`: ${r.error.message}; `)) tail += ` — ${r.reason}`;
  } else if (r.outcome === 'skipped' || r.outcome === 'escrowed') tail = `: ${r.reason}`;
  else if (r.targetId && ['create', 'link', 'create-group', 'link-group'].includes(r.action)) tail = ` → ${r.targetId}`;
  else if (r.reason) tail = ` (${r.reason})`;
  return `  ${SYMBOL[r.outcome]} ${what}${tail}`;
}

/** Whether a live line is worth printing: everything but successful probes. */
export const isNotable = (r: ObjectResult): boolean => !(r.objectType === 'job' && r.outcome === 'success');

export function consoleSummary(result: CycleResult, paths: { jsonl?: string; html?: string; index?: string; reasonsShown?: boolean }): string {
  const c = result.counts;
  const secs = ((result.wallMs ?? Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000).toFixed(2);
  const lines = [
    `cycle ${result.cycle} · ${result.dialect} → ${result.target} · ${result.requests} request(s) in ${secs} s`,
    `  created ${c.created} · linked ${c.linked} · updated ${c.updated} · enabled ${c.enabled} · disabled ${c.disabled} · deleted ${c.deleted} · managers ${c.managers} · groups ${c.groups} · unchanged ${c.unchanged} · skipped ${c.skipped} · escrowed ${c.escrowed} · failed ${c.failed}`,
  ];
  if (result.restartReason) lines.push(`  initial cycle: ${result.restartReason}`);
  const failed = result.results.filter((r) => r.outcome === 'failed' || r.outcome === 'stopped');
  for (const r of failed.slice(0, 20)) lines.push(objectLine(r));
  if (failed.length > 20) lines.push(`  … and ${failed.length - 20} more failed object(s); see the log`);
  // With --quiet the skip and escrow lines were not printed live: the summary gives their reasons.
  let where = 'reasons above';
  if (paths.reasonsShown === false) {
    const waiting = result.results.filter((r) => r.outcome === 'skipped' || r.outcome === 'escrowed');
    for (const r of waiting.slice(0, 20)) lines.push(objectLine(r));
    if (waiting.length > 20) {
      lines.push(`  … and ${waiting.length - 20} more skipped or waiting object(s); see the log`);
      where = 'the first 20 reasons above; all in the log';
    }
  }
  if (result.status === 'stopped') lines.push(`  cycle stopped: ${result.stopReason ?? 'unknown reason'}`);
  else if (result.status === 'failed') lines.push(`  ${c.failed} object(s) failed; ${result.dialect.startsWith('okta') ? 'they wait in the admin task list (scimproof idp tasks)' : 'they stay in escrow and are retried on Entra\'s back-off'}`);
  else if (c.escrowed > 0) lines.push(`  ${c.escrowed} object(s) wait in escrow or in the task list (${where}); the rest in scope is provisioned`);
  else lines.push(`  every object in scope is provisioned${c.skipped > 0 ? `; ${c.skipped} skipped (${where})` : ''}`);
  if (result.quarantine && result.status !== 'stopped') lines.push(`  quarantined since ${result.quarantine.since}: ${result.quarantine.message}`);
  if (paths.jsonl) lines.push(`  log:  ${paths.jsonl}`);
  if (paths.html) lines.push(`  html: ${paths.html}${paths.index ? ` (all cycles: ${paths.index})` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** One entry of `idp log --user`, with its changes and, when asked, its requests and their curl lines. */
export function historyLines(e: ObjectEntry, verbose: boolean): string[] {
  const when = e.finishedAt ?? '';
  const label = e.onDemand ? 'on demand' : `cycle ${e.cycle}`;
  const lines = [`${label} · ${when} · ${SYMBOL[e.outcome]} ${e.action}${e.objectType === 'manager' ? ' (manager link)' : e.objectType === 'group' ? ' (group)' : ''} ${e.outcome}: ${e.reason}`];
  if (e.error) lines.push(`    error: ${errorText(e.error)}${e.nextRetryAt ? ` · next retry ${e.nextRetryAt}` : ''}`);
  for (const c of e.changes ?? []) lines.push(`    ${changeText(c)}`);
  for (const s of e.steps ?? []) lines.push(`    ${s.name}: ${s.outcome} — ${s.reason}`);
  // Each request with the curl line that sends it again (the token as $SCIM_TOKEN).
  if (verbose) for (const x of e.requests) lines.push(`    ${x.method} ${x.url} → ${x.status ?? x.transportError?.code ?? '?'}`, `      ${curlOf(x)}`);
  return lines;
}
