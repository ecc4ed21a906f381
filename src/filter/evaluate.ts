// Compiles a parsed filter against a resource type's schemas into a predicate. Compilation checks every
// attribute name and operator/type pairing up front, so a bad filter is rejected (invalidFilter) even
// when the store is empty. String comparisons honour `caseExact`; dateTimes compare chronologically.
import type { AttributeDefinition } from '../spec/scim-schemas.ts';
import { FilterSyntaxError, type AttrPath, type CompareOperator, type CompareValue, type Filter } from './ast.ts';
import { containerOf, findSubAttribute, isExtensionResolution, isPlainObject, resolveAttribute, type ResourceSchemas } from './resolve.ts';

export type Predicate = (resource: Record<string, unknown>) => boolean;
type Getter = (scope: Record<string, unknown>) => unknown[];

const STRING_TYPES = new Set(['string', 'reference', 'binary']);
const ORDER_OPS = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const TEXT_OPS = new Set<CompareOperator>(['co', 'sw', 'ew']);

export interface CompileOptions {
  /**
   * Treat attributes the schemas do not define as absent instead of rejecting the filter. Used for
   * root-level queries, where a filter may name attributes only one resource type has.
   */
  unknownAsAbsent?: boolean;
}

export function compileFilter(filter: Filter, schemas: ResourceSchemas, options: CompileOptions = {}): Predicate {
  return compile(filter, schemas, undefined, options.unknownAsAbsent === true);
}

function isUnknownAttribute(error: unknown): boolean {
  return error instanceof FilterSyntaxError && /^unknown (attribute|schema)/.test(error.message);
}

/** `within` is the multi-valued attribute whose elements a value filter (`emails[...]`) is testing. */
function compile(filter: Filter, schemas: ResourceSchemas, within: AttributeDefinition | undefined, lenient: boolean): Predicate {
  if (lenient && within === undefined && (filter.kind === 'compare' || filter.kind === 'present' || filter.kind === 'valuePath')) {
    try {
      resolveAttribute(schemas, filter.path);
    } catch (error) {
      if (!isUnknownAttribute(error)) throw error;
      const absent = filter.kind === 'compare' && (filter.op === 'ne' ? filter.value !== null : filter.value === null);
      return () => absent;
    }
  }
  switch (filter.kind) {
    case 'and': {
      const left = compile(filter.left, schemas, within, lenient);
      const right = compile(filter.right, schemas, within, lenient);
      return (r) => left(r) && right(r);
    }
    case 'or': {
      const left = compile(filter.left, schemas, within, lenient);
      const right = compile(filter.right, schemas, within, lenient);
      return (r) => left(r) || right(r);
    }
    case 'not': {
      const inner = compile(filter.filter, schemas, within, lenient);
      return (r) => !inner(r);
    }
    case 'valuePath': {
      const { def, getter } = locate(filter.path, schemas, within);
      if (!def.multiValued && def.type !== 'complex') throw new FilterSyntaxError(`'${filter.path.text}' is not a complex or multi-valued attribute`);
      const inner = compile(filter.filter, schemas, def.type === 'complex' ? def : undefined, false);
      return (r) => getter(r).some((element) => isPlainObject(element) && inner(element));
    }
    case 'present': {
      const { def, getter } = locate(filter.path, schemas, within);
      assertFilterable(def, filter.path);
      return (r) => getter(r).some(isPresent);
    }
    case 'compare':
      return compileCompare(filter.path, filter.op, filter.value, schemas, within);
  }
}

function assertFilterable(def: AttributeDefinition, path: AttrPath): void {
  if (def.returned === 'never') throw new FilterSyntaxError(`'${path.text}' cannot be used in a filter`);
}

interface Located {
  def: AttributeDefinition;
  getter: Getter;
}

/** Finds the attribute and builds a function returning its values (flattened over multi-valued parents). */
function locate(path: AttrPath, schemas: ResourceSchemas, within: AttributeDefinition | undefined): Located {
  if (within) {
    if (path.uri !== undefined || path.sub !== undefined) throw new FilterSyntaxError(`'${path.text}' is not a sub-attribute of '${within.name}'`);
    const sub = findSubAttribute(within, path.name);
    if (!sub) throw new FilterSyntaxError(`'${within.name}' has no sub-attribute '${path.name}'`);
    return { def: sub, getter: (element) => flatten(element[sub.name]) };
  }
  const resolved = resolveAttribute(schemas, path);
  if (isExtensionResolution(resolved)) {
    const urn = resolved.container;
    const pseudo: AttributeDefinition = {
      name: urn, type: 'complex', multiValued: false, description: '', required: false, caseExact: false,
      mutability: 'readWrite', returned: 'default', uniqueness: 'none', subAttributes: resolved.extension.attributes,
    };
    return { def: pseudo, getter: (r) => flatten(r[urn]) };
  }
  const { container, def, sub } = resolved;
  const name = def.name;
  if (!sub) return { def, getter: (r) => flatten(containerOf(r, container)?.[name]) };
  const subName = sub.name;
  return {
    def: sub,
    getter: (r) => {
      const out: unknown[] = [];
      for (const parent of flatten(containerOf(r, container)?.[name])) {
        if (isPlainObject(parent)) out.push(...flatten(parent[subName]));
      }
      return out;
    },
  };
}

