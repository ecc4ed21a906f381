// Judges a resource the server shows against what the model says it should hold. Comparison follows
// the schema: strings honour caseExact, dateTimes compare as instants, multi-valued attributes compare
// as multisets (RFC 7643 gives them no order), `primary: false` equals an absent primary. What the
// server may add on its own (defaults, computed sub-attributes) is learned from the create response.
import { isPlainObject, isPresent, type ResourceSchemas } from '../filter/index.ts';
import { instantOf } from '../spec/date-time.ts';
import type { AttributeDefinition } from '../spec/scim-schemas.ts';
import { echoed, writable } from './schemas.ts';

export type Json = Record<string, unknown>;

/** Never compared: identity, computed back-references, secrets (and members, which have their own checks). */
const NOT_COMPARED = new Set(['id', 'meta', 'schemas', 'groups', 'members', 'password']);

export interface CompareOptions {
  /**
   * The model knows the whole state (after PUT, PATCH, or a GET of a resource it created): an
   * attribute the server shows that the model lacks is a defect (a merge, a stale value).
   */
  strict: boolean;
  /** Attribute paths the server filled in by itself when the resource was created. */
  serverDefaults?: ReadonlySet<string>;
}

interface Container {
  key: string | null;
  defs: AttributeDefinition[];
}

function containers(schemas: ResourceSchemas): Container[] {
  return [
    { key: null, defs: [...schemas.common, ...schemas.core.attributes] },
    ...schemas.extensions.map((e) => ({ key: e.id, defs: e.attributes })),
  ];
}

// `returned: request` attributes are only shown when asked for, so their absence proves nothing.
const compared = (def: AttributeDefinition): boolean => writable(def) && echoed(def) && def.returned !== 'request' && !NOT_COMPARED.has(def.name);

