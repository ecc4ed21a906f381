// Pieces every dialect shares: URNs, argument readers that fail loudly (a builder called with
// the wrong arguments is a programming error in a suite or in the sync engine, not a server
// fault), query encoders for each IdP, and the PatchOp envelope.

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  /** The non-standard group schema Entra still sends in its POST (ENTRA-1.7, §5.7). */
  adscimGroup: 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
} as const;

export const MANAGER_PATH = `${URN.enterprise}:manager`;

export type Args = Record<string, unknown>;

export class DialectArgumentError extends Error {}

export function str(args: Args, name: string): string {
  const v = args[name];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw new DialectArgumentError(`argument "${name}" must be a non-empty string, got ${JSON.stringify(v)}`);
}

export function optStr(args: Args, name: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new DialectArgumentError(`argument "${name}" must be a string, got ${JSON.stringify(v)}`);
}

export function int(args: Args, name: string, fallback: number): number {
  const v = args[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) throw new DialectArgumentError(`argument "${name}" must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

export function bool(args: Args, name: string, fallback: boolean): boolean {
  const v = args[name];
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new DialectArgumentError(`argument "${name}" must be a boolean, got ${JSON.stringify(v)}`);
}

export function strList(args: Args, name: string): string[] {
  const v = args[name];
  const list = Array.isArray(v) ? v : typeof v === 'string' && v !== '' ? [v] : undefined;
  if (!list || list.some((x) => typeof x !== 'string' || x === '')) throw new DialectArgumentError(`argument "${name}" must be a list of ids, got ${JSON.stringify(v)}`);
  return list as string[];
}

export function record(args: Args, name: string): Record<string, unknown> {
  const v = args[name];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new DialectArgumentError(`argument "${name}" must be an object, got ${JSON.stringify(v)}`);
}

export function optRecord(args: Args, name: string): Record<string, unknown> | undefined {
  return args[name] === undefined ? undefined : record(args, name);
}

/** The work email (`emails[type eq "work"].value`): Entra and Okta mark it primary. */
export const isWorkEmail = (path: { attribute: string; selector?: { value: unknown } }): boolean =>
  path.attribute.toLowerCase() === 'emails' && String(path.selector?.value ?? '').toLowerCase() === 'work';

export const seg = (id: string): string => encodeURIComponent(id);

/** SCIM string literal inside a filter: `"` and `\` escaped (RFC 7644 §3.4.2.2 uses JSON strings). */
export const literal = (value: string): string => JSON.stringify(value);

/**
 * Entra sends its query strings form-encoded: spaces as `+`, quotes as `%22`
 * (`filter=userName+eq+%22…%22`, ENTRA-1.1). URLSearchParams is exactly that encoding.
 */
export function formQuery(params: [string, string | number][]): string {
  return new URLSearchParams(params.map(([k, v]): [string, string] => [k, String(v)])).toString();
}

/**
 * Okta percent-encodes with `%20` (`filter=userName%20eq%20%22test.user%40okta.local%22`,
 * OKTA-2.4) and appends its paging parameters.
 */
export function percentQuery(params: [string, string | number][]): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

export const patchBody = (operations: PatchOperation[]): { schemas: string[]; Operations: PatchOperation[] } => ({ schemas: [URN.patchOp], Operations: operations });

/**
 * The user fields a directory (Entra, Okta) holds and maps to SCIM. Builders leave out what is
 * absent, as both IdPs do (ENTRA-1.1: null source values are never sent).
 */
export interface DirectoryUser {
  userName: string;
  externalId?: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  email?: string;
  title?: string;
  department?: string;
  employeeNumber?: string;
  locale?: string;
  active: boolean;
}

// SCIM paths of the mapped fields, so `omit` empties the directory field itself (a user with no
// first name has no formatted name built from it either).
const FIELD_PATHS: Record<string, keyof DirectoryUser> = {
  'name.givenname': 'givenName',
  'name.familyname': 'familyName',
  displayname: 'displayName',
  title: 'title',
  externalid: 'externalId',
  emails: 'email',
  'emails[type eq "work"].value': 'email',
  locale: 'locale',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department': 'department',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber': 'employeeNumber',
};

export function directoryUser(args: Args): DirectoryUser {
  const omitted = new Set(omitList(args).map((p) => FIELD_PATHS[p.toLowerCase()]).filter((f) => f !== undefined));
  const out: DirectoryUser = { userName: str(args, 'userName'), active: bool(args, 'active', true) };
  for (const key of ['externalId', 'givenName', 'familyName', 'displayName', 'email', 'title', 'department', 'employeeNumber', 'locale'] as const) {
    const v = optStr(args, key);
    if (v !== undefined && !omitted.has(key)) out[key] = v;
  }
  return out;
}

/**
 * Leaves SCIM attribute paths out of a body (`name.givenName`, `emails`,
 * `urn:…:enterprise:2.0:User:department`): how a suite models a directory user whose source
 * value is empty. Names compare case-insensitively (RFC 7643 §2.1).
 */
export function withoutPaths(body: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  const copy = structuredClone(body);
  for (const path of paths) {
    // A sub-attribute is left out of the values the IdP sends (`emails.value`: an email without
    // its value). When the IdP's request has no such attribute at all, there is nothing to leave
    // it out of: the step cannot model that case (RFC 7643 §2.2: a required sub-attribute is
    // required only inside a value that is present).
    const parent = /^([^.:]+)\./.exec(path)?.[1];
    const parentKey = parent === undefined ? undefined : Object.keys(copy).find((k) => k.toLowerCase() === parent.toLowerCase());
    const parentValue = parentKey === undefined ? undefined : copy[parentKey];
    if (parent !== undefined && (parentValue === undefined || (Array.isArray(parentValue) && parentValue.length === 0))) {
      throw new DialectArgumentError(`this IdP request carries no ${parent}, so it cannot send one without ${path.slice(parent.length + 1)}`);
    }
    removePath(copy, path);
  }
  return copy;
}

function removePath(node: Record<string, unknown>, path: string): void {
  const urn = /^(urn:.*):([^:]+)$/.exec(path);
  if (urn && urn[1]!.split(':').length > 3) {
    const extKey = Object.keys(node).find((k) => k.toLowerCase() === urn[1]!.toLowerCase());
    const ext = extKey === undefined ? undefined : node[extKey];
    if (ext && typeof ext === 'object' && !Array.isArray(ext)) removePath(ext as Record<string, unknown>, urn[2]!);
    return;
  }
  const [head, ...rest] = path.split('.');
  const key = Object.keys(node).find((k) => k.toLowerCase() === head!.toLowerCase());
  if (key === undefined) return;
  if (rest.length === 0) {
    delete node[key];
    return;
  }
  const child = node[key];
  for (const element of Array.isArray(child) ? child : [child]) {
    if (element && typeof element === 'object' && !Array.isArray(element)) removePath(element as Record<string, unknown>, rest.join('.'));
  }
}

export function omitList(args: Args): string[] {
  const v = args.omit;
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x): x is string => typeof x === 'string' && x !== '');
}

/**
 * The value a lookup compares: `value` when given, else the user field the matching attribute
 * maps to (`userName`, `externalId`, `emails[type eq "work"].value` → `email`), so a caller can
 * hand over the whole user and the configured matching attribute.
 */
export function matchValue(args: Args): { attribute: string; value: string } {
  const attribute = optStr(args, 'attribute') ?? 'userName';
  const given = optStr(args, 'value');
  if (given !== undefined) return { attribute, value: given };
  const field = attribute.toLowerCase() === 'username' ? 'userName' : attribute.toLowerCase() === 'externalid' ? 'externalId' : /^emails/i.test(attribute) ? 'email' : attribute;
  return { attribute, value: str(args, field) };
}
