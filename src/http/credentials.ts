// The run's credentials as a record keeps them (RunMeta.credentials): what kind, OAuth's public
// settings, the extra headers with every secret value left out. A printed command (clean, a fuzz
// replay) is built from it, so it passes the run's own kind of credentials: a run made with
// --basic printed `--token "$SCIM_TOKEN"`, and the command it printed could not reproduce it.
import type { RunCredentials } from '../record/types.ts';
import type { Auth } from './client.ts';
import { isCredentialHeader, redactText } from './redact.ts';

export function runCredentials(auth: Auth | undefined, headers: Readonly<Record<string, string>> = {}, secrets: readonly string[] = []): RunCredentials {
  const kind = auth?.kind ?? 'none';
  const oauth = auth?.kind === 'oauth' ? auth.oauth : undefined;
  // A value is secret as the recorded requests have it: by its header's name, or holding a --secret.
  const secret = (name: string, value: string): boolean => isCredentialHeader(name) || secrets.some((s) => s !== '' && value.includes(s));
  const extra = Object.entries(headers).map(([name, value]) => (secret(name, value) ? { name } : { name, value }));
  return {
    kind,
    ...(oauth
      ? { oauth: { tokenUrl: redactText(oauth.tokenUrl), clientId: oauth.clientId, ...(oauth.clientAuth ? { clientAuth: oauth.clientAuth } : {}), ...(oauth.scope ? { scope: oauth.scope } : {}) } }
      : {}),
    ...(extra.length > 0 ? { headers: extra } : {}),
  };
}
