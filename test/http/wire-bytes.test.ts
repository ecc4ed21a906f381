// The bytes a request puts on the wire, exactly: the request line (path and query as the URL
// parser encodes them), the headers in their order, the body as serialised. The client hands
// requests to its connection pool directly (not through undici's top-level request(), which
// parsed the URL and copied the options once more per request); what reaches a server must not
// change with how the client calls undici.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';

const ANSWER = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}';

let server: Server;
let port: number;
/** Each request's raw bytes (head and body) as they arrived, in order. */
const received: string[] = [];

/** Answers every request on a connection with the same 200, once its head and Content-Length body are in. */
function serve(socket: Socket): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = pending.subarray(0, end + 4).toString('latin1');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (pending.length < end + 4 + length) return;
      received.push(pending.subarray(0, end + 4 + length).toString('utf8'));
      pending = pending.subarray(end + 4 + length);
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/scim+json\r\ncontent-length: ${Buffer.byteLength(ANSWER)}\r\n\r\n${ANSWER}`);
    }
  });
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('request bytes on the wire', () => {
  it('a filter query, a create with a body and a request with headers of its own go out byte for byte as before', async () => {
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}/scim/v2/`, auth: { kind: 'bearer', token: 'tok-wire-123456' } });
    try {
      const query = await client.send({ method: 'GET', path: '/Users?filter=userName eq "jo é@example.com"', query: { count: 5, startIndex: undefined } });
      const create = await client.send({ method: 'POST', path: 'Users', json: { userName: 'jo é@example.com', name: { givenName: 'Jo' } } });
      const own = await client.send({ method: 'PATCH', path: '/Users/42', headers: { 'User-Agent': 'Okta SCIM Client 1.0.0' }, json: { Operations: [] } });
      for (const x of [query, create, own]) expect(x.response?.status).toBe(200);
      // The record shows the URL the request line asked for.
      expect(query.request.url).toBe(`http://127.0.0.1:${port}/scim/v2/Users?filter=userName%20eq%20%22jo%20%C3%A9%40example.com%22&count=5`);
      expect(received).toEqual([
        `GET /scim/v2/Users?filter=userName%20eq%20%22jo%20%C3%A9%40example.com%22&count=5 HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\naccept: application/scim+json\r\nuser-agent: scimproof\r\nauthorization: Bearer tok-wire-123456\r\n\r\n`,
        `POST /scim/v2/Users HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\naccept: application/scim+json\r\nuser-agent: scimproof\r\nauthorization: Bearer tok-wire-123456\r\ncontent-type: application/scim+json\r\ncontent-length: 58\r\n\r\n{"userName":"jo é@example.com","name":{"givenName":"Jo"}}`,
        `PATCH /scim/v2/Users/42 HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\naccept: application/scim+json\r\nuser-agent: Okta SCIM Client 1.0.0\r\nauthorization: Bearer tok-wire-123456\r\ncontent-type: application/scim+json\r\ncontent-length: 17\r\n\r\n{"Operations":[]}`,
      ]);
    } finally {
      await client.close();
    }
  });
});
