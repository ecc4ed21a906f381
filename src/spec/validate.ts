import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isDateTime } from './date-time.ts';
import { JSON_SCHEMAS, type SchemaName } from './json-schemas.ts';
import { lazy } from '../util/lazy.ts';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

const validator = lazy(() => addFormats(new Ajv2020({ allErrors: true, strict: false })).addFormat('xsd-date-time', { type: 'string', validate: isDateTime }));

const compiled = new Map<SchemaName, ValidateFunction>();

export interface SchemaProblem {
  pointer: string;
  message: string;
}

export function validateAgainst(name: SchemaName, document: unknown): SchemaProblem[] {
  let validate = compiled.get(name);
  if (!validate) {
    validate = validator().compile(JSON_SCHEMAS[name]);
    compiled.set(name, validate);
  }
  if (validate(document)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): SchemaProblem {
  const pointer = error.instancePath || '/';
  if (error.keyword === 'required') return { pointer, message: `missing required attribute "${String(error.params.missingProperty)}"` };
  if (error.keyword === 'type') return { pointer, message: `must be ${String(error.params.type)}` };
  if (error.keyword === 'format' && error.params.format === 'xsd-date-time') return { pointer, message: 'must be an xsd:dateTime (RFC 7643 §2.3.5)' };
  if (error.keyword === 'format') return { pointer, message: `must be a ${String(error.params.format)}` };
  if (error.keyword === 'minItems' && error.params.limit === 1) return { pointer, message: 'is an empty array, which RFC 7643 §2.5 makes the same as unassigned, and the attribute is REQUIRED' };
  if (error.keyword === 'contains') return { pointer, message: 'must list the schema URN of this resource' };
  return { pointer, message: error.message ?? error.keyword };
}
