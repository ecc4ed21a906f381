// A --header name may hold `$`, a backquote or a single quote (all legal in an HTTP token): every
// command a report prints must pass it to sh as it is. Inside the double quotes the curl lines used
// for a secret header's name, `$api` was expanded (to nothing) and a backquote ran a command.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { exportHint } from '../../src/report/export-hint.ts';
import { reproductionScript } from '../../src/report/reproduce.ts';
import { runMain, tempDir } from '../support/cli.ts';
import { startFaultyServer } from '../support/faulty-server.ts';
import { scimError } from '../support/defects.ts';
import { startProxy } from '../support/proxy.ts';

const execFileAsync = promisify(execFile);

// Each name is a credential header by its name (key, token, auth), so its value is redacted.
const HEADERS = { 'x-$api-key': 'k-1f4e0c', "x-o'key": 'k-2b9d71', 'x-`id`-token': 'k-3a6c58' };
const VARIABLES = { SCIM_SECRET_X_API_KEY: 'k-1f4e0c', SCIM_SECRET_X_O_KEY: 'k-2b9d71', SCIM_SECRET_X_ID_TOKEN: 'k-3a6c58' };

/** Runs `command` in sh against a local echo server; resolves to the headers of each request it received. */
async function sent(command: string, from: string, env: Record<string, string>): Promise<IncomingHttpHeaders[]> {
  const seen: IncomingHttpHeaders[] = [];
  const echo = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(201, { 'content-type': 'application/scim+json' }).end('{"id":"e1"}');
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  try {
    const here = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    await execFileAsync('sh', ['-c', command.split(from).join(here)], { env: { PATH: process.env.PATH ?? '', ...env } });
  } finally {
    await new Promise((resolve) => echo.close(resolve));
  }
  return seen;
}

describe('header names in printed commands', { timeout: 180_000 }, () => {
  it('curl lines and reproduction scripts send a secret header whose name holds $, ` or \' from its variable, under its own name', async () => {
    // PATCH answers 200 but ignores `replace` with a path: patch.disable fails on a create → PATCH → GET chain.
    const server = await startFaultyServer('patch-replace-with-path-ignored');
    const out = tempDir();
    try {
      const args = ['run', '--url', server.url, '--token', server.token, '--only', 'patch.disable', '--seed', '9', '--out', out];
      for (const [name, value] of Object.entries(HEADERS)) args.push('--header', `${name}: ${value}`);
      expect((await runMain(args)).code).toBe(1);
    } finally {
      await server.close();
    }
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunRecord;
    const failing = record.results.find((r) => r.checkId === 'patch.disable' && r.status === 'fail')!;
    const curl = record.exchanges.find((x) => x.id === failing.exchangeIds.at(-1))!.curl;
    for (const value of Object.values(HEADERS)) expect(readFileSync(join(out, 'run.json'), 'utf8')).not.toContain(value);
    expect(exportHint(curl)).toBe("export SCIM_TOKEN, SCIM_SECRET_X_API_KEY (the value of x-$api-key), SCIM_SECRET_X_O_KEY (the value of x-o'key) and SCIM_SECRET_X_ID_TOKEN (the value of x-`id`-token) first");
    const [seen] = await sent(curl, new URL(server.url).origin, { SCIM_TOKEN: server.token, ...VARIABLES });
    for (const [name, value] of Object.entries(HEADERS)) expect(seen![name]).toBe(value);

    // The chain's script sends them the same way, on every request, its cleanup's DELETE too.
    const script = reproductionScript(failing, new Map(record.exchanges.map((x) => [x.id, x])), record.meta)!;
    const byScript = await sent(script, new URL(server.url).origin, { SCIM_TOKEN: server.token, ...VARIABLES });
    expect(byScript.length).toBe(4);
    for (const headers of byScript) for (const [name, value] of Object.entries(HEADERS)) expect(headers[name]).toBe(value);
  });

  it('the clean command passes each --header as one word, a secret one from its variable', async () => {
    const { startServer } = await import('../../src/server/index.ts');
    const upstream = await startServer({ port: 0 });
    const refusing = await startProxy(upstream.url, upstream.token, { onRequest: (ctx) => (ctx.req.method === 'DELETE' ? scimError(500, 'deletes are down') : undefined) });
    const out = tempDir();
    let printed: string;
    try {
      const args = ['run', '--url', refusing.url, '--token', upstream.token, '--only', 'users.create.status', '--out', out, '--header', "X-Tenant: a'b $HOME"];
      for (const [name, value] of Object.entries(HEADERS)) args.push('--header', `${name}: ${value}`);
      ({ printed } = await runMain(args));
    } finally {
      await refusing.close();
      await upstream.close();
    }
    const command = /with: (npx scimproof clean .*)\n/.exec(printed)![1]!;
    const { stdout } = await execFileAsync('sh', ['-c', command.replace(/^npx scimproof /, 'printf "%s\\n" ')], { env: { PATH: process.env.PATH ?? '', SCIM_TOKEN: 't0k', ...VARIABLES } });
    expect(stdout.split('\n')).toEqual([
      'clean', '--run', join(out, 'run.json'), '--token', 't0k',
      '--header', "X-Tenant: a'b $HOME",
      ...Object.entries(HEADERS).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
      '',
    ]);
  });
});