function flatten(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isPlainObject(value)) return Object.values(value).some(isPresent);
  return true;
}

function compileCompare(path: AttrPath, op: CompareOperator, value: CompareValue, schemas: ResourceSchemas, within: AttributeDefinition | undefined): Predicate {
  let { def, getter } = locate(path, schemas, within);
  assertFilterable(def, path);
  if (def.type === 'complex') {
    // `emails eq "x"` compares the `value` sub-attribute of a multi-valued complex attribute.
    const valueSub = def.multiValued ? findSubAttribute(def, 'value') : undefined;
    if (!valueSub) throw new FilterSyntaxError(`'${path.text}' is complex; compare one of its sub-attributes`);
    const parentGetter = getter;
    getter = (r) => parentGetter(r).flatMap((e) => (isPlainObject(e) ? flatten(e[valueSub.name]) : []));
    def = valueSub;
  }
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') throw new FilterSyntaxError(`'${op}' cannot compare with null`);
    const absent = (r: Record<string, unknown>) => !getter(r).some(isPresent);
    return op === 'eq' ? absent : (r) => !absent(r);
  }
  const test = leafTest(def, op, value, path);
  if (op === 'ne') return (r) => !getter(r).some(test);
  return (r) => getter(r).some(test);
}

function leafTest(def: AttributeDefinition, op: CompareOperator, value: Exclude<CompareValue, null>, path: AttrPath): (leaf: unknown) => boolean {
  const effective: CompareOperator = op === 'ne' ? 'eq' : op;
  const mismatch = (): never => {
    throw new FilterSyntaxError(`'${op}' with ${JSON.stringify(value).slice(0, 60)} does not fit ${def.type} attribute '${path.text}'`);
  };
  switch (def.type) {
    case 'boolean': {
      if (ORDER_OPS.has(op) || TEXT_OPS.has(op)) mismatch();
      const wanted = typeof value === 'boolean' ? value : typeof value === 'string' ? parseBooleanString(value) : undefined;
      if (wanted === undefined) mismatch();
      return (leaf) => leaf === wanted || (typeof leaf === 'string' && parseBooleanString(leaf) === wanted);
    }
    case 'integer':
    case 'decimal': {
      if (typeof value !== 'number' || TEXT_OPS.has(op)) mismatch();
      const n = value as number;
      return (leaf) => typeof leaf === 'number' && order(effective, leaf === n ? 0 : leaf < n ? -1 : 1);
    }
    case 'dateTime': {
      if (typeof value !== 'string') mismatch();
      const wanted = Date.parse(value as string);
      if (TEXT_OPS.has(op)) return stringTest(effective, value as string, true);
      if (Number.isNaN(wanted)) throw new FilterSyntaxError(`'${value}' is not a dateTime`);
      return (leaf) => {
        if (typeof leaf !== 'string') return false;
        const t = Date.parse(leaf);
        return !Number.isNaN(t) && order(effective, t === wanted ? 0 : t < wanted ? -1 : 1);
      };
    }
    default: {
      if (!STRING_TYPES.has(def.type) || typeof value !== 'string') mismatch();
      return stringTest(effective, value as string, def.caseExact);
    }
  }
}

function stringTest(op: CompareOperator, value: string, caseExact: boolean): (leaf: unknown) => boolean {
  const wanted = caseExact ? value : value.toLowerCase();
  const norm = (leaf: string) => (caseExact ? leaf : leaf.toLowerCase());
  switch (op) {
    case 'co':
      return (leaf) => typeof leaf === 'string' && norm(leaf).includes(wanted);
    case 'sw':
      return (leaf) => typeof leaf === 'string' && norm(leaf).startsWith(wanted);
    case 'ew':
      return (leaf) => typeof leaf === 'string' && norm(leaf).endsWith(wanted);
    default:
      return (leaf) => {
        if (typeof leaf !== 'string') return false;
        const l = norm(leaf);
        return order(op, l === wanted ? 0 : l < wanted ? -1 : 1);
      };
  }
}

function order(op: CompareOperator, cmp: number): boolean {
  switch (op) {
    case 'eq':
      return cmp === 0;
    case 'gt':
      return cmp > 0;
    case 'ge':
      return cmp >= 0;
    case 'lt':
      return cmp < 0;
    case 'le':
      return cmp <= 0;
    default:
      return false;
  }
}

/** Entra sends booleans as "True"/"False"; accepted wherever a boolean is expected. */
export function parseBooleanString(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}
