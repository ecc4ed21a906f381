// A small rewriting HTTP proxy on 127.0.0.1: every request is handed to optional hooks, forwarded
// to an upstream SCIM base URL, and the response handed to hooks again. It knows nothing about
// any particular defect; test/support/defects.ts supplies the hooks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

export interface ProxyRequest {
  method: string;
  /** Path below the SCIM base, e.g. `/Users/42` (no query); outside it (`/oauth2/token`), the path from the origin. */
  path: string;
  /** True for a path outside the SCIM base (an OAuth token endpoint), forwarded to the upstream origin. */
  outsideBase?: boolean;
  query: URLSearchParams;
  /** The query as it arrived, still encoded (`filter=userName+eq+%22x%22`): how the client encoded it. */
  rawQuery?: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body?: string;
}

export interface ProxyResponse {
  status: number;
  /** Lower-case header names; content-length is recomputed on the way out. */
  headers: Record<string, string>;
  body: string;
}

export interface UpstreamCall {
  method: string;
  path: string;
  outsideBase?: boolean;
  query?: URLSearchParams;
  /** Defaults to the received request's headers (so the client's credentials are used). */
  headers?: Record<string, string>;
  body?: string;
}

export interface HookContext {
  /** The request exactly as the client sent it. */
  readonly received: ProxyRequest;
  /** The request to forward; `onRequest` may rewrite any part of it. */
  req: ProxyRequest;
  /** Sends a request of the hook's own to the upstream server. */
  upstream(call: UpstreamCall): Promise<ProxyResponse>;
  /** Memory shared by every exchange through this proxy (e.g. what was deleted). */
  readonly state: Map<string, unknown>;
  /** Scratch space for one exchange, so `onRequest` can leave notes for `onResponse`. */
  readonly notes: Record<string, unknown>;
  /** The valid bearer token of the upstream server. */
  readonly token: string;
}

export interface ProxyHooks {
  /** Rewrite `ctx.req` in place, or return a response to answer without forwarding. */
  onRequest?(ctx: HookContext): void | ProxyResponse | Promise<void | ProxyResponse>;
  /** Rewrite `res` in place, or return a replacement. */
  onResponse?(ctx: HookContext, res: ProxyResponse): void | ProxyResponse | Promise<void | ProxyResponse>;
}

export interface RunningProxy {
  /** The proxy's SCIM base URL (same path as upstream's). */
  url: string;
  close(): Promise<void>;
}

// Headers that belong to one hop and must not be copied to the next.
const HOP_BY_HOP = new Set([
  'host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'te', 'trailer',
  'upgrade', 'expect', 'proxy-authorization', 'proxy-connection',
]);

function copyHeaders(source: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
}

function send(res: ServerResponse, response: ProxyResponse): void {
  const headers = copyHeaders(response.headers);
  const noBody = response.status === 204 || response.status === 304;
  if (!noBody) headers['content-length'] = String(Buffer.byteLength(response.body));
  res.writeHead(response.status, headers);
  res.end(noBody ? undefined : response.body);
}

/**
 * Starts a proxy for `upstreamBase` (a SCIM base URL such as `http://127.0.0.1:1234/scim/v2`),
 * serving the same base path on its own port.
 */
export interface ProxyOptions {
  /**
   * Reaches the upstream in-process (a Hono app's `fetch`) instead of over HTTP: the client still
   * talks HTTP to the proxy, and a defect run costs one HTTP hop less.
   */
  fetchUpstream?(request: Request): Response | Promise<Response>;
}

export async function startProxy(upstreamBase: string, token: string, hooks: ProxyHooks, options: ProxyOptions = {}): Promise<RunningProxy> {
  const base = new URL(upstreamBase);
  const basePath = base.pathname.replace(/\/$/, '');
  const agent = new Agent();
  const state = new Map<string, unknown>();

  const upstreamRoot = base.origin + basePath;
  let proxyBase = '';
  // Absolute URLs (Location, meta.location, $ref) are translated both ways, so a client that
  // follows them stays behind the proxy and hooks only ever see the proxy's URLs.
  const toUpstream = (text: string): string => text.replaceAll(proxyBase, upstreamRoot);
  const toProxy = (text: string): string => text.replaceAll(upstreamRoot, proxyBase);

  const callUpstream = async (call: UpstreamCall): Promise<ProxyResponse> => {
    const target = new URL((call.outsideBase ? base.origin : upstreamRoot) + call.path);
    if (call.query) target.search = call.query.toString();
    const headers = { ...(call.headers ?? {}) };
    for (const name of Object.keys(headers)) if (HOP_BY_HOP.has(name)) delete headers[name];
    if (options.fetchUpstream) {
      const hasBody = call.body !== undefined && call.method !== 'GET' && call.method !== 'HEAD';
      const res = await options.fetchUpstream(new Request(target, { method: call.method, headers, ...(hasBody ? { body: toUpstream(call.body!) } : {}) }));
      const body = toProxy(await res.text());
      const responseHeaders: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name)) responseHeaders[name] = toProxy(value);
      });
      return { status: res.status, headers: responseHeaders, body };
    }
    const res = await request(target, {
      method: call.method as 'GET',
      headers,
      body: call.body === undefined ? undefined : toUpstream(call.body),
      dispatcher: agent,
    });
    const body = toProxy(await res.body.text());
    const responseHeaders = copyHeaders(res.headers);
    for (const [name, value] of Object.entries(responseHeaders)) responseHeaders[name] = toProxy(value);
    return { status: res.statusCode, headers: responseHeaders, body };
  };

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const url = new URL(incoming.url ?? '/', 'http://proxy.invalid');
    const inBase = url.pathname.startsWith(basePath);
    const path = inBase ? url.pathname.slice(basePath.length) : url.pathname;
    const received: ProxyRequest = {
      method: incoming.method ?? 'GET',
      path: path === '' ? '/' : path,
      ...(inBase ? {} : { outsideBase: true }),
      query: url.searchParams,
      rawQuery: url.search.replace(/^\?/, ''),
      headers: copyHeaders(incoming.headers),
      body: await readBody(incoming),
    };
    const ctx: HookContext = {
      received: Object.freeze({ ...received, query: new URLSearchParams(received.query), headers: { ...received.headers } }),
      req: received,
      upstream: (call) => callUpstream({ ...call, headers: call.headers ?? { ...received.headers } }),
      state,
      notes: {},
      token,
    };
    let response = (await hooks.onRequest?.(ctx)) ?? undefined;
    if (!response) {
      response = await callUpstream({ ...ctx.req });
      response = (await hooks.onResponse?.(ctx, response)) ?? response;
    }
    send(outgoing, response);
  };

  const server: Server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((err: unknown) => {
      // A broken hook is a bug in the test support, so make it loud rather than a plausible 5xx.
      const message = err instanceof Error ? err.stack ?? err.message : String(err);
      outgoing.writeHead(599, { 'content-type': 'text/plain' });
      outgoing.end(`faulty-server proxy error: ${message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  proxyBase = `http://127.0.0.1:${port}${basePath}`;

  return {
    url: proxyBase,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}
