// A run against a target that cannot be tested still finishes, explains why in one line, and
// writes its report: unreachable hosts, rejected credentials, servers that answer HTML, garbage,
// nothing at all, or too much.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../src/report/write.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer } from '../../src/server/index.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startMisbehavingServer, type MisbehaviourMode } from '../support/msw-responses.ts';

async function runAgainst(url: string, token = 'secret-token-123', timeoutMs = 2_000): Promise<RunRecord> {
  return runConformance({ url, auth: { kind: 'bearer', token }, suites: ['core'], seed: 1, timeoutMs });
}

async function expectReportWritten(record: RunRecord, reason: RegExp): Promise<void> {
  expect(record.meta.runError).toMatch(reason);
  expect(record.meta.runError!.split('\n')).toHaveLength(1);
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-bad-'));
  const written = await writeReports(record, { outDir: dir });
  const html = readFileSync(written.html!, 'utf8');
  expect(html).toContain('COULD NOT RUN');
  expect(html).toContain(record.meta.runError!.split('"')[0]!.slice(0, 30));
  const junit = readFileSync(written.junit!, 'utf8');
  expect(junit).toContain('<error');
}

describe('targets that cannot be tested', () => {
  it('an unreachable host is a clear run error, with a report', async () => {
    const server = await startServer({ port: 0 });
    const url = server.url;
    await server.close();
    const record = await runAgainst(url);
    await expectReportWritten(record, /cannot reach .*connection refused/);
    expect(record.results.filter((r) => r.suite === 'core')).toEqual([]);
  });

  it('a URL that is not one, or not http(s), is a clear run error from the library too (the CLI checks --url itself)', async () => {
    const garbage = await runAgainst('staging.example.com scim');
    await expectReportWritten(garbage, /^the target URL "staging\.example\.com scim" is not a URL; expected the SCIM base URL/);
    expect(garbage.results).toEqual([]);
    // ftp: was sent on and failed 38 checks, as if the server had answered wrongly.
    const ftp = await runAgainst('ftp://127.0.0.1/scim/v2');
    await expectReportWritten(ftp, /^the target URL must be http or https, got ftp:/);
    expect(ftp.summary.fail).toBe(0);
  });

  it('a host name that does not resolve is a clear run error', async () => {
    const record = await runAgainst('http://scimproof-no-such-host.invalid/scim/v2');
    await expectReportWritten(record, /cannot reach .*host name not found/);
  });

  it('a wrong token is a clear run error, and the token is not in the record', async () => {
    const server = await startServer({ port: 0 });
    try {
      const record = await runAgainst(server.url, 'wrong-token-xyz-987');
      await expectReportWritten(record, /rejected the credentials \(HTTP 401/);
      expect(JSON.stringify(record)).not.toContain('wrong-token-xyz-987');
    } finally {
      await server.close();
    }
  });

  it('wrong basic credentials say to check --basic, not --token', async () => {
    const server = await startServer({ port: 0, basic: { user: 'ann', password: 'right-pass-1' } });
    try {
      const record = await runConformance({ url: server.url, auth: { kind: 'basic', user: 'ann', password: 'wrong-pass-2' }, suites: ['core'], seed: 1 });
      await expectReportWritten(record, /rejected the credentials \(HTTP 401 .*\); check --basic user:password/);
      expect(record.meta.runError).not.toMatch(/--token/);
    } finally {
      await server.close();
    }
  });

  it('a target that redirects names the base URL it redirects to, ready for --url', async () => {
    const server = await startServer({ port: 0 });
    const moved = createServer((req, res) => res.writeHead(308, { location: `${server.url}${(req.url ?? '').replace(/^\/old\/scim/, '')}` }).end());
    await new Promise<void>((resolve) => moved.listen(0, '127.0.0.1', resolve));
    try {
      const record = await runAgainst(`http://127.0.0.1:${(moved.address() as AddressInfo).port}/old/scim`, server.token);
      await expectReportWritten(record, /redirects \(HTTP 308/);
      expect(record.meta.runError).toContain(`give the final SCIM base URL as --url (it looks like ${server.url})`);
    } finally {
      await new Promise((resolve) => moved.close(resolve));
      await server.close();
    }
  });

  it("a wrong token's 401 error bodies are not taken for discovery documents: the report says what it assumed, not what was advertised", async () => {
    const server = await startServer({ port: 0 });
    try {
      const wrong = await runAgainst(server.url, 'wrong-token-xyz-987');
      // The 401's SCIM error was kept as the ServiceProviderConfig and shown as advertised.
      expect(wrong.discovery?.serviceProviderConfig).toBeUndefined();
      expect(wrong.discovery?.capabilities.serviceProviderConfig).toBe(false);
      const dir = mkdtempSync(join(tmpdir(), 'scimproof-bad-'));
      const html = readFileSync((await writeReports(wrong, { outDir: dir })).html!, 'utf8');
      expect(html).toContain('Assumed capabilities (no /ServiceProviderConfig was served)');
      expect(html).not.toContain('Advertised capabilities');
      const right = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['users.create.*'], seed: 1 });
      expect(right.discovery?.capabilities.serviceProviderConfig).toBe(true);
      expect(readFileSync((await writeReports(right, { outDir: mkdtempSync(join(tmpdir(), 'scimproof-bad-')) })).html!, 'utf8')).toContain('Advertised capabilities');
    } finally {
      await server.close();
    }
  });

  const cases: [MisbehaviourMode, RegExp][] = [
    ['html-200', /does not answer SCIM JSON: .* text\/html/],
    ['html-as-scim-json', /does not answer SCIM JSON/],
    ['empty-body', /does not answer SCIM JSON/],
    ['garbage', /does not answer SCIM JSON/],
    ['redirect', /redirects \(HTTP 302/],
    ['reset', /cannot reach .*reset|does not answer SCIM JSON/],
    ['close-immediately', /cannot reach .*reset|cannot reach/],
    ['hang', /cannot reach .*timeout/],
    ['huge', /does not answer SCIM JSON/],
  ];
  for (const [mode, reason] of cases) {
    it(`a server that answers "${mode}" is a clear run error`, async () => {
      const server = await startMisbehavingServer(mode, { hugeBytes: 5 * 1024 * 1024 });
      try {
        const record = await runAgainst(server.url, 'secret-token-123', 500);
        await expectReportWritten(record, reason);
      } finally {
        await server.close();
      }
    });
  }

  // Without a token (none given, or an unset SCIM_TOKEN) a login page or a redirect is the same
  // wrong URL: it was run on, and every check failed on the HTML.
  for (const [mode, reason] of cases.filter(([m]) => ['html-200', 'garbage', 'redirect'].includes(m))) {
    it(`a server that answers "${mode}" to a run with no credentials is the same clear run error`, async () => {
      const server = await startMisbehavingServer(mode);
      try {
        const record = await runConformance({ url: server.url, auth: { kind: 'none' }, suites: ['core'], seed: 1, timeoutMs: 500 });
        await expectReportWritten(record, reason);
        expect(record.summary.fail).toBe(0);
      } finally {
        await server.close();
      }
    });
  }
});
