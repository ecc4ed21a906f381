// A run whose failures the baseline waives passes (exit 0), yet its findings are still grouped:
// the defect is still there. The reports must not then say "failed": the HTML finding badge and
// lead, and the console's findings line, count waived checks apart and show them as waived, so a
// PASS banner never sits above red FAIL findings that claim "50 failed checks".
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { createConsoleReporter } from '../../src/report/console.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { verdictOf } from '../../src/report/summarize.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

async function runAgainst(baseline?: Record<string, string>): Promise<RunRecord> {
  const server = await startFaultyServer('op-case-sensitive');
  try {
    return await runConformance({
      url: server.url,
      auth: { kind: 'bearer', token: server.token },
      suites: ['entra'],
      seed: 4,
      ...(baseline ? { baseline: { expectedFailures: baseline } } : {}),
    });
  } finally {
    await server.close();
  }
}

function consoleText(record: RunRecord): string {
  const chunks: string[] = [];
  createConsoleReporter({ stream: { isTTY: false, write: (c: string) => chunks.push(c) }, env: {} }).onRunEnd(record, { html: 'index.html', json: 'run.json', junit: 'junit.xml' });
  return chunks.join('');
}

/** Each check finding's class and badge (`info:Waived`); a latency flag is not about checks. */
const findingBadges = (html: string): string[] =>
  [...html.matchAll(/<article class="finding s-(\w+)"[^>]*>\s*<div class="finding-head">\s*<span class="badge s-\w+">(\w+)<\/span>[\s\S]*?<span class="finding-kind">([^<]*)</g)]
    .filter((m) => m[3] !== 'Latency')
    .map((m) => `${m[1]}:${m[2]}`);

describe('findings of failures the baseline waives', { timeout: 120_000 }, () => {
  it('read as waived, not failed, in the HTML page and on the console', async () => {
    const plain = await runAgainst();
    const failed = plain.results.filter((r) => r.status === 'fail');
    expect(failed.length).toBeGreaterThan(1);
    // The same run, with every failure and warning it had waived.
    const waiveAll = Object.fromEntries(plain.results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => [r.checkId, 'known: ticket SCIM-1']));
    const record = await runAgainst(waiveAll);
    expect(verdictOf(record).kind).toBe('pass');
    expect(record.results.filter((r) => r.status === 'fail')).toEqual([]);
    const waived = record.results.filter((r) => r.waivedStatus !== undefined).length;
    expect(waived).toBeGreaterThan(1);
    expect(record.findings?.filter((f) => f.kind !== 'latency').length ?? 0).toBeGreaterThan(0);

    const html = renderHtml(record);
    const badges = findingBadges(html);
    expect(badges.length).toBeGreaterThan(0);
    expect(badges.filter((b) => b !== 'info:Waived')).toEqual([]);
    expect(html).not.toMatch(/\d+ failed checks? (and|come down)/);
    expect(html).toContain(`${waived} checks waived by the baseline come down to`);

    const text = consoleText(record);
    expect(text).toContain('Verdict: PASS');
    expect(text).toContain(`Findings: ${waived} waived by the baseline from`);
    expect(text).not.toMatch(/^ {2}✗ F\d/m); // (a latency flag would be ⚠, never ✗)
    expect(text).toMatch(/^ {2}i F1 /m);
  });
});
