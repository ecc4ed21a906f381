// The commands a fuzz run prints for copying pass the token as every other printed command does,
// `--token "$SCIM_TOKEN"` (one helper, src/util/shell-credentials.ts): the console's re-run line
// and the replay command in run.json and the HTML page printed it unquoted.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { runMain, tempDir } from '../support/cli.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

const execFileAsync = promisify(execFile);

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

  it('pass the run\'s own credentials: a --basic run replays with --basic "$SCIM_BASIC" (as its curl lines use -u "$SCIM_BASIC"), the URL quoted, and the command works in sh', async () => {
    const basic = { user: 'scim-admin', password: 'pw-7d2e91c4' };
    const server = await startFaultyServer('filter-username-case-sensitive', { server: { basic } });
    const out = tempDir();
    let printed: string;
    try {
      ({ printed } = await runMain(['fuzz', '--url', server.url, '--basic', `${basic.user}:${basic.password}`, '--property', 'username-eq-any-case', '--runs', '50', '--seed', '7', '--out', out]));
    } finally {
      await server.close();
    }
    const json = readFileSync(join(out, 'run.json'), 'utf8');
    const record = JSON.parse(json) as RunRecord;
    expect(record.results.some((r) => r.checkId === 'fuzz.username-eq-any-case' && r.status === 'fail')).toBe(true);
    const section = record.sections!.find((s) => s.kind === 'fuzz-counterexample')!;
    const command = (section.data as { replayCommand: string }).replayCommand;
    expect(command).toBe(`npx scimproof fuzz --replay 'fuzz-username-eq-any-case.replay.json' --url '${server.url}' --basic "$SCIM_BASIC"`);
    expect(printed).toMatch(new RegExp(`re-run it after a fix: npx scimproof fuzz --replay '[^']+fuzz-username-eq-any-case\\.replay\\.json' --url '${server.url.replace(/[.]/g, '\\.')}' --basic "\\$SCIM_BASIC"\n`));
    for (const text of [printed, json, readFileSync(join(out, 'index.html'), 'utf8')]) {
      expect(text).not.toContain('--token');
      expect(text).not.toContain(basic.password);
    }
    // Pasted into sh, the words are the ones meant: the URL whole, the password from the variable.
    const { stdout } = await execFileAsync('sh', ['-c', command.replace(/^npx scimproof /, 'printf "%s\\n" ')], { env: { PATH: process.env.PATH ?? '', SCIM_BASIC: `${basic.user}:${basic.password}` } });
    expect(stdout.split('\n')).toEqual(['fuzz', '--replay', 'fuzz-username-eq-any-case.replay.json', '--url', server.url, '--basic', `${basic.user}:${basic.password}`, '']);
  });
});
