// The commands a fuzz run prints for copying pass the token as every other printed command does,
// `--token "$SCIM_TOKEN"` (one helper, src/util/shell-credentials.ts): the console's re-run line
// and the replay command in run.json and the HTML page printed it unquoted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { runMain, tempDir } from '../support/cli.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

describe('fuzz replay commands', { timeout: 180_000 }, () => {
  it('quote the token variable on the console, in run.json and in the HTML page', async () => {
    const server = await startFaultyServer('filter-username-case-sensitive');
    const out = tempDir();
    let printed: string;
    try {
      ({ printed } = await runMain(['fuzz', '--url', server.url, '--token', server.token, '--property', 'username-eq-any-case', '--runs', '50', '--seed', '7', '--out', out]));
    } finally {
      await server.close();
    }
    expect(printed).toMatch(/re-run it after a fix: npx scimproof fuzz --replay \S+ --url \S+ --token "\$SCIM_TOKEN"\n/);
    const json = readFileSync(join(out, 'run.json'), 'utf8');
    const record = JSON.parse(json) as RunRecord;
    expect(record.results.some((r) => r.checkId === 'fuzz.username-eq-any-case' && r.status === 'fail')).toBe(true);
    expect(json).toContain('--token \\"$SCIM_TOKEN\\"');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const text of [printed, json, html]) expect(text).not.toMatch(/--token \$SCIM_TOKEN/);
  });
});
