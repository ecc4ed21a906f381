// A generated stream of malformed and hostile requests: the server must never answer 5xx, must always
// answer errors with a SCIM error body (status as a string) and application/scim+json, and must still
// work afterwards.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, ERROR, GROUP, PATCH_OP, SEARCH, startTestServer, USER, type TestServer } from './helpers.ts';

let t: TestServer;
let userId: string;
let groupId: string;

beforeAll(async () => {
  t = await startTestServer({ maxBodyBytes: 64 * 1024 });
  userId = (await t.createUser('fuzz.target@example.com', { emails: [{ value: 'f@x.com', type: 'work', primary: true }] })).body.id;
  groupId = (await t.createGroup('Fuzz Group', { members: [{ value: userId }] })).body.id;
});
afterAll(async () => {
  await t.close();
});

const garbage = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', '"', '\\', '%', '%zz', '%00', '\u0000', '💥', 'ǅ', '__proto__', 'constructor', 'toString', '..', '{}', '[]', 'null', 'NaN', 'Infinity'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const attrNames = fc.constantFrom(
  'userName', 'name', 'name.givenName', 'displayName', 'emails', 'emails.value', 'active', 'password', 'groups', 'members', 'id', 'meta',
  'meta.created', 'externalId', 'phoneNumbers', 'x509Certificates', 'manager', `${ENTERPRISE}:manager`, `${ENTERPRISE}:department`, ENTERPRISE,
  'roles', 'schemas', '__proto__', 'constructor', 'hasOwnProperty', 'UserName', 'emails.primary', 'members.value', 'addresses.formatted',
);

const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('True', 'False', '', '2020-01-01T00:00:00Z'));
const anyJson = fc.oneof(scalar, fc.jsonValue({ maxDepth: 4 }), fc.array(fc.record({ value: scalar, primary: scalar, type: scalar }, { requiredKeys: [] }), { maxLength: 3 }));

const filterPiece = fc.oneof(
  attrNames,
  fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'and', 'or', 'not', '(', ')', '[', ']', '"x"', '"', '1', 'true', 'null', '.value', '"2020-01-01T00:00:00Z"'),
  garbage,
);
const filterText = fc.oneof(
  fc.array(filterPiece, { maxLength: 12 }).map((parts) => parts.join(' ')),
  fc.constantFrom('userName eq "fuzz.target@example.com"', 'emails[type eq "work"].value pr', '('.repeat(5000), 'not('.repeat(300) + 'title pr' + ')'.repeat(300), `x eq "${'a'.repeat(30_000)}"`, `userName eq "${'b'.repeat(70_000)}"`),
  garbage,
);

const queryString = fc
  .record(
    {
      filter: filterText,
      count: fc.oneof(fc.integer().map(String), garbage),
      startIndex: fc.oneof(fc.integer().map(String), garbage),
      sortBy: fc.oneof(attrNames, garbage),
      sortOrder: fc.oneof(fc.constantFrom('ascending', 'descending', 'DESCENDING'), garbage),
      attributes: fc.oneof(attrNames, garbage),
      excludedAttributes: fc.oneof(attrNames, garbage),
    },
    { requiredKeys: [] },
  )
  .map((params) => {
    const text = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return text === '' ? '' : `?${text}`;
  });

const idPart = fc.oneof(fc.constant('USER'), fc.constant('GROUP'), garbage.map((g) => encodeURIComponent(g)), fc.constantFrom('%E0%A4%A', '%', '.search', 'a/b', '%2F'));
const pathGen = fc.oneof(
  fc.constantFrom('/Users', '/Groups', '/.search', '/Users/.search', '/Groups/.search', '/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/Bulk', '/Me', '/', ''),
  idPart.map((id) => `/Users/${id}`),
  idPart.map((id) => `/Groups/${id}`),
  fc.constantFrom('/Schemas/', '/ResourceTypes/').chain((p) => garbage.map((g) => p + encodeURIComponent(g))),
  garbage.map((g) => `/${encodeURIComponent(g)}`),
);

const resourceBody = fc
  .tuple(fc.constantFrom([USER], [GROUP], [USER, ENTERPRISE], [], ['urn:bogus'], 'not-an-array'), fc.dictionary(attrNames, anyJson, { maxKeys: 5 }))
  .map(([schemas, attrs]) => ({ schemas, ...attrs }));
