// `scimproof serve`: the reference SCIM 2.0 server on the command line. Prints the base URL, token and a
// ready curl line once listening; shuts down cleanly (writing `--data`) on SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DataFileError, PAGINATION_MODES, startServer, type OAuthClient, type OAuthOptions, type PaginationMode, type RunningServer, type ServerOptions } from '../server/index.ts';
import { schemaExtensionFromJson, SchemaExtensionError } from '../server/schema-extension.ts';
import { RequireError } from '../server/resource-types.ts';
import { OPTION_NAMES } from '../util/option-names.ts';
import { shellQuote } from '../util/shell-credentials.ts';
import { RunError, UsageError } from './errors.ts';
import { STOP_SIGNALS, takeEarlySignal } from './interrupt.ts';

/** The default token, fixed so the README's curl lines work as printed. */
export const DEV_TOKEN = 'scimproof-dev-token';
/** The default OAuth client of `serve --oauth`, fixed for the same reason. */
export const DEV_CLIENT = { id: 'scimproof-client', secret: 'scimproof-client-secret' } as const;

interface ServeFlags {
  port: string;
  host: string;
  token?: string;
  basic?: string;
  require?: string;
  seed?: string;
  data?: string;
  pagination?: string;
  profile?: string;
  rateLimit?: string;
  oauth?: boolean;
  clientId?: string;
  clientSecret?: string;
  tokenLifetime?: string;
  trustIssuer?: string;
  trustJwks?: string;
  trustAudience?: string;
  trustSubject?: string;
  oktaEntitlements?: boolean;
  extension?: string[];
}

