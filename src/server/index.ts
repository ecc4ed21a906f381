// Programmatic entry point: `startServer(options)` for tests, the runner's embedded default target and
// the `serve` command. Startup is synchronous apart from binding the port; `close()` releases the port,
// open connections and timers, and writes the data file one last time.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { URN, type SchemaDefinition } from '../spec/scim-schemas.ts';
import { createApp, SCIM_CONTENT_TYPE, scimResponse, type ScimApp } from './app.ts';
import type { OAuthOptions } from './oauth/token-endpoint.ts';
import { SAMPLE_CATALOGUE, type EntitlementCatalogue } from './okta-entitlements.ts';
import { ScimError } from './errors.ts';
import { loadDataFile, persist, type Persister } from './persistence.ts';
import { seedStore } from './seed.ts';
import { Store } from './store.ts';

export { createApp, SCIM_CONTENT_TYPE, type AppOptions, type ScimApp } from './app.ts';
export { DataFileError } from './persistence.ts';
export type { OAuthClient, OAuthOptions } from './oauth/token-endpoint.ts';
export type { FederationTrust } from './oauth/federation.ts';
export { OKTA_URN, SAMPLE_CATALOGUE, type CatalogueEntry, type EntitlementCatalogue } from './okta-entitlements.ts';
export { Store, type StoredResource, type StoreSnapshot } from './store.ts';

export interface ServerOptions {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  host?: string;
  /** Bearer token; a random one when absent. */
  token?: string;
  basic?: { user: string; password: string };
  require?: string[];
  /** Custom User schema extensions (a vendor's own URN), served in /Schemas and accepted on writes. */
  userExtensions?: SchemaDefinition[];
  /** Pre-create this many users and a group holding them (only into an empty store). */
  seed?: number;
  /** JSON snapshot loaded at start and written on change and on close. */
  dataFile?: string;
  maxBodyBytes?: number;
  maxResults?: number;
  basePath?: string;
  /** Unexpected errors (answered with 500); default writes one line to stderr. */
  onInternalError?: (error: unknown) => void;
  /** Turn on the OAuth 2.0 token endpoint (client credentials, optionally federated). */
  oauth?: OAuthOptions;
  /** Publish Okta entitlement and role resource types: `true` for a sample catalogue, or your own. */
  oktaEntitlements?: boolean | EntitlementCatalogue;
}

export interface RunningOAuth {
  /** `http://HOST:PORT/oauth2/token` */
  tokenUrl: string;
  /** A token as the endpoint issues it; a negative lifetime gives one that has already expired. */
  issue(clientId: string, lifetimeSeconds?: number): string;
  /** Every issued token stops working (the static token still does). */
  revokeAll(): void;
}

export interface RunningServer {
  /** `http://HOST:PORT/scim/v2` */
  url: string;
  token: string;
  port: number;
  store: Store;
  app: ScimApp;
  /** True when `dataFile` existed and was loaded. */
  loaded: boolean;
  /** Present when `oauth` was given. */
  oauth?: RunningOAuth;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const token = options.token ?? randomBytes(18).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const store = new Store();
  const loaded = options.dataFile ? loadDataFile(store, options.dataFile) : false;
  const scim = createApp({
    token,
    store,
    ...(options.basic ? { basic: options.basic } : {}),
    ...(options.require ? { require: options.require } : {}),
    ...(options.userExtensions ? { userExtensions: options.userExtensions } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.maxResults !== undefined ? { maxResults: options.maxResults } : {}),
    ...(options.basePath !== undefined ? { basePath: options.basePath } : {}),
    ...(options.oauth ? { oauth: options.oauth } : {}),
    ...(options.oktaEntitlements ? { oktaEntitlements: options.oktaEntitlements === true ? SAMPLE_CATALOGUE : options.oktaEntitlements } : {}),
    onInternalError: options.onInternalError ?? ((error) => process.stderr.write(`scimproof serve: internal error: ${error instanceof Error ? error.stack : String(error)}\n`)),
  });
  if (options.seed && options.seed > 0 && store.count('User') === 0 && store.count('Group') === 0) seedStore(store, options.seed);
  let persister: Persister | undefined;
  if (options.dataFile) {
    persister = persist(store, options.dataFile, 200, (error) => process.stderr.write(`scimproof serve: cannot write ${options.dataFile}: ${(error as Error).message}\n`));
    // Seeded data is written at once so a restart finds it.
    if (options.seed && !loaded) await persister.flush();
  }

  const server = await listen(scim, options.port ?? 8080, host);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const service = scim.oauth;
  return {
    url: `http://${urlHost}:${port}${scim.basePath}`,
    token,
    port,
    store,
    app: scim,
    loaded,
    ...(service
      ? { oauth: { tokenUrl: `http://${urlHost}:${port}${service.tokenPath}`, issue: (clientId: string, lifetime?: number) => service.issue(clientId, lifetime), revokeAll: () => service.tokens.revokeAll() } }
      : {}),
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await persister?.close();
      })()),
  };
}

const MAX_HEADER_BYTES = 64 * 1024;

function listen(scim: ScimApp, port: number, hostname: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // getRequestListener rather than serve(): it lets requests the adapter itself refuses (a missing or
    // invalid Host header) be answered with a SCIM error instead of an empty 400.
    const listener = getRequestListener(scim.app.fetch, {
      hostname,
      errorHandler: () => scimResponse(400, new ScimError(400, 'invalidSyntax', 'malformed HTTP request (check the Host header)').toBody()),
    });
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false }, listener);
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve(server);
    });
    // Requests Node's HTTP parser rejects (oversized headers or URL, broken framing) never reach hono;
    // answer them with a SCIM error too instead of Node's bare status line.
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      const status = tooLarge ? 431 : 400;
      const body = JSON.stringify({
        schemas: [URN.error],
        status: String(status),
        ...(tooLarge ? {} : { scimType: 'invalidSyntax' }),
        detail: tooLarge ? `the request line and headers exceed ${MAX_HEADER_BYTES} bytes` : 'malformed HTTP request',
      });
      const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  });
}
