// The provisioning log's line for one object is written as pieces straight into the file buffer
// (no joined copy): the pieces must make exactly the line JSON.stringify(objectEntry()) would, and
// the chunk file the HTML page loads must hold the same object, also when a body could close the
// page's script element or a line is too long for the buffer.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { IdpEngine } from '../../src/idp/engine.ts';
import { objectEntry, objectLine, objectLineParts } from '../../src/idp/log/entries.ts';
import { ProvisioningLog } from '../../src/idp/log/writer.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import type { ObjectResult } from '../../src/idp/types.ts';
import type { Exchange } from '../../src/record/types.ts';

const result: ObjectResult = { objectType: 'user', id: 'u1', display: 'ada@example.com', action: 'create', outcome: 'success', reason: 'assigned and in scope', exchangeIds: ['x0001', 'x0002'], startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:00.010Z' };

function exchange(id: string, requestBody: string | undefined, responseBody: string, contentType = 'application/scim+json'): Exchange {
  let json: unknown;
  try {
    json = JSON.parse(responseBody);
  } catch {
    json = undefined;
  }
  return {
    id,
    request: { method: requestBody === undefined ? 'GET' : 'POST', url: 'http://127.0.0.1:1/scim/v2/Users?filter=userName%20eq%20%22ada%22', headers: { accept: 'application/scim+json', authorization: 'Bearer [redacted]', ...(requestBody !== undefined ? { 'content-type': contentType } : {}) }, ...(requestBody !== undefined ? { body: requestBody } : {}) },
    response: { status: 201, headers: { 'content-type': 'application/scim+json' }, body: responseBody, ...(json !== undefined ? { json } : {}) },
    startedAt: '2026-01-01T00:00:00.001Z',
    ms: 1.5,
    curl: `curl -sS -i -X POST 'http://127.0.0.1:1/scim/v2/Users' -H "Authorization: Bearer $SCIM_TOKEN" --data-raw '{"a":"it''s"}'`,
  };
}

const hostile = '{"userName":"</script><script>alert(1)</script>","displayName":"\\u2028 é"}';
const exchanges = [exchange('x0001', '{"userName":"ada","name":{"familyName":"Lovelace"}}', '{"id":"1","userName":"ada"}'), exchange('x0002', 'name=ada&x=1', 'not json at all', 'application/x-www-form-urlencoded'), exchange('x0003', hostile, hostile), { ...exchange('x0004', undefined, ''), response: undefined, transportError: { code: 'reset', message: 'socket hang up' } }];

describe('provisioning log line', () => {
  it('is the same JSON as objectEntry(), body for body', () => {
    expect(JSON.parse(objectLine(3, result, exchanges))).toEqual(JSON.parse(JSON.stringify(objectEntry(3, result, exchanges))));
    expect(JSON.parse(objectLine(3, result, exchanges, true))).toEqual(JSON.parse(JSON.stringify(objectEntry(3, result, exchanges, true))));
    expect(objectLineParts(3, result, exchanges).join('')).toBe(objectLine(3, result, exchanges));
  });

  it('keeps the fields of the result in their order, byte for byte, with no exchange ids', () => {
    // Ids in the middle of the result (the ledger adds the times after them), an on-demand line, a bare one.
    const withTimes = { ...result, exchangeIds: ['x0001', 'x0002'], startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:00.002Z' };
    for (const r of [result, withTimes]) {
      expect(objectLine(3, r, [])).toBe(JSON.stringify(objectEntry(3, r, [])));
      expect(objectLine(3, r, [], true)).toBe(JSON.stringify(objectEntry(3, r, [], true)));
    }
    expect(objectLine(3, withTimes, [])).not.toContain('exchangeIds');
  });

  it('logs a body the recorder cut as the text it kept, saying so, never as broken JSON', () => {
    // The recorder keeps the first 64 KiB of a body; a response's whole parse may still be held.
    const whole = JSON.stringify({ id: 'g', members: Array.from({ length: 3000 }, (_, i) => ({ value: `member-${i}-0123456789abcdef` })) });
    const kept = whole.slice(0, 64 * 1024);
    const cut: Exchange = {
      id: 'x0009',
      request: { method: 'PATCH', url: 'http://127.0.0.1:1/scim/v2/Groups/g', headers: { 'content-type': 'application/scim+json' }, body: kept, truncated: true, bodySize: whole.length },
      response: { status: 200, headers: {}, body: kept, truncated: true, sizeNote: `${whole.length} characters; the first 65,536 characters are kept`, json: JSON.parse(whole) as unknown },
      startedAt: '2026-01-01T00:00:00.001Z',
      ms: 3,
      curl: 'curl …',
    };
    const line = JSON.parse(objectLine(1, result, [cut])) as { requests: { body: string; response: string }[] };
    expect(line).toEqual(JSON.parse(JSON.stringify(objectEntry(1, result, [cut]))));
    expect(line.requests[0]!.body).toMatch(new RegExp(`… \\(cut by the recorder: ${whole.length} characters were sent`));
    expect(line.requests[0]!.response).toContain('… (cut by the recorder: ');
    expect(line.requests[0]!.response.startsWith(kept)).toBe(true);
  });

  describe('written to the log', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** The objects of chunk file 1, as the page's script would receive them. */
    const chunkObjects = (text: string): unknown[] => {
      expect(text.startsWith('scimproofChunk(1,[')).toBe(true);
      return JSON.parse(text.slice('scimproofChunk(1,'.length, text.lastIndexOf(');'))) as unknown[];
    };

    it('keeps JSONL and chunk identical, escapes a closing script tag in the chunk only, and survives lines longer than the buffer', async () => {
      dir = mkdtempSync(join(tmpdir(), 'scimproof-log-'));
      const log = new ProvisioningLog(dir);
      log.beginCycle({ cycle: 1, at: '2026-01-01T00:00:00Z', dialect: 'entra', directory: 'd.json', target: 'http://127.0.0.1:1/scim/v2' });
      const big = exchange('x0005', `{"displayName":"${'é'.repeat(200_000)}"}`, '{"id":"5"}');
      const lines = [objectLineParts(1, result, exchanges), objectLineParts(1, { ...result, id: 'u2' }, [big]), objectLineParts(1, { ...result, id: 'u3' }, exchanges.slice(0, 1))];
      for (const parts of lines) log.object(result, parts);
      await log.endCycle({ cycle: 1, dialect: 'entra', directory: 'd.json', target: 'x', startedAt: 'a', finishedAt: 'b', status: 'ok', counts: { created: 3, linked: 0, updated: 0, disabled: 0, enabled: 0, deleted: 0, managers: 0, groups: 0, failed: 0, skipped: 0, escrowed: 0, unchanged: 0 }, requests: 6 });
      await log.close();

      const jsonl = readFileSync(join(dir, 'provisioning.jsonl'), 'utf8').trim().split('\n');
      const objectLines = jsonl.filter((l) => l.includes('"type":"object"'));
      expect(objectLines).toEqual(lines.map((parts) => parts.join('')));
      const chunk = readFileSync(join(dir, 'cycle-0001', 'objects-0001.js'), 'utf8');
      expect(chunk).not.toMatch(/<\/script/i);
      expect(chunkObjects(chunk)).toEqual(objectLines.map((l) => JSON.parse(l) as unknown));
    });
  });
});

describe('a group whose membership request is larger than the recorder keeps', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    server = await startServer({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'scimproof-biggroup-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('still has its line in the log and in the page data (1,500 members: a 90 kB PATCH)', async () => {
    const members = Array.from({ length: 1500 }, (_, i) => `u${i}`);
    const doc = {
      source: 'entra',
      users: members.map((id, i) => ({ id, userPrincipalName: `member${i}@big.example`, mailNickname: `member${i}`, displayName: `Member ${i}`, givenName: 'Member', surname: `N${i}` })),
      groups: [{ id: 'g1', displayName: 'Everyone', members }],
      app: { scope: 'all', provisionGroups: true },
    };
    const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'entra', directory: parseDirectory(JSON.stringify(doc), join(dir, 'big.json')), statePath: null, logDir: join(dir, 'log') });
    try {
      const cycle = await engine.runCycleNow('test');
      expect(cycle.status).toBe('ok');
      // Entra creates the group, then adds its members in one PATCH: two entries for the group.
      const entries = await engine.collectLog({ objectType: 'group' });
      expect(entries.map((e) => [e.id, e.action, e.outcome])).toEqual([
        ['g1', 'create-group', 'success'],
        ['g1', 'update-members', 'success'],
      ]);
      const patch = entries[1]!.requests.find((r) => r.method === 'PATCH')!;
      expect(patch.body).toEqual(expect.stringContaining('… (cut by the recorder: '));
    } finally {
      await engine.close();
    }
    // Every JSONL line parses, and so does every chunk the cycle's page loads.
    const jsonl = readFileSync(join(dir, 'log', 'provisioning.jsonl'), 'utf8').trim().split('\n');
    for (const line of jsonl) expect(() => JSON.parse(line) as unknown).not.toThrow();
    const chunks = readdirSync(join(dir, 'log', 'cycle-0001')).filter((f) => f.startsWith('objects-'));
    const objects = chunks.flatMap((f) => {
      const text = readFileSync(join(dir, 'log', 'cycle-0001', f), 'utf8');
      return JSON.parse(text.slice(text.indexOf(',') + 1, text.lastIndexOf(');'))) as { objectType: string }[];
    });
    expect(objects.filter((o) => o.objectType === 'group')).toHaveLength(2);
    // 1,500 users and their PATCH: about 4,500 requests, which a 2-core machine at load 11 did not
    // finish within the default 30 s once; the test is about the log's shape, not speed.
  }, 180_000);
});
