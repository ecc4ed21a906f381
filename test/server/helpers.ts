// Shared test plumbing: a real server on port 0 and a tiny fetch wrapper that parses SCIM JSON.
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.ts';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestServer {
  server: RunningServer;
  /** Unexpected exceptions the server answered with 500; tests expect none. */
  internalErrors: unknown[];
  url: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Sends `body` verbatim (no JSON encoding). */
  raw(method: string, path: string, body: string | undefined, headers?: Record<string, string>): Promise<Reply>;
  createUser(userName: string, extra?: Record<string, unknown>): Promise<Reply>;
  createGroup(displayName: string, extra?: Record<string, unknown>): Promise<Reply>;
  patch(path: string, operations: unknown[]): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const internalErrors: unknown[] = [];
  const server = await startServer({ port: 0, token: 'test-token', onInternalError: (e) => internalErrors.push(e), ...options });
  const raw = async (method: string, path: string, body: string | undefined, headers: Record<string, string> = {}): Promise<Reply> => {
    const url = path.startsWith('http') ? path : `${server.url}${path}`;
    const init: RequestInit = { method, headers: { Authorization: `Bearer ${server.token}`, ...headers } };
    if (body !== undefined) init.body = body;
    const response = await fetch(url, init);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  };
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    raw(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? headers : { 'Content-Type': 'application/scim+json', ...headers });
  return {
    server,
    internalErrors,
    url: server.url,
    request,
    raw,
    createUser: (userName, extra = {}) => request('POST', '/Users', { schemas: [USER], userName, ...extra }),
    createGroup: (displayName, extra = {}) => request('POST', '/Groups', { schemas: [GROUP], displayName, ...extra }),
    patch: (path, operations) => request('PATCH', path, { schemas: [PATCH_OP], Operations: operations }),
    close: async () => {
      await server.close();
      if (internalErrors.length > 0) throw new Error(`server had ${internalErrors.length} internal error(s): ${String(internalErrors[0])}`);
    },
  };
}

/** Asserts the SCIM error shape and returns the body. */
export function expectScimError(reply: Reply, status: number, scimType?: string): void {
  const problems: string[] = [];
  if (reply.status !== status) problems.push(`status ${reply.status} != ${status} (${reply.text.slice(0, 300)})`);
  if (!reply.headers.get('content-type')?.startsWith('application/scim+json')) problems.push(`content-type ${reply.headers.get('content-type')}`);
  if (!reply.body || !Array.isArray(reply.body.schemas) || reply.body.schemas[0] !== ERROR) problems.push('not a SCIM error body');
  else {
    if (reply.body.status !== String(status)) problems.push(`body.status ${JSON.stringify(reply.body.status)}`);
    if (scimType !== undefined && reply.body.scimType !== scimType) problems.push(`scimType ${reply.body.scimType} != ${scimType} (${reply.body.detail})`);
    if (typeof reply.body.detail !== 'string' || reply.body.detail === '') problems.push('no detail');
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
}
