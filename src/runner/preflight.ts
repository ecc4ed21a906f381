// Tells a run that cannot be made from a run that found defects: if the target cannot be
// reached, rejects our credentials everywhere, or does not answer JSON at all, the checks after
// discovery would only repeat the same failure, so the run stops with one clear reason.
import type { Exchange } from '../record/types.ts';

const pathOf = (ex: Exchange): string => new URL(ex.request.url).pathname;

export function diagnoseTarget(exchanges: readonly Exchange[]): string | undefined {
  const probes = exchanges.filter((ex) => ex.origin?.suite === 'discovery');
  if (probes.length === 0) return undefined;
  // OAuth: no token, no request; the token endpoint's answer is the reason.
  const noToken = probes.find((ex) => ex.transportError?.code === 'auth');
  if (noToken && probes.every((ex) => ex.transportError?.code === 'auth')) return noToken.transportError!.message;
  const unreachable = probes.filter((ex) => ex.transportError && ['refused', 'dns', 'tls', 'timeout', 'reset'].includes(ex.transportError.code));
  if (unreachable.length === probes.length) {
    const first = unreachable[0]!;
    return `cannot reach ${first.request.url}: ${first.transportError!.message}`;
  }
  const withResponse = probes.filter((ex) => ex.response);
  const authenticated = withResponse.filter((ex) => ex.request.headers.authorization !== undefined);
  if (authenticated.length > 0 && authenticated.every((ex) => ex.response!.status === 401 || ex.response!.status === 403)) {
    return `the target rejected the credentials (HTTP ${authenticated[0]!.response!.status} on ${authenticated.map(pathOf).join(', ')}); check --token / SCIM_TOKEN (or the OAuth client credentials)`;
  }
  const redirected = authenticated.find((ex) => ex.response!.status >= 300 && ex.response!.status < 400);
  if (redirected && authenticated.every((ex) => ex.response!.status >= 300 && ex.response!.status < 400)) {
    return `the target redirects (HTTP ${redirected.response!.status} to ${redirected.response!.headers.location ?? 'nowhere'}); scimproof does not follow redirects with credentials: give the final SCIM base URL as --url`;
  }
  if (authenticated.length > 0 && authenticated.every((ex) => ex.response!.json === undefined)) {
    const sample = authenticated.find((ex) => pathOf(ex).endsWith('/Users')) ?? authenticated[0]!;
    const type = sample.response!.headers['content-type'] ?? 'no content type';
    return `the target does not answer SCIM JSON: ${pathOf(sample)} answered HTTP ${sample.response!.status} with ${type}; is --url the SCIM base URL (…/scim/v2)?`;
  }
  return undefined;
}
