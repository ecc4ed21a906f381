// What the recorder keeps of a body, whatever the server sends: at most a bounded read (decoded,
// so a gzip bomb stops there too), a bounded beginning in the record with a note of the true
// size, and a curl line that still sends the whole request body.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { RecordBudget } from '../../src/http/record-budget.ts';
import type { Exchange } from '../../src/record/types.ts';

const run = promisify(execFile);
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
}

const LIST = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] });

describe('response bodies', () => {
  it('stops reading a body announced at 200 MB, keeps its beginning and says how large it was', async () => {
    let written = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': String(200 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (written < 200 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    const client = createClient({ baseUrl: url, auth: { kind: 'none' } });
    const ex = await client.send({ method: 'GET', path: '/Users' });
    await client.close();
    expect(ex.response?.truncated).toBe(true);
    expect(ex.response?.body.length).toBe(64 * 1024);
    expect(ex.response?.sizeNote).toMatch(/more than 2 MiB; reading stopped there; Content-Length 209,715,200/);
    expect(ex.response?.jsonError).toMatch(/larger than 2 MiB; not read further/);
    // The client hung up long before the server could send it all.
    expect(written).toBeLessThan(100 * 1024 * 1024);
  });

  it('stops reading an endless body', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json' });
      const chunk = Buffer.alloc(16 * 1024, 'y');
      const pump = (): void => {
        while (!res.destroyed) if (!res.write(chunk)) return void res.once('drain', pump);
      };
      pump();
    });
    const client = createClient({ baseUrl: url, auth: { kind: 'none' } });
    const ex = await client.send({ method: 'GET', path: '/Users' });
    await client.close();
    expect(ex.response?.truncated).toBe(true);
    expect(ex.response?.sizeNote).toMatch(/more than 2 MiB/);
  });

  it('decodes gzip, deflate and br, and stops a gzip bomb at the same limit', async () => {
    // 1 GiB of zeros compresses to about 1 MiB: decoded whole, it would exhaust memory.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const encodings: Record<string, Buffer> = { gzip: gzipSync(LIST), deflate: deflateSync(LIST), br: brotliCompressSync(LIST) };
    const url = await serve((req, res) => {
      const which = req.url!.split('=')[1]!;
      if (which === 'bomb') {
        res.writeHead(200, { 'content-type': 'application/scim+json', 'content-encoding': 'gzip' });
        // The same compressed block 16 times: a valid multi-member gzip of 1 GiB.
        for (let i = 0; i < 16; i++) res.write(bomb);
        res.end();
        return;
      }
      if (which === 'broken') {
        res.writeHead(200, { 'content-type': 'application/scim+json', 'content-encoding': 'gzip' }).end(LIST);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/scim+json', 'content-encoding': which }).end(encodings[which]);
    });
    const client = createClient({ baseUrl: url, auth: { kind: 'none' } });
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const ex = await client.send({ method: 'GET', path: `/Users?e=${encoding}` });
      expect(ex.response?.json, encoding).toEqual(JSON.parse(LIST));
      expect(ex.response?.encoding).toBe(encoding);
    }
    const before = process.memoryUsage().rss;
    const bombed = await client.send({ method: 'GET', path: '/Users?e=bomb' });
    expect(bombed.response?.truncated).toBe(true);
    expect(bombed.response?.sizeNote).toMatch(/more than 2 MiB once decoded from gzip/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    const broken = await client.send({ method: 'GET', path: '/Users?e=broken' });
    expect(broken.response?.jsonError).toMatch(/cannot decode .*kept as received/);
    expect(broken.response?.body).toBe(LIST);
    await client.close();
  });

  it('keeps a body up to the record limit whole, parsed', async () => {
    const big = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ id: '1', userName: 'u'.repeat(200_000) }] });
    const url = await serve((req, res) => res.writeHead(200, { 'content-type': 'application/scim+json' }).end(req.url!.endsWith('big') ? big : LIST));
    const client = createClient({ baseUrl: url, auth: { kind: 'none' } });
    const small = await client.send({ method: 'GET', path: '/Users' });
    expect(small.response?.truncated).toBeUndefined();
    expect(small.response?.body).toBe(LIST);
    // Larger than the record keeps: parsed for the checks of the moment, recorded as its beginning.
    const large = await client.send({ method: 'GET', path: '/Users/big' });
    expect(large.response?.truncated).toBe(true);
    expect(large.response?.body.length).toBe(64 * 1024);
    expect((large.response?.json as { totalResults: number }).totalResults).toBe(1);
    expect(large.response?.sizeNote).toMatch(/200,1\d\d characters; the first 65,536 characters are kept/);
    await client.close();
    // Once the client is closed, the record holds only the kept text.
    expect(large.response?.json).toBeUndefined();
  });
});

