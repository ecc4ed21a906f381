// The console's IdP verdict names what would stop each IdP by the findings listed above it
// (`F1 (entra.enable.status[entra-compliant])`), so a reader can look the cause up. A finding that
// holds one check was printed as the bare check id, which is under no "F…" line of its own.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { createConsoleReporter } from '../../src/report/console.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

function consoleText(record: RunRecord): string {
  const chunks: string[] = [];
  createConsoleReporter({ stream: { isTTY: false, write: (c: string) => chunks.push(c) }, env: {} }).onRunEnd(record, { html: 'index.html', json: 'run.json', junit: 'junit.xml' });
  return chunks.join('');
}

describe('the console IdP verdict', { timeout: 120_000 }, () => {
  it('names each blocking root cause by its finding id, also when the finding holds one check', async () => {
    const server = await startFaultyServer('reactivation-refused');
    let record: RunRecord;
    try {
      record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], seed: 4 });
    } finally {
      await server.close();
    }
    const text = consoleText(record);
    const single = record.findings!.filter((f) => f.kind !== 'latency' && f.symptoms.length + f.consequences.length === 1);
    expect(single.length).toBeGreaterThan(0);
    const lines = text.split('\n').filter((l) => l.includes('— would fail: '));
    expect(lines.length).toBeGreaterThan(0);
    const named = lines.flatMap((l) => l.slice(l.indexOf('would fail: ') + 'would fail: '.length).split(/, (?=\S)/));
    // Every cause is a finding the console listed, with its one check or its count in brackets.
    for (const item of named) expect(item).toMatch(/^F\d+ \((\d+ checks|[\w.:[\]-]+)\)$/);
    const listed = new Set([...text.matchAll(/^ {2}\S F(\d+) /gm)].map((m) => `F${m[1]}`));
    for (const item of named) expect(listed).toContain(item.split(' ')[0]);
    expect(named.some((item) => single.some((f) => item === `${f.id} (${[...f.symptoms, ...f.consequences][0]!.checkId})`))).toBe(true);
  });
});
