// The first thing every way of naming a SCIM base URL checks (--url, runConformance's url, the
// IdP API's url): that it is a URL at all, and an http(s) one. Each caller names the option and
// gives its own hint; the rule is one.
import { redactText } from './redact.ts';
import { OPTION_NAMES, type OptionNames } from '../util/option-names.ts';

/**
 * The URL `raw` names, or one line saying why it names none. `subject` is how the caller names
 * the option (`--url`, `the target URL`); `hint` follows a text that is no URL at all.
 */
export function httpUrl(raw: string, subject: string, hint: string): URL | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: `${subject} "${redactText(raw)}" is not a URL; ${hint}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `${subject} must be http or https, got ${url.protocol}` };
  return url;
}

const ENDPOINT_AT_END = /\/(Users|Groups|ServiceProviderConfig|Schemas|ResourceTypes|Me|Bulk)\/*$/i;

/**
 * A base URL copied with an endpoint on its end (`…/scim/v2/Users`) sends every request to
 * `/Users/Users` and gets 404s: the line that says so, naming the base URL it probably meant.
 */
export function endpointAtEndHint(baseUrl: string, names: OptionNames = OPTION_NAMES.cli): string | undefined {
  const url = new URL(baseUrl);
  const endpoint = ENDPOINT_AT_END.exec(url.pathname);
  if (!endpoint || endpoint.index === 0) return undefined;
  return `${names.url} ends in the ${endpoint[1]} endpoint: the SCIM base URL is probably ${url.origin}${url.pathname.slice(0, endpoint.index)}`;
}
