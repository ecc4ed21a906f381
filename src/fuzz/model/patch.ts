// The model's PATCH (RFC 7644 §3.5.2) for the operations the fuzzer generates. Operations are data
// (ModelOp), rendered to the wire by `wireOperation` and applied to the model by `applyOps`, so what
// is sent and what is expected can never drift apart. The request is atomic: one failing operation
// means an error response and no change at all.
import { isPlainObject, isPresent, type ResourceSchemas } from '../../filter/index.ts';
import type { AttributeDefinition } from '../../spec/scim-schemas.ts';

export type Json = Record<string, unknown>;

export interface Target {
  /** Extension URN, or null for core attributes. */
  container: string | null;
  name: string;
  sub?: string;
}

export type ModelOp =
  | { kind: 'set'; op: 'add' | 'replace'; target: Target; value: unknown; shout?: boolean }
  | { kind: 'remove'; target: Target; shout?: boolean }
  /** `emails[type eq "work"]` or `emails[type eq "work"].value` */
  | { kind: 'filtered-replace'; attr: string; type: string; sub?: string; value: unknown }
  | { kind: 'filtered-remove'; attr: string; type: string }
  | { kind: 'pathless'; op: 'add' | 'replace'; value: Json };

export type PatchOutcome =
  /**
   * Every conforming server ends here, or in one of `alternatives` where the RFC reads two ways
   * (a filtered replace of a whole complex value: RFC 7644 §3.5.2.3 says the matching values "SHALL
   * be replaced", and also that sub-attributes a complex value does not specify are left unchanged).
   */
  | { kind: 'ok'; data: Json; alternatives?: Json[] }
  /** Every conforming server answers 4xx and changes nothing. */
  | { kind: 'error'; reason: string }
  /** The RFC allows both: success with `data`, or 4xx with no change (removing what is not there). */
  | { kind: 'either'; data: Json; reason: string; alternatives?: Json[] };

export function definition(schemas: ResourceSchemas, container: string | null, name: string): AttributeDefinition | undefined {
  const defs = container === null ? [...schemas.common, ...schemas.core.attributes] : (schemas.extensions.find((e) => e.id === container)?.attributes ?? []);
  return defs.find((d) => d.name.toLowerCase() === name.toLowerCase());
}

function shouted(name: string, shout: boolean | undefined): string {
  return shout ? name.charAt(0).toUpperCase() + name.slice(1) : name;
}

export function pathText(target: Target, shout?: boolean): string {
  const name = shouted(target.name, shout);
  return `${target.container ? `${target.container}:` : ''}${name}${target.sub ? `.${target.sub}` : ''}`;
}

/** The operation as a client sends it. */
export function wireOperation(op: ModelOp): Json {
  switch (op.kind) {
    case 'set':
      return { op: op.op, path: pathText(op.target, op.shout), value: op.value };
    case 'remove':
      return { op: 'remove', path: pathText(op.target, op.shout) };
    case 'filtered-replace':
      return { op: 'replace', path: `${op.attr}[type eq ${JSON.stringify(op.type)}]${op.sub ? `.${op.sub}` : ''}`, value: op.value };
    case 'filtered-remove':
      return { op: 'remove', path: `${op.attr}[type eq ${JSON.stringify(op.type)}]` };
    case 'pathless':
      return { op: op.op, value: op.value };
  }
}

export function patchBody(ops: readonly ModelOp[]): Json {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops.map(wireOperation) };
}

class OpError extends Error {}
class Ambiguous extends Error {}

function holderOf(data: Json, container: string | null, create: boolean): Json | undefined {
  if (container === null) return data;
  const existing = data[container];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: Json = {};
  data[container] = fresh;
  return fresh;
}

function tidy(data: Json, container: string | null): void {
  if (container !== null && isPlainObject(data[container]) && Object.keys(data[container] as Json).length === 0) delete data[container];
}

function clearOtherPrimaries(list: Json[], keep: Json): void {
  for (const e of list) if (e !== keep && e.primary === true) e.primary = false;
}

function setValue(schemas: ResourceSchemas, data: Json, op: 'add' | 'replace', target: Target, value: unknown): void {
  const def = definition(schemas, target.container, target.name);
  if (!def) throw new OpError(`unknown attribute ${pathText(target)}`);
  const holder = holderOf(data, target.container, true)!;
  const name = def.name;
  if (target.sub !== undefined) {
    const parent = isPlainObject(holder[name]) ? (holder[name] as Json) : {};
    parent[target.sub] = value;
    holder[name] = parent;
    return;
  }
  if (def.multiValued) {
    const incoming = (Array.isArray(value) ? value : [value]).map((v) => (isPlainObject(v) ? { ...v } : v));
    if (op === 'replace') {
      holder[name] = incoming;
      return;
    }
    const list = [...(Array.isArray(holder[name]) ? (holder[name] as unknown[]) : []), ...incoming];
    const fresh = incoming.find((v) => isPlainObject(v) && v.primary === true) as Json | undefined;
    if (fresh) clearOtherPrimaries(list.filter(isPlainObject), fresh);
    holder[name] = list;
    return;
  }
  if (def.type === 'complex' && isPlainObject(value)) {
    // RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes not named in the value are left unchanged.
    holder[name] = { ...(isPlainObject(holder[name]) ? (holder[name] as Json) : {}), ...value };
    return;
  }
  holder[name] = value;
}

