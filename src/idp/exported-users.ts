// Users as the services export them, read as directory users (the attribute names docs/mock-idp.md
// lists). Two exports:
//
// Microsoft Graph `GET /users` (learn.microsoft.com/graph/api/user-list): `{"@odata.context": …,
// "value": [user, …]}`. Graph's user properties mostly carry the names Entra's provisioning source
// list uses; where they differ, Graph's "Property differences between Azure AD Graph and Microsoft
// Graph" (migrate-azure-ad-graph-property-differences.md) gives the old name: mobilePhone is
// mobile, faxNumber is facsimileTelephoneNumber, businessPhones is telephoneNumber (Graph's user
// resource: "only one number can be set for this property", so its first). onPremisesExtensionAttributes
// holds extensionAttribute1–15, and employeeOrgData costCenter and division (Entra's source list
// writes them employeeOrgData.costCenter, employeeOrgData.division). An expanded manager
// (`$expand=manager`) is its id. `@odata.*` keys are OData annotations, not attributes.
//
// Okta `GET /api/v1/users` (developer.okta.com/docs/api/openapi/okta-management/management/tag/User):
// `[{"id", "status", "created", …, "profile": {…}, "credentials": {…}, "_links": {…}}]`. The profile
// holds Okta's own attribute names (login, firstName, …) and the org's custom ones, which are declared
// for the directory; `id` and `status` are the user's.
//
// A property no mapping could read is left out, and said once per file in one line; a user that
// cannot be provisioned at all (no id, no sign-in name) is left out with a line of its own.
import { isObject, pointerKey, type Origin } from './export-files.ts';
import { ENTRA_EXTENSION, SOURCE_ATTRIBUTES } from './vocabulary.ts';

export type ExportedUser = { id: string } & Record<string, string | boolean | number | string[]>;

/** Where a converted user came from; `keys` gives the export's own pointer (under the user) of each attribute. */
export interface UserOrigin extends Origin {
  keys: Record<string, string>;
}

export interface ImportedUsers {
  users: ExportedUser[];
  origins: UserOrigin[];
  /** Okta custom profile attributes met in the export (declared for the directory). */
  declared: string[];
  /** One line each: users left out and why, properties left out. */
  warnings: string[];
}

/**
 * Graph's user properties the directory's own form never carries (Graph's user resource; its
 * default `$select` returns businessPhones and mobilePhone): a bare list with one of them, or with an
 * `@odata.` annotation, is Graph's `value` list saved without its envelope.
 */
const GRAPH_ONLY = new Set(['businessPhones', 'mobilePhone', 'faxNumber', 'onPremisesExtensionAttributes']);
const looksGraph = (u: unknown): boolean => isObject(u) && Object.entries(u).some(([k, v]) => k.startsWith('@odata.') || GRAPH_ONLY.has(k) || ((k === 'employeeOrgData' || k === 'manager') && isObject(v)));

/**
 * Which export a `users` value is: Graph's response (`{"value": […]}`), Graph's `value` list alone
 * (`graph-list`, for an Entra directory), Okta's list, or the directory's own users.
 */
export function exportKind(value: unknown, source?: unknown): 'graph' | 'graph-list' | 'okta' | 'directory' | undefined {
  if (isObject(value) && Array.isArray(value.value)) return 'graph';
  if (!Array.isArray(value)) return undefined;
  // Any user with a profile object: a broken first entry does not make Okta's list the directory's own.
  if (value.some((u) => isObject(u) && isObject(u.profile))) return 'okta';
  // Only in an Entra directory: mobilePhone is one of Okta's own attribute names.
  if (source === 'entra' && value.some(looksGraph)) return 'graph-list';
  return 'directory';
}

/** `users` as a list of file names: an export saved page by page. */
export const isFileList = (value: unknown): value is string[] => Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');

/** One file (or inline value) of an export: its list of users and where that list is. */
export interface ExportPage {
  list: unknown[];
  /** The file, and the pointer of the list in it (`/value` in Graph's answer, '' for a bare list). */
  at: Origin;
  /** Graph's `@odata.nextLink`, when the page has one. */
  nextLink?: string;
}

/** Graph's answer (`{"value": […]}`) or its `value` list alone, as a page. */
export function graphPage(value: unknown, at: Origin): ExportPage {
  if (Array.isArray(value)) return { list: value, at };
  const doc = value as Record<string, unknown>;
  return { list: doc.value as unknown[], at: { file: at.file, pointer: `${at.pointer}/value` }, ...(typeof doc['@odata.nextLink'] === 'string' ? { nextLink: `${at.pointer}/@odata.nextLink` } : {}) };
}

