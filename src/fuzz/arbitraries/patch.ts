// patchOperations(): lists of PATCH operations over the target's User schema — add/replace/remove on
// simple, complex and multi-valued attributes, sub-attribute paths, value-filter paths
// (`emails[type eq "work"].value`), extension URN paths and path-less value objects.
import fc from 'fast-check';
import { isPlainObject, type ResourceSchemas } from '../../filter/index.ts';
import type { AttributeDefinition } from '../../spec/scim-schemas.ts';
import { definition, type Json, type ModelOp, type Target } from '../model/patch.ts';
import { echoed, writable } from '../schemas.ts';
import { attributeValue, complexValue, generatedAttributes } from './resource.ts';
import { simpleValue } from './values.ts';

interface Located {
  container: string | null;
  def: AttributeDefinition;
}

function located(schemas: ResourceSchemas, unique: string): Located[] {
  const common = schemas.common.filter((d) => d.name === 'externalId').map((def) => ({ container: null, def }));
  return [
    ...common,
    // Not one the server keeps one value of (product-rules.ts): an add would be a second value.
    ...generatedAttributes(schemas.core.attributes, unique).filter((def) => !def.learned?.oneValue).map((def) => ({ container: null, def })),
    ...schemas.extensions.flatMap((e) => generatedAttributes(e.attributes, unique).map((def) => ({ container: e.id as string | null, def }))),
    // Not one the server declares immutable (RFC 7643 §2.2: set at creation, "SHALL NOT be updated").
  ].filter((l) => l.def.mutability !== 'immutable');
}

const target = (l: Located, sub?: string): Target => ({ container: l.container, name: l.def.name, ...(sub ? { sub } : {}) });
const addOrReplace = fc.constantFrom<'add' | 'replace'>('add', 'replace');
const subsOf = (def: AttributeDefinition): AttributeDefinition[] => (def.subAttributes ?? []).filter((s) => writable(s) && s.mutability !== 'immutable' && echoed(s) && s.name !== '$ref' && s.name !== 'display');

/**
 * One operation of any shape the model understands. Under the interop profile's rules only the
 * shapes on which the profile and RFC 7644 agree: every operation has a path, a filter targets a
 * sub-attribute, and a singular complex attribute is only added to (its replace differs).
 */
export function patchOperation(schemas: ResourceSchemas, unique = 'userName', rules?: 'interop'): fc.Arbitrary<ModelOp> {
  const attrs = located(schemas, unique);
  const simple = attrs.filter((l) => l.def.type !== 'complex' && !l.def.multiValued);
  const complexSingle = attrs.filter((l) => l.def.type === 'complex' && !l.def.multiValued && subsOf(l.def).length > 0);
  const multi = attrs.filter((l) => l.def.type === 'complex' && l.def.multiValued && subsOf(l.def).length > 0 && l.container === null);
  const typed = multi.filter((l) => (subsOf(l.def).find((s) => s.name === 'type')?.canonicalValues?.length ?? 0) > 0);
  const removable = (l: Located) => !l.def.required && l.def.type !== 'boolean';
  const shout = fc.boolean();

  const options: Array<{ weight: number; arbitrary: fc.Arbitrary<ModelOp> }> = [];
  const push = (weight: number, arbs: Array<fc.Arbitrary<ModelOp>>) => {
    if (arbs.length > 0) options.push({ weight, arbitrary: fc.oneof(...arbs) });
  };
  push(4, simple.map((l) => fc.record({ op: addOrReplace, value: simpleValue(l.def), shout }).map(({ op, value, shout: s }): ModelOp => ({ kind: 'set', op, target: target(l), value, shout: s }))));
  push(2, simple.filter(removable).map((l) => shout.map((s): ModelOp => ({ kind: 'remove', target: target(l), shout: s }))));
  push(3, complexSingle.flatMap((l) => subsOf(l.def).map((sub) => fc.tuple(addOrReplace, simpleValue(sub, l.def)).map(([op, value]): ModelOp => ({ kind: 'set', op, target: target(l, sub.name), value })))));
  push(1, complexSingle.flatMap((l) => subsOf(l.def).map((sub) => fc.constant<ModelOp>({ kind: 'remove', target: target(l, sub.name) }))));
  const wholeComplexOp = rules === 'interop' ? fc.constant<'add'>('add') : addOrReplace;
  push(2, complexSingle.map((l) => fc.tuple(wholeComplexOp, complexValue(l.def)).map(([op, value]): ModelOp => ({ kind: 'set', op, target: target(l), value }))));
  push(4, multi.map((l) => fc.tuple(addOrReplace, attributeValue(l.def), shout).map(([op, value, s]): ModelOp => ({ kind: 'set', op, target: target(l), value, shout: s }))));
  push(1, multi.filter(removable).map((l) => fc.constant<ModelOp>({ kind: 'remove', target: target(l) })));
  push(3, typed.map((l) => {
    const typeSub = subsOf(l.def).find((s) => s.name === 'type')!;
    const valueSub = subsOf(l.def).find((s) => s.name === 'value');
    const types = fc.constantFrom(...typeSub.canonicalValues!);
    const whole = complexValue(l.def).map(({ primary: _p, ...rest }) => rest as Json);
    const byValue = valueSub ? [fc.tuple(types, simpleValue(valueSub, l.def)).map(([type, value]): ModelOp => ({ kind: 'filtered-replace', attr: l.def.name, type, sub: 'value', value }))] : [];
    if (rules === 'interop') return fc.oneof(...byValue, types.map((type): ModelOp => ({ kind: 'filtered-remove', attr: l.def.name, type })));
    return fc.oneof(...byValue, fc.tuple(types, whole).map(([type, value]): ModelOp => ({ kind: 'filtered-replace', attr: l.def.name, type, value })), types.map((type): ModelOp => ({ kind: 'filtered-remove', attr: l.def.name, type })));
  }));
  const pathlessPool = rules === 'interop' ? [] : [...simple, ...complexSingle, ...multi];
  if (pathlessPool.length > 0) {
    const pick = fc.subarray(pathlessPool, { minLength: 1, maxLength: 3 });
    options.push({
      weight: 2,
      arbitrary: fc.tuple(addOrReplace, pick.chain((ls) => fc.tuple(...ls.map((l) => attributeValue(l.def).map((v) => [l, v] as const))))).map(([op, pairs]): ModelOp => {
        const value: Json = {};
        for (const [l, v] of pairs) {
          if (l.container === null) value[l.def.name] = v;
          else value[l.container] = { ...((value[l.container] as Json | undefined) ?? {}), [l.def.name]: v };
        }
        return { kind: 'pathless', op, value };
      }),
    });
  }
  return fc.oneof(...options);
}

