// A tiny SCIM caller for the harness's own tests: raw status/headers/body, nothing interpreted,
// so a test sees exactly what the server sent.

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body when it is JSON, otherwise undefined. */
  json: unknown;
}

export interface CallOptions {
  /** Replaces the default `Authorization: Bearer <token>`; `null` sends none. */
  authorization?: string | null;
  headers?: Record<string, string>;
  /** Sent verbatim instead of JSON-encoding `body`. */
  rawBody?: string;
}

export type Caller = (method: string, path: string, body?: unknown, options?: CallOptions) => Promise<RawResponse>;

export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

export function scimCaller(baseUrl: string, token: string): Caller {
  return async (method, path, body, options = {}) => {
    const headers: Record<string, string> = { accept: 'application/scim+json', ...options.headers };
    const authorization = options.authorization === undefined ? `Bearer ${token}` : options.authorization;
    if (authorization !== null) headers.authorization = authorization;
    let payload: string | undefined = options.rawBody;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/scim+json';
    const res = await fetch(baseUrl + path, { method, headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

/** `?filter=…` with the expression URL-encoded. */
export function filterQuery(expression: string): string {
  return `filter=${encodeURIComponent(expression)}`;
}

export function patchBody(...operations: object[]): { schemas: string[]; Operations: object[] } {
  return { schemas: [SCHEMA.patchOp], Operations: operations };
}

/** Narrow an unknown JSON body to a record for property access in assertions. */
export function obj(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

export function resources(value: unknown): Record<string, unknown>[] {
  const list = obj(value).Resources;
  if (!Array.isArray(list)) throw new Error(`expected a ListResponse, got ${JSON.stringify(value)}`);
  return list as Record<string, unknown>[];
}
