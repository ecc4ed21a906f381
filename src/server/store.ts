// The in-memory store. Resources are kept in insertion-ordered Maps (creation order = stable list order)
// with indexes on id, userName (case-insensitive), externalId and Group displayName (case-insensitive), so
// lookups by those never scan. Group membership is indexed both ways so a User's `groups` is cheap.
import { randomUUID } from 'node:crypto';
import { isPlainObject } from '../filter/index.ts';
import { notFound, uniqueness } from './errors.ts';
import type { ResourceKind } from './resource-types.ts';
import type { Json } from './validate.ts';

export interface StoredResource {
  id: string;
  kind: ResourceKind;
  seq: number;
  /** Attributes as stored: canonical names, no id/meta/schemas/groups. */
  data: Json;
  version: number;
  created: string;
  lastModified: string;
}

export interface StoreSnapshot {
  format: 'scimproof-store/1';
  nextSeq: number;
  users: StoredResource[];
  groups: StoredResource[];
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

class MultiIndex {
  private readonly map = new Map<string, Set<string>>();
  add(key: string | undefined, id: string): void {
    if (key === undefined) return;
    let set = this.map.get(key);
    if (!set) this.map.set(key, (set = new Set()));
    set.add(id);
  }
  remove(key: string | undefined, id: string): void {
    if (key === undefined) return;
    const set = this.map.get(key);
    set?.delete(id);
    if (set?.size === 0) this.map.delete(key);
  }
  get(key: string): ReadonlySet<string> {
    return this.map.get(key) ?? new Set();
  }
}

export class Store {
  private readonly users = new Map<string, StoredResource>();
  private readonly groups = new Map<string, StoredResource>();
  private readonly userNames = new Map<string, string>();
  private readonly groupNames = new Map<string, string>();
  private readonly userExternalIds = new MultiIndex();
  private readonly groupExternalIds = new MultiIndex();
  /** member id → ids of the groups listing it */
  private readonly memberOf = new MultiIndex();
  private nextSeq = 1;
  private readonly listeners = new Set<() => void>();

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private table(kind: ResourceKind): Map<string, StoredResource> {
    return kind === 'User' ? this.users : this.groups;
  }

  count(kind: ResourceKind): number {
    return this.table(kind).size;
  }

  get(kind: ResourceKind, id: string): StoredResource | undefined {
    return this.table(kind).get(id);
  }

  require(kind: ResourceKind, id: string): StoredResource {
    const found = this.get(kind, id);
    if (!found) throw notFound(`${kind} ${JSON.stringify(id.slice(0, 200))} not found`);
    return found;
  }

  all(kind: ResourceKind): IterableIterator<StoredResource> {
    return this.table(kind).values();
  }

