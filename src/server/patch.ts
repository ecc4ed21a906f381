// RFC 7644 §3.5.2 PATCH. Operations apply in order to a copy of the stored attributes; the caller commits
// the copy only when every operation succeeded, so a failing request changes nothing.
// Tolerated deviations: `op` in any case (Entra's "Replace"), string booleans, path-less value objects
// with dotted or URN-qualified keys, member removal by a `value` list, Entra's manager shapes.
// This module reads the request and resolves each operation's path; patch-attribute.ts and
// patch-value-filter.ts apply the operations.
import {
  FilterSyntaxError,
  isExtensionResolution,
  isPlainObject,
  parseAttrPath,
  parsePatchPath,
  resolveAttribute,
  type PatchPath,
  type Resolution,
} from '../filter/index.ts';
import { URN } from '../spec/scim-schemas.ts';
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget, unknownAttribute } from './errors.ts';
import { applyToAttribute } from './patch-attribute.ts';
import { applyFiltered } from './patch-value-filter.ts';
import type { PatchContext } from './patch-values.ts';
import type { Json } from './validate.ts';

const MAX_OPERATIONS = 1000;

/** Applies a PatchOp body to a copy of `data` and returns the copy. Throws ScimError. */
export function applyPatch(ctx: PatchContext, data: Json, body: unknown): Json {
  if (!isPlainObject(body)) throw invalidSyntax('the request body must be a JSON object');
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  const schemas = schemasKey === undefined ? undefined : body[schemasKey];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.patchOp.toLowerCase())) {
    throw invalidSyntax(`'schemas' must be ["${URN.patchOp}"]`);
  }
  const opsKey = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const operations = opsKey === undefined ? undefined : body[opsKey];
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax("'Operations' must be a non-empty array");
  if (operations.length > MAX_OPERATIONS) throw invalidSyntax(`at most ${MAX_OPERATIONS} operations per request`);
  const copy = structuredClone(data);
  operations.forEach((operation, index) => applyOperation(ctx, copy, operation, index));
  return copy;
}

function member(obj: Json, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : obj[key];
}

function applyOperation(ctx: PatchContext, data: Json, operation: unknown, index: number): void {
  const where = `Operations[${index}]`;
  if (!isPlainObject(operation)) throw invalidSyntax(`${where} must be an object`);
  const rawOp = member(operation, 'op');
  const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : undefined;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') throw invalidSyntax(`${where}.op must be "add", "replace" or "remove"`);
  const rawPath = member(operation, 'path');
  const hasValue = Object.keys(operation).some((k) => k.toLowerCase() === 'value');
  const value = member(operation, 'value');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') throw invalidPath(`${where}.path must be a string`);
  const pathText = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath : undefined;
  if (op !== 'remove' && !hasValue) throw invalidValue(`${where}: "${op}" needs a "value"`);
  if (pathText === undefined) {
    if (ctx.interop) throw invalidSyntax(`${where} has no "path"; every PATCH operation must name one (SCIM interoperability profile §6.5.1.1)`);
    if (op === 'remove') throw noTarget(`${where}: "remove" needs a "path"`);
    if (!isPlainObject(value)) throw invalidValue(`${where}: without a "path" the value must be an object of attributes`);
    applyPathless(ctx, data, op, value, where);
    return;
  }
  let path: PatchPath;
  let resolution: Resolution;
  try {
    path = parsePatchPath(pathText);
    resolution = resolveAttribute(ctx.type.schemas, path.attr);
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      const detail = `${where}.path "${pathText.slice(0, 200)}": ${error.message}`;
      throw error.reason === 'unknown' ? unknownAttribute('invalidPath', detail) : invalidPath(detail);
    }
    throw error;
  }
  if (isExtensionResolution(resolution)) {
    if (path.filter) throw invalidPath(`${where}.path: a schema URN cannot take a value filter`);
    if (op === 'remove') {
      delete data[resolution.container];
      return;
    }
    if (!isPlainObject(value)) throw invalidValue(`${where}: the value for ${resolution.container} must be an object`);
    for (const [key, v] of Object.entries(value)) {
      applyToAttribute(data, op, resolveKey(ctx, `${resolution.container}:${key}`, where, invalidValue), v, `${where}.value.${key}`, false);
    }
    return;
  }
  if (path.filter) {
    applyFiltered(ctx, data, op, resolution, path.filter, path.subAfterFilter, value, hasValue, where);
    return;
  }
  applyToAttribute(data, op, resolution, value, where, hasValue, { replaceWhole: ctx.interop === true });
}

/** Path-less add/replace: each key of the value object is an attribute path of its own. */
function applyPathless(ctx: PatchContext, data: Json, op: 'add' | 'replace', value: Json, where: string): void {
  for (const [key, v] of Object.entries(value)) {
    const lowerKey = key.toLowerCase();
    if (lowerKey === 'schemas' || lowerKey === 'meta') continue;
    if (lowerKey === 'id') {
      // Okta's group rename repeats the id; only a different id is an attempt to change it.
      if (v !== ctx.id) throw mutability(`${where}: id is readOnly`);
      continue;
    }
    const resolution = resolveKey(ctx, key, where, invalidPath);
    if (isExtensionResolution(resolution)) {
      if (v === null) {
        if (op === 'replace') delete data[resolution.container];
        continue;
      }
      if (!isPlainObject(v)) throw invalidValue(`${where}: the value for ${resolution.container} must be an object`);
      for (const [subKey, subValue] of Object.entries(v)) {
        applyToAttribute(data, op, resolveKey(ctx, `${resolution.container}:${subKey}`, where, invalidPath), subValue, `${where}.value.${key}.${subKey}`, true);
      }
      continue;
    }
    applyToAttribute(data, op, resolution, v, `${where}.value.${key}`, true);
  }
}

function resolveKey(ctx: PatchContext, key: string, where: string, fail: (detail: string) => Error): Resolution {
  try {
    return resolveAttribute(ctx.type.schemas, parseAttrPath(key));
  } catch (error) {
    if (error instanceof FilterSyntaxError && error.reason === 'unknown') throw unknownAttribute(fail === invalidPath ? 'invalidPath' : 'invalidValue', `${where}: ${error.message}`);
    if (error instanceof FilterSyntaxError) throw fail(`${where}: ${error.message}`);
    throw error;
  }
}
