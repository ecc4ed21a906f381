// Since session 23 the provisioning log leaves a request's curl line out when it can be rebuilt
// from the logged request (the line repeated the body a second time). Every place that shows a
// curl line rebuilds it with the same toCurl: `idp log`'s reader (the engine's collectLog and the
// console's Logs page and admin API read through it), the console's live entries, and the cycle
// page in the browser. Each must show, byte for byte, the line the client made when it sent the
// request, including for a request whose body the recorder cut (its line is kept in the log) and
// for bodies whose logged form does not give back the text sent. Real HTTP to the reference
// server; the page in Debian's Chromium when it is installed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryView } from '../../src/console/views.ts';
import { createClient, type OutgoingRequest } from '../../src/http/client.ts';
import { curlOf, objectEntry, objectLineParts, withCurlLines } from '../../src/idp/log/entries.ts';
import { historyLines } from '../../src/idp/log/console.ts';
import { collectLog } from '../../src/idp/log/reader.ts';
import { ProvisioningLog } from '../../src/idp/log/writer.ts';
import type { ObjectResult } from '../../src/idp/types.ts';
import type { Exchange } from '../../src/record/types.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, WAIT } from '../support/chromium.ts';

let server: RunningServer;
let dir: string;
/** The exchanges of one object, each with the curl line the client made when it sent it. */
const sent: { exchange: Exchange; line: string; kept: boolean }[] = [];

const result: ObjectResult = { objectType: 'user', id: 'u-curl', display: 'curl.lines@example.com', action: 'create', outcome: 'success', reason: 'assigned and in scope', exchangeIds: [], startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' };

beforeAll(async () => {
  server = await startServer({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-curl-lines-'));
  // The mock IdP's client keeps 64 KiB of each body; `small` keeps 200 characters, to cut one.
  const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token }, recordTotalChars: Number.POSITIVE_INFINITY });
  const small = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token }, recordChars: 200 });
  const user = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: name, ...extra });
  const requests: [OutgoingRequest, boolean, typeof client][] = [
    [{ method: 'GET', path: '/Users', query: { filter: `userName eq "it's"` } }, false, client],
    [{ method: 'POST', path: '/Users', json: user("o'brien@example.com", { displayName: 'Ünïcødé \u2028 </script> $HOME `x`' }) }, false, client],
    [{ method: 'DELETE', path: '/Users/no-such-id' }, false, client],
    // Bodies not sent as the client's own JSON: rebuilt when their logged form gives the text back.
    [{ method: 'POST', path: '/Users', rawBody: 'name=ada&x=1' }, false, client],
    [{ method: 'POST', path: '/Users', rawBody: '{ "userName": "spaced@example.com" }' }, true, client],
    [{ method: 'POST', path: '/Users', rawBody: '"just a JSON string"' }, true, client],
    // A "__proto__" key sets the prototype when the page evaluates its data: kept.
    [{ method: 'POST', path: '/Users', json: JSON.parse('{"userName":"proto@example.com","__proto__":{"x":1}}') as unknown }, true, client],
    // Longer than the log keeps of a body (64 KiB), though the recorder kept it whole.
    [{ method: 'POST', path: '/Users', json: user('long@example.com', { displayName: 'y'.repeat(70_000) }) }, true, createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token }, recordChars: 100_000 })],
    // Cut by the recorder: the log holds its beginning only, the line sends all of it.
    [{ method: 'POST', path: '/Users', json: user('cut@example.com', { displayName: 'z'.repeat(1_000) }) }, true, small],
    [{ method: 'GET', path: '/Users', auth: { kind: 'bearer', token: 'made-up-token' }, authIsMadeUp: true, withoutCredentials: true }, false, client],
  ];
  for (const [request, kept, by] of requests) {
    const exchange = await by.send(request);
    sent.push({ exchange, line: exchange.curl, kept });
  }
  await client.close();
  await small.close();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the object's line as the engine does; the log folder. */
async function writeLog(name: string): Promise<string> {
  const out = join(dir, name);
  const log = new ProvisioningLog(out);
  log.beginCycle({ cycle: 1, at: result.startedAt!, dialect: 'entra', directory: 'd.json', target: server.url });
  log.object(result, objectLineParts(1, result, sent.map((s) => s.exchange)));
  await log.endCycle({ cycle: 1, dialect: 'entra', directory: 'd.json', target: server.url, startedAt: result.startedAt!, finishedAt: result.finishedAt!, status: 'ok', counts: { created: 1, linked: 0, updated: 0, disabled: 0, enabled: 0, deleted: 0, managers: 0, groups: 0, failed: 0, skipped: 0, escrowed: 0, unchanged: 0 }, requests: sent.length });
  await log.close();
  return out;
}

