// What to change when the app could not be provisioned at all (the connection test failed, the
// credentials were refused, nothing answered), or `clean` could not list the target: the one option that fixes it, named as the caller
// gave it (a flag at the CLI, an option in the library; see src/util/option-names.ts). Undefined
// when the failure already says it (a timeout names its option, a TLS failure the insecure one,
// a proxy NO_PROXY) or when nothing the caller passed would change it.
import { checkCredentials, OPTION_NAMES, type OptionNames } from '../util/option-names.ts';
import type { Exchange } from '../record/types.ts';

export function stopAdvice(exchange: Exchange | undefined, names: OptionNames = OPTION_NAMES.cli, oauth = false): string | undefined {
  if (!exchange) return undefined;
  const failure = exchange.transportError;
  if (failure) {
    // Through a proxy the refusal may be the proxy's, and its message already says NO_PROXY.
    if ((failure.code === 'refused' || failure.code === 'dns') && !/through the proxy/.test(failure.message)) return `check ${names.url} and that the server is running`;
    return undefined;
  }
  const res = exchange.response!;
  if (res.status === 401 || res.status === 403) return checkCredentials(exchange.request.headers.authorization, oauth, names);
  if (res.status >= 300 && res.status < 400) {
    return `the target redirects (HTTP ${res.status} to ${res.headers.location ?? 'nowhere'}), and redirects are not followed with credentials: give the final SCIM base URL as ${names.url}`;
  }
  if (res.json === undefined && /html/i.test(res.headers['content-type'] ?? '')) return `is ${names.url} the SCIM base URL?`;
  return undefined;
}

/** `message` with the advice after it, unless the advice is none or already said. */
export function withAdvice(message: string, advice: string | undefined): string {
  return advice && !message.includes(advice) ? `${message}; ${advice}` : message;
}
