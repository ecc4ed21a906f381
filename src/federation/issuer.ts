// The issuer's two public documents, served on a local port the way Entra serves them
// (`/{tenant}/v2.0/.well-known/openid-configuration` and `/{tenant}/discovery/v2.0/keys`), so a
// vendor's token endpoint can be configured to trust scimproof exactly as it will trust Entra.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publicJwk, type FederationIdentity } from './identity.ts';

export interface RunningIssuer {
  /** `http://HOST:PORT/{tenant}/v2.0`: the `iss` of every assertion. */
  issuer: string;
  jwksUrl: string;
  configurationUrl: string;
  port: number;
  close(): Promise<void>;
}

export async function startIssuer(identity: FederationIdentity, options: { port?: number; host?: string; unref?: boolean } = {}): Promise<RunningIssuer> {
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const paths = () => ({
    issuer: `${origin}/${identity.tenantId}/v2.0`,
    jwks: `/${identity.tenantId}/discovery/v2.0/keys`,
    configuration: `/${identity.tenantId}/v2.0/.well-known/openid-configuration`,
  });
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://issuer.invalid').pathname;
    const p = paths();
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { error: 'method_not_allowed' });
    if (path === p.jwks) return json(200, { keys: [publicJwk(identity)] });
    if (path === p.configuration) {
      return json(200, {
        issuer: p.issuer,
        jwks_uri: `${origin}${p.jwks}`,
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['pairwise'],
        response_types_supported: ['code', 'id_token'],
        tenant_region_scope: 'scimproof',
      });
    }
    return json(404, { error: 'not_found', error_description: `this issuer serves ${p.configuration} and ${p.jwks}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A test-wide issuer must not keep the process alive.
  if (options.unref) server.unref();
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const p = paths();
  return {
    issuer: p.issuer,
    jwksUrl: `${origin}${p.jwks}`,
    configurationUrl: `${origin}${p.configuration}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