function loadExtension(file: string): NonNullable<ServerOptions['userExtensions']>[number] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--extension ${file}: ${(error as NodeJS.ErrnoException).code ? `cannot read the file (${(error as NodeJS.ErrnoException).code})` : `not valid JSON (${(error as Error).message})`}`);
  }
  try {
    return schemaExtensionFromJson(raw, file);
  } catch (error) {
    if (error instanceof SchemaExtensionError) throw new UsageError(error.message);
    throw error;
  }
}

function parseIntFlag(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${name} must be a whole number, got '${text}'`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the reference SCIM 2.0 server (in memory unless --data is given)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--token <token>', `bearer token clients must send (default: ${DEV_TOKEN})`)
    .option('--basic <user:password>', 'also accept HTTP Basic with these credentials')
    .option('--require <attrs>', 'extra required User attributes, comma-separated (e.g. name.givenName,name.familyName)')
    .option('--seed <n>', 'pre-create N realistic users and a group holding them')
    .option('--data <file>', 'load this JSON snapshot at start and keep it written on change and on exit')
    .option('--profile <name>', 'interop: meet the SCIM 2.0 Interoperability Profile and declare interopProfileConformant (undefined attributes and path-less PATCH operations are refused, which Okta and Entra trip over); default: tolerant of what Entra and Okta send')
    .option('--rate-limit <n>', 'answer 429 with Retry-After beyond n requests per second (IPSIE asks for enforced limits); default: unlimited')
    .option('--pagination <mode>', 'paging offered: both (index by default, cursors on request; default), index (startIndex only) or cursor (RFC 9865 cursors only, like Entra\'s SCIM API and AWS IAM Identity Center)')
    .option('--oauth', `also run an OAuth 2.0 token endpoint (client credentials) at /oauth2/token; its tokens open the SCIM API (default client ${DEV_CLIENT.id} / ${DEV_CLIENT.secret})`)
    .option('--client-id <id>', 'the OAuth client id (with --oauth)')
    .option('--client-secret <secret>', 'the OAuth client secret (with --oauth)')
    .option('--token-lifetime <seconds>', 'lifetime of issued access tokens (default 3600; Microsoft accepts 3600 to 21600)')
    .option('--trust-issuer <url>', 'workload identity federation: accept client assertions from this issuer (e.g. the one `scimproof federation serve` prints)')
    .option('--trust-jwks <url>', "the issuer's JWKS URL (default: read from the issuer's OpenID configuration)")
    .option('--trust-audience <aud>', 'the audience the assertions must carry, e.g. api://<app id>')
    .option('--trust-subject <sub>', 'the subject the assertions must carry (the provisioning service identity)')
    .option('--okta-entitlements', 'publish Okta Identity Governance entitlement and role resource types (/Entitlements, /Roles) with a sample catalogue')
    .option('--extension <file>', 'add a custom User schema extension (JSON: id, attributes) to /Schemas; repeatable, e.g. fixtures/schemas/acme-user-extension.json', (v: string, prev: string[] = []) => [...prev, v])
    .action(async (flags: ServeFlags) => {
      const options: ServerOptions = {
        port: parseIntFlag('--port', flags.port, 0, 65535),
        host: flags.host,
        token: flags.token ?? DEV_TOKEN,
      };
      if (flags.token !== undefined && flags.token.trim() === '') throw new UsageError('--token must not be empty');
      if (flags.basic !== undefined) {
        const colon = flags.basic.indexOf(':');
        if (colon <= 0) throw new UsageError('--basic must look like user:password');
        options.basic = { user: flags.basic.slice(0, colon), password: flags.basic.slice(colon + 1) };
      }
      if (flags.require !== undefined) options.require = flags.require.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (flags.seed !== undefined) options.seed = parseIntFlag('--seed', flags.seed, 0, 1_000_000);
      if (flags.data !== undefined) options.dataFile = flags.data;
      if (flags.profile !== undefined) {
        if (flags.profile !== 'interop') throw new UsageError(`--profile must be interop, got '${flags.profile}'`);
        options.profile = 'interop';
      }
      if (flags.rateLimit !== undefined) options.rateLimit = { perSecond: parseIntFlag('--rate-limit', flags.rateLimit, 1, 1_000_000) };
      if (flags.pagination !== undefined) {
        const mode = PAGINATION_MODES.find((m) => m === flags.pagination);
        if (!mode) throw new UsageError(`--pagination must be one of ${PAGINATION_MODES.join(', ')}, got '${flags.pagination}'`);
        options.pagination = mode;
      }
      const oauth = oauthOptions(flags);
      if (oauth) options.oauth = oauth;
      if (flags.oktaEntitlements) options.oktaEntitlements = true;
      if (flags.extension !== undefined) options.userExtensions = flags.extension.map(loadExtension);

      let server: RunningServer;
      try {
        server = await startServer(options);
      } catch (error) {
        throw translateStartError(error, options);
      }
      const out = process.stdout;
      const exposed = exposureWarning(options.host ?? '127.0.0.1', flags.token !== undefined);
      if (exposed) process.stderr.write(`scimproof serve: ${exposed}\n`);
      out.write(`SCIM 2.0 server listening at ${server.url}\n`);
      out.write(`  token:  ${server.token}\n`);
      if (options.dataFile) out.write(`  data:   ${options.dataFile}${server.loaded ? ' (loaded)' : ' (new)'}\n`);
      if (options.pagination) out.write(`  paging: ${describePaging(options.pagination)}\n`);
      if (options.profile) out.write('  profile: SCIM 2.0 Interoperability Profile (interopProfileConformant: true)\n');
      if (options.rateLimit) out.write(`  limit:  ${options.rateLimit.perSecond} requests per second, then 429 with Retry-After\n`);
      if (options.seed) out.write(`  seeded: ${server.store.count('User')} users, ${server.store.count('Group')} group(s)\n`);
      if (server.oauth && oauth) {
        const client = oauth.clients[0]!;
        out.write(`  oauth:  ${server.oauth.tokenUrl} · client ${client.id}${client.secret ? ` / ${client.secret}` : ''} · tokens live ${oauth.tokenLifetimeSeconds ?? 3600} s\n`);
        if (client.federation) out.write(`  trusts: client assertions from ${client.federation.issuer} (aud ${client.federation.audience}, sub ${client.federation.subject})\n`);
      }
      if (options.oktaEntitlements) out.write(`  okta:   ${server.url}/Entitlements and ${server.url}/Roles (Okta entitlement and role resource types)\n`);
      // Quoted for sh: a --token may hold `$`, a quote or a space.
      out.write(`  try:    curl -H ${shellQuote(`Authorization: Bearer ${server.token}`)} ${shellQuote(`${server.url}/Users`)}\n`);
      out.write('Press Ctrl-C to stop.\n');

      await new Promise<void>((resolve) => {
        const stop = () => {
          for (const signal of STOP_SIGNALS) process.off(signal, stop);
          void server.close().then(() => {
            out.write('scimproof serve: stopped\n');
            resolve();
          });
        };
        for (const signal of STOP_SIGNALS) process.on(signal, stop);
        // Ctrl-C while the command was still loading: stop as soon as it is up.
        if (takeEarlySignal()) stop();
      });
    });
}

