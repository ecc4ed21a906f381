// RFC 7644 §3.3 (201 with Location equal to meta.location), RFC 7643 §3.1 (meta: resourceType,
// created, lastModified, location, version), RFC 7644 §3.14 (ETag equals meta.version) and
// RFC 7643 §4.1.1 (password is writeOnly, returned "never").
import { BODILESS_CREATE_REASON, isBodilessCreate } from '../spec/created.ts';
import { DATE_TIME_FORM, instantOf, isDateTime } from '../spec/date-time.ts';
import { NO_PARAMS, paramsObject } from './params.ts';
import { contentOf, isVerdict, successOf } from './response.ts';
import { defineCheckKind, fail, pass, skip } from './types.ts';

function resourceFrom(json: unknown): Record<string, unknown> | undefined {
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}

/** The absolute http(s) URL a Location header names, resolved against the request URL; undefined when it names none. */
function absoluteLocation(header: string, requestUrl: string): string | undefined {
  if (/^https?:\/\//i.test(header)) return header;
  // A scheme other than http(s) (`urn:…`, `mailto:`) is absolute but names no SCIM resource.
  if (/^[a-z][a-z0-9+.-]*:/i.test(header)) return undefined;
  try {
    return new URL(header, requestUrl).href;
  } catch {
    return undefined;
  }
}

/** A URL's percent-escapes decoded, or the URL as it is when one is malformed. */
function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/**
 * meta.location as the absolute URL it names. RFC 7643 §2.3.7 lets a reference be "the absolute or
 * relative URI of the target resource", a relative one resolved against the service root (the SCIM
 * base URL with its path: "Users/2819c223…" under https://example.com/v2/). `outside`: a relative
 * reference that leaves the service root ("/Users/x" for a root at /scim/v2), which names another
 * URL than the resource's. Undefined when it is no http(s) URI reference at all.
 */
export function metaLocationUrl(location: string, serviceRoot: string): { url: string; relative: boolean; outside: boolean } | undefined {
  if (/^https?:\/\//i.test(location)) return { url: location, relative: false, outside: false };
  if (location === '' || /^[a-z][a-z0-9+.-]*:/i.test(location)) return undefined;
  let url: URL;
  let root: URL;
  try {
    root = new URL(serviceRoot);
    url = new URL(location, root);
  } catch {
    return undefined;
  }
  return { url: url.href, relative: true, outside: url.origin !== root.origin || !url.pathname.startsWith(root.pathname) };
}

/** Two absolute http(s) URLs on different origins with the same path and query. */
function sameResourceElsewhere(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return x.origin !== y.origin && /^https?:$/.test(y.protocol) && x.pathname === y.pathname && x.search === y.search;
  } catch {
    return false;
  }
}

export const locationKind = defineCheckKind({
  kind: 'location',
  description: 'A created resource comes with a Location header naming it: an absolute URL, or a relative reference that resolves against the request URL (RFC 9110 §10.2.2), equal to meta.location.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.3'],
  judges: 'content',
  params: NO_PARAMS,
  verify(ctx) {
    const res = successOf(ctx, 'the created resource');
    if (isVerdict(res)) return res;
    const header = res.headers.location;
    if (!header) return fail('the response has no Location header', { expected: 'Location: <URL of the new resource>', actual: null });
    // HTTP's Location is a URI reference: a relative one names the URL it resolves to against the
    // request's (RFC 9110 §10.2.2, RFC 7231 §7.1.2), which is what meta.location must equal.
    const location = absoluteLocation(header, ctx.exchange.request.url);
    if (location === undefined) return fail(`Location "${header}" is not a URI reference to the new resource`, { expected: 'Location: <URL of the new resource>', actual: header });
    const relative = location === header ? '' : `the relative Location "${header}" resolves to ${location}`;
    const meta = resourceFrom(resourceFrom(res.json)?.meta);
    const notes: string[] = [];
    // A relative meta.location (RFC 7643 §2.3.7) is compared as the URL it resolves to.
    const metaUrl = typeof meta?.location === 'string' ? (metaLocationUrl(meta.location, ctx.resolve(''))?.url ?? meta.location) : meta?.location;
    // A relative Location resolves against the URL the request was sent to, so behind a reverse proxy
    // (the harness reaching the app on 127.0.0.1 while meta.location names its public host) it
    // names the same resource on another origin: the same path is the same resource.
    const proxied = relative !== '' && typeof metaUrl === 'string' && sameResourceElsewhere(location, metaUrl);
    if (proxied) notes.push(`meta.location names another origin (${new URL(metaUrl).origin}) than the request's, as a server behind a reverse proxy does; the paths are equal`);
    if (metaUrl !== undefined && metaUrl !== location && !proxied) {
      const resolvedMeta = metaUrl !== meta?.location ? ` (resolved: ${String(metaUrl)})` : '';
      return fail(`Location "${header}"${relative ? ` (resolved: ${location})` : ''} differs from meta.location "${String(meta?.location)}"${resolvedMeta}`, { pointer: '/meta/location', expected: location, actual: meta?.location ?? null });
    }
    notes.push(...[relative, isBodilessCreate(ctx.exchange) ? 'the 201 has no body, so there is no meta.location to compare the Location header with' : ''].filter((n) => n !== ''));
    return notes.length > 0 ? pass(notes.join('; ')) : pass();
  },
});

