// The dialect registry. Importing this module registers every built-in dialect (entra.ts and
// okta.ts only import types and shared helpers, so there is no import cycle).
import { entra, entraCompliant } from './entra.ts';
import { okta, oktaAiw, oktaOig } from './okta.ts';
import type { Dialect, DialectName, DialectRequest } from './types.ts';

const DIALECTS = new Map<string, Dialect>();

export function registerDialect(dialect: Dialect): void {
  DIALECTS.set(dialect.name, dialect);
}

for (const d of [entra, entraCompliant, okta, oktaAiw, oktaOig]) registerDialect(d);

export function dialectNames(): DialectName[] {
  return [...DIALECTS.keys()] as DialectName[];
}

export function getDialect(name: string): Dialect | undefined {
  return DIALECTS.get(name);
}

/** Does this dialect have this request builder? (suite load-time validation) */
export function hasRequest(dialectName: string, request: string): boolean {
  return DIALECTS.get(dialectName)?.requests[request] !== undefined;
}

/** Builds one request of a dialect; unknown names are a suite error, reported with the step. */
export function buildDialectRequest(dialectName: string, request: string, args: Record<string, unknown>): DialectRequest {
  const dialect = DIALECTS.get(dialectName);
  if (!dialect) throw new Error(`unknown dialect "${dialectName}" (known: ${[...DIALECTS.keys()].join(', ') || 'none'})`);
  const builder = dialect.requests[request];
  if (!builder) throw new Error(`dialect "${dialectName}" has no request "${request}" (known: ${Object.keys(dialect.requests).join(', ')})`);
  const built = builder(args);
  return { ...built, headers: { ...dialect.headers, ...(built.headers ?? {}) } };
}

export type { Dialect, DialectName, DialectRequest, IdpFamily, LifecycleEvent, RequestBuilder } from './types.ts';
export { acceptsResponse, impactOf, ACCEPTS, IMPACT, CORE_CHECKS_RELIED_ON } from './acceptance.ts';
