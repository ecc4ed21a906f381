// Tells a run that cannot be made from a run that found defects: if the target cannot be
// reached, rejects our credentials everywhere, or does not answer JSON at all, the checks after
// discovery would only repeat the same failure, so the run stops with one clear reason.
import { isCredentialHeader } from '../http/redact.ts';
import type { Exchange } from '../record/types.ts';
import { endpointAtEndHint } from '../http/target-url.ts';
import { checkCredentials, OPTION_NAMES, type OptionNames } from '../util/option-names.ts';

const pathOf = (ex: Exchange): string => new URL(ex.request.url).pathname;
/** The base path a discovery probe was sent under (its path less the endpoint). */
const basePathOf = (ex: Exchange): string => pathOf(ex).replace(/\/[^/]*$/, '');
/** What to ask about the URL option when nothing under it answers SCIM. */
function urlQuestion(ex: Exchange, names: OptionNames): string {
  return endpointAtEndHint(`${new URL(ex.request.url).origin}${basePathOf(ex)}`, names) ?? `is ${names.url} the SCIM base URL (…/scim/v2)?`;
}

/**
 * Which credentials to check, after the ones the run sent: a --basic run was told to check
 * --token, which it never gave.
 */
function checkWhat(sent: Exchange, exchanges: readonly Exchange[], names: OptionNames): string {
  return checkCredentials(sent.request.headers.authorization ?? '', exchanges.some((ex) => ex.origin?.suite === 'oauth'), names);
}

/**
 * The base URL a redirect points to: its Location less the endpoint the probe asked for
 * (`…/scim/v2/ServiceProviderConfig` → `…/scim/v2`), or undefined when it does not end so.
 */
function redirectedBase(ex: Exchange): string | undefined {
  const location = ex.response?.headers.location;
  if (!location) return undefined;
  try {
    const to = new URL(location, ex.request.url);
    const endpoint = pathOf(ex).slice(basePathOf(ex).length);
    if (!to.pathname.endsWith(endpoint)) return undefined;
    return `${to.origin}${to.pathname.slice(0, -endpoint.length)}`;
  } catch {
    return undefined;
  }
}

/** `names`: how the caller gave its options (the CLI's flags by default, or the library's). */
export function diagnoseTarget(exchanges: readonly Exchange[], names: OptionNames = OPTION_NAMES.cli): string | undefined {
  const probes = exchanges.filter((ex) => ex.origin?.suite === 'discovery');
  if (probes.length === 0) return undefined;
  // OAuth: no token, no request; the token endpoint's answer is the reason.
  const noToken = probes.find((ex) => ex.transportError?.code === 'auth');
  if (noToken && probes.every((ex) => ex.transportError?.code === 'auth')) return noToken.transportError!.message;
  const unreachable = probes.filter((ex) => ex.transportError && ['refused', 'dns', 'tls', 'timeout', 'reset', 'proxy'].includes(ex.transportError.code));
  if (unreachable.length === probes.length) {
    const first = unreachable[0]!;
    return `cannot reach ${first.request.url}: ${first.transportError!.message}`;
  }
  const withResponse = probes.filter((ex) => ex.response);
  const authenticated = withResponse.filter((ex) => ex.request.headers.authorization !== undefined);
  const refused = (ex: Exchange): boolean => ex.response!.status === 401 || ex.response!.status === 403;
  if (authenticated.length > 0 && authenticated.every(refused)) {
    return `the target rejected the credentials (HTTP ${authenticated[0]!.response!.status} on ${authenticated.map(pathOf).join(', ')}); ${checkWhat(authenticated[0]!, exchanges, names)}`;
  }
  // No credentials at all, and every probe refused for the want of them: a token left unset (a
  // CI secret this job cannot see), not a server that fails every check with its 401.
  if (authenticated.length === 0 && withResponse.length > 0 && withResponse.every(refused)) {
    const where = `HTTP ${withResponse[0]!.response!.status} on ${withResponse.map(pathOf).join(', ')}`;
    // An API key in a header of its own (--header 'X-Api-Key: …') is credentials too.
    if (withResponse.some((ex) => Object.keys(ex.request.headers).some(isCredentialHeader))) return `the target refused every request (${where}) with the credentials in ${names.headers}; check them`;
    return `the target refused every request (${where}) and no credentials were given: pass ${names.anyCredentials}`;
  }
  // Discovery documents may be public; the Users endpoint never is. Refused there, with the run's
  // own credentials, nothing can be tested: a wrong token, not a finding about the server.
  const users = withResponse.find((ex) => /\/Users$/i.test(pathOf(ex)));
  const served = withResponse.filter((ex) => ex !== users && ex.response!.status >= 200 && ex.response!.status < 300);
  if (users && refused(users) && served.length > 0) {
    const how = users.request.headers.authorization === undefined ? `no credentials were given (${names.anyCredentials})` : checkWhat(users, exchanges, names);
    return `the target rejected the credentials on ${pathOf(users)} (HTTP ${users.response!.status}) although it serves ${served.map(pathOf).join(', ')} without checking them; ${how}`;
  }
  // Nothing at all under the base URL: every probe, the Users endpoint included, is a 404.
  if (withResponse.length === probes.length && withResponse.every((ex) => ex.response!.status === 404)) {
    return `nothing at ${new URL(probes[0]!.request.url).origin}${basePathOf(probes[0]!)} answers SCIM: ${withResponse.map(pathOf).join(', ')} all answered 404; ${urlQuestion(probes[0]!, names)}`;
  }
  // What the answers look like is judged on the requests the run sends, with or without credentials
  // (a run given no token against a login page answered every check with its HTML).
  const sent = authenticated.length > 0 ? authenticated : withResponse;
  const redirected = sent.find((ex) => ex.response!.status >= 300 && ex.response!.status < 400);
  if (redirected && sent.every((ex) => ex.response!.status >= 300 && ex.response!.status < 400)) {
    const base = redirectedBase(redirected);
    return `the target redirects (HTTP ${redirected.response!.status} to ${redirected.response!.headers.location ?? 'nowhere'}); scimproof does not follow redirects${authenticated.length > 0 ? ' with credentials' : ''}: give the final SCIM base URL as ${names.url}${base ? ` (it looks like ${base})` : ''}`;
  }
  if (sent.length > 0 && sent.every((ex) => ex.response!.json === undefined)) {
    const sample = sent.find((ex) => pathOf(ex).endsWith('/Users')) ?? sent[0]!;
    const type = sample.response!.headers['content-type'] ?? 'no content type';
    return `the target does not answer SCIM JSON: ${pathOf(sample)} answered HTTP ${sample.response!.status} with ${type}; ${urlQuestion(sample, names)}`;
  }
  return undefined;
}
