// In-memory Users and Groups: ids, versions, uniqueness of userName (caseExact false, so folded),
// group membership kept consistent when users go, and the rendering of a stored resource.
import { randomUUID } from 'node:crypto';
import { badRequest, notFound, ScimError } from './errors.ts';
import type { ResourceModel } from './schema.ts';
import { schemasOf, type Resource } from './validate.ts';

export interface Stored {
  id: string;
  data: Resource;
  created: string;
  lastModified: string;
  version: number;
}

/** A rule of the application on top of the schema (the kind a real product has). */
export type BusinessRule = (kind: 'User' | 'Group', data: Resource) => string | undefined;

export const EMAIL_UNLESS_USERNAME_IS_EMAIL: BusinessRule = (kind, data) => {
  if (kind !== 'User') return undefined;
  const userName = String(data.userName ?? '');
  const emails = Array.isArray(data.emails) ? data.emails : [];
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(userName)) return undefined;
  return emails.some((e) => typeof (e as Resource).value === 'string') ? undefined : 'an email is required when userName is not an email address';
};

export class Store {
  readonly users = new Map<string, Stored>();
  readonly groups = new Map<string, Stored>();
  private clock = 0;

  constructor(
    private readonly rule: BusinessRule | undefined,
    /** Group displayNames are unique, case-insensitively (IPSIE AL2 asks for it; RFC 7643 does not). */
    private readonly options: { uniqueGroupNames?: boolean; reservedEmails?: boolean; ids?: 'uuid' | 'integer' | 'upper' | 'reserved' | 'plus' | 'escapes'; searchLagMs?: number } = {},
  ) {}

  /** With a search lag: every version each resource had, and when it was written (undefined: deleted). */
  private readonly history = new Map<string, { at: number; stored: Stored | undefined }[]>();

  private written(kind: 'User' | 'Group', id: string, stored: Stored | undefined): void {
    if (!this.options.searchLagMs) return;
    const key = `${kind}:${id}`;
    this.history.set(key, [...(this.history.get(key) ?? []), { at: Date.now(), stored: stored ? structuredClone(stored) : undefined }]);
  }

  /**
   * What a search sees: with a search lag, each resource as it was that long ago (an index that
   * catches up with every write `searchLagMs` later); otherwise the collection itself.
   */
  searchable(kind: 'User' | 'Group'): Map<string, Stored> {
    const lag = this.options.searchLagMs;
    if (!lag) return this.collection(kind);
    const seenUpTo = Date.now() - lag;
    const out = new Map<string, Stored>();
    for (const [key, versions] of this.history) {
      if (!key.startsWith(`${kind}:`)) continue;
      const visible = versions.filter((v) => v.at <= seenUpTo).at(-1)?.stored;
      if (visible) out.set(visible.id, visible);
    }
    return out;
  }

  private nextNumber = 1000;

  /** With reservedEmails: each address (lower case) and the User that holds it, kept after that User is deleted. */
  private readonly emailOwners = new Map<string, string>();

  private emailsOf(data: Resource): string[] {
    return (Array.isArray(data.emails) ? data.emails : []).map((e) => (e as Resource).value).filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
  }

  private newId(): string {
    if (this.options.ids === 'integer') return String(++this.nextNumber);
    if (this.options.ids === 'reserved') return `u:${++this.nextNumber}|x@y`;
    if (this.options.ids === 'plus') return `a+${++this.nextNumber} b'c`;
    if (this.options.ids === 'escapes') return `p%${++this.nextNumber}/a?b#c`;
    return this.options.ids === 'upper' ? randomUUID().toUpperCase() : randomUUID();
  }

  private now(): string {
    // Strictly increasing, so lastModified moves on every write even within one millisecond.
    this.clock = Math.max(Date.now(), this.clock + 1);
    return new Date(this.clock).toISOString();
  }

  collection(kind: 'User' | 'Group'): Map<string, Stored> {
    return kind === 'User' ? this.users : this.groups;
  }

  get(kind: 'User' | 'Group', id: string): Stored {
    const found = this.collection(kind).get(id);
    if (!found) throw notFound(`${kind} ${id} not found`);
    return found;
  }

