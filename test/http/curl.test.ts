// The curl line of a recorded request, exactly as it reads in reports and the IdP log: built by
// concatenation (no joined copy of the body), the same text as before for every shape of request.
import { describe, expect, it } from 'vitest';
import { toCurl } from '../../src/http/curl.ts';
import { curlSecretHeaderArgument } from '../../src/http/curl-line.js';
import { REDACTED } from '../../src/http/redact.ts';
import { secretHeaderArgument } from '../../src/util/shell-credentials.ts';
import type { RecordedRequest } from '../../src/record/types.ts';

const headers = Object.freeze({ accept: 'application/scim+json', authorization: 'Bearer [redacted]', 'content-type': 'application/scim+json' });
const request = (method: string, url: string, body?: string, h: Record<string, string> = headers): RecordedRequest => ({ method, url, headers: h, ...(body !== undefined ? { body } : {}) });

describe('toCurl', () => {
  it('spells out a read, a write with a quote in its body, a generated long body and a cut one', () => {
    expect(toCurl(request('GET', `http://x/Users?filter=userName eq "a'b"`))).toBe(`curl -sS -i 'http://x/Users?filter=userName eq "a'\\''b"' -H 'accept: application/scim+json' -H "Authorization: Bearer $SCIM_TOKEN" -H 'content-type: application/scim+json'`);
    expect(toCurl(request('POST', 'http://x/Users', `{"a":"it's"}`))).toBe(`curl -sS -i -X POST 'http://x/Users' -H 'accept: application/scim+json' -H "Authorization: Bearer $SCIM_TOKEN" -H 'content-type: application/scim+json' --data-raw '{"a":"it'\\''s"}'`);
    expect(toCurl(request('PATCH', 'http://x/Users/1'), `${'a'.repeat(300)}'${'b'.repeat(100)}`, 200)).toBe(
      `{ head -c 300 /dev/zero | tr '\\0' 'a'; printf %s ''\\''${'b'.repeat(100)}'; } | curl -sS -i -X PATCH 'http://x/Users/1' -H 'accept: application/scim+json' -H "Authorization: Bearer $SCIM_TOKEN" -H 'content-type: application/scim+json' --data-binary @-`,
    );
    expect(toCurl(request('PUT', 'http://x/Users/1', undefined, {}), 'xyz'.repeat(200), 100)).toBe(`curl -sS -i -X PUT 'http://x/Users/1' --data-raw '${'xyz'.repeat(200).slice(0, 100)}' # body cut: 600 characters were sent, the first 100 are shown`);
    expect(toCurl(request('DELETE', 'http://x/Users/1', undefined, {}), '')).toBe(`curl -sS -i -X DELETE 'http://x/Users/1'`);
  });

  // curl-line.js runs in the IdP log's pages too, so it imports nothing: what it shares with the
  // rest of the code is spelled there again, and held equal here.
  it('marks redacted values and sends secret headers from their variables as the rest of the code does', () => {
    expect(toCurl(request('GET', 'http://x/Users', undefined, { 'x-api-key': REDACTED, authorization: `Basic ${REDACTED}` }))).toBe(`curl -sS -i 'http://x/Users' -H ${secretHeaderArgument('x-api-key')} -u "$SCIM_BASIC"`);
    for (const name of ['x-api-key', 'X-Weird.Name_2', 'ümlaut', "it's"]) expect(curlSecretHeaderArgument(name)).toBe(secretHeaderArgument(name));
  });
});
