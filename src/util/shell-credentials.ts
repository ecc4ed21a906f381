// A command a report prints for copying never holds a credential: it reads it from a variable,
// always written the same way. The token is `--token "$SCIM_TOKEN"` (quoted, like every other
// variable a printed command uses). A redacted `--header` value is read from its own variable, one
// per header (`x-api-key` → `SCIM_SECRET_X_API_KEY`): a run with two secret headers shared one
// variable before, and the copied command could not reproduce it. Everything else a command
// holds (a URL, a header name or value) is single-quoted for POSIX sh: inside double quotes a `$`,
// a backquote or a `"` in a header name was expanded or ended the word.
import type { RunCredentials } from '../record/types.ts';

/** One word for POSIX sh, whatever it holds: single quotes, each `'` closed, escaped and reopened. */
export const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The variable a copied command reads the redacted value of header `name` from. */
export const secretHeaderVariable = (name: string): string => `SCIM_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/** The argument (after curl's `-H` or scimproof's `--header`) that sends a redacted header from its variable: `'x-api-key: '"$SCIM_SECRET_X_API_KEY"`. */
export const secretHeaderArgument = (name: string): string => `${shellQuote(`${name}: `)}"$${secretHeaderVariable(name)}"`;

/** How every printed scimproof command passes the token: from the variable, quoted. */
export const TOKEN_ARGUMENT = '--token "$SCIM_TOKEN"';

/**
 * The arguments that give a scimproof command the run's own credentials, each secret from its
 * variable: `--basic "$SCIM_BASIC"` after a --basic run, the OAuth settings with
 * `--client-secret "$SCIM_CLIENT_SECRET"`, each --header. A record without them (written before
 * they were kept) gets the token, as every command printed then.
 */
export function credentialArguments(credentials: RunCredentials | undefined): string {
  if (!credentials) return TOKEN_ARGUMENT;
  const args: string[] = [];
  if (credentials.kind === 'bearer') args.push(TOKEN_ARGUMENT);
  if (credentials.kind === 'basic') args.push('--basic "$SCIM_BASIC"');
  const oauth = credentials.oauth;
  if (credentials.kind === 'oauth' && oauth) {
    args.push('--oauth-token-url', shellQuote(oauth.tokenUrl), '--client-id', shellQuote(oauth.clientId), '--client-secret "$SCIM_CLIENT_SECRET"');
    if (oauth.scope) args.push('--oauth-scope', shellQuote(oauth.scope));
    if (oauth.clientAuth === 'post') args.push('--oauth-client-auth post');
  }
  for (const header of credentials.headers ?? []) args.push('--header', header.value === undefined ? secretHeaderArgument(header.name) : shellQuote(`${header.name}: ${header.value}`));
  return args.join(' ');
}
