// filterExpression() and filterPopulation(): a small population of users whose attributes come from
// shared pools, and filter expressions over the same pools, so that generated filters match some
// users and miss others. Expressions are data (GenFilter) rendered to text once the run knows the
// users' real userNames; the model evaluates the same text over what was sent.
import fc from 'fast-check';
import type { ResourceSchemas } from '../../filter/index.ts';
import { findAttribute } from '../schemas.ts';
import type { Json } from './resource.ts';
import { DEPARTMENTS, FAMILY_NAMES, GIVEN_NAMES, recase, TITLES } from './values.ts';

export interface Field {
  /** The attribute path as a filter names it. */
  path: string;
  /** Where the value sits in a request body. */
  container: string | null;
  name: string;
  sub?: string;
  pool: readonly string[];
  caseExact: boolean;
  /** Ordering comparisons (gt/ge/lt/le) are only generated where every collation agrees. */
  ordered: boolean;
}

const EXTERNAL_IDS = ['a1', 'a2', 'b1', 'b7', 'c9', 'z0'];
const DISPLAY_NAMES = ['José Núñez', 'Zoë Smith', 'ann smith', 'Ana-María "Gigi" García', "Kåre O'Neil", '山田 [Admin]'];
const EMAILS = ['jose@example.com', 'zoe+ops@example.org', "o'neil@example.com", 'ann@example.com'];
const EMAIL_TYPES = ['work', 'home'];

/** The single-valued fields the target's schemas have, each with its value pool. */
export function filterFields(schemas: ResourceSchemas): Field[] {
  const fields: Field[] = [];
  const core = schemas.core;
  const has = (name: string, sub?: string) => {
    const def = findAttribute(core, name);
    if (!def || def.mutability === 'readOnly') return undefined;
    return sub ? def.subAttributes?.find((s) => s.name === sub) : def;
  };
  const add = (name: string, pool: readonly string[], sub?: string) => {
    const def = has(name, sub);
    if (def && def.type === 'string' && !def.multiValued) fields.push({ path: sub ? `${name}.${sub}` : name, container: null, name, ...(sub ? { sub } : {}), pool, caseExact: def.caseExact, ordered: false });
  };
  add('displayName', DISPLAY_NAMES);
  add('title', TITLES);
  add('name', GIVEN_NAMES, 'givenName');
  add('name', FAMILY_NAMES, 'familyName');
  fields.push({ path: 'externalId', container: null, name: 'externalId', pool: EXTERNAL_IDS, caseExact: true, ordered: true });
  for (const ext of schemas.extensions) {
    const department = findAttribute(ext, 'department');
    if (department && department.type === 'string') fields.push({ path: `${ext.id}:department`, container: ext.id, name: 'department', pool: DEPARTMENTS, caseExact: department.caseExact, ordered: false });
  }
  return fields;
}

// A readOnly attribute (RFC 7643 §2.2) keeps the server's values, not the ones sent (RFC 7644
// §3.5.1): the model cannot know what a filter on it finds, so no member carries it and no filter names it.
export function hasEmails(schemas: ResourceSchemas): boolean {
  const def = findAttribute(schemas.core, 'emails');
  return def?.multiValued === true && def.type === 'complex' && def.mutability !== 'readOnly' && def.subAttributes?.some((s) => s.name === 'type') === true;
}

export function hasActive(schemas: ResourceSchemas): boolean {
  const def = findAttribute(schemas.core, 'active');
  return def?.type === 'boolean' && def.mutability !== 'readOnly';
}

