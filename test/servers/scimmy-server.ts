// A real SCIM 2.0 server built on a third-party library (SCIMMY + scimmy-routers + express),
// used by the harness's own tests as a second, independently written target.
// Deliberately thin: the app code only stores and returns what SCIMMY hands it, so every
// protocol decision (filter matching, PATCH semantics, status codes, headers) is SCIMMY's own.
// Its known deviations are recorded in docs/notes/scimmy-deviations.md.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

export interface ScimmyServer {
  /** Base URL, `http://127.0.0.1:PORT/scim/v2`. */
  url: string;
  token: string;
  close(): Promise<void>;
}

type Stored = Record<string, unknown> & { id: string; meta: { created: Date; lastModified: Date } };

/** One server's data; SCIMMY's declarations are process-wide, so each server's store travels as `ctx`. */
interface Store {
  users: Map<string, Stored>;
  groups: Map<string, Stored>;
}

// The resource handlers SCIMMY calls. They receive the parsed resource (id, filter, constraints).
interface ResourceRequest {
  id?: string;
  filter?: { match(values: object[]): object[] };
}

let declared = false;

// SCIMMY's typings demand a scimType string, but a 404 has none (its own code passes null).
function notFound(id: string | undefined): Error {
  return new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${String(id)} not found`);
}

function toPlain(instance: unknown): Record<string, unknown> {
  // Schema instances are frozen class objects with undefined holes; JSON drops both.
  const plain = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
  delete plain.schemas;
  delete plain.meta;
  delete plain.id;
  return plain;
}

function collection(store: Store, kind: 'users' | 'groups'): Map<string, Stored> {
  return store[kind];
}

function declareOnce(): void {
  if (declared) return;
  declared = true;

  const egress = (kind: 'users' | 'groups') => (resource: ResourceRequest, store: Store) => {
    const items = collection(store, kind);
    if (resource.id !== undefined) {
      const found = items.get(resource.id);
      if (!found) throw notFound(resource.id);
      return found;
    }
    const all = [...items.values()];
    // SCIMMY's own filter matching, exactly as the library ships it.
    return resource.filter ? resource.filter.match(all) : all;
  };

  // Uniqueness is the app's job in SCIMMY; userName/displayName are caseExact:false, so compare folded.
  const conflict = (items: Map<string, Stored>, attr: string, value: unknown, selfId?: string): boolean =>
    typeof value === 'string' &&
    [...items.values()].some(
      (item) => item.id !== selfId && String(item[attr]).toLowerCase() === value.toLowerCase(),
    );

  const ingress = (kind: 'users' | 'groups', unique: string) =>
    (resource: ResourceRequest, instance: unknown, store: Store) => {
      const items = collection(store, kind);
      const data = toPlain(instance);
      if (conflict(items, unique, data[unique], resource.id)) {
        throw new SCIMMY.Types.Error(409, 'uniqueness', `${unique} '${String(data[unique])}' already exists`);
      }
      const now = new Date();
      if (resource.id !== undefined) {
        const existing = items.get(resource.id);
        if (!existing) throw notFound(resource.id);
        const updated: Stored = { ...data, id: existing.id, meta: { created: existing.meta.created, lastModified: now } };
        items.set(existing.id, updated);
        return updated;
      }
      const created: Stored = { ...data, id: randomUUID(), meta: { created: now, lastModified: now } };
      items.set(created.id, created);
      return created;
    };

  const degress = (kind: 'users' | 'groups') => (resource: ResourceRequest, store: Store) => {
    const items = collection(store, kind);
    if (resource.id === undefined || !items.delete(resource.id)) {
      throw notFound(resource.id);
    }
  };

  SCIMMY.Resources.declare(SCIMMY.Resources.User, {
    ingress: ingress('users', 'userName'),
    egress: egress('users'),
    degress: degress('users'),
    extensions: [{ schema: SCIMMY.Schemas.EnterpriseUser, required: false }],
  });
  SCIMMY.Resources.declare(SCIMMY.Resources.Group, {
    ingress: ingress('groups', 'displayName'),
    egress: egress('groups'),
    degress: degress('groups'),
  });
}

export async function startScimmyServer(options: { token?: string } = {}): Promise<ScimmyServer> {
  declareOnce();
  const token = options.token ?? randomBytes(16).toString('hex');
  const store: Store = { users: new Map(), groups: new Map() };

  const app = express();
  app.disable('x-powered-by');
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req) => {
        if (req.header('Authorization') !== `Bearer ${token}`) throw new Error('Invalid or missing bearer token');
        return 'scimproof-test-client';
      },
      context: () => store,
    }),
  );

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    token,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