export const returnsResourceKind = defineCheckKind({
  kind: 'returns-resource',
  description: 'A successful create returns the created resource in its body (a SHOULD): a 201 with only a Location header is legal, but a client that reads the new id from the body (Entra, Okta) gets nothing.',
  defaultLevel: 'SHOULD',
  defaultRefs: ['RFC7644-3.3'],
  judges: 'content',
  params: NO_PARAMS,
  verify(ctx) {
    const res = successOf(ctx, 'the created resource');
    if (isVerdict(res)) return res;
    if (res.body.trim() !== '' || res.truncated) return pass();
    const named = res.headers.location ? `: only its Location header (${res.headers.location}) names the new resource` : ', and no Location header names the new resource either';
    return fail(`the ${res.status} has no body${named}; RFC 7644 §3.3 says the body SHOULD hold the created resource`, { expected: 'the created resource in the body', actual: '(no body)' });
  },
});

type MetaParams = { resourceType?: string };

export const metaKind = defineCheckKind<MetaParams>({
  kind: 'meta',
  description: 'meta holds resourceType (`resourceType`; its absence is not judged), created and lastModified as dateTimes when shown (RFC 7643 §3.1 requires none of the three), and location: the URI of this resource, absolute or relative to the service root (RFC 7643 §2.3.7).',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7643-3.1'],
  judges: 'content',
  params: paramsObject({ resourceType: { type: 'string', minLength: 1 } }),
  verify(ctx) {
    const res = contentOf(ctx, 'the resource');
    if (isVerdict(res)) return res;
    const resource = resourceFrom(res.json);
    if (!resource) return fail('the body is not a resource object', { actual: res.body.slice(0, 200) });
    const meta = resourceFrom(resource.meta);
    if (!meta) return fail('the resource has no "meta" object', { pointer: '/meta', expected: 'meta', actual: resource.meta ?? null });
    const expectedType = ctx.params.resourceType;
    // Like created and lastModified, RFC 7643 §3.1 describes meta.resourceType without making it
    // REQUIRED, and neither Entra nor Okta reads it: its absence is not judged, a wrong value is.
    const noType = meta.resourceType === undefined || meta.resourceType === null;
    if (expectedType !== undefined && !noType && meta.resourceType !== expectedType) return fail(`meta.resourceType is ${JSON.stringify(meta.resourceType ?? null)}, expected "${String(expectedType)}"`, { pointer: '/meta/resourceType', expected: expectedType, actual: meta.resourceType ?? null });
    // RFC 7643 §3.1 describes created and lastModified without making them REQUIRED (unlike id), and
    // RFC 7644 asks only meta.location of a create (§3.3); Entra and Okta read neither. A server
    // that keeps no timestamps (Slack's shows no lastModified) is not failed; a value it shows must be a dateTime.
    const absent = (['created', 'lastModified'] as const).filter((field) => meta[field] === undefined || meta[field] === null);
    for (const field of ['created', 'lastModified'] as const) {
      if (absent.includes(field)) continue;
      if (!isDateTime(meta[field])) return fail(`meta.${field} must be ${DATE_TIME_FORM}, got ${JSON.stringify(meta[field] ?? null)}`, { pointer: `/meta/${field}`, expected: 'dateTime', actual: meta[field] ?? null });
    }
    const location = meta.location;
    const named = typeof location === 'string' ? metaLocationUrl(location, ctx.resolve('')) : undefined;
    if (typeof location !== 'string' || !named) return fail(`meta.location must be the URI of the resource (absolute, or relative to the service root), got ${JSON.stringify(location ?? null)}`, { pointer: '/meta/location', expected: 'URI of the resource', actual: location ?? null });
    const root = ctx.resolve('');
    if (named.outside) return fail(`meta.location "${location}" resolves against the service root ${root} to ${named.url}, outside it: RFC 7643 §2.3.7 resolves a relative reference against the root, as in "Users/{id}"`, { pointer: '/meta/location', expected: `${root}…/${String(resource.id ?? '{id}')}`, actual: location });
    if (typeof resource.id === 'string' && !safeDecode(named.url.replace(/\/+$/, '')).endsWith(`/${resource.id}`)) {
      return fail(`meta.location "${location}" does not end with the resource id "${resource.id}"`, { pointer: '/meta/location', expected: `…/${resource.id}`, actual: location });
    }
    if (absent.length === 0 && instantOf(meta.lastModified)! < instantOf(meta.created)!) return fail('meta.lastModified is earlier than meta.created', { pointer: '/meta/lastModified', expected: `≥ ${String(meta.created)}`, actual: meta.lastModified });
    const notes = [
      ...(named.relative ? [`meta.location "${location}" is relative; it resolves against the service root to ${named.url} (RFC 7643 §2.3.7 allows either form)`] : []),
      ...(absent.length > 0 ? [`meta has no ${absent.join(' or ')}: RFC 7643 §3.1 does not make them REQUIRED, so their absence is not judged`] : []),
      ...(expectedType !== undefined && noType ? ['meta has no resourceType: RFC 7643 §3.1 does not make it REQUIRED, so its absence is not judged'] : []),
    ];
    return notes.length > 0 ? pass(notes.join('; ')) : pass();
  },
});