  private check(kind: 'User' | 'Group', data: Resource, selfId?: string): void {
    if (kind === 'User') {
      const name = String(data.userName).toLowerCase();
      for (const u of this.users.values()) {
        if (u.id !== selfId && String(u.data.userName).toLowerCase() === name) throw new ScimError(409, 'uniqueness', `userName "${String(data.userName)}" is already taken`);
      }
    } else {
      if (this.options.uniqueGroupNames) {
        const name = String(data.displayName).toLowerCase();
        for (const g of this.groups.values()) {
          if (g.id !== selfId && String(g.data.displayName).toLowerCase() === name) throw new ScimError(409, 'uniqueness', `a group named "${String(data.displayName)}" already exists`);
        }
      }
      for (const m of Array.isArray(data.members) ? data.members : []) {
        const value = (m as Resource).value;
        if (typeof value !== 'string' || (!this.users.has(value) && !this.groups.has(value))) throw badRequest('invalidValue', `member ${JSON.stringify(value)} is not a User or Group of this server`);
      }
    }
    if (kind === 'User' && this.options.reservedEmails) {
      for (const email of this.emailsOf(data)) {
        const owner = this.emailOwners.get(email);
        if (owner !== undefined && owner !== selfId) throw new ScimError(409, 'uniqueness', `the email address ${email} is already used by another account`);
      }
    }
    const refusal = this.rule?.(kind, data);
    if (refusal) throw badRequest('invalidValue', refusal);
  }

  private reserveEmails(kind: 'User' | 'Group', id: string, data: Resource): void {
    if (kind !== 'User' || !this.options.reservedEmails) return;
    for (const email of this.emailsOf(data)) this.emailOwners.set(email, id);
  }

  create(kind: 'User' | 'Group', data: Resource): Stored {
    this.check(kind, data);
    const at = this.now();
    const stored: Stored = { id: this.newId(), data, created: at, lastModified: at, version: 1 };
    this.collection(kind).set(stored.id, stored);
    this.reserveEmails(kind, stored.id, data);
    this.written(kind, stored.id, stored);
    return stored;
  }

  replace(kind: 'User' | 'Group', id: string, data: Resource): Stored {
    const stored = this.get(kind, id);
    this.check(kind, data, id);
    // A write-only password is kept when a replace does not send one.
    if (kind === 'User' && data.password === undefined && stored.data.password !== undefined) data.password = stored.data.password;
    stored.data = data;
    this.reserveEmails(kind, id, data);
    stored.lastModified = this.now();
    stored.version++;
    this.written(kind, id, stored);
    return stored;
  }

  delete(kind: 'User' | 'Group', id: string): void {
    this.get(kind, id);
    this.collection(kind).delete(id);
    this.written(kind, id, undefined);
    for (const g of this.groups.values()) {
      const members = Array.isArray(g.data.members) ? g.data.members : [];
      const kept = members.filter((m) => (m as Resource).value !== id);
      if (kept.length === members.length) continue;
      if (kept.length > 0) g.data.members = kept;
      else delete g.data.members;
      g.lastModified = this.now();
      g.version++;
      this.written('Group', g.id, g);
    }
  }

  /** The resource as the server returns it (before attribute projection). */
  render(model: ResourceModel, stored: Stored, baseUrl: string, etags: boolean, relativeMeta = false): Resource {
    const { password: _never, ...data } = stored.data;
    const out: Resource = { schemas: schemasOf(model, data), id: stored.id, ...data };
    if (model.kind === 'User') {
      const groups = [...this.groups.values()]
        .filter((g) => Array.isArray(g.data.members) && g.data.members.some((m) => (m as Resource).value === stored.id))
        .map((g) => ({ value: g.id, $ref: `${baseUrl}/Groups/${encodeURIComponent(g.id)}`, display: g.data.displayName, type: 'direct' }));
      if (groups.length > 0) out.groups = groups;
    }
    out.meta = {
      resourceType: model.kind,
      created: stored.created,
      lastModified: stored.lastModified,
      // Relative: the form of RFC 7643 §2.3.7's own example ("Users/{id}" under the service root).
      location: `${relativeMeta ? model.endpoint.slice(1) : `${baseUrl}${model.endpoint}`}/${encodeURIComponent(stored.id)}`,
      ...(etags ? { version: versionOf(stored) } : {}),
    };
    return out;
  }
}

export const versionOf = (stored: Stored): string => `W/"${stored.id.slice(0, 8)}-${stored.version}"`;
