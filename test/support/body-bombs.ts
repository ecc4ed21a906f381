// A target that answers discovery like a SCIM server (so a run goes on through every scenario)
// and everything else with a body built to exhaust memory: 200 MB, endless, a gzip bomb, or JSON
// just under the read limit or just under the record limit. Accepts any credentials.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startServer } from '../../src/server/index.ts';

export type BodyBomb = 'huge' | 'endless' | 'gzip-bomb' | 'big-json' | 'near-record-limit-json';

const SCIM_JSON = 'application/scim+json';
const LIST_HEAD = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"padding":"';

function stream(res: ServerResponse, chunk: Buffer, total: number): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => undefined);
  pump();
}

export async function startBodyBombServer(kind: BodyBomb): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  // Real discovery documents, taken once from the reference server.
  const reference = await startServer({ port: 0 });
  const discovery = new Map<string, string>();
  for (const path of ['/ServiceProviderConfig', '/Schemas', '/ResourceTypes']) {
    const res = await fetch(`${reference.url}${path}`, { headers: { authorization: `Bearer ${reference.token}` } });
    discovery.set(path, await res.text());
  }
  await reference.close();
  // 64 MiB of zeros compress to about 64 KiB; sent 16 times, a valid gzip stream of 1 GiB.
  const bomb = kind === 'gzip-bomb' ? gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }) : Buffer.alloc(0);
  const padded = (chars: number): string => `${LIST_HEAD}${'x'.repeat(chars)}"}`;
  const bigJson = kind === 'big-json' ? padded(1_900_000) : kind === 'near-record-limit-json' ? padded(60_000) : '';
  let requests = 0;

  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/scim\/v2/, '');
    const doc = discovery.get(path);
    if (doc) return void res.writeHead(200, { 'content-type': SCIM_JSON }).end(doc);
    if (req.method === 'DELETE') return void res.writeHead(204).end();
    const status = req.method === 'POST' && /^\/(Users|Groups)$/.test(path) ? 201 : 200;
    switch (kind) {
      case 'huge':
        res.writeHead(status, { 'content-type': SCIM_JSON, 'content-length': String(200 * 1024 * 1024) });
        return stream(res, Buffer.alloc(256 * 1024, 'x'), 200 * 1024 * 1024);
      case 'endless':
        res.writeHead(status, { 'content-type': SCIM_JSON });
        return stream(res, Buffer.alloc(256 * 1024, 'y'), Number.POSITIVE_INFINITY);
      case 'gzip-bomb':
        res.writeHead(status, { 'content-type': SCIM_JSON, 'content-encoding': 'gzip' });
        return stream(res, bomb, bomb.length * 16);
      default:
        res.writeHead(status, { 'content-type': SCIM_JSON }).end(bigJson);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`,
    get requests() {
      return requests;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
