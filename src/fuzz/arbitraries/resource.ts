// scimUser() / scimGroup(): resource bodies generated from the target's schemas. Every writable,
// echoed attribute may appear with a value of its declared type (multi-valued as arrays with at most
// one primary, canonical values for `type`). The unique name (userName, Group displayName) is left
// as a stem: the run adds its prefix at send time, so shrinking never changes uniqueness.
import fc from 'fast-check';
import type { ResourceSchemas } from '../../filter/index.ts';
import type { AttributeDefinition } from '../../spec/scim-schemas.ts';
import { echoed, findAttribute, writable } from '../schemas.ts';
import { realisticText, simpleValue, userNameStem } from './values.ts';

export type Json = Record<string, unknown>;

/** A resource before it is sent: the stem of its unique name and its other attributes. */
export interface Draft {
  stem: string;
  /** Attributes keyed as in a request body: core names at the top, extension attributes under their URN. */
  attrs: Json;
}

/** Attributes the generator leaves alone: identity, server-computed, secrets, and references to other resources. */
const SKIPPED = new Set(['id', 'meta', 'schemas', 'groups', 'members', 'password', 'manager']);

export function generatedAttributes(defs: readonly AttributeDefinition[], unique: string): AttributeDefinition[] {
  // An attribute the server keeps one value of (product-rules.ts) only where it is required: a
  // second value, sent or added by PATCH, would be dropped as the server may (RFC 7644 §3.3).
  return defs.filter((d) => writable(d) && echoed(d) && !SKIPPED.has(d.name) && d.name.toLowerCase() !== unique.toLowerCase() && (!d.learned?.oneValue || d.required));
}

/** A value for one attribute: simple, complex (some sub-attributes) or multi-valued. */
export function attributeValue(def: AttributeDefinition): fc.Arbitrary<unknown> {
  if (def.type !== 'complex') {
    return def.multiValued ? fc.array(simpleValue(def), { minLength: 1, maxLength: def.learned?.oneValue ? 1 : 3 }) : simpleValue(def);
  }
  const element = complexValue(def);
  if (!def.multiValued) return element;
  return fc.tuple(fc.array(element, { minLength: 1, maxLength: def.learned?.oneValue ? 1 : 3 }), fc.nat()).map(([items, p]) => onePrimary(items as Json[], p));
}

/** Keeps at most one `primary: true` (RFC 7643 §2.4), at the position `pick` chooses. */
export function onePrimary(items: Json[], pick: number): Json[] {
  const primaryIndex = items.some((i) => i.primary === true) ? pick % items.length : -1;
  return items.map((item, i) => {
    if (!('primary' in item)) return item;
    const { primary: _primary, ...rest } = item;
    return i === primaryIndex ? { ...rest, primary: true } : rest;
  });
}

export function complexValue(def: AttributeDefinition): fc.Arbitrary<Json> {
  // A declared but empty canonicalValues list leaves no value a strict server must accept, so
  // such sub-attributes are left out rather than guessed.
  const subs = (def.subAttributes ?? []).filter((s) => writable(s) && echoed(s) && s.name !== '$ref' && s.name !== 'display' && !(Array.isArray(s.canonicalValues) && s.canonicalValues.length === 0));
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const sub of subs) model[sub.name] = simpleValue(sub, def);
  const required = subs.filter((s) => s.required || s.name === 'value').map((s) => s.name);
  const arb = fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Json>;
  return arb.filter((v) => Object.keys(v).length > 0);
}

function attributesRecord(defs: AttributeDefinition[]): fc.Arbitrary<Json> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const def of defs) model[def.name] = attributeValue(def);
  const required = defs.filter((d) => d.required).map((d) => d.name);
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Json>;
}

export interface DraftConstraints {
  /** Generate only the required attributes (paging and membership need many cheap users). */
  bare?: boolean;
}

