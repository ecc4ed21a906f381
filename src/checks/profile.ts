// Judgements the SCIM interoperability profile (draft-zollner-scim-interop-profile-01) and the
// OpenID IPSIE AL SCIM profile (Draft 00) add to RFC 7643/7644: what discovery must publish
// (`discovery-rule`), that /Schemas matches what is implemented in both directions
// (`schema-declared-stored`, `schema-returned-declared`), and rate limiting (`rate-limit`).
import type { Exchange } from '../record/types.ts';
import { URN } from '../spec/json-schemas.ts';
import { isVerdict, responseOf } from './response.ts';
import { integer, paramsObject, TEMPLATE } from './params.ts';
import { defineCheckKind, fail, pass, skip, type CheckContext, type Verdict } from './types.ts';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const lower = (value: unknown): string => String(value).toLowerCase();

/** The Resources of a 200 ListResponse, or the failure that says why there are none. */
function listResources(ctx: CheckContext, what: string): Json[] | Verdict {
  const res = responseOf(ctx);
  if (isVerdict(res)) return res;
  if (res.status !== 200) return fail(`${what} answered HTTP ${res.status}, not 200`, { expected: 200, actual: res.status });
  const body = res.json;
  const resources = isRecord(body) ? body.Resources : undefined;
  if (!Array.isArray(resources)) return fail(`${what} is not a ListResponse with Resources`, { actual: res.body.slice(0, 200) });
  return resources.filter(isRecord);
}

/** A 200 resource body, or the failure. */
function resourceBody(ctx: CheckContext): Json | Verdict {
  const res = responseOf(ctx);
  if (isVerdict(res)) return res;
  if (res.status !== 200 && res.status !== 201) return fail(`the read-back answered HTTP ${res.status}, not 200 with the resource`, { expected: 200, actual: res.status });
  if (!isRecord(res.json)) return fail('the read-back is not a JSON resource', { actual: res.body.slice(0, 200) });
  return res.json;
}

const attributesOf = (schema: Json | undefined): Json[] => (Array.isArray(schema?.attributes) ? schema.attributes.filter(isRecord) : []);
const subAttributesOf = (attribute: Json | undefined): Json[] => (Array.isArray(attribute?.subAttributes) ? attribute.subAttributes.filter(isRecord) : []);
const named = (defs: Json[], name: string): Json | undefined => defs.find((d) => lower(d.name) === lower(name));
const names = (value: unknown): string[] => [value].flat().filter((v) => v !== undefined && v !== null).map(String);

const RULES = ['resource-type-id-is-name', 'distinct-endpoints', 'schemas-cover-resource-types', 'canonical-type-values', 'declares', 'not-declares'] as const;
type DiscoveryRuleParams = { rule: (typeof RULES)[number]; schema?: string; attributes?: string[] };

