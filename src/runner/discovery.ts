// Capabilities come from what the server advertises (RFC 7644 §4): ServiceProviderConfig for
// the optional features, ResourceTypes and Schemas for resource types and required attributes.
import type { Discovery } from '../record/types.ts';
import { URN } from '../spec/json-schemas.ts';
import { maxPageSize, pagination } from '../spec/page-cap.ts';

interface AttributeDef {
  name?: unknown;
  required?: unknown;
  mutability?: unknown;
  subAttributes?: unknown;
}

const resourcesOf = (doc: unknown): unknown[] => {
  if (Array.isArray(doc)) return doc;
  const list = (doc as { Resources?: unknown } | undefined)?.Resources;
  return Array.isArray(list) ? list : [];
};

const supported = (spc: unknown, feature: string): boolean => {
  const node = (spc as Record<string, { supported?: unknown }> | undefined)?.[feature];
  return node?.supported === true || node?.supported === 'true';
};

export { maxPageSize } from '../spec/page-cap.ts';

export function buildDiscovery(spc: unknown, schemasDoc: unknown, resourceTypesDoc: unknown): Discovery {
  const schemas = resourcesOf(schemasDoc);
  const resourceTypes = resourcesOf(resourceTypesDoc);
  const hasSpc = !!spc && typeof spc === 'object' && !Array.isArray(spc);
  const typeNames = resourceTypes.map((rt) => String((rt as { name?: unknown }).name ?? '').toLowerCase());
  const schemaIds = schemas.map((s) => String((s as { id?: unknown }).id ?? ''));
  const capabilities: Record<string, boolean> = {
    serviceProviderConfig: hasSpc,
    // Without a ServiceProviderConfig nothing says PATCH or filtering is missing, and Entra and Okta
    // (which never read it) send both: judged as they would meet them, as Users and Groups are
    // without /ResourceTypes. A PATCH answered 405/501 there is "not offered" (scenario.ts).
    patch: hasSpc ? supported(spc, 'patch') : true,
    bulk: supported(spc, 'bulk'),
    filter: hasSpc ? supported(spc, 'filter') : true,
    changePassword: supported(spc, 'changePassword'),
    sort: supported(spc, 'sort'),
    etag: supported(spc, 'etag'),
    // Without /ResourceTypes we cannot know; IdPs assume Users and try Groups.
    users: resourceTypes.length === 0 || typeNames.includes('user'),
    groups: resourceTypes.length === 0 || typeNames.includes('group'),
    enterpriseUser: schemaIds.includes(URN.enterpriseUser),
    // RFC 9865 §4: cursor paging is advertised in `pagination`; a server without that block offers
    // RFC 7644 index paging only.
    cursorPaging: pagination(spc)?.cursor === true,
    indexPaging: pagination(spc)?.index !== false,
    maxPageSize: maxPageSize(spc) !== undefined,
  };
  return { serviceProviderConfig: spc, schemas, resourceTypes, capabilities };
}

/**
 * Attribute paths the server says a User must carry, from /Schemas: required top-level
 * attributes and required sub-attributes (`name.familyName`), readOnly ones excluded.
 */
export function requiredAttributes(discovery: Discovery, schemaUrn: string = URN.user): string[] {
  const schema = (discovery.schemas ?? []).find((s) => (s as { id?: unknown }).id === schemaUrn) as { attributes?: unknown } | undefined;
  const out: string[] = [];
  const walk = (attrs: unknown, prefix: string): void => {
    if (!Array.isArray(attrs)) return;
    for (const a of attrs as AttributeDef[]) {
      if (typeof a.name !== 'string' || a.mutability === 'readOnly') continue;
      const path = prefix ? `${prefix}.${a.name}` : a.name;
      if (a.required === true) out.push(path);
      if (!prefix) walk(a.subAttributes, path);
    }
  };
  walk(schema?.attributes, '');
  return out;
}

const SPC_FEATURES = ['patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag'];
/** Capabilities only a ServiceProviderConfig can advertise. */
export const SPC_ADVERTISED: readonly string[] = [...SPC_FEATURES, 'cursorPaging', 'maxPageSize'];
const unadvertised = (name: string): string => (name === 'cursorPaging' ? 'cursor paging (RFC 9865 §4)' : name === 'maxPageSize' ? 'maximum page size' : `${name} support`);

/**
 * Why a scenario or property that needs `names` is skipped. A server that publishes no
 * ServiceProviderConfig at all (BoxyHQ Jackson's Directory Sync, many product endpoints: Entra and
 * Okta never read it) advertises nothing; saying "patch.supported is not true" there reads as if
 * its document said so.
 */
export function describeMissing(names: readonly string[], discovery?: Pick<Discovery, 'capabilities'>): string {
  const noSpc = discovery?.capabilities.serviceProviderConfig === false;
  const fromSpc = noSpc ? names.filter((n) => SPC_ADVERTISED.includes(n)) : [];
  const rest = names.filter((n) => !fromSpc.includes(n)).map(describeCapability);
  const spcPart = fromSpc.length > 0 ? [`the server publishes no ServiceProviderConfig (RFC 7644 §4 and §5 advertise optional features there), so it advertises no ${fromSpc.map(unadvertised).join(' and no ')}`] : [];
  return [...spcPart, ...rest].join('; ');
}

export function describeCapability(name: string): string {
  const spcFeatures = SPC_FEATURES;
  if (spcFeatures.includes(name)) return `the server does not advertise ${name} (ServiceProviderConfig ${name}.supported is not true)`;
  if (name === 'groups') return 'the server lists no Group resource type in /ResourceTypes';
  if (name === 'users') return 'the server lists no User resource type in /ResourceTypes';
  if (name === 'scopedQueries') return 'the server answers neither `userName sw` nor `displayName eq` queries, so no query can be limited to the users one scenario created (RFC 7644 §3.4.2.2 lets a server support only some filters)';
  if (name === 'enterpriseUser') return 'the server does not publish the enterprise User extension in /Schemas';
  if (name === 'cursorPaging') return 'the server does not advertise cursor paging (ServiceProviderConfig pagination.cursor is not true; RFC 9865 §4)';
  if (name === 'indexPaging') return 'the server offers no index paging (ServiceProviderConfig pagination.index is false; RFC 9865 §4)';
  if (name === 'maxPageSize') return 'the server advertises no maximum page size (neither pagination.maxPageSize nor filter.maxResults)';
  return `the server lacks ${name}`;
}