/** Whether the server was learned to take only email addresses as userNames (product-rules.ts). */
export function emailUserNames(schemas: ResourceSchemas): boolean {
  return findAttribute(schemas.core, 'userName')?.learned?.email === true;
}

/** scimUser(): a User draft from the target's User schemas. */
export function scimUser(schemas: ResourceSchemas, constraints: DraftConstraints = {}): fc.Arbitrary<Draft> {
  return scimResource(schemas, 'userName', constraints);
}

/** scimGroup(): a Group draft (members are added by the properties that need them). */
export function scimGroup(schemas: ResourceSchemas, constraints: DraftConstraints = {}): fc.Arbitrary<Draft> {
  return scimResource(schemas, 'displayName', constraints);
}

function scimResource(schemas: ResourceSchemas, unique: string, constraints: DraftConstraints): fc.Arbitrary<Draft> {
  const stem = unique === 'userName' ? userNameStem({ email: emailUserNames(schemas) }) : realisticText({ maxLength: 30 });
  if (constraints.bare) {
    // Bare still means valid: what the server requires is always there (/Schemas, `--require`).
    const required = requiredAttributes(schemas, unique);
    return required ? fc.tuple(stem, required).map(([s, attrs]) => ({ stem: s, attrs })) : stem.map((s) => ({ stem: s, attrs: {} }));
  }
  const common = schemas.common.filter((d) => d.name === 'externalId');
  const core = attributesRecord([...common, ...generatedAttributes(schemas.core.attributes, unique)]);
  // An extension with a required attribute (a product's employeeNumber) is always there.
  const extensions = schemas.extensions.map((ext) => {
    const defs = generatedAttributes(ext.attributes, unique);
    const record = attributesRecord(defs);
    return (defs.some((d) => d.required) ? record : fc.option(record, { nil: undefined })).map((v) => [ext.id, v] as const);
  });
  return fc.tuple(stem, core, fc.tuple(...extensions)).map(([s, attrs, exts]) => {
    const out: Json = { ...attrs };
    for (const [urn, value] of exts as ReadonlyArray<readonly [string, Json | undefined]>) {
      if (value && Object.keys(value).length > 0) out[urn] = value;
    }
    return { stem: s, attrs: out };
  });
}

/**
 * Values for what the server requires besides the unique name (/Schemas, `--require`), core and
 * extension attributes alike; undefined when it requires nothing more.
 */
export function requiredAttributes(schemas: ResourceSchemas, unique = 'userName'): fc.Arbitrary<Json> | undefined {
  const required = generatedAttributes(schemas.core.attributes, unique).filter((d) => d.required);
  const neededExtensions = schemas.extensions.map((ext) => [ext.id, generatedAttributes(ext.attributes, unique).filter((d) => d.required)] as const).filter(([, defs]) => defs.length > 0);
  if (required.length === 0 && neededExtensions.length === 0) return undefined;
  if (neededExtensions.length === 0) return attributesRecord(required);
  const extensionValues = fc.tuple(...neededExtensions.map(([id, defs]) => attributesRecord(defs).map((v) => [id, v] as const)));
  return fc.tuple(attributesRecord(required), extensionValues).map(([attrs, exts]) => ({ ...attrs, ...Object.fromEntries(exts as ReadonlyArray<readonly [string, Json]>) }));
}

/**
 * The request body for a draft, with its unique name filled in. A generated externalId is made
 * unique the same way (the name, then the generated value): two resources never share one, and
 * it carries the run prefix.
 */
export function bodyOf(schemas: ResourceSchemas, unique: string, draft: Draft, name: string): Json {
  const urns = [schemas.core.id, ...schemas.extensions.filter((e) => draft.attrs[e.id] !== undefined).map((e) => e.id)];
  const attrs = typeof draft.attrs.externalId === 'string' ? { ...draft.attrs, externalId: `${name}~${draft.attrs.externalId}` } : draft.attrs;
  return { schemas: urns, [unique]: name, ...attrs };
}
