// Builds "the same body without this required attribute" for the required-attribute checks.
// A required sub-attribute is required only inside a value that is present (RFC 7643 §2.2, §2.4):
// `phoneNumbers.value` required while `phoneNumbers` is optional means every phone number must
// have a value, not that every user must have a phone. So the body keeps (or gains) an element
// of the parent attribute, with everything but that sub-attribute.
import type { Discovery } from '../record/types.ts';
import { URN } from '../spec/json-schemas.ts';
import { omitPath } from './template.ts';
import { isObject, schemaAttributes, type RawAttribute } from './schema-attributes.ts';

const byName = (list: unknown, name: string): RawAttribute | undefined =>
  Array.isArray(list) ? (list as RawAttribute[]).find((a) => typeof a.name === 'string' && a.name.toLowerCase() === name.toLowerCase()) : undefined;

function placeholder(attr: RawAttribute): unknown {
  switch (attr.type) {
    case 'boolean':
      return true;
    case 'integer':
    case 'decimal':
      return 1;
    case 'dateTime':
      return '2020-01-01T00:00:00Z';
    case 'binary':
      return 'c2NpbXByb29m';
    case 'reference':
      return 'https://example.com/scimproof';
    default:
      return Array.isArray(attr.canonicalValues) && typeof attr.canonicalValues[0] === 'string' ? attr.canonicalValues[0] : 'scimproof';
  }
}

/** An element of `parent` holding its other required sub-attributes and one descriptive one, never `missing`. */
function elementWithout(parent: RawAttribute, missing: string): Record<string, unknown> {
  const subs = (Array.isArray(parent.subAttributes) ? parent.subAttributes : []) as RawAttribute[];
  const usable = subs.filter((s) => typeof s.name === 'string' && s.name.toLowerCase() !== missing.toLowerCase() && s.mutability !== 'readOnly' && s.type !== 'complex');
  const chosen = usable.filter((s) => s.required === true);
  const filler = ['type', 'display', 'primary'].map((n) => usable.find((s) => String(s.name).toLowerCase() === n)).find((s) => s !== undefined) ?? usable[0];
  if (filler && !chosen.includes(filler)) chosen.push(filler);
  return Object.fromEntries(chosen.map((s) => [String(s.name), placeholder(s)]));
}

/** `body` without `path`; for a sub-attribute of an attribute the body lacks, an element without it is added. */
export function leaveOut(body: unknown, path: string, discovery: Discovery): unknown {
  const dotted = /^([^.:]+)\.([^.]+)$/.exec(path);
  if (!dotted || !isObject(body)) return omitPath(body, path);
  const [, parentName, subName] = dotted as unknown as [string, string, string];
  if (Object.keys(body).some((k) => k.toLowerCase() === parentName.toLowerCase())) return omitPath(body, path);
  const parent = byName(schemaAttributes(discovery, URN.user), parentName);
  if (!parent) return omitPath(body, path);
  const element = elementWithout(parent, subName);
  return { ...body, [String(parent.name)]: parent.multiValued === true ? [element] : element };
}