function discoveryRule(ctx: CheckContext<DiscoveryRuleParams>): Verdict {
  const rule = String(ctx.params.rule);
  const resources = listResources(ctx, rule.startsWith('schemas') || ['canonical-type-values', 'declares', 'not-declares'].includes(rule) ? '/Schemas' : '/ResourceTypes');
  if (!Array.isArray(resources)) return resources;
  switch (rule) {
    case 'resource-type-id-is-name': {
      const wrong = resources.filter((rt) => typeof rt.id !== 'string' || rt.id !== rt.name);
      if (wrong.length === 0) return pass();
      return fail(`${wrong.length} resource type(s) have an id that is not their name: ${wrong.map((rt) => `id ${JSON.stringify(rt.id ?? null)} / name ${JSON.stringify(rt.name ?? null)}`).join('; ')}`, { expected: 'id equal to name', actual: wrong.map((rt) => ({ id: rt.id ?? null, name: rt.name ?? null })) });
    }
    case 'distinct-endpoints': {
      const endpoints = resources.map((rt) => String(rt.endpoint).replace(/\/+$/, ''));
      const shared = endpoints.filter((e, i) => endpoints.findIndex((x) => x.toLowerCase() === e.toLowerCase()) !== i);
      return shared.length === 0 ? pass() : fail(`resource types share an endpoint: ${[...new Set(shared)].join(', ')}`, { expected: 'one endpoint per resource type', actual: endpoints });
    }
    case 'schemas-cover-resource-types': {
      const published = new Set(resources.map((s) => lower(s.id)));
      const referenced = (ctx.discovery.resourceTypes ?? []).filter(isRecord).flatMap((rt) => [rt.schema, ...(Array.isArray(rt.schemaExtensions) ? rt.schemaExtensions.filter(isRecord).map((e) => e.schema) : [])]).filter((s): s is string => typeof s === 'string');
      if (referenced.length === 0) return skip('/ResourceTypes names no schemas to look for');
      const missing = [...new Set(referenced.filter((s) => !published.has(s.toLowerCase())))];
      return missing.length === 0 ? pass() : fail(`/ResourceTypes names schemas that /Schemas does not publish: ${missing.join(', ')}`, { expected: referenced, actual: [...published] });
    }
    case 'canonical-type-values': {
      const undeclared: string[] = [];
      for (const schema of resources) {
        for (const attribute of attributesOf(schema)) {
          if (attribute.type !== 'complex' || attribute.multiValued !== true) continue;
          const type = named(subAttributesOf(attribute), 'type');
          if (type && (!Array.isArray(type.canonicalValues) || type.canonicalValues.length === 0)) undeclared.push(`${String(attribute.name)}.type`);
        }
      }
      return undeclared.length === 0 ? pass() : fail(`${undeclared.length} typed attribute(s) declare no canonicalValues for their type: ${undeclared.join(', ')}`, { expected: 'canonicalValues listing the accepted type values', actual: undeclared });
    }
    case 'declares':
    case 'not-declares': {
      const urn = String(ctx.params.schema ?? URN.user);
      const schema = resources.find((s) => lower(s.id) === urn.toLowerCase());
      if (!schema) return fail(`/Schemas does not publish ${urn}`, { expected: urn, actual: resources.map((s) => s.id) });
      const wanted = names(ctx.params.attributes);
      const present = wanted.filter((name) => named(attributesOf(schema), name) !== undefined);
      if (rule === 'declares') {
        const missing = wanted.filter((name) => !present.includes(name));
        return missing.length === 0 ? pass() : fail(`${urn} does not declare ${missing.join(', ')}`, { expected: wanted, actual: attributesOf(schema).map((a) => a.name) });
      }
      return present.length === 0 ? pass() : fail(`${urn} declares ${present.join(', ')}, which this profile forbids`, { expected: `no ${wanted.join(', ')}`, actual: present });
    }
    default:
      throw new Error(`unknown discovery rule "${rule}"`);
  }
}

export const discoveryRuleKind = defineCheckKind<DiscoveryRuleParams>({
  kind: 'discovery-rule',
  description:
    'A rule over /ResourceTypes or /Schemas (`rule`): `resource-type-id-is-name`, `distinct-endpoints`, `schemas-cover-resource-types` (every schema a resource type names is published), `canonical-type-values` (every multi-valued `type` declares canonicalValues), `declares` / `not-declares` (`schema` and `attributes`).',
  defaultLevel: 'MUST',
  defaultRefs: ['INTEROP-5.1'],
  judges: 'content',
  params: paramsObject({ rule: { enum: [...RULES] }, schema: { type: 'string', pattern: '^urn:' }, attributes: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } }, { required: ['rule'] }),
  paramsRequired: true,
  verify: discoveryRule,
});

/** Attribute paths of a request body: `nickName`, `name.givenName`, `emails.value`, `urn:…:User:department`. */
function sentPaths(body: Json): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (['schemas', 'id', 'meta', 'externalid', 'password'].includes(key.toLowerCase())) continue;
    if (key.toLowerCase().startsWith('urn:') && isRecord(value)) {
      for (const sub of Object.keys(value)) out.push(`${key}:${sub}`);
      continue;
    }
    const element = Array.isArray(value) ? value[0] : value;
    if (isRecord(element)) for (const sub of Object.keys(element)) out.push(`${key}.${sub}`);
    else out.push(key);
  }
  return out;
}

function valueAt(resource: Json, path: string): unknown {
  const urn = /^(urn:.+):([^:]+)$/.exec(path);
  if (urn) {
    const key = Object.keys(resource).find((k) => lower(k) === lower(urn[1]));
    const ext = key === undefined ? undefined : resource[key];
    return isRecord(ext) ? ext[Object.keys(ext).find((k) => lower(k) === lower(urn[2])) ?? ''] : undefined;
  }
  const [top, sub] = path.split('.');
  const key = Object.keys(resource).find((k) => lower(k) === lower(top));
  const value = key === undefined ? undefined : resource[key];
  if (sub === undefined) return value;
  const elements = Array.isArray(value) ? value : [value];
  return elements.map((e) => (isRecord(e) ? e[Object.keys(e).find((k) => lower(k) === lower(sub)) ?? ''] : undefined)).find((v) => v !== undefined);
}

