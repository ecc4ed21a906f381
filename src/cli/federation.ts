// `scimproof federation …`: play Microsoft Entra ID's side of workload identity federation on the
// laptop. `serve` publishes the issuer's OpenID configuration and JWKS on a local port so a dev
// server's token endpoint can be configured to trust it; `assertion` prints a fresh client
// assertion signed with the same key, for a curl against that token endpoint.
import type { Command } from 'commander';
import { mintAssertion } from '../federation/assertion.ts';
import { audienceOf, DEFAULT_IDENTITY_FILE, DEFAULT_ISSUER_PORT, IdentityFileError, loadOrCreateIdentity, type FederationIdentity } from '../federation/identity.ts';
import { startIssuer } from '../federation/issuer.ts';
import { RunError, UsageError } from './errors.ts';

interface FederationFlags {
  port: string;
  host: string;
  identity: string;
  issuer?: string;
}

export async function loadIdentity(file: string): Promise<{ identity: FederationIdentity; created: boolean }> {
  try {
    return await loadOrCreateIdentity(file);
  } catch (error) {
    if (error instanceof IdentityFileError) throw new RunError(error.message);
    throw error;
  }
}

export function parsePort(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > 65535) throw new UsageError(`--port must be a whole number between 0 and 65535, got '${text}'`);
  return Number(text);
}

export function registerFederation(program: Command): void {
  const federation = program.command('federation').description("play Microsoft Entra ID's side of workload identity federation (RFC 7523 client assertions) for a dev server");
  federation
    .command('serve')
    .description("serve the issuer's OpenID configuration and JWKS on a local port until Ctrl-C; print what to configure on the token endpoint")
    .option('--port <port>', 'port to listen on', String(DEFAULT_ISSUER_PORT))
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--identity <file>', 'tenant, subject, audience and signing key (created on first use)', DEFAULT_IDENTITY_FILE)
    .action(async (flags: FederationFlags) => {
      const { identity, created } = await loadIdentity(flags.identity);
      let issuer;
      try {
        issuer = await startIssuer(identity, { port: parsePort(flags.port), host: flags.host });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new RunError(`port ${flags.port} on ${flags.host} is already in use (choose another with --port)`);
        throw new RunError(`cannot listen on ${flags.host}:${flags.port} (${code ?? String(error)})`);
      }
      const out = process.stdout;
      out.write(`Workload identity federation issuer (scimproof playing Microsoft Entra ID)${created ? `; new identity written to ${flags.identity}` : ''}\n`);
      out.write(`  issuer (iss):    ${issuer.issuer}\n`);
      out.write(`  JWKS URL:        ${issuer.jwksUrl}\n`);
      out.write(`  subject (sub):   ${identity.subject}\n`);
      out.write(`  audience (aud):  ${audienceOf(identity)}\n`);
      out.write('Configure your token endpoint to accept client assertions with these values, then:\n');
      out.write(`  npx scimproof federation assertion --issuer ${issuer.issuer}   # a fresh assertion for curl\n`);
      out.write(`  npx scimproof certify entra-gallery --url … --federation-token-url … --federation-client-id … --federation-issuer ${issuer.issuer}\n`);
      out.write('Press Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void issuer.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  federation
    .command('assertion')
    .description('print a fresh client assertion signed with the identity key (valid 65 minutes, as Entra mints them)')
    .option('--identity <file>', 'tenant, subject, audience and signing key (created on first use)', DEFAULT_IDENTITY_FILE)
    .option('--issuer <url>', `the issuer URL the assertion names (default http://127.0.0.1:${DEFAULT_ISSUER_PORT}/<tenant>/v2.0)`)
    .action(async (flags: Omit<FederationFlags, 'port' | 'host'>) => {
      const { identity } = await loadIdentity(flags.identity);
      const issuer = flags.issuer ?? `http://127.0.0.1:${DEFAULT_ISSUER_PORT}/${identity.tenantId}/v2.0`;
      if (!/^https?:\/\//i.test(issuer)) throw new UsageError(`--issuer must be an http(s) URL, got "${issuer}"`);
      process.stdout.write(`${await mintAssertion(identity, { issuer })}\n`);
    });
}