/** Every member carries every field, so `ne` and `not` never meet a missing value (which the RFC leaves open). */
export function filterMember(schemas: ResourceSchemas): fc.Arbitrary<Json> {
  const fields = filterFields(schemas);
  const emails = hasEmails(schemas)
    ? fc.uniqueArray(fc.record({ value: fc.constantFrom(...EMAILS), type: fc.constantFrom(...EMAIL_TYPES) }), { minLength: 1, maxLength: findAttribute(schemas.core, 'emails')?.learned?.oneValue ? 1 : 2, selector: (e) => e.value })
    : fc.constant(undefined);
  return fc.tuple(fc.tuple(...fields.map((f) => fc.constantFrom(...f.pool))), emails, fc.boolean()).map(([values, mails, active]) => {
    const out: Json = {};
    fields.forEach((f, i) => {
      const holder = (f.container === null ? out : ((out[f.container] as Json | undefined) ?? (out[f.container] = {}))) as Json;
      if (f.sub) holder[f.name] = { ...((holder[f.name] as Json | undefined) ?? {}), [f.sub]: values[i] };
      else holder[f.name] = values[i];
    });
    if (mails) out.emails = mails;
    if (hasActive(schemas)) out.active = active;
    return out;
  });
}

export type GenFilter =
  | { kind: 'cmp'; field: number; op: 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le'; value: string; flips: boolean[] }
  | { kind: 'user'; member: number; op: 'eq' | 'ew' | 'co'; flips: boolean[] }
  | { kind: 'active'; op: 'eq' | 'ne'; value: boolean }
  | { kind: 'pr'; path: string }
  | { kind: 'email'; type: string; op: 'eq' | 'co' | 'sw'; value: string; flips: boolean[] }
  | { kind: 'and' | 'or'; left: GenFilter; right: GenFilter }
  | { kind: 'not'; inner: GenFilter };

const flips = fc.array(fc.boolean(), { minLength: 1, maxLength: 6 });

/** A slice of a pool value: the whole of it for eq/ne, a part for co/sw/ew. */
function operand(value: string, op: string, cut: number): string {
  if (op === 'eq' || op === 'ne' || op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') return value;
  const chars = [...value];
  const n = Math.max(1, Math.min(chars.length, 1 + (cut % chars.length)));
  if (op === 'sw') return chars.slice(0, n).join('');
  if (op === 'ew') return chars.slice(chars.length - n).join('');
  const start = cut % Math.max(1, chars.length - n + 1);
  return chars.slice(start, start + n).join('');
}

/**
 * `eqAnd`: only the operators every IdP-ready server supports (eq, and), for a server that
 * refuses the others (RFC 7644 §3.4.2.2 Table 9 allows it).
 */
export function filterExpression(schemas: ResourceSchemas, populationSize: number, options: { eqAnd?: boolean } = {}): fc.Arbitrary<GenFilter> {
  if (options.eqAnd) return eqAndExpression(schemas, populationSize);
  const fields = filterFields(schemas);
  const leaves: Array<fc.Arbitrary<GenFilter>> = [];
  fields.forEach((f, i) => {
    type Op = Extract<GenFilter, { kind: 'cmp' }>['op'];
    const ops: Op[] = ['eq', 'ne', 'co', 'sw', 'ew', ...(f.ordered ? (['gt', 'ge', 'lt', 'le'] as const) : [])];
    leaves.push(
      fc.record({ op: fc.constantFrom(...ops), value: fc.constantFrom(...f.pool), cut: fc.nat(), flips }).map(({ op, value, cut, flips: fl }): GenFilter => ({ kind: 'cmp', field: i, op, value: operand(value, op, cut), flips: f.caseExact ? [false] : fl })),
    );
  });
  leaves.push(fc.record({ member: fc.nat({ max: Math.max(0, populationSize - 1) }), op: fc.constantFrom('eq', 'ew', 'co'), flips }).map((v): GenFilter => ({ kind: 'user', ...v })));
  if (hasActive(schemas)) leaves.push(fc.record({ op: fc.constantFrom('eq', 'ne'), value: fc.boolean() }).map((v): GenFilter => ({ kind: 'active', ...v })));
  leaves.push(fc.constantFrom(...['title', 'name.middleName', 'nickName', 'emails'].filter((p) => findAttribute(schemas.core, p.split('.')[0]!))).map((path): GenFilter => ({ kind: 'pr', path })));
  const multiLeaves: Array<fc.Arbitrary<GenFilter>> = [];
  if (hasEmails(schemas)) {
    multiLeaves.push(
      fc.record({ type: fc.constantFrom(...EMAIL_TYPES), op: fc.constantFrom('eq', 'co', 'sw'), value: fc.constantFrom(...EMAILS), cut: fc.nat(), flips }).map(({ type, op, value, cut, flips: fl }): GenFilter => ({ kind: 'email', type, op, value: operand(value, op, cut), flips: fl })),
    );
  }
  // `not` and the multi-valued leaves stay apart: the RFC does not say how `not` meets a list.
  const { single } = fc.letrec<{ single: GenFilter }>((tie) => ({
    single: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'single' },
      ...leaves,
      fc.record({ kind: fc.constantFrom<'and' | 'or'>('and', 'or'), left: tie('single'), right: tie('single') }),
      tie('single').map((inner): GenFilter => ({ kind: 'not', inner })),
    ),
  }));
  if (multiLeaves.length === 0) return single;
  const { any } = fc.letrec<{ any: GenFilter }>((tie) => ({
    any: fc.oneof({ maxDepth: 2, depthIdentifier: 'any' }, single, ...multiLeaves, fc.record({ kind: fc.constantFrom<'and' | 'or'>('and', 'or'), left: tie('any'), right: tie('any') })),
  }));
  return any;
}