export const schemaDeclaredStoredKind = defineCheckKind<{ sent: unknown }>({
  kind: 'schema-declared-stored',
  description: 'Every attribute of `sent` (a resource carrying a value for each writable attribute /Schemas declares) comes back in the read-back: nothing declared is silently dropped.',
  defaultLevel: 'MUST',
  defaultRefs: ['INTEROP-5.1'],
  judges: 'content',
  params: paramsObject({ sent: { anyOf: [{ type: 'object' }, TEMPLATE] } }, { required: ['sent'] }),
  paramsRequired: true,
  verify(ctx) {
    const sent = ctx.params.sent;
    if (!isRecord(sent)) return skip('no resource was built from /Schemas (the server publishes no User schema)');
    const resource = resourceBody(ctx);
    if (!isRecord(resource)) return resource;
    const dropped = sentPaths(sent).filter((path) => {
      const value = valueAt(resource, path);
      return value === undefined || value === null || value === '';
    });
    if (dropped.length === 0) return pass(`${sentPaths(sent).length} declared attribute(s) stored and returned`);
    return fail(`/Schemas declares ${dropped.length} attribute(s) that were sent but not kept: ${dropped.slice(0, 12).join(', ')}${dropped.length > 12 ? ' …' : ''}`, { expected: sentPaths(sent), actual: dropped });
  },
});

const COMMON = new Set(['schemas', 'id', 'externalid', 'meta']);

export const schemaReturnedDeclaredKind = defineCheckKind<{ schema?: string }>({
  kind: 'schema-returned-declared',
  description: 'Every attribute of the returned resource is declared in /Schemas (the schema of the resource or an extension it lists); common attributes (id, externalId, meta, schemas) excepted.',
  defaultLevel: 'MUST',
  defaultRefs: ['INTEROP-5.1'],
  judges: 'content',
  params: paramsObject({ schema: { type: 'string', pattern: '^urn:' } }),
  verify(ctx) {
    const resource = resourceBody(ctx);
    if (!isRecord(resource)) return resource;
    const schemas = (ctx.discovery.schemas ?? []).filter(isRecord);
    const core = schemas.find((s) => lower(s.id) === lower(ctx.params.schema ?? URN.user));
    if (!core) return skip(`/Schemas does not publish ${String(ctx.params.schema ?? URN.user)}`);
    const undeclared: string[] = [];
    for (const [key, value] of Object.entries(resource)) {
      if (COMMON.has(key.toLowerCase())) continue;
      if (key.toLowerCase().startsWith('urn:')) {
        const ext = schemas.find((s) => lower(s.id) === lower(key));
        if (!ext) {
          undeclared.push(key);
          continue;
        }
        if (isRecord(value)) for (const sub of Object.keys(value)) if (!named(attributesOf(ext), sub)) undeclared.push(`${key}:${sub}`);
        continue;
      }
      const def = named(attributesOf(core), key);
      if (!def) {
        undeclared.push(key);
        continue;
      }
      for (const element of Array.isArray(value) ? value : [value]) {
        if (!isRecord(element) || def.type !== 'complex') continue;
        for (const sub of Object.keys(element)) if (!named(subAttributesOf(def), sub)) undeclared.push(`${key}.${sub}`);
      }
    }
    const unique = [...new Set(undeclared)];
    return unique.length === 0 ? pass() : fail(`the resource carries ${unique.length} attribute(s) /Schemas does not declare: ${unique.slice(0, 12).join(', ')}`, { expected: 'only declared attributes', actual: unique });
  },
});

function startMs(exchange: Exchange): number {
  return Date.parse(exchange.startedAt);
}

const endMs = (exchange: Exchange): number => startMs(exchange) + exchange.ms;

type RateLimitParams = { expect: 'limited' | 'sustained'; floor?: number; retryAfter?: boolean };

/**
 * Requests per second a burst must reach before "no 429" counts against the server: from far away
 * the burst goes only as fast as the round trips allow, and a limit above that rate (a sane one)
 * cannot show. Nearby, a burst goes far faster than this.
 */
const LIMIT_VISIBLE_FROM = 100;

/** "The second before" a 429. */
const WINDOW_MS = 1000;

