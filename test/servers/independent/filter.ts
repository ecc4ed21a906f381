// Filtering (RFC 7644 §3.4.2.2). Parsing is scim2-parse-filter's (a library made for it);
// evaluation is ours, because only the server knows each attribute's type and caseExact.
// A server may support a subset of operators: anything else is 400 invalidFilter (Table 9).
import filterLib from 'scim2-parse-filter';
import { badRequest } from './errors.ts';
import { COMMON, findAttr, type Attr, type ResourceModel } from './schema.ts';

type Node = ReturnType<typeof filterLib.parse>;

export const ALL_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'and', 'or', 'not', '[]'] as const;
export type FilterOperator = (typeof ALL_OPERATORS)[number];

export type Resource = Record<string, unknown>;

const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;

/**
 * Parses filter text. String literals are JSON strings (RFC 7644 §3.4.2.2), but the library keeps
 * backslash escapes other than \" as they are; so literals are decoded here with JSON.parse and
 * handed to the library as placeholders, then put back into the tree.
 */
export function parseText(text: string): Node {
  const nonce = `lit${Math.random().toString(36).slice(2)}x`;
  const literals: string[] = [];
  let node: Node;
  try {
    const masked = text.replace(STRING_LITERAL, (lit) => {
      literals.push(JSON.parse(lit) as string);
      return `"${nonce}${literals.length - 1}"`;
    });
    node = filterLib.parse(masked);
  } catch (error) {
    throw badRequest('invalidFilter', `the filter cannot be parsed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const restore = (n: Record<string, unknown>): void => {
    if (typeof n.compValue === 'string' && n.compValue.startsWith(nonce)) n.compValue = literals[Number(n.compValue.slice(nonce.length))];
    for (const child of [...((n.filters as Record<string, unknown>[] | undefined) ?? []), n.filter, n.valFilter]) if (child) restore(child as Record<string, unknown>);
  };
  restore(node as unknown as Record<string, unknown>);
  return node;
}

/** Parses a filter and refuses operators the server does not support. */
export function parseFilter(text: string, supported: readonly FilterOperator[]): Node {
  const node = parseText(text);
  for (const op of operatorsOf(node)) {
    if (!supported.includes(op as FilterOperator)) {
      throw badRequest('invalidFilter', `the filter operator "${op === '[]' ? 'attr[...]' : op}" is not supported; this server supports ${supported.join(', ')}`);
    }
  }
  return node;
}

function operatorsOf(node: Node): string[] {
  const n = node as { op: string; filters?: Node[]; filter?: Node; valFilter?: Node };
  return [n.op, ...(n.filters ?? []).flatMap(operatorsOf), ...(n.filter ? operatorsOf(n.filter) : []), ...(n.valFilter ? operatorsOf(n.valFilter) : [])];
}

/** Where an attribute path points: the values found there and the definition that says how to compare them. */
interface Resolved {
  values: unknown[];
  def: Attr | undefined;
}

type Scope = (attrPath: string) => Resolved;

/** Splits a URN-qualified path (`urn:…:User:name.givenName`) into its schema and the rest. */
export function splitUrn(model: ResourceModel, path: string): { schemaId: string; rest: string } | undefined {
  const lower = path.toLowerCase();
  for (const schema of [model.core, ...model.extensions]) {
    if (lower.startsWith(`${schema.id.toLowerCase()}:`)) return { schemaId: schema.id, rest: path.slice(schema.id.length + 1) };
  }
  return undefined;
}

function valuesAt(container: unknown, defs: readonly Attr[], path: string): Resolved {
  const [head, sub] = path.split('.') as [string, string | undefined];
  const def = findAttr(defs, head);
  if (!def || !container || typeof container !== 'object') return { values: [], def: undefined };
  const raw = (container as Resource)[def.name];
  const elements = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  if (def.type !== 'complex') return { values: elements, def };
  // A complex attribute compared as a whole compares its `value` sub-attribute.
  const subName = sub ?? 'value';
  const subDef = findAttr(def.subAttributes, subName);
  if (!subDef) return { values: [], def: undefined };
  const values = elements.flatMap((el) => (el && typeof el === 'object' && (el as Resource)[subDef.name] !== undefined ? [(el as Resource)[subDef.name]] : []));
  return { values, def: subDef };
}

function resourceScope(model: ResourceModel, resource: Resource): Scope {
  return (attrPath) => {
    const urn = splitUrn(model, attrPath);
    if (urn && urn.schemaId !== model.core.id) {
      const ext = model.extensions.find((e) => e.id === urn.schemaId)!;
      return valuesAt(resource[ext.id], ext.attributes, urn.rest);
    }
    return valuesAt(resource, [...COMMON, ...model.core.attributes], urn ? urn.rest : attrPath);
  };
}

function elementScope(defs: readonly Attr[], element: unknown): Scope {
  return (attrPath) => valuesAt(element, defs, attrPath);
}

function resolveList(model: ResourceModel, resource: Resource, attrPath: string): { elements: unknown[]; def: Attr | undefined } {
  const urn = splitUrn(model, attrPath);
  const ext = urn && urn.schemaId !== model.core.id ? model.extensions.find((e) => e.id === urn.schemaId) : undefined;
  const container = ext ? resource[ext.id] : resource;
  const defs = ext ? ext.attributes : [...COMMON, ...model.core.attributes];
  const def = findAttr(defs, urn ? urn.rest : attrPath);
  const raw = def && container && typeof container === 'object' ? (container as Resource)[def.name] : undefined;
  return { elements: raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw], def };
}

function comparable(value: unknown, def: Attr | undefined): unknown {
  if (typeof value !== 'string') return value;
  if (def?.type === 'dateTime') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : t;
  }
  return def?.caseExact ? value : value.toLowerCase();
}

function compare(op: string, actual: unknown, expected: unknown, def: Attr | undefined): boolean {
  if (def?.type === 'boolean' && !['eq', 'ne'].includes(op)) throw badRequest('invalidFilter', `"${op}" cannot compare the boolean attribute ${def.name}`);
  const a = comparable(actual, def);
  const e = comparable(expected, def);
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return typeof a === 'string' && typeof e === 'string' && a.includes(e);
    case 'sw':
      return typeof a === 'string' && typeof e === 'string' && a.startsWith(e);
    case 'ew':
      return typeof a === 'string' && typeof e === 'string' && a.endsWith(e);
    default: {
      if (typeof a !== typeof e || (typeof a !== 'string' && typeof a !== 'number')) return false;
      const x = a as string | number;
      const y = e as string | number;
      return op === 'gt' ? x > y : op === 'ge' ? x >= y : op === 'lt' ? x < y : x <= y;
    }
  }
}

function evaluate(node: Node, scope: Scope, model: ResourceModel, resource: Resource): boolean {
  const n = node as { op: string; attrPath?: string; compValue?: unknown; filters?: Node[]; filter?: Node; valFilter?: Node };
  switch (n.op) {
    case 'and':
      return n.filters!.every((f) => evaluate(f, scope, model, resource));
    case 'or':
      return n.filters!.some((f) => evaluate(f, scope, model, resource));
    case 'not':
      return !evaluate(n.filter!, scope, model, resource);
    case '[]': {
      const { elements, def } = resolveList(model, resource, n.attrPath!);
      if (!def?.subAttributes) return false;
      return elements.some((el) => evaluate(n.valFilter!, elementScope(def.subAttributes!, el), model, resource));
    }
    case 'pr': {
      const { values } = scope(n.attrPath!);
      return values.some((v) => v !== null && v !== '' && !(typeof v === 'object' && Object.keys(v as object).length === 0));
    }
    default: {
      const { values, def } = scope(n.attrPath!);
      if (n.op === 'ne') return !values.some((v) => compare('eq', v, n.compValue, def));
      if (n.compValue === null) return n.op === 'eq' && values.length === 0;
      return values.some((v) => compare(n.op, v, n.compValue, def));
    }
  }
}

/** Whether `attrPath` names an attribute (and sub-attribute) the resource type defines. */
function isDefined(defs: readonly Attr[], attrPath: string): boolean {
  const [head, sub] = attrPath.split('.') as [string, string | undefined];
  const def = findAttr(defs, head);
  if (!def) return false;
  return sub === undefined || findAttr(def.subAttributes, sub) !== undefined;
}

/**
 * The first attribute path in a filter that the resource type does not define (the
 * interoperability profile makes such a filter 400 invalidFilter; RFC 7644 lets it match nothing).
 */
export function undefinedAttributeIn(model: ResourceModel, node: Node, within?: readonly Attr[]): string | undefined {
  const n = node as { op: string; attrPath?: string; filters?: Node[]; filter?: Node; valFilter?: Node };
  if (n.op === 'and' || n.op === 'or') {
    for (const f of n.filters ?? []) {
      const found = undefinedAttributeIn(model, f, within);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (n.op === 'not') return undefinedAttributeIn(model, n.filter!, within);
  const path = n.attrPath!;
  if (within) return isDefined(within, path) ? undefined : path;
  const urn = splitUrn(model, path);
  const ext = urn && urn.schemaId !== model.core.id ? model.extensions.find((e) => e.id === urn.schemaId) : undefined;
  const defs = ext ? ext.attributes : [...COMMON, ...model.core.attributes];
  const rest = urn ? urn.rest : path;
  if (n.op === '[]') {
    const def = findAttr(defs, rest);
    if (!def?.subAttributes) return path;
    return undefinedAttributeIn(model, n.valFilter!, def.subAttributes);
  }
  return isDefined(defs, rest) ? undefined : path;
}

/** A predicate over stored resources. */
export function matcher(model: ResourceModel, node: Node): (resource: Resource) => boolean {
  return (resource) => evaluate(node, resourceScope(model, resource), model, resource);
}

/** A predicate over the elements of one multi-valued attribute (`emails[type eq "work"]` in a PATCH path). */
export function elementMatcher(subAttributes: readonly Attr[], model: ResourceModel, node: Node): (element: unknown) => boolean {
  return (element) => evaluate(node, elementScope(subAttributes, element), model, {});
}

export type { Node as FilterNode };
