// Building blocks for the parameter schemas of check kinds. A value that a suite may give as a
// template (`"total": "{{total}}"`) allows the template form next to its own type; everything else
// is exact, and unknown keys are refused (`additionalProperties: false`).
import type { JsonSchema } from './types.ts';

/** `{{name}}` or `{{fn name}}`: the value comes from a capture or a run variable. */
export const TEMPLATE: JsonSchema = { $ref: '#/$defs/template' };

export const integer = (minimum = 0): JsonSchema => ({ anyOf: [{ type: 'integer', minimum }, TEMPLATE] });
export const text = (): JsonSchema => ({ type: 'string' });
export const oneOrMany = (item: JsonSchema): JsonSchema => ({ anyOf: [item, { type: 'array', items: item, minItems: 1 }] });
export const httpStatus: JsonSchema = { type: 'integer', minimum: 100, maximum: 599 };

export function paramsObject(properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', additionalProperties: false, properties, ...extra };
}

/** A kind that takes no parameters still refuses unknown ones. */
export const NO_PARAMS: JsonSchema = paramsObject({});
