// PATCH (RFC 7644 §3.5.2) on a copy of the stored resource; the caller validates the result, so
// a PATCH applies all of its operations or none. Tolerates what IdPs send: capitalised op names
// and "True"/"False" (Entra), dotted and URN-qualified keys in path-less values, `id` inside an
// Okta group rename, member removal by a value list (Entra) or by a value filter.
import { badRequest, ScimError } from './errors.ts';
import { elementMatcher, parseText, splitUrn } from './filter.ts';
import { findAttr, type Attr, type ResourceModel } from './schema.ts';
import type { Resource } from './validate.ts';

interface Target {
  /** The object holding the attribute: the resource, or its extension object (created on demand). */
  holder: () => Resource;
  peek: () => Resource | undefined;
  def: Attr;
  filter?: (element: unknown) => boolean;
  /** The `attr eq "x"` pairs of the filter, to build an element when an add matches nothing. */
  seed?: Resource;
  sub?: Attr;
  text: string;
}

const isObject = (v: unknown): v is Resource => typeof v === 'object' && v !== null && !Array.isArray(v);
const PATH = /^([^[\]]+?)(?:\[(.+)\])?(?:\.([^.[\]]+))?$/;

function eqPairs(node: unknown): Resource | undefined {
  const n = node as { op: string; attrPath?: string; compValue?: unknown; filters?: unknown[] };
  if (n.op === 'eq' && n.attrPath && !n.attrPath.includes('.')) return { [n.attrPath]: n.compValue };
  if (n.op === 'and') {
    const parts = n.filters!.map(eqPairs);
    return parts.every((p) => p !== undefined) ? Object.assign({}, ...parts) : undefined;
  }
  return undefined;
}

/** How a PATCH is read: attributes the schema does not define, and the interoperability profile's subset. */
export interface PatchOptions {
  rejectUnknown: boolean;
  /**
   * draft-zollner-scim-interop-profile §6.5: every operation names a path (400 invalidSyntax
   * otherwise), a path to an undefined attribute is invalidSyntax (§5.3), and a replace of a
   * singular complex attribute replaces it whole while an add merges into it.
   */
  interop?: boolean;
  /** A remove whose value filter matches nothing is 400 noTarget (RFC 7644 §3.12 Table 9). */
  removeNoTarget?: boolean;
  /** A replace whose value filter names an attribute with no value at all adds the filter's element (RFC 7644 §3.5.2.3, first bullet). */
  replaceAbsentAdds?: boolean;
}

function resolve(model: ResourceModel, draft: Resource, path: string, o: PatchOptions = { rejectUnknown: true }): Target {
  try {
    return resolvePath(model, draft, path);
  } catch (error) {
    if (o.interop && error instanceof UndefinedAttribute) throw badRequest('invalidSyntax', `${error.message} (not defined in /Schemas)`);
    throw error;
  }
}

/** A path naming an attribute or sub-attribute the schema does not define (400 invalidPath under RFC 7644). */
class UndefinedAttribute extends ScimError {
  constructor(detail: string) {
    super(400, 'invalidPath', detail);
  }
}

function resolvePath(model: ResourceModel, draft: Resource, path: string): Target {
  const urn = splitUrn(model, path.trim());
  const m = PATH.exec(urn ? urn.rest : path.trim());
  if (!m) throw badRequest('invalidPath', `"${path}" is not an attribute path`);
  const [, attrText, filterText, subText] = m as unknown as [string, string, string | undefined, string | undefined];
  const ext = urn && urn.schemaId !== model.core.id ? model.extensions.find((e) => e.id === urn.schemaId) : undefined;
  let name = attrText;
  let sub = subText;
  if (!filterText && !sub && name.includes('.')) [name, sub] = name.split('.', 2) as [string, string];
  // An unqualified name is looked up in the core schema first, then in the extensions.
  let defs = ext ? ext.attributes : model.core.attributes;
  let extId = ext?.id;
  let def = findAttr(defs, name);
  if (!def && !urn) {
    for (const e of model.extensions) {
      const found = findAttr(e.attributes, name);
      if (found) [def, defs, extId] = [found, e.attributes, e.id];
    }
  }
  if (!def) {
    if (!urn && ['id', 'meta', 'schemas'].includes(name.toLowerCase())) throw new ScimError(400, 'mutability', `${name} is read-only`);
    if (!urn && name.toLowerCase() === 'externalid') def = { name: 'externalId', type: 'string', multiValued: false, required: false, caseExact: true, mutability: 'readWrite', returned: 'default', uniqueness: 'none' };
    else throw new UndefinedAttribute(`"${path}": this server's schema has no attribute ${name}`);
  }
  if (def.mutability === 'readOnly') throw new ScimError(400, 'mutability', `${def.name} is read-only`);
  const subDef = sub === undefined ? undefined : findAttr(def.subAttributes, sub);
  if (sub !== undefined && !subDef) throw new UndefinedAttribute(`"${path}": ${def.name} has no sub-attribute ${sub}`);
  let filter: Target['filter'];
  let seed: Resource | undefined;
  if (filterText !== undefined) {
    if (!def.multiValued || !def.subAttributes) throw badRequest('invalidPath', `"${path}": only multi-valued complex attributes take a value filter`);
    const node = parseText(filterText);
    filter = elementMatcher(def.subAttributes, model, node);
    seed = eqPairs(node);
  }
  const holderKey = extId;
  return {
    holder: () => {
      if (!holderKey) return draft;
      if (!isObject(draft[holderKey])) draft[holderKey] = {};
      return draft[holderKey] as Resource;
    },
    peek: () => (holderKey ? (isObject(draft[holderKey]) ? (draft[holderKey] as Resource) : undefined) : draft),
    def,
    ...(filter ? { filter } : {}),
    ...(seed ? { seed } : {}),
    ...(subDef ? { sub: subDef } : {}),
    text: path,
  };
}