  /** Ids whose indexed attribute equals `value` (userName/displayName case-insensitively). */
  lookup(kind: ResourceKind, attribute: 'id' | 'userName' | 'displayName' | 'externalId', value: string): StoredResource[] {
    const table = this.table(kind);
    let ids: Iterable<string>;
    if (attribute === 'id') ids = [value];
    else if (attribute === 'externalId') ids = (kind === 'User' ? this.userExternalIds : this.groupExternalIds).get(value);
    else {
      const id = (kind === 'User' ? this.userNames : this.groupNames).get(value.toLowerCase());
      ids = id === undefined ? [] : [id];
    }
    const out: StoredResource[] = [];
    for (const id of ids) {
      const r = table.get(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  groupsOf(memberId: string): StoredResource[] {
    const out: StoredResource[] = [];
    for (const id of this.memberOf.get(memberId)) {
      const g = this.groups.get(id);
      if (g) out.push(g);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  private uniqueKey(kind: ResourceKind, data: Json): string | undefined {
    return lower(kind === 'User' ? data.userName : data.displayName);
  }

  private checkUnique(kind: ResourceKind, data: Json, selfId: string | undefined): void {
    const key = this.uniqueKey(kind, data);
    if (key === undefined) return;
    const owner = (kind === 'User' ? this.userNames : this.groupNames).get(key);
    if (owner !== undefined && owner !== selfId) {
      const attr = kind === 'User' ? 'userName' : 'displayName';
      throw uniqueness(`a ${kind} with ${attr} ${JSON.stringify(String(kind === 'User' ? data.userName : data.displayName).slice(0, 200))} already exists`);
    }
  }

  private index(r: StoredResource): void {
    const key = this.uniqueKey(r.kind, r.data);
    if (key !== undefined) (r.kind === 'User' ? this.userNames : this.groupNames).set(key, r.id);
    const ext = typeof r.data.externalId === 'string' ? r.data.externalId : undefined;
    (r.kind === 'User' ? this.userExternalIds : this.groupExternalIds).add(ext, r.id);
    if (r.kind === 'Group') for (const m of memberIds(r.data)) this.memberOf.add(m, r.id);
  }

  private unindex(r: StoredResource): void {
    const key = this.uniqueKey(r.kind, r.data);
    const names = r.kind === 'User' ? this.userNames : this.groupNames;
    if (key !== undefined && names.get(key) === r.id) names.delete(key);
    const ext = typeof r.data.externalId === 'string' ? r.data.externalId : undefined;
    (r.kind === 'User' ? this.userExternalIds : this.groupExternalIds).remove(ext, r.id);
    if (r.kind === 'Group') for (const m of memberIds(r.data)) this.memberOf.remove(m, r.id);
  }

  create(kind: ResourceKind, data: Json, now = new Date().toISOString()): StoredResource {
    this.checkUnique(kind, data, undefined);
    const r: StoredResource = { id: randomUUID(), kind, seq: this.nextSeq++, data, version: 1, created: now, lastModified: now };
    this.table(kind).set(r.id, r);
    this.index(r);
    this.changed();
    return r;
  }

  replace(kind: ResourceKind, id: string, data: Json, now = new Date().toISOString()): StoredResource {
    const r = this.require(kind, id);
    this.checkUnique(kind, data, id);
    this.unindex(r);
    r.data = data;
    r.version++;
    r.lastModified = now;
    this.index(r);
    this.changed();
    return r;
  }

  delete(kind: ResourceKind, id: string): void {
    const r = this.require(kind, id);
    this.unindex(r);
    this.table(kind).delete(id);
    // A deleted User or Group stops being anyone's member.
    const now = new Date().toISOString();
    for (const group of this.groupsOf(id)) {
      const members = Array.isArray(group.data.members) ? group.data.members : [];
      const kept = members.filter((m) => !(isPlainObject(m) && m.value === id));
      this.unindex(group);
      if (kept.length > 0) group.data.members = kept;
      else delete group.data.members;
      group.version++;
      group.lastModified = now;
      this.index(group);
    }
    this.changed();
  }

  snapshot(): StoreSnapshot {
    return { format: 'scimproof-store/1', nextSeq: this.nextSeq, users: [...this.users.values()], groups: [...this.groups.values()] };
  }

  /** Loads a snapshot into an empty store; throws Error with a one-line reason on bad content. */
  load(snapshot: unknown): void {
    if (!isPlainObject(snapshot) || snapshot.format !== 'scimproof-store/1') throw new Error('not a scimproof store snapshot (format "scimproof-store/1")');
    const lists: Array<[ResourceKind, unknown]> = [['User', snapshot.users], ['Group', snapshot.groups]];
    let maxSeq = 0;
    for (const [kind, list] of lists) {
      if (!Array.isArray(list)) throw new Error(`"${kind === 'User' ? 'users' : 'groups'}" must be an array`);
      for (const item of list) {
        if (!isPlainObject(item) || typeof item.id !== 'string' || !isPlainObject(item.data) || typeof item.seq !== 'number' ||
          typeof item.version !== 'number' || typeof item.created !== 'string' || typeof item.lastModified !== 'string') {
          throw new Error(`a ${kind} entry is malformed`);
        }
        if (this.table(kind).has(item.id)) throw new Error(`${kind} id ${item.id} appears twice`);
        const r: StoredResource = { id: item.id, kind, seq: item.seq, data: item.data, version: item.version, created: item.created, lastModified: item.lastModified };
        this.checkUnique(kind, r.data, undefined);
        this.table(kind).set(r.id, r);
        this.index(r);
        maxSeq = Math.max(maxSeq, r.seq);
      }
    }
    const next = typeof snapshot.nextSeq === 'number' ? snapshot.nextSeq : 0;
    this.nextSeq = Math.max(next, maxSeq + 1);
  }
}

export function memberIds(data: Json): string[] {
  const members = data.members;
  if (!Array.isArray(members)) return [];
  return members.flatMap((m) => (isPlainObject(m) && typeof m.value === 'string' ? [m.value] : []));
}
