// Public surface of the filter package: parsing (pure syntax) and schema-aware evaluation.
export { FilterSyntaxError } from './ast.ts';
export type { AttrPath, CompareOperator, CompareValue, Filter, PatchPath } from './ast.ts';
export { parseAttrPath, parseFilter, parsePatchPath } from './parse.ts';
export { compileFilter, isPresent, parseBooleanString, type CompileOptions, type Predicate } from './evaluate.ts';
export {
  containerOf,
  findExtension,
  findSubAttribute,
  isExtensionResolution,
  isPlainObject,
  resolveAttribute,
  type Container,
  type Resolution,
  type ResolvedAttribute,
  type ResourceSchemas,
} from './resolve.ts';