export const rateLimitKind = defineCheckKind<RateLimitParams>({
  kind: 'rate-limit',
  description:
    'Over the requests of a `burst` step: `expect: "limited"` — some request was answered 429 with a Retry-After header (IPSIE §4.3; skipped when the burst could not reach 100 requests per second, too slow for a limit to show); `expect: "sustained"` — while the requests went at `floor` per second, none was answered 429 before the server had accepted `floor` requests in the second before it (skipped when the answers came back too slowly to reach that rate).',
  defaultLevel: 'MUST',
  defaultRefs: ['IPSIE-4.3'],
  judges: 'outcome',
  params: paramsObject({ expect: { enum: ['limited', 'sustained'] }, floor: integer(1), retryAfter: { type: 'boolean' } }, { required: ['expect'] }),
  paramsRequired: true,
  verify(ctx) {
    const exchanges = ctx.exchanges ?? [ctx.exchange];
    const answered = exchanges.filter((x) => x.response);
    const first = exchanges[0];
    const last = exchanges[exchanges.length - 1];
    const seconds = first && last ? Math.max(0.001, (startMs(last) + last.ms - startMs(first)) / 1000) : 0;
    const rate = Math.round((exchanges.length / seconds) * 10) / 10;
    const limited = answered.find((x) => x.response!.status === 429);
    if (ctx.params.expect === 'sustained') {
      const floor = Number(ctx.params.floor ?? 25);
      // A 429 after the server had accepted `floor` requests in the second before it is a limit at
      // or above the floor (a rolling-window limiter meets a pace of exactly `floor` with a few
      // requests' jitter); only a 429 that came sooner shows a limit below it. When the server
      // counted each request is known only within its round trip: every accepted request the
      // server may have counted in that second is counted (on a busy client the sends bunch up).
      const acceptedBefore = (x: Exchange): number => answered.filter((y) => y.response!.status !== 429 && y !== x && startMs(y) < endMs(x) && endMs(y) > startMs(x) - WINDOW_MS).length;
      const throttled = answered.filter((x) => x.response!.status === 429);
      const early = throttled.find((x) => acceptedBefore(x) < floor);
      if (early) {
        const before = exchanges.indexOf(early);
        return fail(`request ${before + 1} was answered 429 while requests went at ${rate} per second, after the server had accepted only ${acceptedBefore(early)} in the second before it; the server must accept at least ${floor} per second`, { expected: `no 429 at ${floor} requests/s`, actual: `429 after ${before} requests` });
      }
      if (rate < floor * 0.8) return skip(`the requests only reached ${rate} per second (the answers came back slowly: network and server together), below the ${floor} per second to judge`);
      const failed = answered.filter((x) => x.response!.status >= 500);
      if (failed.length > 0) return fail(`${failed.length} of ${exchanges.length} requests at ${rate} per second failed with a server error`, { actual: failed[0]!.response!.status });
      if (throttled.length > 0) return pass(`${exchanges.length} requests at ${rate} per second; ${throttled.length} answered 429, each after the server had accepted at least ${floor} in the second before it: a limit at or above ${floor} per second`);
      return pass(`${exchanges.length} requests at ${rate} per second, none refused`);
    }
    if (!limited) {
      if (rate < LIMIT_VISIBLE_FROM) return skip(`${exchanges.length} requests went at only ${rate} per second (the answers came back slowly: network and server together), below the ${LIMIT_VISIBLE_FROM} per second at which a missing limit is judged; a limit above ${rate} per second cannot show from here`);
      return fail(`${exchanges.length} requests at ${rate} per second were all answered without a 429: rate limits are not enforced (or only above ${rate} per second)`, { expected: 'a 429 Too Many Requests', actual: `${exchanges.length} requests, no 429` });
    }
    const retryAfter = limited.response!.headers['retry-after'];
    if (ctx.params.retryAfter === true && (retryAfter === undefined || (!/^\d+$/.test(retryAfter.trim()) && Number.isNaN(Date.parse(retryAfter))))) {
      return fail(`the 429 carries no usable Retry-After header (got ${JSON.stringify(retryAfter ?? null)}): a client cannot tell when to try again`, { expected: 'Retry-After: seconds or an HTTP date', actual: retryAfter ?? null });
    }
    return pass(`429 with Retry-After ${String(retryAfter)} after ${exchanges.indexOf(limited)} requests at ${rate} per second`);
  },
});