export function patchOperations(schemas: ResourceSchemas, constraints: { maxLength?: number; rules?: 'interop' } = {}): fc.Arbitrary<ModelOp[]> {
  // Once fast-check has shrunk an element of an array it no longer drops the elements after it, so
  // a counterexample kept operations that play no part in the failure. An element that can shrink
  // to "absent" (fc.option's cross-shrink; almost never generated absent) can always be dropped.
  const op = fc.option(patchOperation(schemas, 'userName', constraints.rules), { nil: null, freq: 1000 });
  return fc
    .array(op, { minLength: 1, maxLength: constraints.maxLength ?? 4 })
    .map((ops) => ops.filter((o): o is ModelOp => o !== null))
    .filter((ops) => ops.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Unique values. RFC 7644 §3.5.2.1 lets a server skip an added value it already holds; shrinking drives
// every email towards the same `a@example.com`. Tagging each sent value with a run-time number keeps
// added values distinct, so the model never depends on that SHOULD.

function tagString(def: AttributeDefinition, value: string, n: number): string {
  if (def.type === 'binary') return Buffer.concat([Buffer.from(value, 'base64'), Buffer.from(`#${n}`)]).toString('base64');
  if (value.startsWith('tel:')) return `${value};ext=${n}`;
  const at = value.lastIndexOf('@');
  if (at > 0) return `${value.slice(0, at)}.t${n}${value.slice(at)}`;
  if (/^https?:/i.test(value)) return `${value}#t${n}`;
  return `${value} #${n}`;
}

function tagElement(def: AttributeDefinition, element: unknown, n: number): unknown {
  if (def.type !== 'complex') return typeof element === 'string' ? tagString(def, element, n) : element;
  if (!isPlainObject(element)) return element;
  const subs = subsOf(def).filter((s) => s.type !== 'boolean' && !(s.canonicalValues && s.canonicalValues.length > 0));
  const present = subs.find((s) => typeof element[s.name] === 'string');
  if (present) return { ...element, [present.name]: tagString(present, element[present.name] as string, n) };
  const first = subs[0];
  return first ? { ...element, [first.name]: `t${n}` } : element;
}

function tagMulti(def: AttributeDefinition, value: unknown, next: () => number): unknown {
  if (!def.multiValued) return value;
  return Array.isArray(value) ? value.map((e) => tagElement(def, e, next())) : tagElement(def, value, next());
}

/** Makes every added multi-valued value distinct; `next` yields run-time numbers (deterministic per run). */
export function uniqueOps(schemas: ResourceSchemas, ops: readonly ModelOp[], next: () => number): ModelOp[] {
  return ops.map((op) => {
    if (op.kind === 'set' && op.target.sub === undefined) {
      const def = definition(schemas, op.target.container, op.target.name);
      return def ? { ...op, value: tagMulti(def, op.value, next) } : op;
    }
    if (op.kind === 'filtered-replace') {
      const def = definition(schemas, null, op.attr);
      if (!def) return op;
      if (op.sub === undefined) return { ...op, value: tagElement(def, op.value, next()) };
      const sub = def.subAttributes?.find((s) => s.name === op.sub);
      return sub && typeof op.value === 'string' ? { ...op, value: tagString(sub, op.value, next()) } : op;
    }
    if (op.kind === 'pathless') {
      const value: Json = {};
      for (const [key, v] of Object.entries(op.value)) {
        const ext = schemas.extensions.find((e) => e.id === key);
        if (ext && isPlainObject(v)) {
          value[key] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, (() => { const d = definition(schemas, ext.id, k); return d ? tagMulti(d, x, next) : x; })()]));
        } else {
          const def = definition(schemas, null, key);
          value[key] = def ? tagMulti(def, v, next) : v;
        }
      }
      return { ...op, value };
    }
    return op;
  });
}