/** How a set of pages is named in a one-line message: the file, or the first and how many more. */
const pagesLabel = (pages: ExportPage[]): Origin => {
  const files = [...new Set(pages.map((p) => p.at.file))];
  if (files.length === 1) return { file: files[0]!, pointer: pages.length === 1 ? pages[0]!.at.pointer.replace(/\/value$/, '') : '' };
  return { file: `${files[0]} (and ${files.length - 1} more page${files.length === 2 ? '' : 's'})`, pointer: '' };
};

const ENTRA_KNOWN = new Set(SOURCE_ATTRIBUTES.entra.filter((a) => a !== 'deleted' && a !== 'manager'));
const OKTA_KNOWN = new Set(SOURCE_ATTRIBUTES.okta.filter((a) => a !== 'id' && a !== 'status'));
/** Okta's user object around the profile (Users API): read for id and status, or not attributes at all. */
const OKTA_ENVELOPE = new Set(['id', 'status', 'created', 'activated', 'statusChanged', 'lastLogin', 'lastUpdated', 'passwordChanged', 'type', 'profile', 'credentials', '_links', '_embedded', 'transitioningToStatus', 'realmId']);
const OKTA_STATUSES = new Set(['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED']);
const GRAPH_RENAMED: Record<string, string> = { mobilePhone: 'mobile', faxNumber: 'facsimileTelephoneNumber' };
const CUSTOM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Scalar = string | boolean | number | string[];
const scalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/** Counts each left-out property once per file, with how many users carried it. */
class LeftOut {
  private readonly counts = new Map<string, number>();
  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  line(at: Origin, what: string): string | undefined {
    if (this.counts.size === 0) return undefined;
    const list = [...this.counts].map(([name, n]) => `${name} (${n} user${n === 1 ? '' : 's'})`).join(', ');
    return `${at.file}${at.pointer ? `#${at.pointer}` : ''}: ${what}, left out: ${list}`;
  }
}

/**
 * The same user twice (pages merged by hand that overlap): the copy is left out with a line. Two
 * different users of one id are both kept, for the loader to refuse the file at their places.
 */
function repeated(out: ImportedUsers, seen: Map<string, { json: string; pointer: string }>, user: ExportedUser, pointer: string, at: Origin): boolean {
  const json = JSON.stringify(user);
  const before = seen.get(user.id);
  if (before === undefined) {
    seen.set(user.id, { json, pointer });
    return false;
  }
  if (before.json !== json) return false;
  out.warnings.push(`${at.file}#${pointer}: user left out: the same user as ${before.pointer} again (id ${user.id}; pages that overlap?)`);
  return true;
}

/**
 * Each entry of the pages, in order, read by `read` (an object with an id) into a user and the
 * pointers of its keys, or the reason it is left out (one warning line at its place). A user seen
 * before is `repeated`'s to judge.
 */
function readExportedUsers(pages: ExportPage[], out: ImportedUsers, read: (raw: Record<string, unknown> & { id: string }) => { user: ExportedUser; keys: Record<string, string> } | string): void {
  const seen = new Map<string, { json: string; pointer: string }>();
  for (const { list, at } of pages) list.forEach((raw, i) => {
    const pointer = `${at.pointer}/${i}`;
    const result = !isObject(raw) ? 'not an object' : typeof raw.id !== 'string' || raw.id === '' ? 'no "id"' : read(raw as Record<string, unknown> & { id: string });
    if (typeof result === 'string') {
      out.warnings.push(`${at.file}#${pointer}: user left out: ${result}`);
      return;
    }
    if (repeated(out, seen, result.user, pointer, at)) return;
    out.users.push(result.user);
    out.origins.push({ file: at.file, pointer, keys: result.keys });
  });
}

/**
 * Graph's users, from one page or several (Graph pages a long list: each page's `@odata.nextLink`
 * leads to the next; the pages given are read in order, as one list).
 */
