import type { Dialect, DialectName, DialectRequest } from './types.ts';

// Filled in by the dialect modules (entra.ts, okta.ts).
const DIALECTS = new Map<string, Dialect>();

export function registerDialect(dialect: Dialect): void {
  DIALECTS.set(dialect.name, dialect);
}

export function dialectNames(): DialectName[] {
  return [...DIALECTS.keys()] as DialectName[];
}

export function getDialect(name: string): Dialect | undefined {
  return DIALECTS.get(name);
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
