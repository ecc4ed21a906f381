// Operations whose path carries a value filter (`emails[type eq "work"].value`,
// `members[value eq "x"]`): the filter picks the elements of a multi-valued complex attribute the
// operation changes; an `add` that matches nothing creates the element the filter describes.
import { compileFilter, FilterSyntaxError, findSubAttribute, isPlainObject, type Filter, type ResolvedAttribute } from '../filter/index.ts';
import type { AttributeDefinition } from '../spec/scim-schemas.ts';
import { invalidPath, invalidValue, mutability, noTarget } from './errors.ts';
import { checkMutable, cleanup, enforcePrimary, holderOf, primaries, setOrDelete, type Op, type PatchContext } from './patch-values.ts';
import { normalizeSingle, type Json } from './validate.ts';

/** Operations whose path carries a value filter: `emails[type eq "work"].value`, `members[value eq "x"]`. */
export function applyFiltered(
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