// RFC 7644 §3.5.2 PATCH. Operations apply in order to a copy of the stored attributes; the caller commits
// the copy only when every operation succeeded, so a failing request changes nothing.
// Tolerated deviations: `op` in any case (Entra's "Replace"), string booleans, path-less value objects
// with dotted or URN-qualified keys, member removal by a `value` list, Entra's manager shapes.
import {
  compileFilter,
  FilterSyntaxError,
  findSubAttribute,
  isExtensionResolution,
  isPlainObject,
  parseAttrPath,
  parsePatchPath,
  resolveAttribute,
  type Filter,
  type PatchPath,
  type Resolution,
  type ResolvedAttribute,
} from '../filter/index.ts';
import { URN, type AttributeDefinition } from '../spec/scim-schemas.ts';
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget } from './errors.ts';
import type { ResourceType } from './resource-types.ts';
import { isManager, normalizeSingle, normalizeValue, type Json } from './validate.ts';

type Op = 'add' | 'replace' | 'remove';
const MAX_OPERATIONS = 1000;

interface PatchContext {
  type: ResourceType;
  id: string;
}

/** Applies a PatchOp body to a copy of `data` and returns the copy. Throws ScimError. */
export function applyPatch(ctx: PatchContext, data: Json, body: unknown): Json {
  if (!isPlainObject(body)) throw invalidSyntax('the request body must be a JSON object');
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  const schemas = schemasKey === undefined ? undefined : body[schemasKey];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.patchOp.toLowerCase())) {
    throw invalidSyntax(`'schemas' must be ["${URN.patchOp}"]`);
  }
  const opsKey = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const operations = opsKey === undefined ? undefined : body[opsKey];
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax("'Operations' must be a non-empty array");
  if (operations.length > MAX_OPERATIONS) throw invalidSyntax(`at most ${MAX_OPERATIONS} operations per request`);
  const copy = structuredClone(data);
  operations.forEach((operation, index) => applyOperation(ctx, copy, operation, index));
  return copy;
}

function member(obj: Json, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : obj[key];
}

function applyOperation(ctx: PatchContext, data: Json, operation: unknown, index: number): void {
  const where = `Operations[${index}]`;
  if (!isPlainObject(operation)) throw invalidSyntax(`${where} must be an object`);
  const rawOp = member(operation, 'op');
  const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : undefined;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') throw invalidSyntax(`${where}.op must be "add", "replace" or "remove"`);
  const rawPath = member(operation, 'path');
  const hasValue = Object.keys(operation).some((k) => k.toLowerCase() === 'value');
  const value = member(operation, 'value');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') throw invalidPath(`${where}.path must be a string`);
  const pathText = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath : undefined;
  if (op !== 'remove' && !hasValue) throw invalidValue(`${where}: "${op}" needs a "value"`);
  if (pathText === undefined) {
    if (op === 'remove') throw noTarget(`${where}: "remove" needs a "path"`);
    if (!isPlainObject(value)) throw invalidValue(`${where}: without a "path" the value must be an object of attributes`);
    applyPathless(ctx, data, op, value, where);
    return;
  }
  let path: PatchPath;
  let resolution: Resolution;
  try {
    path = parsePatchPath(pathText);
    resolution = resolveAttribute(ctx.type.schemas, path.attr);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw invalidPath(`${where}.path "${pathText.slice(0, 200)}": ${error.message}`);
    throw error;
  }
  if (isExtensionResolution(resolution)) {
    if (path.filter) throw invalidPath(`${where}.path: a schema URN cannot take a value filter`);
    if (op === 'remove') {
      delete data[resolution.container];
      return;
    }
    if (!isPlainObject(value)) throw invalidValue(`${where}: the value for ${resolution.container} must be an object`);
    for (const [key, v] of Object.entries(value)) {
      applyToAttribute(ctx, data, op, resolveKey(ctx, `${resolution.container}:${key}`, where, invalidValue), v, `${where}.value.${key}`, false);
    }
    return;
  }
  if (path.filter) {
    applyFiltered(ctx, data, op, resolution, path.filter, path.subAfterFilter, value, hasValue, where);
    return;
  }
  applyToAttribute(ctx, data, op, resolution, value, where, hasValue);
}

