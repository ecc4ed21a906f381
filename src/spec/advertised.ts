// What a target says its Users are made of, read from /Schemas (RFC 7643 §7). IdPs send only the
// attributes an app has (Entra reads /Schemas when the mapping is saved, ENTRA-1.2; an Okta app
// profile lists what the vendor supports, OKTA-2.1), so replays and checks leave out, and do not
// judge, RFC 7643 User attributes a server does not advertise. Without a User schema in /Schemas
// nothing is known and everything counts as advertised.
import type { Discovery } from '../record/types.ts';
import { ENTERPRISE_USER_SCHEMA, URN, USER_SCHEMA } from './scim-schemas.ts';

interface RawAttribute {
  name?: unknown;
  subAttributes?: unknown;
  mutability?: unknown;
}

export interface AdvertisedUser {
  /** False when /Schemas does not describe the User schema (nothing can be left out then). */
  known: boolean;
  /** Lower-cased core User attribute names the server advertises. */
  core: ReadonlySet<string>;
  /** Lower-cased schema URNs of the User extensions the server advertises. */
  extensions: ReadonlySet<string>;
  /** Lower-cased `urn:…:attr` of the extension attributes the server advertises. */
  extensionAttributes: ReadonlySet<string>;
  /** Lower-cased core attribute → the lower-cased sub-attributes it declares (only those that declare some). */
  subAttributes: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Lower-cased RFC 7643 core User attributes the server declares readOnly (RFC 7643 §2.2: "SHALL NOT
   * be modified"), beyond the back-reference groups: a client's values are ignored (RFC 7644
   * §3.5.1), so an IdP's mapping cannot write them and the harness neither sends nor judges them.
   */
  readOnly?: ReadonlySet<string>;
}

/**
 * Never left out, whatever /Schemas says: userName is required by RFC 7643 §4.1.1, and `active` is
 * how Entra and Okta deprovision; a server without them cannot be provisioned, and must be seen to fail.
 */
const ALWAYS_SENT = new Set(['username', 'active']);
const RFC_CORE = new Set(USER_SCHEMA.attributes.map((a) => a.name.toLowerCase()).filter((n) => !ALWAYS_SENT.has(n)));
const RFC_EXTENSIONS = new Set([URN.enterpriseUser.toLowerCase()]);
const RFC_EXTENSION_ATTRIBUTES = new Set(ENTERPRISE_USER_SCHEMA.attributes.map((a) => `${URN.enterpriseUser}:${a.name}`.toLowerCase()));
/** `emails.primary`, `name.givenname` …: the sub-attributes RFC 7643 defines for core User attributes. */
const RFC_SUB_ATTRIBUTES = new Set(USER_SCHEMA.attributes.flatMap((a) => (a.subAttributes ?? []).map((sub) => `${a.name}.${sub.name}`.toLowerCase())));

/**
 * RFC 7643 User attributes a server may declare readOnly: every one the RFC's text does not fix as
 * the client's to set (userName, REQUIRED of the client, §4.1.1; externalId, §3.1) or as the
 * server's already (groups, §4.1.2).
 */
const READ_ONLY_ALLOWED = new Set(USER_SCHEMA.attributes.map((a) => a.name.toLowerCase()).filter((n) => !['username', 'externalid', 'groups'].includes(n)));

/** How a value of a User attribute the server declares readOnly is not judged. */
export const READ_ONLY_PHRASE = 'readOnly in /Schemas (RFC 7643 §2.2): the values a client sends are ignored (RFC 7644 §3.5.1)';
const readOnlyReason = (shown: string): string => `the server declares User ${shown} ${READ_ONLY_PHRASE}`;

/**
 * Why what a client sent for a User attribute cannot be judged: the server declares it readOnly,
 * so it keeps its own value (a new User active, emails from the account). Covers `active`, which is
 * always sent (an IdP deprovisions with it) and so never left out by notAdvertised.
 */