const patchOp = fc.record(
  { op: fc.oneof(fc.constantFrom('add', 'Replace', 'REMOVE', 'remove', 'copy'), scalar), path: fc.oneof(attrNames, filterText, scalar), value: anyJson },
  { requiredKeys: [] },
);
const patchBody = fc.oneof(
  fc.record({ schemas: fc.constantFrom([PATCH_OP], [], 'x'), Operations: fc.oneof(fc.array(patchOp, { maxLength: 4 }), anyJson) }, { requiredKeys: [] }),
  fc.array(patchOp, { maxLength: 3 }).map((ops) => ({ schemas: [PATCH_OP], Operations: ops })),
);
const searchBody = fc.record(
  { schemas: fc.constantFrom([SEARCH], []), filter: fc.oneof(filterText, scalar), count: anyJson, startIndex: anyJson, attributes: anyJson, sortBy: anyJson },
  { requiredKeys: [] },
);
const bodyText = fc.oneof(
  fc.constant(undefined),
  resourceBody.map((b) => JSON.stringify(b)),
  patchBody.map((b) => JSON.stringify(b)),
  searchBody.map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"schemas":', '[', 'null', '""', '\uFEFF{}', '{"__proto__":{"polluted":true},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p"}', '['.repeat(50_000)),
  fc.integer({ min: 60_000, max: 80_000 }).map((n) => JSON.stringify({ schemas: [USER], userName: 'x'.repeat(n) })),
);

const json = <T>(arb: fc.Arbitrary<T>) => arb.map((b) => JSON.stringify(b));
/** Requests aimed at real endpoints with the right method, so the stream reaches validation code. */
const aimed = fc.oneof(
  fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/Users', '/Groups', '/Users/USER', '/Groups/GROUP', '/'), query: queryString, body: fc.constant(undefined) }),
  fc.record({ method: fc.constant('POST'), path: fc.constantFrom('/Users', '/Groups'), query: queryString, body: fc.oneof(json(resourceBody), bodyText) }),
  fc.record({ method: fc.constant('PUT'), path: fc.constantFrom('/Users/USER', '/Groups/GROUP'), query: queryString, body: fc.oneof(json(resourceBody), bodyText) }),
  fc.record({ method: fc.constant('PATCH'), path: fc.constantFrom('/Users/USER', '/Groups/GROUP'), query: queryString, body: fc.oneof(json(patchBody), bodyText) }),
  fc.record({ method: fc.constant('POST'), path: fc.constantFrom('/.search', '/Users/.search', '/Groups/.search'), query: fc.constant(''), body: fc.oneof(json(searchBody), bodyText) }),
);
const scattered = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND'),
  path: pathGen,
  query: queryString,
  body: bodyText,
});

const requestGen = fc.record({
  target: fc.oneof({ arbitrary: aimed, weight: 4 }, { arbitrary: scattered, weight: 1 }),
  contentType: fc.constantFrom('application/scim+json', 'application/json', 'text/plain', '', 'application/scim+json; charset=utf-8', 'multipart/form-data'),
  ifMatch: fc.option(fc.oneof(fc.constantFrom('*', 'W/"1"', '"1"'), garbage), { nil: undefined }),
}).map(({ target, ...rest }) => ({ ...target, ...rest }));

