// The first thing every way of naming a SCIM base URL checks (--url, runConformance's url, the
// IdP API's url): that it is a URL at all, and an http(s) one. Each caller names the option and
// gives its own hint; the rule is one.
import { redactText } from './redact.ts';

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