function get(obj: unknown, name: string): unknown {
  if (!isPlainObject(obj)) return undefined;
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

function holder(resource: unknown, key: string | null): unknown {
  return key === null ? resource : get(resource, key);
}

const pathOf = (key: string | null, name: string, sub?: string): string => `${key ? `${key}:` : ''}${name}${sub ? `.${sub}` : ''}`;
const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** Differences between the model's resource and the server's, as short sentences (empty when equal). */
export function diffResource(schemas: ResourceSchemas, expected: Json, actual: unknown, options: CompareOptions): string[] {
  const diffs: string[] = [];
  if (!isPlainObject(actual)) return ['the response body is not a JSON object'];
  const defaults = options.serverDefaults ?? new Set<string>();
  for (const { key, defs } of containers(schemas)) {
    const e = holder(expected, key);
    const a = holder(actual, key);
    for (const def of defs) {
      if (!compared(def)) continue;
      const path = pathOf(key, def.name);
      const ev = get(e, def.name);
      const av = get(a, def.name);
      if (!isPresent(ev)) {
        if (options.strict && isPresent(av) && !defaults.has(path)) diffs.push(`${path} should be absent but is ${show(av)}`);
        continue;
      }
      if (!isPresent(av)) {
        diffs.push(`${path} is missing (expected ${show(ev)})`);
        continue;
      }
      const why = valueDiff(def, ev, av, options.strict, (sub) => defaults.has(pathOf(key, def.name, sub)));
      if (why) diffs.push(`${path}: ${why} (expected ${show(ev)}, got ${show(av)})`);
    }
  }
  return diffs;
}

/** Why `actual` differs from `expected` for this attribute, or undefined when they agree. */
export function valueDiff(def: AttributeDefinition, expected: unknown, actual: unknown, strict: boolean, isDefault: (sub: string) => boolean = () => false): string | undefined {
  if (def.multiValued) {
    if (!Array.isArray(actual)) return 'not an array';
    const want = (expected as unknown[]).filter(isPresent);
    const got = actual.filter(isPresent);
    if (want.length !== got.length) return `${got.length} values instead of ${want.length}`;
    const primaries = got.filter((v) => isPlainObject(v) && get(v, 'primary') === true).length;
    if (primaries > 1) return `${primaries} values are primary (RFC 7643 §2.4: at most one)`;
    // Sent with no primary value, the server may name one primary itself (many mark the first
    // email so); RFC 7644 §3.3 lets it alter what was POSTed. A primary that was sent must stay.
    const serverPicksPrimary = !want.some((v) => isPlainObject(v) && get(v, 'primary') === true);
    return matchAll(want, got, (x, y) => elementEqual(def, x, y, serverPicksPrimary)) ? undefined : 'the values differ';
  }
  if (def.type === 'complex') {
    if (!isPlainObject(actual)) return 'not an object';
    for (const sub of def.subAttributes ?? []) {
      if (!compared(sub)) continue;
      const ev = get(expected, sub.name);
      const av = get(actual, sub.name);
      if (!isPresent(ev)) {
        if (strict && isPresent(av) && !isDefault(sub.name)) return `${sub.name} should be absent`;
        continue;
      }
      if (!isPresent(av)) return `${sub.name} is missing`;
      if (!simpleEqual(sub, ev, av)) return `${sub.name} differs`;
    }
    return undefined;
  }
  return simpleEqual(def, expected, actual) ? undefined : 'differs';
}

function elementEqual(def: AttributeDefinition, expected: unknown, actual: unknown, serverPicksPrimary = false): boolean {
  if (def.type !== 'complex') return simpleEqual(def, expected, actual);
  if (!isPlainObject(expected) || !isPlainObject(actual)) return false;
  for (const sub of def.subAttributes ?? []) {
    if (!compared(sub)) continue;
    const ev = get(expected, sub.name);
    const av = get(actual, sub.name);
    if (sub.type === 'boolean' && sub.name === 'primary') {
      if (!serverPicksPrimary && (ev === true) !== (av === true)) return false;
      continue;
    }
    if (!isPresent(ev)) continue;
    if (!isPresent(av)) return false;
    if (def.name.toLowerCase() === 'phonenumbers' && sub.name === 'value' && typeof ev === 'string' && typeof av === 'string') {
      if (canonicalPhone(ev) !== canonicalPhone(av)) return false;
    } else if (!simpleEqual(sub, ev, av)) return false;
  }
  return true;
}

/**
 * A phone number as RFC 3966 compares it: without the `tel:` scheme and the visual separators
 * (`-`, `.`, `(`, `)`, spaces). RFC 7643 §4.1.2 says service providers SHOULD canonicalize
 * phoneNumbers.value, so `tel:+1-555-100-1000` may come back as `+15551001000`.
 */
function canonicalPhone(value: string): string {
  return value.trim().replace(/^tel:/i, '').replace(/[\s\-.()]/g, '').toLowerCase();
}

export function simpleEqual(def: AttributeDefinition, expected: unknown, actual: unknown): boolean {
  switch (def.type) {
    case 'boolean':
      return expected === actual;
    case 'integer':
    case 'decimal':
      return typeof actual === 'number' && typeof expected === 'number' && Math.abs(actual - expected) < 1e-9;
    case 'dateTime':
      return instantOf(actual) !== undefined && instantOf(actual) === instantOf(expected);
    default:
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      return def.caseExact ? actual === expected : actual.toLowerCase() === expected.toLowerCase();
  }
}

/** True when every element of `want` pairs with a distinct element of `got` (small arrays: backtracking). */
function matchAll(want: unknown[], got: unknown[], eq: (a: unknown, b: unknown) => boolean): boolean {
  const used = new Array<boolean>(got.length).fill(false);
  const place = (i: number): boolean => {
    if (i === want.length) return true;
    for (let j = 0; j < got.length; j++) {
      if (used[j] || !eq(want[i], got[j])) continue;
      used[j] = true;
      if (place(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return place(0);
}

/** Paths (`active`, `name.formatted`, `urn:…:User:department`) the server filled in that the body did not carry. */
export function serverDefaults(schemas: ResourceSchemas, sent: Json, shown: unknown): Set<string> {
  const out = new Set<string>();
  for (const { key, defs } of containers(schemas)) {
    const s = holder(sent, key);
    const a = holder(shown, key);
    for (const def of defs) {
      if (!compared(def)) continue;
      const sv = get(s, def.name);
      const av = get(a, def.name);
      if (!isPresent(av)) continue;
      if (!isPresent(sv)) out.add(pathOf(key, def.name));
      else if (def.type === 'complex' && !def.multiValued) {
        for (const sub of def.subAttributes ?? []) if (!isPresent(get(sv, sub.name)) && isPresent(get(av, sub.name))) out.add(pathOf(key, def.name, sub.name));
      }
    }
  }
  return out;
}

/**
 * Paths the server filled in by itself after a write: the model says absent, the server shows a
 * value, and it is not the value the resource held before the write (which would be a stale value
 * or an ignored remove, a defect). A server that derives `name.formatted` from the name's parts
 * shows one again after a PATCH removes it or a PUT leaves it out: RFC 7644 §3.3 lets it alter
 * what it is sent, as it may on create (serverDefaults).
 */
export function serverDerived(schemas: ResourceSchemas, previous: Json, expected: Json, shown: unknown): Set<string> {
  const out = new Set<string>();
  const fresh = (def: AttributeDefinition, before: unknown, now: unknown): boolean => !isPresent(before) || valueDiff(def, before, now, false) !== undefined;
  for (const { key, defs } of containers(schemas)) {
    const p = holder(previous, key);
    const e = holder(expected, key);
    const a = holder(shown, key);
    for (const def of defs) {
      if (!compared(def)) continue;
      const ev = get(e, def.name);
      const av = get(a, def.name);
      if (!isPresent(av)) continue;
      if (!isPresent(ev)) {
        if (fresh(def, get(p, def.name), av)) out.add(pathOf(key, def.name));
        continue;
      }
      if (def.type !== 'complex' || def.multiValued || !isPlainObject(av)) continue;
      const pv = get(p, def.name);
      for (const sub of def.subAttributes ?? []) {
        if (!compared(sub) || isPresent(get(ev, sub.name))) continue;
        const now = get(av, sub.name);
        if (isPresent(now) && fresh(sub, get(pv, sub.name), now)) out.add(pathOf(key, def.name, sub.name));
      }
    }
  }
  return out;
}

/**
 * Paths a PUT left out that the server gave its default value (RFC 7644 §3.5.1: for a readWrite
 * attribute left out, the service provider "MAY assign a default value"): the value it shows equals
 * the one it gives a user created without that attribute (`bare`). A value kept from before the PUT
 * that is not the server's default is still reported (a merging PUT).
 */
export function defaultedOnReplace(schemas: ResourceSchemas, expected: Json, shown: unknown, bare: unknown): Set<string> {
  const out = new Set<string>();
  for (const { key, defs } of containers(schemas)) {
    const e = holder(expected, key);
    const a = holder(shown, key);
    const b = holder(bare, key);
    for (const def of defs) {
      if (!compared(def)) continue;
      const av = get(a, def.name);
      const bv = get(b, def.name);
      if (isPresent(get(e, def.name)) || !isPresent(av) || !isPresent(bv)) continue;
      if (valueDiff(def, bv, av, false) === undefined) out.add(pathOf(key, def.name));
    }
  }
  return out;
}