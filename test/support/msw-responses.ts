// Responses no real SCIM server gives on demand (HTML pages, empty or garbage bodies, resets,
// hangs, redirects, huge or slow bodies), for the harness's robustness tests.
//
// Why a plain node:http server and not msw: msw 2.15's `setupServer` patches globalThis.fetch,
// http.ClientRequest and XMLHttpRequest, but the harness sends with undici's own `request` and
// Agent, which it never sees (verified: a handler for a URL answered global fetch with the mock
// while undici.request to the same URL went to the network and got ECONNREFUSED). A real socket
// also makes resets and hangs real, which a mock could only imitate.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type MisbehaviourMode =
  /** 200 with a text/html page (an SSO login page or proxy splash in front of the API). */
  | 'html-200'
  /** 200 with an HTML page labelled application/scim+json. */
  | 'html-as-scim-json'
  /** 200, application/scim+json, zero-length body. */
  | 'empty-body'
  /** 200, application/scim+json, bytes that are neither JSON nor UTF-8. */
  | 'garbage'
  /** Headers and half a body, then a TCP reset. */
  | 'reset'
  /** The connection is closed before any response byte is sent. */
  | 'close-immediately'
  /** Reads the request and never answers (until the server is closed). */
  | 'hang'
  /** 302 to `location` (default: this server's `/elsewhere`, which answers 200 JSON). */
  | 'redirect'
  /** 200 with a body of `hugeBytes` (default 50 MB), streamed. */
  | 'huge'
  /** Waits `delayMs` (default 2000) before answering a normal small JSON body. */
  | 'slow'
  /** Sends headers at once, then the body one byte every `delayMs` (default 200). */
  | 'trickle';

export interface MisbehaviourOptions {
  location?: string;
  hugeBytes?: number;
  /** Send Content-Length with the huge body (default false: chunked, length unknown up front). */
  hugeContentLength?: boolean;
  delayMs?: number;
}

export interface MisbehavingServer {
  /** A SCIM-looking base URL, `http://127.0.0.1:PORT/scim/v2`. */
  url: string;
  mode: MisbehaviourMode;
  /** Every request received, in order (method and path with query). */
  readonly requests: readonly { method: string; url: string }[];
  close(): Promise<void>;
}

const SCIM_JSON = 'application/scim+json';
const SMALL_JSON = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: 0,
  Resources: [],
});
const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"><input name="user"></form></body></html>';
// Invalid UTF-8 (lone continuation bytes, 0xFF) mixed with NULs and a stray brace.
const GARBAGE = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80, 0x81, 0xc3, 0x28, 0x00, 0x9f, 0x92, 0x96, 0x0a]);

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

async function streamHuge(res: ServerResponse, total: number, withLength: boolean, signal: AbortSignal): Promise<void> {
  const head = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"padding":"';
  const tail = '"}';
  const padding = total - head.length - tail.length;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  res.writeHead(200, {
    'content-type': SCIM_JSON,
    ...(withLength ? { 'content-length': String(Math.max(total, head.length + tail.length)) } : {}),
  });
  res.write(head);
  let left = Math.max(padding, 0);
  while (left > 0 && !signal.aborted && !res.destroyed) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= piece.length;
    if (!res.write(piece)) {
      // Respect backpressure; stop if the client goes away.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end(tail);
}

export async function startMisbehavingServer(
  mode: MisbehaviourMode,
  options: MisbehaviourOptions = {},
): Promise<MisbehavingServer> {
  const requests: { method: string; url: string }[] = [];
  const closing = new AbortController();
  let origin = '';

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.url === '/elsewhere') {
      res.writeHead(200, { 'content-type': SCIM_JSON }).end(JSON.stringify({ redirected: true }));
      return;
    }
    switch (mode) {
      case 'html-200':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_PAGE);
        return;
      case 'html-as-scim-json':
        res.writeHead(200, { 'content-type': SCIM_JSON }).end(HTML_PAGE);
        return;
      case 'empty-body':
        res.writeHead(200, { 'content-type': SCIM_JSON, 'content-length': '0' }).end();
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': SCIM_JSON, 'content-length': String(GARBAGE.length) }).end(GARBAGE);
        return;
      case 'reset':
        res.writeHead(200, { 'content-type': SCIM_JSON, 'content-length': String(SMALL_JSON.length) });
        res.write(SMALL_JSON.slice(0, SMALL_JSON.length >> 1), () => req.socket.resetAndDestroy());
        return;
      case 'close-immediately':
        req.socket.destroy();
        return;
      case 'hang':
        return; // closeAllConnections() in close() ends it
      case 'redirect':
        res.writeHead(302, { location: options.location ?? `${origin}/elsewhere` }).end();
        return;
      case 'huge':
        await streamHuge(res, options.hugeBytes ?? 50 * 1024 * 1024, options.hugeContentLength ?? false, closing.signal);
        return;
      case 'slow':
        await wait(options.delayMs ?? 2000, closing.signal);
        if (!res.destroyed) res.writeHead(200, { 'content-type': SCIM_JSON }).end(SMALL_JSON);
        return;
      case 'trickle': {
        res.writeHead(200, { 'content-type': SCIM_JSON, 'content-length': String(SMALL_JSON.length) });
        for (const byte of SMALL_JSON) {
          if (closing.signal.aborted || res.destroyed) return;
          res.write(byte);
          await wait(options.delayMs ?? 200, closing.signal);
        }
        res.end();
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
    req.resume(); // drain any request body so the client is not blocked writing it
    answer(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/scim/v2`,
    mode,
    requests,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