type VersionParams = { metaVersion?: 'required'; differsFrom?: string };

export const versionKind = defineCheckKind<VersionParams>({
  kind: 'version',
  description: 'With ETags advertised, the response carries an ETag header (MUST) equal to meta.version when present; `metaVersion: "required"` also requires meta.version (a SHOULD); `differsFrom`: the version (ETag header, else meta.version) differs from this earlier one.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.14', 'RFC7643-3.1'],
  judges: 'content',
  params: paramsObject({ metaVersion: { const: 'required' }, differsFrom: { type: 'string' } }),
  verify(ctx) {
    if (!ctx.discovery.capabilities.etag) return skip('the server does not advertise ETag support (ServiceProviderConfig etag.supported)');
    const res = successOf(ctx, 'the resource and its version');
    if (isVerdict(res)) return res;
    const meta = resourceFrom(resourceFrom(res.json)?.meta);
    const version = typeof meta?.version === 'string' && meta.version !== '' ? meta.version : undefined;
    if (ctx.params.metaVersion === 'required') {
      if (res.json === undefined && isBodilessCreate(ctx.exchange)) return skip(BODILESS_CREATE_REASON);
      return version ? pass() : fail('ETags are advertised but meta.version is missing', { pointer: '/meta/version', expected: 'a version string', actual: meta?.version ?? null });
    }
    const etag = res.headers.etag;
    const earlier = ctx.params.differsFrom;
    if (earlier !== undefined) {
      // Judged on the version this response shows (the header is the MUST, meta.version the SHOULD); their absence is the other checks' to judge.
      const now = etag ?? version;
      if (now === undefined) return skip('the response shows no version (no ETag header, no meta.version)');
      const source = etag !== undefined ? 'the ETag header' : 'meta.version';
      return now === earlier ? fail(`${source} must differ from ${earlier} after a change, got ${now}`, { ...(etag === undefined ? { pointer: '/meta/version' } : {}), expected: `not ${earlier}`, actual: now }) : pass();
    }
    if (etag === undefined) return fail('ETags are advertised but the response has no ETag header', { expected: version ?? 'an ETag header', actual: null });
    if (version !== undefined && etag !== version) return fail(`ETag header ${etag} differs from meta.version ${version}`, { expected: version, actual: etag });
    return pass();
  },
});

function findKey(value: unknown, key: string, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findKey(value[i], key, `${path}/${i}`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.toLowerCase() === key) return `${path}/${k}`;
      const hit = findKey(v, key, `${path}/${k}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

export const noPasswordKind = defineCheckKind({
  kind: 'no-password',
  description: 'No password appears anywhere in a successful response, which must hold the user (or a list of users) to look inside (returned "never").',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7643-4.1.1', 'RFC7643-7'],
  judges: 'content',
  params: NO_PARAMS,
  verify(ctx) {
    const res = contentOf(ctx, 'the user, to look for a password');
    if (isVerdict(res)) return res;
    // "No password" is an absence: it needs the user there, or it proves nothing.
    const body = resourceFrom(res.json);
    const listed = body && Array.isArray(body.Resources) ? body.Resources : undefined;
    if (!body || (listed !== undefined && listed.length === 0) || (listed === undefined && body.id === undefined)) {
      return fail('cannot tell whether a password is returned: the response holds no user', { expected: 'a user to look inside', actual: res.body.slice(0, 200) });
    }
    const at = findKey(res.json, 'password');
    return at ? fail(`the response returns a password at ${at}; password is writeOnly and returned "never"`, { pointer: at, expected: 'absent', actual: '[redacted]' }) : pass();
  },
});
