// The requests of a cycle go out with the client's default headers, built once: one frozen record
// of them is shared by every exchange, so its JSON in the log and its curl arguments are made once.
// (Entra's dialect adds no header of its own; an empty set of dialect headers used to cost a copy
// and a redaction per request.) What goes on the wire and into the log stays as it was.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { getDialect } from '../../src/dialects/index.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { ENTRA_FIXTURE, OKTA_FIXTURE, fixture, harness } from './helpers.ts';

let server: RunningServer;
let front: Server;
let frontUrl: string;
/** Each request's headers as they arrived on the wire (raw names, in order). */
let wire: string[][];

/** A front that notes each request's raw headers and hands it on to the reference server. */
async function recordingFront(target: string): Promise<void> {
  const origin = new URL(target).origin;
  front = createServer((req: IncomingMessage, res) => {
    const raw = req.rawHeaders;
    wire.push(Array.from({ length: raw.length / 2 }, (_, i) => `${raw[2 * i]}: ${raw[2 * i + 1]}`));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      delete headers['content-length'];
      void request(`${origin}${req.url}`, { method: req.method as 'GET', headers: headers as Record<string, string>, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) }).then(async (answer) => {
        const text = await answer.body.text();
        res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/scim+json') });
        res.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}${new URL(target).pathname}`;
}

beforeEach(async () => {
  wire = [];
  server = await startServer({ port: 0 });
  await recordingFront(server.url);
});

afterEach(async () => {
  await new Promise<void>((resolve) => front.close(() => resolve()));
  await server.close();
});

describe('default request headers', () => {
  it('an Entra cycle records one shared header object for its reads and one for its writes, as sent', async () => {
    const h = harness(frontUrl, server.token, 'entra');
    const { result, exchanges } = await h.cycle(fixture(ENTRA_FIXTURE));
    expect(result.status).toBe('ok');
    const reads = exchanges.filter((x) => x.request.body === undefined);
    const writes = exchanges.filter((x) => x.request.body !== undefined);
    expect(reads.length).toBeGreaterThan(5);
    expect(writes.length).toBeGreaterThan(5);
    // One object each (not equal copies): the log's JSON of it and its curl arguments are made once.
    for (const x of reads) expect(x.request.headers).toBe(reads[0]!.request.headers);
    for (const x of writes) expect(x.request.headers).toBe(writes[0]!.request.headers);
    expect(Object.isFrozen(reads[0]!.request.headers)).toBe(true);
    // The record says what was sent, in the order sent, the token redacted.
    expect(JSON.stringify(reads[0]!.request.headers)).toBe('{"accept":"application/scim+json","user-agent":"scimproof","authorization":"Bearer [redacted]"}');
    expect(JSON.stringify(writes[0]!.request.headers)).toBe('{"accept":"application/scim+json","user-agent":"scimproof","authorization":"Bearer [redacted]","content-type":"application/scim+json"}');
    expect(writes[0]!.curl).toContain(`-H 'accept: application/scim+json' -H 'user-agent: scimproof' -H "Authorization: Bearer $SCIM_TOKEN" -H 'content-type: application/scim+json' --data-raw '`);
    // On the wire: the same headers, the real token, nothing else of ours.
    expect(wire).toHaveLength(exchanges.length);
    const ours = (sent: string[]): string[] => sent.filter((h) => !/^(host|connection|content-length):/i.test(h));
    for (const [i, x] of exchanges.entries()) {
      const expected = ['accept: application/scim+json', 'user-agent: scimproof', `authorization: Bearer ${server.token}`, ...(x.request.body !== undefined ? ['content-type: application/scim+json'] : [])];
      expect(ours(wire[i]!)).toEqual(expected);
    }
  });

  it("Okta's own User-Agent still replaces ours on every request", async () => {
    const h = harness(frontUrl, server.token, 'okta');
    const { result, exchanges } = await h.cycle(fixture(OKTA_FIXTURE));
    expect(result.status).toBe('ok');
    expect(exchanges.length).toBeGreaterThan(5);
    const agent = getDialect('okta')!.headers['User-Agent']!;
    expect(agent).toMatch(/okta/i);
    for (const x of exchanges) expect(x.request.headers['user-agent']).toBe(agent);
    for (const sent of wire) expect(sent).toContain(`user-agent: ${agent}`);
  });
});