/** Path-less add/replace: each key of the value object is an attribute path of its own. */
function applyPathless(ctx: PatchContext, data: Json, op: 'add' | 'replace', value: Json, where: string): void {
  for (const [key, v] of Object.entries(value)) {
    const lowerKey = key.toLowerCase();
    if (lowerKey === 'schemas' || lowerKey === 'meta') continue;
    if (lowerKey === 'id') {
      // Okta's group rename repeats the id; only a different id is an attempt to change it.
      if (v !== ctx.id) throw mutability(`${where}: id is readOnly`);
      continue;
    }
    const resolution = resolveKey(ctx, key, where, invalidPath);
    if (isExtensionResolution(resolution)) {
      if (v === null) {
        if (op === 'replace') delete data[resolution.container];
        continue;
      }
      if (!isPlainObject(v)) throw invalidValue(`${where}: the value for ${resolution.container} must be an object`);
      for (const [subKey, subValue] of Object.entries(v)) {
        applyToAttribute(ctx, data, op, resolveKey(ctx, `${resolution.container}:${subKey}`, where, invalidPath), subValue, `${where}.value.${key}.${subKey}`, true);
      }
      continue;
    }
    applyToAttribute(ctx, data, op, resolution, v, `${where}.value.${key}`, true);
  }
}

function resolveKey(ctx: PatchContext, key: string, where: string, fail: (detail: string) => Error): Resolution {
  try {
    return resolveAttribute(ctx.type.schemas, parseAttrPath(key));
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw fail(`${where}: ${error.message}`);
    throw error;
  }
}

function holderOf(data: Json, container: string | null, create: boolean): Json | undefined {
  if (container === null) return data;
  const existing = data[container];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: Json = {};
  data[container] = fresh;
  return fresh;
}

function cleanup(data: Json, container: string | null): void {
  if (container !== null && isPlainObject(data[container]) && Object.keys(data[container] as Json).length === 0) delete data[container];
}

function checkMutable(def: AttributeDefinition, sub: AttributeDefinition | undefined, where: string): void {
  if (def.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    throw mutability(`${where}: '${sub ? `${def.name}.${sub.name}` : def.name}' is readOnly`);
  }
}

/** add/replace/remove on an attribute or `attr.sub`, without a value filter. */
function applyToAttribute(ctx: PatchContext, data: Json, op: Op, resolution: Resolution, value: unknown, where: string, hasValue: boolean): void {
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
      // RFC 7644 §3.5.2.1/3: sub-attributes not named in the value are left unchanged.
      holder[name] = isPlainObject(existing) ? { ...existing, ...(v as Json) } : v;
    }
  } else {
    const v = normalizeValue(def, value, container === null ? name : `${container}:${name}`);
    if (v === undefined) delete holder[name];
    else holder[name] = v;
  }
  cleanup(data, container);
}

function setOrDelete(obj: Json, key: string, value: unknown): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

function primaries(list: unknown): Set<unknown> {
  return new Set(Array.isArray(list) ? list.filter((e) => isPlainObject(e) && e.primary === true) : []);
}