describe('curl lines of the provisioning log', () => {
  it('are left out of provisioning.jsonl where they can be rebuilt, kept where not (a body the recorder cut)', async () => {
    const out = await writeLog('jsonl');
    const line = readFileSync(join(out, 'provisioning.jsonl'), 'utf8').split('\n').find((l) => l.includes('"type":"object"'))!;
    const requests = (JSON.parse(line) as { requests: { curl?: string }[] }).requests;
    expect(requests.map((r) => r.curl !== undefined)).toEqual(sent.map((s) => s.kept));
    for (const [i, r] of requests.entries()) if (r.curl !== undefined) expect(r.curl).toBe(sent[i]!.line);
    // The cut one really was cut, and its line still sends the whole body.
    const cut = sent.at(-2)!;
    expect(cut.exchange.request.truncated).toBe(true);
    expect(cut.line).toContain('z'.repeat(1_000));
  });

  it('read back by idp log, the console and its admin API: the line the client made, byte for byte', async () => {
    const out = await writeLog('read');
    const [entry] = await collectLog(out);
    expect(entry!.requests.map((x) => x.curl)).toEqual(sent.map((s) => s.line));
    expect(entry!.requests.map(curlOf)).toEqual(sent.map((s) => s.line));
    // The console's entry view (Logs page), from the file and from a live entry.
    expect(entryView(entry!, server.url).requests.map((r) => r.curl)).toEqual(sent.map((s) => s.line));
    const live = withCurlLines(objectEntry(1, result, sent.map((s) => s.exchange)));
    expect(entryView(live, server.url).requests.map((r) => r.curl)).toEqual(sent.map((s) => s.line));
    // `idp log --user … --verbose`: each request, then its line.
    const verbose = historyLines(entry!, true);
    for (const s of sent) expect(verbose).toContain(`      ${s.line}`);
    expect(historyLines(entry!, false).some((l) => l.includes('curl '))).toBe(false);
  });

  it('of a log written before (every request with its curl line) read as they were written', async () => {
    const out = await writeLog('old');
    const jsonl = join(out, 'provisioning.jsonl');
    const old = readFileSync(jsonl, 'utf8').split('\n').map((l) => {
      if (!l.includes('"type":"object"')) return l;
      const e = JSON.parse(l) as { requests: Record<string, unknown>[] };
      e.requests = e.requests.map((r, i) => ({ ...r, curl: `curl as logged before ${i}` }));
      return JSON.stringify(e);
    });
    writeFileSync(jsonl, old.join('\n'));
    const [entry] = await collectLog(out);
    expect(entry!.requests.map((x) => x.curl)).toEqual(sent.map((_, i) => `curl as logged before ${i}`));
    // A line the writer did not write (requests without headers, or not objects) is read, never a crash.
    const edited = JSON.parse(old.find((l) => l.includes('"type":"object"'))!) as { requests: unknown[] };
    edited.requests = [{ id: 'x1', method: 'GET', url: 'http://h/Users', startedAt: '', ms: 0 }, null, 7];
    writeFileSync(jsonl, `${JSON.stringify(edited)}\n`);
    const [read] = await collectLog(out);
    expect(read!.requests).toEqual([{ id: 'x1', method: 'GET', url: 'http://h/Users', startedAt: '', ms: 0, curl: '' }, null, 7]);
  });

  it.skipIf(!HAVE_CHROMIUM)('shown on the cycle page in the browser: the line the client made, byte for byte', { timeout: 60_000 }, async () => {
    const out = await writeLog('page');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${pathToFileURL(join(out, 'cycle-0001', 'index.html')).href}#object=${result.display}`);
      await page.locator('#detail .exchange').first().waitFor(WAIT);
      const shown = await page.locator('#detail .exchange').evaluateAll((boxes) => boxes.map((box) => box.querySelector('pre:last-of-type')!.textContent));
      expect(errors).toEqual([]);
      expect(shown).toEqual(sent.map((s) => s.line));
    } finally {
      await browser.close();
    }
  });
});
