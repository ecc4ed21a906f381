// Create / replace / patch / delete with every rule that spans more than one attribute: required
// attributes, uniqueness (in the store), Group members that must exist, PUT's id check.
import { isPlainObject } from '../filter/index.ts';
import { invalidSyntax, invalidValue, mutability, ScimError } from './errors.ts';
import { applyPatch } from './patch.ts';
import type { ResourceType, ResourceTypes } from './resource-types.ts';
import type { Store, StoredResource } from './store.ts';
import { checkResource, normalizeResource, type Json } from './validate.ts';

/**
 * `interop`: the SCIM interoperability profile's stricter rules — an attribute or schema URI the
 * schemas do not define is 400 invalidSyntax (§5.3), and every PATCH operation needs a path
 * (§6.5.1.1). The default stays tolerant of what Entra and Okta send.
 */
export type ServerProfile = 'interop';

export class ResourceService {
  constructor(
    readonly store: Store,
    readonly types: ResourceTypes,
    readonly profile?: ServerProfile,
  ) {}

  create(type: ResourceType, body: unknown): StoredResource {
    return this.strict(() => {
      const data = normalizeResource(type, body);
      this.finish(type, data, undefined);
      return this.store.create(type.kind, data);
    });
  }

  replace(type: ResourceType, id: string, body: unknown): StoredResource {
    return this.strict(() => this.replaceTolerant(type, id, body));
  }

  private replaceTolerant(type: ResourceType, id: string, body: unknown): StoredResource {
    this.store.require(type.kind, id);
    if (isPlainObject(body)) {
      const idKey = Object.keys(body).find((k) => k.toLowerCase() === 'id');
      const sentId = idKey === undefined ? undefined : body[idKey];
      if (sentId !== undefined && sentId !== null && sentId !== id) throw mutability('id is readOnly and does not match the resource being replaced');
    }
    const data = normalizeResource(type, body);
    this.finish(type, data, id);
    return this.store.replace(type.kind, id, data);
  }

  patch(type: ResourceType, id: string, body: unknown): StoredResource {
    return this.strict(() => {
      const current = this.store.require(type.kind, id);
      const data = applyPatch({ type, id, interop: this.profile === 'interop' }, current.data, body);
      this.finish(type, data, id);
      return this.store.replace(type.kind, id, data);
    });
  }

  /** Under the interop profile an undefined attribute or schema URI is invalidSyntax (§5.3). */
  private strict<T>(write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (this.profile === 'interop' && error instanceof ScimError && error.unknownAttribute) throw invalidSyntax(`${error.message} (not defined in /Schemas)`);
      throw error;
    }
  }

  delete(type: ResourceType, id: string): void {
    this.store.delete(type.kind, id);
  }

  private finish(type: ResourceType, data: Json, selfId: string | undefined): void {
    checkResource(type, data);
    if (type.kind === 'Group') this.checkMembers(data, selfId);
  }

  /** Each member must name an existing User or Group; repeats collapse to one entry. */
  private checkMembers(data: Json, selfId: string | undefined): void {
    if (!Array.isArray(data.members)) return;
    const seen = new Set<string>();
    const kept: Json[] = [];
    for (const m of data.members) {
      if (!isPlainObject(m) || typeof m.value !== 'string' || m.value === '') throw invalidValue('every member needs a "value" holding a User or Group id');
      if (seen.has(m.value)) continue;
      seen.add(m.value);
      const isUser = this.store.get('User', m.value) !== undefined;
      const isGroup = !isUser && this.store.get('Group', m.value) !== undefined;
      if (!isUser && !isGroup) throw invalidValue(`member ${JSON.stringify(m.value.slice(0, 200))} is not an existing User or Group id`);
      if (m.value === selfId) throw invalidValue('a Group cannot be a member of itself');
      if (typeof m.type === 'string' && m.type.toLowerCase() !== (isUser ? 'user' : 'group')) {
        throw invalidValue(`member ${m.value} has type "${m.type}" but is a ${isUser ? 'User' : 'Group'}`);
      }
      kept.push(m);
    }
    if (kept.length > 0) data.members = kept;
    else delete data.members;
  }
}
