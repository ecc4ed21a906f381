import type { RecordedRequest } from '../record/types.ts';
import { REDACTED } from './redact.ts';

const shellQuote = (value: string): string => `'${value.includes("'") ? value.replace(/'/g, `'\\''`) : value}'`;

/**
 * A curl line that reproduces a recorded request. Credentials are never printed: the
 * Authorization header refers to $SCIM_TOKEN (or $SCIM_BASIC for basic auth) so the line
 * works once the reader exports the variable.
 */
export function toCurl(request: RecordedRequest): string {
  const parts = ['curl', '-sS', '-i'];
  if (request.method !== 'GET') parts.push('-X', request.method);
  parts.push(shellQuote(request.url));
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'content-length' || name === 'host' || name === 'connection') continue;
    if (name === 'authorization') {
      if (/^bearer\s/i.test(value)) parts.push('-H', '"Authorization: Bearer $SCIM_TOKEN"');
      else if (/^basic\s/i.test(value)) parts.push('-u', '"$SCIM_BASIC"');
      else parts.push('-H', shellQuote(`Authorization: ${value}`));
      continue;
    }
    if (value.includes(REDACTED)) {
      parts.push('-H', `"${name}: $SCIM_SECRET_HEADER"`);
      continue;
    }
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (request.body !== undefined && request.body !== '') parts.push('--data-raw', shellQuote(request.body));
  return parts.join(' ');
}