export function declaredReadOnly(advertised: AdvertisedUser, path: string): string | undefined {
  if (!advertised.known || !advertised.readOnly || advertised.readOnly.size === 0) return undefined;
  const lower = path.toLowerCase();
  const core = lower.startsWith(`${URN.user.toLowerCase()}:`) ? lower.slice(URN.user.length + 1) : lower;
  const head = core.split(/[.[]/)[0]!;
  return advertised.readOnly.has(head) ? readOnlyReason(path.slice(path.length - core.length).split(/[.[]/)[0]!) : undefined;
}

/** Group attributes a server may declare readOnly: all but the client's externalId (RFC 7643 §3.1) and the server's own id and meta. */
const GROUP_NOT_READ_ONLY = new Set(['externalid', 'id', 'meta', 'schemas']);
const groupReadOnlyCache = new WeakMap<unknown[], ReadonlySet<string>>();

/** Lower-cased top-level Group attributes /Schemas declares readOnly (RFC 7643 §2.2), beyond those the RFC fixes. */
export function groupReadOnly(discovery: Pick<Discovery, 'schemas'> | undefined): ReadonlySet<string> {
  const schemas = discovery?.schemas;
  if (!schemas) return new Set();
  let found = groupReadOnlyCache.get(schemas);
  if (!found) {
    const group = (schemas as { id?: unknown; attributes?: unknown }[]).find((s) => typeof s?.id === 'string' && s.id.toLowerCase() === URN.group.toLowerCase());
    const attributes = Array.isArray(group?.attributes) ? (group.attributes as RawAttribute[]) : [];
    found = new Set(attributes.flatMap((a) => (typeof a?.name === 'string' && a.mutability === 'readOnly' && !GROUP_NOT_READ_ONLY.has(a.name.toLowerCase()) ? [a.name.toLowerCase()] : [])));
    groupReadOnlyCache.set(schemas, found);
  }
  return found;
}

/** Why what a client sent for a Group attribute cannot be judged: /Schemas declares it readOnly (a group managed elsewhere). */
export function declaredGroupReadOnly(discovery: Pick<Discovery, 'schemas'> | undefined, path: string): string | undefined {
  const lower = path.toLowerCase();
  const core = lower.startsWith(`${URN.group.toLowerCase()}:`) ? lower.slice(URN.group.length + 1) : lower;
  const head = core.split(/[.[]/)[0]!;
  return groupReadOnly(discovery).has(head) ? `the server declares Group ${path.slice(path.length - core.length).split(/[.[]/)[0]!} ${READ_ONLY_PHRASE}` : undefined;
}

const names = (attrs: unknown): string[] => (Array.isArray(attrs) ? (attrs as RawAttribute[]).flatMap((a) => (typeof a.name === 'string' ? [a.name.toLowerCase()] : [])) : []);

const UNKNOWN: AdvertisedUser = { known: false, core: RFC_CORE, extensions: RFC_EXTENSIONS, extensionAttributes: RFC_EXTENSION_ATTRIBUTES, subAttributes: new Map() };

// Read once per /Schemas answer: a run asks at every step and every body check, and the answer
// (captured from discovery) never changes.
const readFrom = new WeakMap<unknown[], AdvertisedUser>();

export function advertisedUser(discovery: Discovery | undefined): AdvertisedUser {
  const schemas = discovery?.schemas;
  if (!schemas) return UNKNOWN;
  let advertised = readFrom.get(schemas);
  if (!advertised) {
    advertised = read(schemas as { id?: unknown; attributes?: unknown }[]);
    readFrom.set(schemas, advertised);
  }
  return advertised;
}

function read(schemas: { id?: unknown; attributes?: unknown }[]): AdvertisedUser {
  const user = schemas.find((s) => typeof s.id === 'string' && s.id.toLowerCase() === URN.user.toLowerCase());
  // A User schema without attributes describes nothing: nothing is left out on its word.
  if (!user || !Array.isArray(user.attributes) || user.attributes.length === 0) return UNKNOWN;
  const extensions = schemas.filter((s) => typeof s.id === 'string' && s.id.toLowerCase() !== URN.user.toLowerCase() && s.id.toLowerCase().includes(':user'));
  return {
    known: true,
    core: new Set(names(user.attributes)),
    extensions: new Set(extensions.map((s) => String(s.id).toLowerCase())),
    extensionAttributes: new Set(extensions.flatMap((s) => names(s.attributes).map((n) => `${String(s.id).toLowerCase()}:${n}`))),
    // An attribute that declares no sub-attributes says nothing about them: none is left out on its word.
    subAttributes: new Map((user.attributes as RawAttribute[]).flatMap((a) => (typeof a.name === 'string' && names(a.subAttributes).length > 0 ? [[a.name.toLowerCase(), new Set(names(a.subAttributes))] as const] : []))),
    readOnly: new Set((user.attributes as RawAttribute[]).flatMap((a) => (typeof a.name === 'string' && a.mutability === 'readOnly' && READ_ONLY_ALLOWED.has(a.name.toLowerCase()) ? [a.name.toLowerCase()] : []))),
  };
}

/**
 * Why a User attribute path is not worth sending or judging on this server, or undefined when it
 * is: the path names an RFC 7643 User attribute (or the enterprise extension) that /Schemas
 * leaves out. Names the RFC does not define are never filtered: probes send those on purpose.
 */
export function notAdvertised(advertised: AdvertisedUser, path: string, subAttributes = true): string | undefined {
  if (!advertised.known) return undefined;
  // Suites ask about the same few attribute paths at every step: each is answered once per server.
  let answers = answered.get(advertised);
  if (!answers) answered.set(advertised, (answers = new Map()));
  const key = subAttributes ? path : `\u0000${path}`;
  if (answers.has(key)) return answers.get(key);
  const answer = judgeAdvertised(advertised, path, subAttributes);
  if (answers.size >= MAX_ANSWERS) answers.clear();
  answers.set(key, answer);
  return answer;
}

const answered = new WeakMap<AdvertisedUser, Map<string, string | undefined>>();
const MAX_ANSWERS = 4096;

/** `subAttributes` false: only whole attributes are judged (a replay sends sub-attributes as the IdP does). */
function judgeAdvertised(advertised: AdvertisedUser, path: string, subAttributes: boolean): string | undefined {
  const lower = path.toLowerCase();
  for (const ext of RFC_EXTENSIONS) {
    if (lower === ext) return advertised.extensions.has(ext) ? undefined : `the server does not advertise the extension ${URN.enterpriseUser} in /Schemas`;
    if (lower.startsWith(`${ext}:`)) {
      if (!advertised.extensions.has(ext)) return `the server does not advertise the extension ${URN.enterpriseUser} in /Schemas`;
      const name = path.slice(ext.length + 1).split(/[.[]/)[0]!;
      const attr = `${ext}:${name.toLowerCase()}`;
      return RFC_EXTENSION_ATTRIBUTES.has(attr) && !advertised.extensionAttributes.has(attr) ? `the server's /Schemas has no ${URN.enterpriseUser}:${name}` : undefined;
    }
  }
  const core = lower.startsWith(`${URN.user.toLowerCase()}:`) ? lower.slice(URN.user.length + 1) : lower;
  const head = core.split(/[.[]/)[0]!;
  // An unqualified enterprise attribute (Entra's legacy `manager` path) belongs to the extension.
  if (!RFC_CORE.has(head) && RFC_EXTENSION_ATTRIBUTES.has(`${URN.enterpriseUser.toLowerCase()}:${head}`) && core === lower) return notAdvertised(advertised, `${URN.enterpriseUser}:${path}`, subAttributes);
  const shown = path.slice(path.length - core.length).split(/[.[]/)[0]!;
  if (RFC_CORE.has(head) && !advertised.core.has(head)) return `the server's /Schemas has no User attribute ${shown}`;
  if (RFC_CORE.has(head) && advertised.readOnly?.has(head)) return readOnlyReason(shown);
  if (!subAttributes) return undefined;
  // `emails.primary`, `emails[type eq "work"].primary`: a sub-attribute the attribute's declaration leaves out.
  const sub = /^[^.[]+(?:\[[^\]]*\])?\.([^.[\]]+)$/.exec(core)?.[1];
  const declared = advertised.subAttributes.get(head);
  if (sub !== undefined && declared && RFC_SUB_ATTRIBUTES.has(`${head}.${sub}`) && !declared.has(sub)) return `the server's /Schemas declares no ${shown}.${path.slice(path.length - sub.length)} (RFC 7643 §7 subAttributes)`;
  return undefined;
}

/**
 * A core attribute's value without the RFC sub-attributes its declaration leaves out
 * (`emails[].primary` on a server whose emails declare value, type and display only).
 */
export function withoutUnadvertisedSubAttributes(advertised: AdvertisedUser, attribute: string, value: unknown, dropped: (path: string, reason: string) => void): unknown {
  if (!advertised.known || !advertised.subAttributes.has(attribute.toLowerCase())) return value;
  const fit = (element: unknown): unknown => {
    if (!element || typeof element !== 'object' || Array.isArray(element)) return element;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(element)) {
      const reason = notAdvertised(advertised, `${attribute}.${key}`);
      if (reason) dropped(`${attribute}.${key}`, reason);
      else out[key] = v;
    }
    return out;
  };
  return Array.isArray(value) ? value.map(fit) : fit(value);
}
