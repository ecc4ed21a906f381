// invalidInput(): requests every conforming server must refuse with a 4xx SCIM error (RFC 7644 §3.12):
// wrongly typed attributes, missing required attributes, malformed JSON, filters that do not parse,
// PATCH bodies with bad ops, paths or shapes. Only inputs the RFC makes unambiguously invalid.
import fc from 'fast-check';
import type { ResourceSchemas } from '../../filter/index.ts';
import type { AttributeDefinition } from '../../spec/scim-schemas.ts';
import { echoed, writable } from '../schemas.ts';
import type { Json } from './resource.ts';
import { realisticText } from './values.ts';

export type InvalidInput =
  | { kind: 'wrong-type'; method: 'POST' | 'PUT'; container: string | null; name: string; sub?: string; bad: unknown }
  | { kind: 'missing-required'; method: 'POST' | 'PUT'; omit: string }
  | { kind: 'malformed-json'; method: 'POST' | 'PUT' | 'PATCH'; text: string }
  | { kind: 'invalid-filter'; filter: string }
  | { kind: 'bad-patch'; body: unknown };

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Stands for the run's unique name in generated malformed bodies; filled in at send time. */
export const NAME_SLOT = 'NAME~';

/** Values of the wrong JSON type for an attribute (string booleans are tolerated by design, so never used). */
function wrongValue(def: AttributeDefinition, asElement: boolean): fc.Arbitrary<unknown> {
  if (def.multiValued && !asElement) return fc.oneof(fc.integer(), fc.constant('not-a-list'), fc.boolean());
  switch (def.type) {
    case 'boolean':
      return fc.oneof(fc.integer({ min: 2, max: 99 }), fc.constant('yes'), fc.constant({ value: true }));
    case 'integer':
      return fc.oneof(fc.constant('abc'), fc.constant(1.5), fc.boolean());
    case 'decimal':
      return fc.oneof(fc.constant('abc'), fc.boolean());
    case 'dateTime':
      return fc.oneof(fc.constant('not-a-date'), fc.integer(), fc.constant('2024-13-45T99:99:99Z'));
    case 'complex':
      return fc.oneof(fc.constant('plain text'), fc.integer(), fc.constant(['a', 'b']));
    default:
      return fc.oneof(fc.integer(), fc.boolean(), fc.constant({ nested: 'object' }), fc.constant(['x', 'y']));
  }
}