const sameMember = (a: unknown, b: unknown): boolean => isObject(a) && isObject(b) && a.value !== undefined && a.value === b.value;

function elementsOf(holder: Resource | undefined, def: Attr): unknown[] {
  const v = holder?.[def.name];
  return Array.isArray(v) ? v : [];
}

function append(holder: Resource, def: Attr, value: unknown): void {
  const incoming = Array.isArray(value) ? value : [value];
  const list = [...elementsOf(holder, def)];
  for (const item of incoming) {
    if (item === null || item === undefined) continue;
    // An element already there (same value) is not added twice (RFC 7644 §3.5.2.1).
    const existing = list.findIndex((el) => sameMember(el, item) || JSON.stringify(el) === JSON.stringify(item));
    if (isObject(item) && item.primary === true) for (const el of list) if (isObject(el)) delete el.primary;
    if (existing >= 0) list[existing] = isObject(item) && isObject(list[existing]) ? { ...(list[existing] as Resource), ...item } : item;
    else list.push(item);
  }
  holder[def.name] = list;
}

function setWhole(holder: Resource, def: Attr, value: unknown, merge: boolean): void {
  if (value === null) {
    delete holder[def.name];
    return;
  }
  if (def.type === 'complex' && !def.multiValued && merge && isObject(value) && isObject(holder[def.name])) {
    holder[def.name] = { ...(holder[def.name] as Resource), ...value };
    return;
  }
  holder[def.name] = value;
}

function apply(op: 'add' | 'replace', target: Target, value: unknown, replaceWhole = false, replaceAbsentAdds = false): void {
  const { def, sub, filter } = target;
  if (filter) {
    const holder = target.holder();
    const list = elementsOf(holder, def).map((el) => (isObject(el) ? { ...el } : el));
    const matches = list.filter((el) => filter(el));
    if (matches.length === 0) {
      if ((op === 'add' || (replaceAbsentAdds && list.length === 0)) && target.seed) {
        const element = sub ? { ...target.seed, [sub.name]: value } : { ...target.seed, ...(isObject(value) ? value : {}) };
        holder[def.name] = [...list, element];
        return;
      }
      throw badRequest('noTarget', `"${target.text}" matches no value`);
    }
    for (const el of matches) {
      if (!isObject(el)) continue;
      if (sub) {
        if (value === null) delete el[sub.name];
        else el[sub.name] = value;
        if (sub.name === 'primary' && value === true) for (const other of list) if (other !== el && isObject(other)) delete other.primary;
      } else if (isObject(value)) Object.assign(el, value);
    }
    holder[def.name] = list;
    return;
  }
  if (sub) {
    const holder = target.holder();
    const current = holder[def.name];
    if (def.multiValued) {
      // `emails.value` without a filter: every element (RFC 7644 §3.5.2.3 leaves this open; all is the plain reading).
      const list = elementsOf(holder, def).map((el) => (isObject(el) ? { ...el, [sub.name]: value } : el));
      holder[def.name] = list;
      return;
    }
    const obj = isObject(current) ? { ...current } : {};
    if (value === null) delete obj[sub.name];
    else obj[sub.name] = value;
    holder[def.name] = obj;
    return;
  }
  const holder = target.holder();
  if (def.multiValued) {
    if (op === 'add') append(holder, def, value);
    else if (value === null) delete holder[def.name];
    else {
      holder[def.name] = [];
      append(holder, def, value);
    }
    return;
  }
  setWhole(holder, def, value, !(replaceWhole && op === 'replace'));
}

