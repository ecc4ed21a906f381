// `{{var}}` substitution in suite data. A string that is exactly one `{{…}}` takes the value's own
// type (so captured numbers, booleans and objects stay what they are); inside longer strings
// values are stringified. Functions: `upper`, `lower`, `urlencode`, `json`. An object
// `{"$each": "{{list}}", "as": "name", "do": …}` becomes one rendered `do` per element of the list.
import { getPointer } from '../util/pointer.ts';

export class MissingVariable extends Error {
  constructor(readonly variable: string) {
    super(`{{${variable}}} has no value (an earlier step did not produce it)`);
  }
}

const WHOLE = /^\{\{\s*([^{}]+?)\s*\}\}$/;
const PART = /\{\{\s*([^{}]+?)\s*\}\}/g;

const FUNCTIONS: Record<string, (value: unknown) => unknown> = {
  upper: (v) => String(v).toUpperCase(),
  lower: (v) => String(v).toLowerCase(),
  urlencode: (v) => encodeURIComponent(String(v)),
  json: (v) => JSON.stringify(v),
};

interface Expression {
  name: string;
  /** `/a/b` for a dotted name (`user.id`), read with getPointer when `name` is not a variable. */
  pointer: string;
  fn?: (value: unknown) => unknown;
}

/** Parsed expressions, by their text: suites repeat the same few hundred on every step of every run. */
const parsed = new Map<string, Expression>();

function parse(expression: string): Expression {
  let e = parsed.get(expression);
  if (!e) {
    const [first, second] = expression.split(/\s+/);
    const fn = second !== undefined ? FUNCTIONS[first!] : undefined;
    const name = fn ? second! : expression;
    e = { name, pointer: `/${name.split('.').join('/')}`, ...(fn ? { fn } : {}) };
    parsed.set(expression, e);
  }
  return e;
}

/** The variable an expression reads, as the lookup reads it: `upper prefix` → `prefix`, `scenario.tag` → `scenario`. */
export function variableOf(expression: string): string {
  return parse(expression).name.split('.')[0]!;
}

/** The dotted name an expression reads: `upper scenario.tag` → `scenario.tag`. */
export function nameOf(expression: string): string {
  return parse(expression).name;
}

/**
 * Where a string opens a `{{` that no `}}` closes, as a template would be opened
 * (`{{steps.create.id`): such text was sent verbatim, and the server blamed for the path.
 * A run of braces (`{{{`, a malformed-JSON probe's raw body) is not one.
 */
