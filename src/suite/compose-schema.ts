// The suite schema (suite.schema.json) holds each check kind's parameter schema, so a vendor's
// editor and the loader see the same rules: `with` is checked against the kind that `check`
// names (an if/then per kind), and an unknown kind or an unknown key is a load error. The kinds
// in src/checks declare those schemas; this composes them into the file's `$defs`, and a test
// keeps the file in step (`npx tsx test/support/write-suite-schema.ts` rewrites it).
import type { CheckKind, JsonSchema } from '../checks/types.ts';

export const TEMPLATE_SCHEMA: JsonSchema = {
  description: 'A value taken from a capture or a run variable: {{name}} or {{function name}}.',
  type: 'string',
  pattern: '^\\{\\{[^{}]+\\}\\}$',
};

const defName = (kind: string): string => `with-${kind}`;

/** Returns `base` with the kinds' parameter schemas composed into it (base is not modified). */
export function composeSuiteSchema(base: JsonSchema, kinds: readonly CheckKind[]): JsonSchema {
  const schema = structuredClone(base) as JsonSchema & { $defs: Record<string, JsonSchema> };
  const defs: Record<string, JsonSchema> = {};
  for (const [name, def] of Object.entries(schema.$defs)) if (!name.startsWith('with-')) defs[name] = def;
  defs.template = TEMPLATE_SCHEMA;
  for (const kind of kinds) defs[defName(kind.kind)] = { description: kind.description, ...kind.params };
  const expectation = defs.expectation as { properties: Record<string, JsonSchema>; allOf?: JsonSchema[] };
  expectation.properties.check = { enum: kinds.map((k) => k.kind) };
  expectation.properties.with = { type: 'object' };
  expectation.allOf = kinds.map((kind) => ({
    if: { properties: { check: { const: kind.kind } }, required: ['check'] },
    then: { properties: { with: { $ref: `#/$defs/${defName(kind.kind)}` } }, ...(kind.paramsRequired ? { required: ['with'] } : {}) },
  }));
  schema.$defs = defs;
  return schema;
}