function removeValue(schemas: ResourceSchemas, data: Json, target: Target): void {
  const def = definition(schemas, target.container, target.name);
  if (!def) throw new OpError(`unknown attribute ${pathText(target)}`);
  if (def.required && target.sub === undefined) throw new OpError(`${def.name} is required`);
  const holder = holderOf(data, target.container, false);
  const current = holder?.[def.name];
  if (target.sub !== undefined) {
    if (!isPlainObject(current) || !isPresent(current[target.sub])) throw new Ambiguous(`${pathText(target)} has no value to remove`);
    delete current[target.sub];
    if (Object.keys(current).length === 0) delete holder![def.name];
  } else {
    if (!isPresent(current)) throw new Ambiguous(`${pathText(target)} has no value to remove`);
    delete holder![def.name];
  }
  tidy(data, target.container);
}

function matching(data: Json, attr: string, type: string): { list: Json[]; matched: Json[] } {
  const list = (Array.isArray(data[attr]) ? (data[attr] as unknown[]) : []).filter(isPlainObject);
  const matched = list.filter((e) => typeof e.type === 'string' && e.type.toLowerCase() === type.toLowerCase());
  return { list, matched };
}

function applyOne(schemas: ResourceSchemas, data: Json, op: ModelOp, merge = false): void {
  switch (op.kind) {
    case 'set':
      setValue(schemas, data, op.op, op.target, op.value);
      return;
    case 'remove':
      removeValue(schemas, data, op.target);
      return;
    case 'filtered-replace': {
      const { list, matched } = matching(data, op.attr, op.type);
      if (matched.length === 0) {
        // RFC 7644 §3.5.2.3 reads two ways when the user holds no value of the attribute at all:
        // "an attribute that does not exist" is treated as an add (of the element the filter
        // describes), or the unmatched value filter is 400 noTarget. Either answer is a correct server's.
        if (!isPresent(data[op.attr])) {
          data[op.attr] = [op.sub !== undefined ? { type: op.type, [op.sub]: op.value } : { type: op.type, ...(op.value as Json) }];
          throw new Ambiguous(`${op.attr} holds no value, so a replace through ${op.attr}[type eq "${op.type}"] is an add or 400 noTarget (RFC 7644 §3.5.2.3)`);
        }
        // RFC 7644 §3.5.2.3: a value filter that matches none of the values there is 400 noTarget.
        throw new OpError(`no ${op.attr} value has type ${op.type} (noTarget)`);
      }
      if (op.sub !== undefined) {
        for (const e of matched) e[op.sub] = op.value;
        return;
      }
      const replacement = op.value as Json;
      data[op.attr] = list.map((e) => (matched.includes(e) ? (merge ? { ...e, ...replacement } : { ...replacement }) : e));
      const fresh = (data[op.attr] as Json[]).find((e) => e.primary === true && replacement.primary === true);
      if (fresh) clearOtherPrimaries(data[op.attr] as Json[], fresh);
      return;
    }
    case 'filtered-remove': {
      const { list, matched } = matching(data, op.attr, op.type);
      if (matched.length === 0) throw new Ambiguous(`no ${op.attr} value has type ${op.type} to remove`);
      const kept = list.filter((e) => !matched.includes(e));
      if (kept.length > 0) data[op.attr] = kept;
      else delete data[op.attr];
      return;
    }
    case 'pathless':
      for (const [key, value] of Object.entries(op.value)) {
        const ext = schemas.extensions.find((e) => e.id === key);
        if (ext && isPlainObject(value)) {
          for (const [sub, v] of Object.entries(value)) setValue(schemas, data, op.op, { container: ext.id, name: sub }, v);
        } else {
          setValue(schemas, data, op.op, { container: null, name: key }, value);
        }
      }
      return;
  }
}

/** Applies the operations to a copy of `data` as a conforming server must. */
export function applyOps(schemas: ResourceSchemas, data: Json, ops: readonly ModelOp[]): PatchOutcome {
  const copy = structuredClone(data);
  let ambiguity: string | undefined;
  for (const op of ops) {
    try {
      applyOne(schemas, copy, op);
    } catch (error) {
      if (error instanceof OpError) return { kind: 'error', reason: error.message };
      if (error instanceof Ambiguous) {
        ambiguity ??= error.message;
        continue;
      }
      throw error;
    }
  }
  // A PATCH may not leave out what the server requires (RFC 7643 §2.2): every server refuses it.
  const missing = missingRequired(schemas, copy);
  if (missing) return { kind: 'error', reason: `${missing} is required` };
  const alternatives = mergedReading(schemas, data, ops, copy);
  if (ambiguity) return { kind: 'either', data: copy, reason: ambiguity, ...alternatives };
  return { kind: 'ok', data: copy, ...alternatives };
}

/** The first required attribute (or sub-attribute of a present value) the data lacks. */
function missingRequired(schemas: ResourceSchemas, data: Json): string | undefined {
  const absent = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  for (const def of schemas.core.attributes) {
    if (def.mutability === 'readOnly') continue;
    const value = data[def.name];
    if (def.required && absent(value)) return def.name;
    if (absent(value) || def.type !== 'complex') continue;
    for (const element of Array.isArray(value) ? value : [value]) {
      for (const sub of def.subAttributes ?? []) if (sub.required && sub.mutability !== 'readOnly' && absent((element as Json)[sub.name])) return `${def.name}.${sub.name}`;
    }
  }
  return undefined;
}

/** The state under the other reading of a filtered replace of a whole complex value, if it differs. */
function mergedReading(schemas: ResourceSchemas, data: Json, ops: readonly ModelOp[], replaced: Json): { alternatives?: Json[] } {
  if (!ops.some((op) => op.kind === 'filtered-replace' && op.sub === undefined)) return {};
  const merged = structuredClone(data);
  for (const op of ops) {
    try {
      applyOne(schemas, merged, op, true);
    } catch (error) {
      if (!(error instanceof Ambiguous)) throw error;
    }
  }
  return JSON.stringify(merged) === JSON.stringify(replaced) ? {} : { alternatives: [merged] };
}