function remove(target: Target, value: unknown, noTarget = false): void {
  const holder = target.peek();
  const { def, sub, filter } = target;
  if (noTarget && filter && !elementsOf(holder, def).some((el) => filter(el))) throw badRequest('noTarget', `"${target.text}" matches no value`);
  if (!holder) return;
  if (filter) {
    const list = elementsOf(holder, def);
    if (sub) holder[def.name] = list.map((el) => (isObject(el) && filter(el) ? Object.fromEntries(Object.entries(el).filter(([k]) => k !== sub.name)) : el));
    else holder[def.name] = list.filter((el) => !filter(el));
    return;
  }
  if (sub) {
    if (def.multiValued) holder[def.name] = elementsOf(holder, def).map((el) => (isObject(el) ? Object.fromEntries(Object.entries(el).filter(([k]) => k !== sub.name)) : el));
    else if (isObject(holder[def.name])) delete (holder[def.name] as Resource)[sub.name];
    return;
  }
  // Entra removes members by listing them in `value` (ENTRA-1.7); without a value the whole attribute goes.
  if (def.multiValued && value !== undefined && value !== null) {
    const doomed = (Array.isArray(value) ? value : [value]).map((v) => (isObject(v) ? v.value : v));
    holder[def.name] = elementsOf(holder, def).filter((el) => !(isObject(el) && doomed.includes(el.value)));
    return;
  }
  delete holder[def.name];
}

/** Applies a PatchOp body to a copy of `current`; returns the draft, to be validated by the caller. */
export function applyPatch(model: ResourceModel, current: Resource, id: string, body: unknown, o: PatchOptions): Resource {
  const { rejectUnknown } = o;
  const interop = o.interop === true;
  if (!isObject(body)) throw badRequest('invalidSyntax', 'a PATCH body must be a JSON object');
  if (!Array.isArray(body.schemas) || !body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:PatchOp')) throw badRequest('invalidSyntax', 'a PATCH body must list urn:ietf:params:scim:api:messages:2.0:PatchOp in "schemas"');
  const ops = body.Operations ?? body.operations;
  if (!Array.isArray(ops) || ops.length === 0) throw badRequest('invalidSyntax', 'a PATCH body needs a non-empty "Operations" list');
  const draft = structuredClone(current);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string') throw badRequest('invalidSyntax', 'every operation needs an "op"');
    const op = raw.op.toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw badRequest('invalidSyntax', `unknown PATCH op "${raw.op}"`);
    const path = raw.path;
    if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) throw badRequest('invalidPath', '"path" must be an attribute path');
    if (interop && path === undefined) throw badRequest('invalidSyntax', `the ${op} operation has no "path"; every operation must name one (SCIM interoperability profile §6.5.1.1)`);
    if (op === 'remove') {
      if (path === undefined) throw badRequest('noTarget', 'a remove operation needs a path');
      remove(resolve(model, draft, path, o), raw.value, o.removeNoTarget === true);
      continue;
    }
    if (!('value' in raw)) throw badRequest('invalidValue', `the ${op} operation has no value`);
    if (path !== undefined) {
      apply(op, resolve(model, draft, path, o), raw.value, interop, o.replaceAbsentAdds === true);
      continue;
    }
    if (!isObject(raw.value)) throw badRequest('invalidValue', `a ${op} without a path needs an object value`);
    for (const [key, value] of Object.entries(raw.value)) {
      const k = key.toLowerCase();
      if (k === 'schemas' || k === 'meta') continue;
      // Okta's group rename carries the group's own id; another id is a change of a read-only attribute.
      if (k === 'id') {
        if (value !== id) throw new ScimError(400, 'mutability', 'id is read-only');
        continue;
      }
      const extension = model.extensions.find((e) => e.id.toLowerCase() === k);
      if (extension && isObject(value)) {
        for (const [subKey, subValue] of Object.entries(value)) apply(op, resolve(model, draft, `${extension.id}:${subKey}`), subValue);
        continue;
      }
      let target: Target;
      try {
        target = resolve(model, draft, key);
      } catch (error) {
        // Unknown keys of a value object are treated like unknown attributes of a POST body.
        if (error instanceof ScimError && error.scimType === 'invalidPath') {
          if (rejectUnknown) throw badRequest('invalidValue', `the attribute "${key}" is not defined by this server's schema`);
          continue;
        }
        throw error;
      }
      apply(op, target, value);
    }
  }
  return draft;
}
