// How an IdP speaks SCIM. A dialect turns a lifecycle event into the exact request that IdP sends
// (method, path with its own query encoding, headers, body shape). Builders are pure: suites
// replay them step by step, and the mock IdP composes them into provisioning cycles.

export type DialectName = 'entra' | 'entra-compliant' | 'okta' | 'okta-aiw' | 'okta-oig';

/** The IdP behind a variant: acceptance rules and impact texts are per IdP, not per variant. */
export type IdpFamily = 'entra' | 'okta';

/** Things an IdP does to a SCIM app; each maps to the builders it sends, in order. */
export type LifecycleEvent =
  | 'testConnection'
  | 'matchUser'
  | 'createUser'
  | 'getUser'
  | 'updateUser'
  | 'setManager'
  | 'changeManager'
  | 'clearManager'
  | 'disableUser'
  | 'enableUser'
  | 'deleteUser'
  | 'matchGroup'
  | 'createGroup'
  | 'getGroup'
  | 'renameGroup'
  | 'addMembers'
  | 'removeMembers'
  | 'replaceMembers'
  | 'deleteGroup'
  | 'importUsers'
  | 'importGroups'
  | 'discoverResourceTypes'
  | 'discoverSchemas'
  | 'importEntitlements';

export interface DialectRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the SCIM base URL, query already encoded exactly as the IdP encodes it. */
  path: string;
  headers?: Record<string, string>;
  json?: unknown;
  /** What the IdP is doing, for reports and provisioning logs ("match user by userName"). */
  purpose: string;
}

/** A request builder: named arguments from a suite step or the sync engine, to one request. */
export type RequestBuilder = (args: Record<string, unknown>) => DialectRequest;

export interface Dialect {
  name: DialectName;
  family: IdpFamily;
  label: string;
  /** Headers the IdP sends on every request (User-Agent …). */
  headers: Record<string, string>;
  requests: Record<string, RequestBuilder>;
  /**
   * For each lifecycle event, the builders the IdP sends, in order. A builder that needs the
   * server's current resource takes it as `args.current` from the response to the GET before it
   * (Okta's GET-then-PUT); a match request is followed by the create only when it finds nothing.
   */
  events: Partial<Record<LifecycleEvent, string[]>>;
}