export function unclosedTemplate(text: string): string | undefined {
  const open = /\{\{\s*[A-Za-z_$][^{}]*$/.exec(text.replace(PART, ''));
  return open ? open[0] : undefined;
}

/** The `{{…}}` expressions of a string, in order. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(PART)].map((match) => match[1]!);
}

function lookup(expression: string, vars: Record<string, unknown>): unknown {
  const { name, pointer, fn } = parse(expression);
  const value = name in vars ? vars[name] : getPointer(vars, pointer);
  if (value === undefined) throw new MissingVariable(name);
  return fn ? fn(value) : value;
}

/** Whether suite data holds a `{{…}}` anywhere, by object: suites are frozen, so the answer never changes. */
const templated = new WeakMap<object, boolean>();

function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (!value || typeof value !== 'object') return false;
  let known = templated.get(value);
  if (known === undefined) {
    known = Array.isArray(value) ? value.some(hasTemplate) : Object.entries(value).some(([k, v]) => k.includes('{{') || hasTemplate(v));
    // Only frozen data (loaded suites) is remembered; anything else may still change.
    if (Object.isFrozen(value)) templated.set(value, known);
  }
  return known;
}

/** Fills `{{…}}` in suite data; data without any is returned as it is (frozen suite data stays shared). */
export function render<T>(value: T, vars: Record<string, unknown>): T {
  if (value && typeof value === 'object' && !hasTemplate(value)) return value;
  return renderValue(value, vars);
}

/** A string of suite data split at its `{{…}}`: the text around them and the expressions, in order. */
interface Compiled {
  /** The expression when the string is exactly one `{{…}}` (the value keeps its type). */
  whole?: string;
  texts: string[];
  expressions: string[];
}

/** Template strings, compiled once: suites are frozen data and repeat the same strings every run. */
const compiledTemplates = new Map<string, Compiled>();

function compile(template: string): Compiled {
  let compiled = compiledTemplates.get(template);
  if (!compiled) {
    const whole = WHOLE.exec(template);
    const texts: string[] = [];
    const expressions: string[] = [];
    let from = 0;
    for (const match of template.matchAll(PART)) {
      texts.push(template.slice(from, match.index));
      expressions.push(match[1]!);
      from = match.index + match[0].length;
    }
    texts.push(template.slice(from));
    compiled = whole ? { whole: whole[1]!, texts, expressions } : { texts, expressions };
    if (compiledTemplates.size >= 10_000) compiledTemplates.clear();
    compiledTemplates.set(template, compiled);
  }
  return compiled;
}

/**
 * One path segment's worth of a value (RFC 3986 §3.3): what is not a pchar is percent-encoded, so
 * an id that holds "/", "?", "#", "%" or a space stays one segment; ":", "@" and the sub-delims
 * ("+", "|" is not one) stay as they are, as the request would carry them anyway.
 */
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/%(3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * Renders a request path: a value placed after the path's first character (`/Users/{{userId}}`)
 * is one segment, encoded as such, since RFC 7643 §3.1 leaves an id's characters to the server. A
 * value that is the whole path, or one given through a function (`{{urlencode …}}`), is used as it is.
 */
export function renderPath(template: string, vars: Record<string, unknown>): string {
  if (!template.includes('{{')) return template;
  const { whole, texts, expressions } = compile(template);
  if (whole !== undefined) return String(lookup(whole, vars));
  let out = texts[0]!;
  for (let i = 0; i < expressions.length; i++) {
    const v = lookup(expressions[i]!, vars);
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    out += (out === '' || parse(expressions[i]!).fn ? text : pathSegment(text)) + texts[i + 1]!;
  }
  return out;
}

function renderValue<T>(value: T, vars: Record<string, unknown>): T {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const { whole, texts, expressions } = compile(value);
    if (whole !== undefined) return lookup(whole, vars) as T;
    let out = texts[0]!;
    for (let i = 0; i < expressions.length; i++) {
      const v = lookup(expressions[i]!, vars);
      out += (typeof v === 'string' ? v : JSON.stringify(v)) + texts[i + 1]!;
    }
    return out as T;
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars)) as T;
  if (value && typeof value === 'object' && '$each' in value) return renderEach(value as Record<string, unknown>, vars) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[renderValue(k, vars)] = renderValue(v, vars);
    return out as T;
  }
  return value;
}

function renderEach(spec: Record<string, unknown>, vars: Record<string, unknown>): unknown[] {
  const list = render(spec.$each, vars);
  if (!Array.isArray(list)) throw new MissingVariable(`${String(spec.$each)} (a list for $each)`);
  const name = typeof spec.as === 'string' ? spec.as : 'item';
  return list.map((element) => render(spec.do, { ...vars, [name]: element }));
}

/** Removes a SCIM attribute path (`name.familyName`, `urn:…:User:employeeNumber`) from a body. */
export function omitPath(body: unknown, path: string): unknown {
  if (Array.isArray(body)) return body.map((element) => omitPath(element, path));
  if (!body || typeof body !== 'object') return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  const urnSplit = /^(urn:.*):([^:]+)$/.exec(path);
  if (urnSplit && urnSplit[1]!.split(':').length > 3) {
    const ext = copy[urnSplit[1]!];
    if (ext && typeof ext === 'object') delete (ext as Record<string, unknown>)[urnSplit[2]!];
    return copy;
  }
  const [head, ...rest] = path.split('.');
  const key = Object.keys(copy).find((k) => k.toLowerCase() === head!.toLowerCase());
  if (key === undefined) return copy;
  if (rest.length === 0) delete copy[key];
  else copy[key] = omitPath(copy[key], rest.join('.'));
  return copy;
}