/** The warning for a server others can reach that still takes the token printed in the documentation. */
export function exposureWarning(host: string, tokenGiven: boolean): string | undefined {
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  if (loopback || tokenGiven) return undefined;
  return `warning: listening on ${host} with the default token "${DEV_TOKEN}", which is printed in the documentation: anyone who can reach this port can read and change the data. Give --token with a secret of your own.`;
}

function oauthOptions(flags: ServeFlags): OAuthOptions | undefined {
  const trustFlags = [flags.trustIssuer, flags.trustJwks, flags.trustAudience, flags.trustSubject];
  const federated = trustFlags.some((v) => v !== undefined);
  if (!flags.oauth && !federated && flags.clientId === undefined && flags.clientSecret === undefined && flags.tokenLifetime === undefined) return undefined;
  if (federated && (flags.trustIssuer === undefined || flags.trustAudience === undefined || flags.trustSubject === undefined)) {
    throw new UsageError('workload identity federation needs --trust-issuer, --trust-audience and --trust-subject');
  }
  for (const [name, value] of [['--trust-issuer', flags.trustIssuer], ['--trust-jwks', flags.trustJwks]] as const) {
    if (value !== undefined && !/^https?:\/\/[^\s]+$/i.test(value)) throw new UsageError(`${name} must be an http(s) URL, got "${value}"`);
  }
  const client: OAuthClient = {
    id: flags.clientId ?? DEV_CLIENT.id,
    secret: flags.clientSecret ?? DEV_CLIENT.secret,
    ...(federated ? { federation: { issuer: flags.trustIssuer!, audience: flags.trustAudience!, subject: flags.trustSubject!, ...(flags.trustJwks ? { jwksUrl: flags.trustJwks } : {}) } } : {}),
  };
  return { clients: [client], ...(flags.tokenLifetime !== undefined ? { tokenLifetimeSeconds: parseIntFlag('--token-lifetime', flags.tokenLifetime, 1, 7 * 24 * 3600) } : {}) };
}

function translateStartError(error: unknown, options: ServerOptions): Error {
  if (error instanceof DataFileError) return new RunError(error.message);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new RunError(`port ${options.port} on ${options.host} is already in use (choose another with --port, or --port 0)`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new RunError(`cannot listen on host ${options.host}`);
  if (code === 'EACCES') return new RunError(`not allowed to listen on port ${options.port}`);
  if (error instanceof RequireError) return new UsageError(new RequireError(error.entry, OPTION_NAMES.cli).message);
  return error instanceof Error ? error : new Error(String(error));
}

function describePaging(mode: PaginationMode): string {
  if (mode === 'cursor') return 'cursors only (RFC 9865): start with ?cursor= and follow nextCursor; startIndex above 1 is refused';
  if (mode === 'index') return 'startIndex only (RFC 7644 §3.4.2.4); a cursor parameter is refused';
  return 'startIndex by default, cursors on request (?cursor=, RFC 9865)';
}