function eqAndExpression(schemas: ResourceSchemas, populationSize: number): fc.Arbitrary<GenFilter> {
  const leaves: Array<fc.Arbitrary<GenFilter>> = filterFields(schemas).map((f, i) =>
    fc.record({ value: fc.constantFrom(...f.pool), flips }).map(({ value, flips: fl }): GenFilter => ({ kind: 'cmp', field: i, op: 'eq', value, flips: f.caseExact ? [false] : fl })),
  );
  leaves.push(fc.record({ member: fc.nat({ max: Math.max(0, populationSize - 1) }), flips }).map((v): GenFilter => ({ kind: 'user', op: 'eq', ...v })));
  if (hasActive(schemas)) leaves.push(fc.boolean().map((value): GenFilter => ({ kind: 'active', op: 'eq', value })));
  const { expr } = fc.letrec<{ expr: GenFilter }>((tie) => ({
    expr: fc.oneof({ maxDepth: 2, depthIdentifier: 'eqand' }, ...leaves, fc.record({ kind: fc.constant<'and'>('and'), left: tie('expr'), right: tie('expr') })),
  }));
  return expr;
}

const quote = (s: string): string => JSON.stringify(s);

/** The filter text for a generated expression, given the run's real userNames. */
export function renderFilter(schemas: ResourceSchemas, f: GenFilter, userNames: readonly string[]): string {
  const fields = filterFields(schemas);
  switch (f.kind) {
    case 'cmp': {
      const field = fields[f.field]!;
      return `${field.path} ${f.op} ${quote(field.caseExact ? f.value : recase(f.value, f.flips))}`;
    }
    case 'user': {
      const name = userNames[f.member % Math.max(1, userNames.length)] ?? 'nobody';
      const tail = name.slice(name.indexOf('.') + 1) || name;
      return `userName ${f.op} ${quote(recase(f.op === 'eq' ? name : tail, f.flips))}`;
    }
    case 'active':
      return `active ${f.op} ${f.value}`;
    case 'pr':
      return `${f.path} pr`;
    case 'email':
      return `emails[type eq ${quote(f.type)} and value ${f.op} ${quote(recase(f.value, f.flips))}]`;
    case 'and':
    case 'or':
      return `(${renderFilter(schemas, f.left, userNames)}) ${f.kind} (${renderFilter(schemas, f.right, userNames)})`;
    case 'not':
      return `not (${renderFilter(schemas, f.inner, userNames)})`;
  }
}