describe('the record budget', () => {
  it('keeps less of each body once the run has kept a lot, and lets go of old large parses', () => {
    const budget = new RecordBudget(100, 1_000, 10, 500);
    expect(budget.limit()).toBe(100);
    budget.spend(1_000);
    expect(budget.limit()).toBe(10);
    const responses = [1, 2, 3].map(() => ({ status: 200, headers: {}, body: '', json: { x: 1 } as unknown }));
    for (const r of responses) budget.hold(r, 300);
    // 900 characters of parses held against a limit of 500: the oldest two are let go.
    expect(responses.map((r) => r.json !== undefined)).toEqual([false, false, true]);
  });
});

describe('the record budget of a client', () => {
  it('keeps 4 KiB of each body once the run has kept its total; a client without a total (the mock IdP) keeps every body whole', async () => {
    const answer = JSON.stringify({ id: '1', displayName: 'd'.repeat(20_000) });
    const url = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/scim+json' }).end(answer));
    const bounded = createClient({ baseUrl: url, auth: { kind: 'none' }, recordTotalChars: 100_000 });
    const unbounded = createClient({ baseUrl: url, auth: { kind: 'none' }, retainExchanges: false, recordTotalChars: Number.POSITIVE_INFINITY });
    const lastOf = async (client: typeof bounded): Promise<Exchange> => {
      let last: Exchange | undefined;
      // Each answer is kept whole and parsed: counted twice, 40,000 characters a time.
      for (let i = 0; i < 4; i++) last = await client.send({ method: 'GET', path: '/Users/1' });
      return last!;
    };
    const cut = await lastOf(bounded);
    const whole = await lastOf(unbounded);
    await Promise.all([bounded.close(), unbounded.close()]);
    expect(cut.response?.truncated).toBe(true);
    expect(cut.response?.body.length).toBe(4 * 1024);
    expect(whole.response?.truncated).toBeUndefined();
    expect(whole.response?.body).toBe(answer);
  });
});

describe('request bodies', () => {
  it('records the beginning of a 200 kB body, and its curl line still sends all of it', async () => {
    const url = await serve((_req, res, body) => {
      res.writeHead(400, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ length: body.length, sha: createHash('sha256').update(body).digest('hex') }));
    });
    const body = `{"userName":"spf0a1b2c3d-robustness-${'x'.repeat(200_000)}"}`;
    const client = createClient({ baseUrl: url, auth: { kind: 'bearer', token: 'tok-123456' } });
    const ex = await client.send({ method: 'POST', path: '/Users', rawBody: body });
    await client.close();
    expect(ex.request.truncated).toBe(true);
    expect(ex.request.bodySize).toBe(body.length);
    expect(ex.request.body!.length).toBe(64 * 1024);
    expect(ex.curl.length).toBeLessThan(1_000);
    const { stdout } = await run('bash', ['-c', ex.curl], { env: { ...process.env, SCIM_TOKEN: 'tok-123456' } });
    const answer = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { length: number; sha: string };
    expect(answer).toEqual({ length: body.length, sha: createHash('sha256').update(body).digest('hex') });
  });
});