export function importGraphUsers(pages: ExportPage[]): ImportedUsers {
  const out: ImportedUsers = { users: [], origins: [], declared: [], warnings: [] };
  const left = new LeftOut();
  readExportedUsers(pages, out, (raw) => {
    if (typeof raw.userPrincipalName !== 'string' || raw.userPrincipalName === '') return `no "userPrincipalName" (id ${raw.id}): Entra provisions users by their sign-in name`;
    const user: ExportedUser = { id: raw.id };
    const keys: Record<string, string> = { id: '/id' };
    const put = (name: string, value: Scalar, from: string): void => {
      user[name] = value;
      keys[name] = from;
    };
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'id' || key.startsWith('@odata.') || value === null) continue;
      const from = `/${pointerKey(key)}`;
      if (key === 'businessPhones' && Array.isArray(value)) {
        if (typeof value[0] === 'string' && value[0] !== '') put('telephoneNumber', value[0], `${from}/0`);
      } else if (key in GRAPH_RENAMED && typeof value === 'string') {
        put(GRAPH_RENAMED[key]!, value, from);
      } else if (key === 'manager' && (typeof value === 'string' || (isObject(value) && typeof value.id === 'string'))) {
        put('manager', typeof value === 'string' ? value : (value as { id: string }).id, typeof value === 'string' ? from : `${from}/id`);
      } else if (key === 'onPremisesExtensionAttributes' && isObject(value)) {
        for (const [name, v] of Object.entries(value)) {
          if (v === null || name.startsWith('@odata.')) continue;
          if (/^extensionAttribute([1-9]|1[0-5])$/.test(name) && typeof v === 'string') put(name, v, `${from}/${pointerKey(name)}`);
          else left.add(`${key}.${name}`);
        }
      } else if (key === 'employeeOrgData' && isObject(value)) {
        for (const [name, v] of Object.entries(value)) {
          if (v === null || name.startsWith('@odata.')) continue;
          if ((name === 'costCenter' || name === 'division') && typeof v === 'string') put(`employeeOrgData.${name}`, v, `${from}/${name}`);
          else left.add(`${key}.${name}`);
        }
      } else if ((ENTRA_KNOWN.has(key) || ENTRA_EXTENSION.test(key)) && scalar(value)) {
        put(key, value, from);
      } else {
        left.add(key);
      }
    }
    return { user, keys };
  });
  const line = left.line(pagesLabel(pages), 'Graph properties that are not Entra provisioning source attributes');
  if (line) out.warnings.push(line);
  // Only the last page's link leads to a page not given (an earlier one's is the page after it).
  const last = pages.at(-1);
  if (last?.nextLink) out.warnings.push(`${last.at.file}#${last.nextLink}: the export is ${pages.length === 1 ? 'one page' : `${pages.length} pages`} of Graph's list, and this page links to another: users on later pages are not in the file${pages.length === 1 ? '' : 's'} (follow @odata.nextLink and save each page; list the files in "users", in order)`);
  return out;
}

/** Okta's users, from one page or several (Okta pages with a `Link: rel="next"` header), in order. */
export function importOktaUsers(pages: ExportPage[]): ImportedUsers {
  const out: ImportedUsers = { users: [], origins: [], declared: [], warnings: [] };
  const left = new LeftOut();
  const declared = new Set<string>();
  readExportedUsers(pages, out, (raw) => {
    const profile = raw.profile;
    if (!isObject(profile)) return `no "profile" (id ${raw.id})`;
    if (typeof profile.login !== 'string' || profile.login === '') return `no profile.login (id ${raw.id}): Okta users sign in with it`;
    const user: ExportedUser = { id: raw.id };
    const keys: Record<string, string> = { id: '/id' };
    // A status Okta's Users API does not list says nothing about whether the account may be pushed.
    if (raw.status !== undefined && !(typeof raw.status === 'string' && OKTA_STATUSES.has(raw.status))) return `status ${JSON.stringify(raw.status)} is not one of Okta's (${[...OKTA_STATUSES].join(', ')}) (id ${raw.id})`;
    if (typeof raw.status === 'string') {
      user.status = raw.status;
      keys.status = '/status';
    }
    for (const key of Object.keys(raw)) if (!OKTA_ENVELOPE.has(key)) left.add(key);
    for (const [key, value] of Object.entries(profile)) {
      if (value === null) continue;
      const from = `/profile/${pointerKey(key)}`;
      if (!scalar(value) || key === 'id' || key === 'status') {
        left.add(`profile.${key}`);
        continue;
      }
      if (!OKTA_KNOWN.has(key)) {
        if (!CUSTOM_NAME.test(key)) {
          left.add(`profile.${key}`);
          continue;
        }
        declared.add(key);
      }
      user[key] = value;
      keys[key] = from;
    }
    return { user, keys };
  });
  out.declared = [...declared];
  const line = left.line(pagesLabel(pages), 'Okta user properties the mock IdP does not read');
  if (line) out.warnings.push(line);
  return out;
}