export function invalidInput(schemas: ResourceSchemas): fc.Arbitrary<InvalidInput> {
  const located: Array<{ container: string | null; def: AttributeDefinition }> = [
    ...schemas.core.attributes.filter((d) => writable(d) && echoed(d) && d.name !== 'manager').map((def) => ({ container: null, def })),
    ...schemas.extensions.flatMap((e) => e.attributes.filter((d) => writable(d) && echoed(d) && d.name !== 'manager').map((def) => ({ container: e.id as string | null, def }))),
  ];
  const method = fc.constantFrom<'POST' | 'PUT'>('POST', 'PUT');
  const wrongTypes = located.flatMap(({ container, def }) => {
    const top = fc.tuple(method, wrongValue(def, false)).map(([m, bad]): InvalidInput => ({ kind: 'wrong-type', method: m, container, name: def.name, bad }));
    const subs = def.type === 'complex' ? (def.subAttributes ?? []).filter((s) => writable(s) && s.type !== 'complex') : [];
    return [top, ...subs.map((sub) => fc.tuple(method, wrongValue(sub, true)).map(([m, bad]): InvalidInput => ({ kind: 'wrong-type', method: m, container, name: def.name, sub: sub.name, bad })))];
  });
  const required = ['userName', ...schemas.core.attributes.filter((d) => d.required && d.name !== 'userName' && writable(d)).map((d) => d.name)];
  const missing = fc.tuple(method, fc.constantFrom(...required)).map(([m, omit]): InvalidInput => ({ kind: 'missing-required', method: m, omit }));
  const malformed = fc
    .tuple(fc.constantFrom<'POST' | 'PUT' | 'PATCH'>('POST', 'PUT', 'PATCH'), realisticText({ maxLength: 12 }), fc.nat(), fc.constantFrom('truncate', 'trailing-comma', 'single-quotes', 'unquoted-key', 'garbage'))
    .map(([m, text, cut, how]): InvalidInput => {
      // NAME_SLOT becomes the run's unique prefixed name when sent (a lenient server may accept it).
      const valid = JSON.stringify({ schemas: [m === 'PATCH' ? PATCH_OP : schemas.core.id], userName: `${NAME_SLOT}${text}` });
      let broken: string;
      if (how === 'truncate') broken = valid.slice(0, 1 + (cut % (valid.length - 1)));
      else if (how === 'trailing-comma') broken = `${valid.slice(0, -1)},}`;
      else if (how === 'single-quotes') broken = valid.replace(/"/g, "'");
      else if (how === 'unquoted-key') broken = valid.replace('"userName"', 'userName');
      else broken = `${valid}}}`;
      return { kind: 'malformed-json', method: m, text: broken };
    });
  const filterValue = realisticText({ maxLength: 10 }).map((s) => JSON.stringify(s));
  const badFilter = fc
    .tuple(
      fc.constantFrom(
        (v: string) => `userName eq`,
        (v: string) => `userName eq ${v.slice(0, -1)}`,
        (v: string) => `(userName eq ${v}`,
        (v: string) => `userName eq ${v})`,
        (v: string) => `userName xx ${v}`,
        (v: string) => `userName eq ${v} and`,
        (v: string) => `and userName eq ${v}`,
        (v: string) => `emails[type eq ${v}`,
        (v: string) => `emails[type eq ${v}]]`,
        (v: string) => `userName eq ${v} ${v}`,
        (v: string) => `userName eq ${v} or or userName eq ${v}`,
        (v: string) => `userName pr ${v}`,
        (v: string) => `userName eq '${v.slice(1, -1)}'`,
      ),
      filterValue,
    )
    .map(([make, v]): InvalidInput => ({ kind: 'invalid-filter', filter: make(v) }));
  const op = (o: Json): Json => ({ schemas: [PATCH_OP], Operations: [o] });
  const badPatch = fc
    .tuple(realisticText({ maxLength: 10 }), fc.constantFrom<(v: string) => unknown>(
      (v) => op({ op: 'explode', path: 'displayName', value: v }),
      (v) => ({ schemas: [PATCH_OP], Operations: [] }),
      (v) => ({ schemas: [PATCH_OP], Operations: v }),
      (v) => ({ Operations: [{ op: 'replace', path: 'displayName', value: v }] }),
      (v) => op({ op: 'replace' }),
      (v) => op({ op: 'add', path: 'displayName' }),
      (v) => op({ op: 'remove' }),
      (v) => op({ op: 'replace', path: 'emails[type eq', value: v }),
      (v) => op({ op: 'replace', path: 'name..givenName', value: v }),
      (v) => op({ op: 'replace', path: 'emails[type eq "nosuchtype"].value', value: v }),
      (v) => op({ op: 'replace', path: 'id', value: v }),
      (v) => op({ op: 'replace', path: 'displayName', value: { not: 'a string' } }),
      (v) => ({ schemas: [PATCH_OP], Operations: [42] }),
    ))
    .map(([v, make]): InvalidInput => ({ kind: 'bad-patch', body: make(v) }));
  return fc.oneof({ weight: 4, arbitrary: fc.oneof(...wrongTypes) }, { weight: 1, arbitrary: missing }, { weight: 2, arbitrary: malformed }, { weight: 2, arbitrary: badFilter }, { weight: 2, arbitrary: badPatch });
}

/** A bare valid body with the invalid part applied (wrong-type, missing-required). */
export function invalidBody(schemas: ResourceSchemas, input: InvalidInput, userName: string): Json | undefined {
  if (input.kind !== 'wrong-type' && input.kind !== 'missing-required') return undefined;
  // externalId carries the run prefix too, so a server that creates the resource anyway (under a
  // mangled or missing userName) leaves something the final sweep can find.
  const body: Json = { schemas: [schemas.core.id], userName, externalId: userName };
  if (input.kind === 'missing-required') {
    delete body[input.omit];
    if (input.omit !== 'displayName') body.displayName = 'Required Missing';
    return body;
  }
  const value = input.sub ? { [input.sub]: input.bad } : input.bad;
  const wrapped = input.sub && Array.isArray(value) === false && input.container === null && isMulti(schemas, input.name) ? [value] : value;
  if (input.container === null) body[input.name] = wrapped;
  else {
    body.schemas = [schemas.core.id, input.container];
    body[input.container] = { [input.name]: wrapped };
  }
  return body;
}

function isMulti(schemas: ResourceSchemas, name: string): boolean {
  return schemas.core.attributes.find((d) => d.name === name)?.multiValued === true;
}
