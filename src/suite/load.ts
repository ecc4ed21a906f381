import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { CHECK_KINDS } from '../checks/registry.ts';
import { getDialect, hasRequest } from '../dialects/index.ts';
import { getPointer } from '../util/pointer.ts';
import type { LoadedSuite, SuiteFile } from './types.ts';
import { lazy } from '../util/lazy.ts';
import { firstUnsetVariable } from './variables.ts';

/** A suite file that cannot be used; the message names the file and the JSON pointer. */
export class SuiteError extends Error {
  constructor(readonly file: string, readonly pointer: string, detail: string) {
    super(`${file}#${pointer}: ${detail}`);
    this.name = 'SuiteError';
  }
}

export const SUITES_DIR = fileURLToPath(new URL('../../suites/', import.meta.url));
const suiteValidator = lazy(() => {
  const schema = JSON.parse(readFileSync(new URL('./suite.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  return new Ajv2020({ allErrors: false, strict: false }).compile<SuiteFile>(schema);
});

const display = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
};

function describe(error: ErrorObject, data: unknown): string {
  const at = error.instancePath;
  if (error.keyword === 'required') return `missing "${String(error.params.missingProperty)}"`;
  if (error.keyword === 'additionalProperties') return `unknown property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'enum' && /\/expect\/\d+\/check$/.test(at)) return `unknown check kind ${JSON.stringify(getPointer(data, at))} (known: ${[...CHECK_KINDS.keys()].join(', ')})`;
  if (error.keyword === 'enum') return `must be one of ${JSON.stringify(error.params.allowedValues)}`;
  if (error.keyword === 'const') return `must be ${JSON.stringify(error.params.allowedValue)}`;
  if (error.keyword === 'minProperties' && /\/assert(\/\d+)?$/.test(at)) return 'asserts nothing: name what to check besides "pointer" (equals, exists, contains …)';
  if (error.keyword === 'minProperties' && /\/with$/.test(at)) return 'names nothing to check: give at least one parameter';
  if (error.keyword === 'dependentRequired') return `"${String(error.params.property)}" needs "${String(error.params.missingProperty)}" too`;
  return error.message ?? error.keyword;
}

/**
 * The error to report. Where a value may take several forms (one assertion or a list; a number or
 * a {{template}}), ajv reports each form's failure; the deepest one names the real problem.
 */
function firstError(errors: ErrorObject[] | null | undefined): { error: ErrorObject; orTemplate: boolean } | undefined {
  const real = (errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf');
  if (real.length === 0) return errors?.[0] ? { error: errors[0], orTemplate: false } : undefined;
  const isTemplate = (e: ErrorObject): boolean => e.schemaPath.startsWith('#/$defs/template');
  const depth = (e: ErrorObject): number => e.instancePath.split('/').length;
  const deepest = Math.max(...real.map(depth));
  const candidates = real.filter((e) => depth(e) === deepest);
  const error = candidates.find((e) => !isTemplate(e)) ?? candidates[0]!;
  return { error, orTemplate: candidates.some(isTemplate) && !isTemplate(error) };
}


/** Suites read before, by absolute path; a file that changed (mtime or size) is read again. */
const cache = new Map<string, { mtimeMs: number; size: number; name: string; suite: LoadedSuite }>();

/**
 * Reads and validates one suite file. Suites are data and never change during a run, so a file
 * is parsed and validated once per process (a library or vitest user runs many times); the
 * result is frozen so nothing can change it by accident.
 */
export function loadSuiteFile(file: string): LoadedSuite {
  const path = resolve(file);
  const name = display(file);
  let stat: { mtimeMs: number; size: number } | undefined;
  try {
    stat = statSync(path);
  } catch {
    stat = undefined;
  }
  const hit = cache.get(path);
  if (stat && hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size && hit.name === name) return hit.suite;
  const suite = deepFreeze(readSuiteFile(file, name));
  if (stat) cache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, name, suite });
  return suite;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function readSuiteFile(file: string, name: string): LoadedSuite {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SuiteError(name, '', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SuiteError(name, '', `not valid JSON (${(error as Error).message})`);
  }
  const validate = suiteValidator();
  if (!validate(data)) {
    const first = firstError(validate.errors);
    if (!first) throw new SuiteError(name, '', 'invalid suite');
    throw new SuiteError(name, first.error.instancePath, `${describe(first.error, data)}${first.orTemplate ? ' (or a {{template}})' : ''}`);
  }
  data.scenarios.forEach((scenario, s) => {
    const earlier = new Set<string>();
    const learned = new Set<string>();
    scenario.steps.forEach((step, t) => {
      // A step's own answer may tell what its checks need (a read-back after a bodiless create).
      for (const learn of step.learn ?? []) learned.add(learn.name);
      (step.expect ?? []).forEach((expectation, e) => {
        for (const [i, need] of (expectation.needs ?? []).entries()) {
          if (!learned.has(need)) throw new SuiteError(name, `/scenarios/${s}/steps/${t}/expect/${e}/needs/${i}`, `"${need}" is not learned by this or an earlier step of this scenario`);
        }
        const needs = expectation.precondition === undefined ? [] : [expectation.precondition].flat();
        for (const [i, id] of needs.entries()) {
          const at = `/scenarios/${s}/steps/${t}/expect/${e}/precondition${Array.isArray(expectation.precondition) ? `/${i}` : ''}`;
          if (!earlier.has(id)) throw new SuiteError(name, at, `"${id}" is not a check of an earlier step of this scenario`);
        }
      });
      for (const expectation of step.expect ?? []) earlier.add(expectation.id);
    });
  });
  data.scenarios.forEach((scenario, s) =>
    scenario.steps.forEach((step, t) => {
      const { dialect, request } = step.send;
      if (dialect === undefined && request === undefined) return;
      const at = `/scenarios/${s}/steps/${t}/send`;
      if (dialect === undefined || request === undefined) throw new SuiteError(name, at, 'a dialect step needs both "dialect" and "request"');
      const variants = /\{\{\s*dialect\s*\}\}/.test(dialect) ? scenario.dialects : [dialect];
      if (!variants || variants.length === 0) throw new SuiteError(name, `${at}/dialect`, 'uses {{dialect}} but the scenario lists no "dialects"');
      for (const variant of variants) {
        if (!getDialect(variant)) throw new SuiteError(name, `${at}/dialect`, `unknown dialect "${variant}"`);
        if (!hasRequest(variant, request)) throw new SuiteError(name, `${at}/request`, `dialect "${variant}" has no request "${request}"`);
      }
    }),
  );
  data.scenarios.forEach((scenario, s) => {
    const unset = firstUnsetVariable(scenario, `/scenarios/${s}`);
    if (unset) throw new SuiteError(name, unset.pointer, unset.detail);
  });
  return { ...data, file: name };
}

/** Every *.json file under a suite directory, sorted so runs are reproducible. */
function suiteFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Resolves `--suite` names: a built-in suite name (a folder of suites/), or a path to a vendor's
 * own suite file or folder. Check ids must be unique across everything loaded.
 */
export function loadSuites(names: string[], suitesDir = SUITES_DIR): LoadedSuite[] {
  const loaded: LoadedSuite[] = [];
  for (const name of names) {
    const builtin = join(suitesDir, name);
    const target = exists(builtin) ? builtin : resolve(name);
    if (!exists(target)) throw new SuiteError(name, '', `no such suite: not a built-in suite (${listBuiltins(suitesDir).join(', ')}) nor a file or folder`);
    const files = statSync(target).isDirectory() ? suiteFiles(target) : [target];
    for (const file of files) loaded.push(loadSuiteFile(file));
  }
  const seen = new Map<string, string>();
  for (const suite of loaded) {
    for (const scenario of suite.scenarios) {
      for (const step of scenario.steps) {
        for (const e of step.expect ?? []) {
          const previous = seen.get(e.id);
          if (previous) throw new SuiteError(suite.file, `/scenarios`, `check id "${e.id}" is already used in ${previous}`);
          seen.set(e.id, suite.file);
        }
      }
    }
  }
  return loaded;
}

export function listBuiltins(suitesDir = SUITES_DIR): string[] {
  return readdirSync(suitesDir).filter((f) => statSync(join(suitesDir, f)).isDirectory() && basename(f) !== 'payloads');
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