describe('malformed request stream', () => {
  it('never answers 5xx, always with SCIM errors, and keeps serving', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestGen, async (r) => {
        const path = r.path.replace('USER', userId).replace('GROUP', groupId);
        const headers: Record<string, string> = {};
        if (r.contentType !== '') headers['Content-Type'] = r.contentType;
        if (r.ifMatch !== undefined) headers['If-Match'] = r.ifMatch.replace(/[^\x20-\x7e]/g, '');
        const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' && r.method !== 'PROPFIND';
        const reply = await t.raw(r.method, `${t.url}${path}${r.query}`, hasBody ? r.body : undefined, headers);
        seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1);
        const limit = path === '/Me' ? 502 : 500; // RFC 7644 §3.11: unsupported /Me is 501
        expect(reply.status, `${r.method} ${path}${r.query.slice(0, 200)} → ${reply.text.slice(0, 300)}`).toBeLessThan(limit);
        if (r.method === 'HEAD' || reply.status === 204 || reply.status === 304) return;
        expect(reply.headers.get('content-type')).toBe('application/scim+json');
        if (reply.status >= 400) {
          expect(reply.body?.schemas).toEqual([ERROR]);
          expect(reply.body?.status).toBe(String(reply.status));
          expect(typeof reply.body?.detail).toBe('string');
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 600), seed: Number(process.env.FUZZ_SEED ?? 4242) },
    );
    expect(t.internalErrors).toEqual([]);
    // Still alive and its data intact.
    const after = await t.request('GET', `/Users/${userId}`);
    expect([200, 404]).toContain(after.status);
    expect((await t.request('GET', '/ServiceProviderConfig')).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (process.env.FUZZ_SHOW) console.log(Object.fromEntries(seen));
    expect(seen.size).toBeGreaterThan(3);
  });

  it('survives concurrent bursts of malformed requests', async () => {
    const samples = fc.sample(requestGen, { numRuns: 150, seed: 7 });
    const replies = await Promise.all(
      samples.map((r) => {
        const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' && r.method !== 'PROPFIND';
        return t.raw(r.method, `${t.url}${r.path}${r.query}`, hasBody ? r.body : undefined, r.contentType ? { 'Content-Type': r.contentType } : {});
      }),
    );
    replies.forEach((reply, i) => expect(reply.status).toBeLessThan(samples[i]!.path === '/Me' ? 502 : 500));
    expect((await t.request('GET', '/Users?count=1')).status).toBe(200);
  });
});

describe('requests broken below HTTP semantics', () => {
  const rawHttp = (text: string) =>
    new Promise<string>((resolve) => {
      const url = new URL(t.url);
      const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
  const auth = 'Authorization: Bearer test-token\r\n';
  it.each([
    ['an invalid Host header', `GET /scim/v2/Users HTTP/1.1\r\nHost: a b\r\n${auth}Connection: close\r\n\r\n`],
    ['broken chunked framing', `POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{"sch\r\nZZ\r\n`],
    ['a garbage request line', 'GARBAGE\r\n\r\n'],
    ['a URL larger than the header limit', `GET /scim/v2/Users?filter=${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`],
  ])('%s gets a SCIM error, not a bare status line', async (_name, text) => {
    const reply = await rawHttp(text);
    const [head, body] = reply.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(head).toMatch(/content-type: application\/scim\+json/i);
    expect(JSON.parse(body!).schemas).toEqual([ERROR]);
  });
  // Bytes that are not UTF-8 were read as U+FFFD and stored: a 201 for a userName nobody sent.
  it.each([
    ['with Content-Length', (body: Buffer) => `Content-Length: ${body.length}\r\n`],
    ['chunked', (body: Buffer) => `Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}`],
  ])('a body that is not UTF-8 (%s) is refused with 400 invalidSyntax, and nothing is created', async (_name, framing) => {
    const body = Buffer.concat([Buffer.from(`{"schemas":["${USER}"],"userName":"bad.utf8.`), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('@example.com"}')]);
    const head = `POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/scim+json\r\nConnection: close\r\n${framing(body)}`;
    const chunked = head.includes('chunked');
    const reply = await new Promise<string>((resolve) => {
      const url = new URL(t.url);
      const socket = connect(Number(url.port), url.hostname, () => socket.end(Buffer.concat([Buffer.from(chunked ? `${head}\r\n` : `${head}\r\n`), body, Buffer.from(chunked ? '\r\n0\r\n\r\n' : '')])));
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    const error = JSON.parse(reply.split('\r\n\r\n')[1]!) as { scimType: string; detail: string };
    expect(error).toMatchObject({ scimType: 'invalidSyntax', detail: expect.stringContaining('not valid UTF-8') });
    const found = await t.request('GET', `/Users?filter=${encodeURIComponent('userName sw "bad.utf8."')}`);
    expect(found.body.totalResults).toBe(0);
  });

  it('a request without a Host header is still served', async () => {
    const reply = await rawHttp(`GET /scim/v2/Users?count=0 HTTP/1.1\r\n${auth}Connection: close\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
  });
});