/** When an operation makes a value primary, every other value of the attribute stops being primary. */
function enforcePrimary(holder: Json, name: string, before: Set<unknown>, where: string): void {
  const list = holder[name];
  if (!Array.isArray(list)) return;
  const now = list.filter((e) => isPlainObject(e) && e.primary === true) as Json[];
  if (now.length <= 1) return;
  const fresh = now.filter((e) => !before.has(e));
  if (fresh.length !== 1) throw invalidValue(`${where}: only one value of '${name}' may be primary`);
  for (const e of now) if (e !== fresh[0]) e.primary = false;
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
      if (!subDef) throw invalidValue(`${where}: '${def.name}' has no sub-attribute '${k}'`);
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

/** Operations whose path carries a value filter: `emails[type eq "work"].value`, `members[value eq "x"]`. */
function applyFiltered(
  ctx: PatchContext,
  data: Json,
  op: Op,
  resolution: ResolvedAttribute,
  filter: Filter,
  subName: string | undefined,
  value: unknown,
  hasValue: boolean,
  where: string,
): void {
  const { container, def } = resolution;
  if (!def.multiValued || def.type !== 'complex') throw invalidPath(`${where}: a value filter needs a multi-valued complex attribute, '${def.name}' is not`);
  checkMutable(def, undefined, where);
  let sub: AttributeDefinition | undefined;
  if (subName !== undefined) {
    sub = findSubAttribute(def, subName);
    if (!sub) throw invalidPath(`${where}: '${def.name}' has no sub-attribute '${subName}'`);
    checkMutable(def, sub, where);
    if (sub.mutability === 'immutable' && op !== 'add') throw mutability(`${where}: '${def.name}.${sub.name}' is immutable`);
  }
  let matches: (element: Json) => boolean;
  try {
    const predicate = compileFilter({ kind: 'valuePath', path: { name: def.name, text: def.name }, filter }, {
      ...ctx.type.schemas,
      // Compile against a one-attribute schema so the filter is evaluated on a single element.
      core: { ...ctx.type.schemas.core, attributes: [def] },
      common: [],
      extensions: [],
    });
    matches = (element) => predicate({ [def.name]: [element] });
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw invalidPath(`${where}: ${error.message}`);
    throw error;
  }
  const holder = holderOf(data, container, op === 'add');
  const list = holder && Array.isArray(holder[def.name]) ? (holder[def.name] as unknown[]) : [];
  const matched = list.filter((e): e is Json => isPlainObject(e) && matches(e));
  const before = primaries(list);

  if (op === 'remove') {
    if (matched.length === 0 || !holder) return;
    if (sub) {
      for (const e of matched) delete e[sub.name];
      const kept = list.filter((e) => !isPlainObject(e) || Object.keys(e).length > 0);
      if (kept.length > 0) holder[def.name] = kept;
      else delete holder[def.name];
    } else {
      const kept = list.filter((e) => !matched.includes(e as Json));
      if (kept.length > 0) holder[def.name] = kept;
      else delete holder[def.name];
    }
    cleanup(data, container);
    return;
  }

  if (!hasValue) throw invalidValue(`${where}: "${op}" needs a "value"`);
  if (matched.length === 0) {
    if (op === 'replace') throw noTarget(`${where}: no value of '${def.name}' matches the filter`);
    // add with a filter that matches nothing creates the element the filter describes (Entra sends
    // `add` to `emails[type eq "work"].value` for a user without a work email).
    const seed = elementFromFilter(filter);
    if (!seed || !holder) throw noTarget(`${where}: no value of '${def.name}' matches the filter`);
    const element = normalizeSingle(def, seed, def.name) as Json;
    if (sub) {
      const v = normalizeSingle(sub, value, `${def.name}.${sub.name}`);
      if (v === undefined) return;
      element[sub.name] = v;
    } else {
      const v = normalizeSingle(def, value, def.name);
      if (isPlainObject(v)) Object.assign(element, v);
    }
    holder[def.name] = [...list, element];
    enforcePrimary(holder, def.name, before, where);
    cleanup(data, container);
    return;
  }
  if (!holder) return;
  if (sub) {
    const v = normalizeSingle(sub, value, `${def.name}.${sub.name}`);
    for (const e of matched) setOrDelete(e, sub.name, v);
  } else {
    const v = normalizeSingle(def, value, def.name);
    if (!isPlainObject(v)) throw invalidValue(`${where}: the value must be an object of '${def.name}' sub-attributes`);
    const replaced = list.map((e) => (matched.includes(e as Json) ? (op === 'add' ? { ...(e as Json), ...v } : { ...v }) : e));
    holder[def.name] = replaced;
  }
  enforcePrimary(holder, def.name, before, where);
  cleanup(data, container);
}

/** `type eq "work"` or `type eq "work" and primary eq true` → `{type: "work", primary: true}`. */
function elementFromFilter(filter: Filter): Json | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null && filter.path.uri === undefined && filter.path.sub === undefined) {
    return { [filter.path.name]: filter.value };
  }
  if (filter.kind === 'and') {
    const left = elementFromFilter(filter.left);
    const right = elementFromFilter(filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}
