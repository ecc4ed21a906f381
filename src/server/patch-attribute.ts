// add, replace and remove on an attribute or `attr.sub` named by a plain path (no value filter), and
// on each key of a path-less value object.
import { findSubAttribute, isExtensionResolution, isPlainObject, type Resolution } from '../filter/index.ts';
import type { AttributeDefinition } from '../spec/scim-schemas.ts';
import { invalidPath, invalidValue, mutability, unknownAttribute } from './errors.ts';
import { checkMutable, cleanup, enforcePrimary, holderOf, primaries, setOrDelete, type Op } from './patch-values.ts';
import { isManager, normalizeSingle, normalizeValue, type Json } from './validate.ts';

/** add/replace/remove on an attribute or `attr.sub`, without a value filter. */
export function applyToAttribute(data: Json, op: Op, resolution: Resolution, value: unknown, where: string, hasValue: boolean, options: { replaceWhole?: boolean } = {}): void {
  if (isExtensionResolution(resolution)) throw invalidPath(`${where}: unexpected schema URN`);
  const { container, def, sub } = resolution;
  checkMutable(def, sub, where);
  const holder = holderOf(data, container, op !== 'remove');
  if (!holder) return;
  const name = def.name;

  if (sub) {
    if (def.multiValued) {
      // `emails.type` without a filter addresses that sub-attribute of every element.
      if (sub.mutability === 'immutable' && op !== 'add') throw mutability(`${where}: '${name}.${sub.name}' is immutable`);
      const elements = Array.isArray(holder[name]) ? (holder[name] as unknown[]) : [];
      const v = op === 'remove' ? undefined : normalizeSingle(sub, value, `${name}.${sub.name}`);
      for (const element of elements) if (isPlainObject(element)) setOrDelete(element, sub.name, v);
      enforcePrimary(holder, name, new Set(), where);
    } else {
      const parentValue = holder[name];
      if (op === 'remove') {
        if (isPlainObject(parentValue)) {
          delete parentValue[sub.name];
          if (Object.keys(parentValue).length === 0) delete holder[name];
        }
      } else {
        const v = normalizeSingle(sub, value, `${name}.${sub.name}`);
        const parent = isPlainObject(parentValue) ? parentValue : (holder[name] = {}) as Json;
        setOrDelete(parent, sub.name, v);
        if (Object.keys(parent).length === 0) delete holder[name];
      }
    }
    cleanup(data, container);
    return;
  }

  if (op === 'remove') {
    if (def.multiValued && hasValue && value !== null && value !== undefined) {
      removeListedValues(holder, def, value, where);
    } else {
      delete holder[name];
    }
    cleanup(data, container);
    return;
  }

  if (def.multiValued && !isManager(def)) {
    const list = value === null ? [] : Array.isArray(value) ? value : [value];
    const incoming = (normalizeValue(def, list, name) as unknown[] | undefined) ?? [];
    const before = primaries(holder[name]);
    if (op === 'replace') {
      if (incoming.length > 0) holder[name] = incoming;
      else delete holder[name];
    } else {
      const existing = Array.isArray(holder[name]) ? (holder[name] as unknown[]) : [];
      const merged = [...existing];
      for (const item of incoming) if (!merged.some((e) => sameValue(def, e, item))) merged.push(item);
      if (merged.length > 0) holder[name] = merged;
    }
    enforcePrimary(holder, name, op === 'replace' ? new Set() : before, where);
    if (incoming.filter((i) => isPlainObject(i) && i.primary === true).length > 1) throw invalidValue(`${where}: only one value of '${name}' may be primary`);
  } else if (def.type === 'complex' && !isManager(def)) {
    const v = normalizeValue(def, value, name);
    const existing = holder[name];
    if (v === undefined) {
      if (op === 'replace') delete holder[name];
    } else {
      // RFC 7644 §3.5.2.1/3: sub-attributes not named in the value are left unchanged; the
      // interoperability profile (§6.5.2.1) makes a replace replace the whole complex attribute.
      holder[name] = isPlainObject(existing) && !(op === 'replace' && options.replaceWhole) ? { ...existing, ...(v as Json) } : v;
    }
  } else {
    const v = normalizeValue(def, value, container === null ? name : `${container}:${name}`);
    if (v === undefined) delete holder[name];
    else holder[name] = v;
  }
  cleanup(data, container);
}

/** Equality used to skip duplicates on add: members by `value`, other values by content. */
function sameValue(def: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (isPlainObject(a) && isPlainObject(b) && findSubAttribute(def, 'value')) {
    if (def.name === 'members') return a.value === b.value;
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return a === b;
}

/** Entra removes members with `{"op":"Remove","path":"members","value":[{"value":"id"}]}`. */
function removeListedValues(holder: Json, def: AttributeDefinition, value: unknown, where: string): void {
  const listed = Array.isArray(value) ? value : [value];
  const targets: Json[] = [];
  for (const item of listed) {
    if (!isPlainObject(item)) throw invalidValue(`${where}: values to remove from '${def.name}' must be objects`);
    const clean: Json = {};
    for (const [k, v] of Object.entries(item)) {
      if (v === null) continue;
      const subDef = findSubAttribute(def, k);
      if (!subDef) throw unknownAttribute('invalidValue', `${where}: '${def.name}' has no sub-attribute '${k}'`);
      clean[subDef.name] = v;
    }
    targets.push(clean);
  }
  const list = Array.isArray(holder[def.name]) ? (holder[def.name] as unknown[]) : [];
  const kept = list.filter((element) => !targets.some((t) => matchesListed(element, t)));
  if (kept.length > 0) holder[def.name] = kept;
  else delete holder[def.name];
}

function matchesListed(element: unknown, target: Json): boolean {
  if (!isPlainObject(element)) return false;
  if (target.value !== undefined) return element.value === target.value;
  const keys = Object.keys(target);
  return keys.length > 0 && keys.every((k) => element[k] === target[k]);
}
