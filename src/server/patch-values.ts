// What every PATCH operation does to the attributes it touches: find (or create) the object that
// holds them (the resource or an extension), refuse read-only ones, keep at most one primary value,
// and drop an extension object left empty.
import { isPlainObject } from '../filter/index.ts';
import type { AttributeDefinition } from '../spec/scim-schemas.ts';
import { invalidValue, mutability } from './errors.ts';
import type { ResourceType } from './resource-types.ts';
import type { Json } from './validate.ts';

export type Op = 'add' | 'replace' | 'remove';

export interface PatchContext {
  type: ResourceType;
  id: string;
  /**
   * The interoperability profile's PATCH subset (§6.5): every operation needs a path, and a
   * replace of a singular complex attribute replaces it whole (RFC 7644 §3.5.2.3 merges).
   */
  interop?: boolean;
}

export function holderOf(data: Json, container: string | null, create: boolean): Json | undefined {
  if (container === null) return data;
  const existing = data[container];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: Json = {};
  data[container] = fresh;
  return fresh;
}

export function cleanup(data: Json, container: string | null): void {
  if (container !== null && isPlainObject(data[container]) && Object.keys(data[container] as Json).length === 0) delete data[container];
}

export function checkMutable(def: AttributeDefinition, sub: AttributeDefinition | undefined, where: string): void {
  if (def.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    throw mutability(`${where}: '${sub ? `${def.name}.${sub.name}` : def.name}' is readOnly`);
  }
}

export function setOrDelete(obj: Json, key: string, value: unknown): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

export function primaries(list: unknown): Set<unknown> {
  return new Set(Array.isArray(list) ? list.filter((e) => isPlainObject(e) && e.primary === true) : []);
}

/** When an operation makes a value primary, every other value of the attribute stops being primary. */
export function enforcePrimary(holder: Json, name: string, before: Set<unknown>, where: string): void {
  const list = holder[name];
  if (!Array.isArray(list)) return;
  const now = list.filter((e) => isPlainObject(e) && e.primary === true) as Json[];
  if (now.length <= 1) return;
  const fresh = now.filter((e) => !before.has(e));
  if (fresh.length !== 1) throw invalidValue(`${where}: only one value of '${name}' may be primary`);
  for (const e of now) if (e !== fresh[0]) e.primary = false;
}
