// Shared pieces of the mock IdP tests: fixtures as editable JSON, a cycle runner against a real
// server, and readers for the request sequence and the server's end state.
import { afterEach } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ScimClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import type { QuarantineThresholds } from '../../src/idp/quarantine.ts';
import { StateStore } from '../../src/idp/state.ts';
import { SimulatedClock } from '../../src/idp/clock.ts';
import { provisionOnDemand, type OnDemandResult } from '../../src/idp/on-demand.ts';
import type { CycleBehaviour } from '../../src/idp/sync-context.ts';
import { runCycle } from '../../src/idp/sync.ts';
import type { CycleResult, Directory } from '../../src/idp/types.ts';
import type { DialectName } from '../../src/dialects/index.ts';
import type { Exchange } from '../../src/record/types.ts';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const ENTRA_FIXTURE = new URL('../../fixtures/directories/contoso-entra.json', import.meta.url);
export const OKTA_FIXTURE = new URL('../../fixtures/directories/fabrikam-okta.json', import.meta.url);
export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Servers a test starts (the reference server, SCIMMY, any with close()), each closed after the
 * test whether it passed or not: `const server = closing(await startServer({ port: 0 }))`.
 */
export function closeAfterEach(): <T extends { close(): Promise<unknown> }>(server: T) => T {
  const open: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return (server) => {
    open.push(server);
    return server;
  };
}

export const fixture = (url: URL): Json => JSON.parse(readFileSync(url, 'utf8')) as Json;

export const user = (doc: Json, id: string): Json => doc.users.find((u: Json) => u.id === id);
export const group = (doc: Json, id: string): Json => doc.groups.find((g: Json) => g.id === id);
/** An Okta directory user's id by the start of its login (`adele` for adele.vance@…). */
export const oktaUserId = (doc: Json, login: string): string => doc.users.find((u: Json) => u.login.startsWith(login)).id;

export interface CycleCall {
  thresholds?: QuarantineThresholds;
  token?: string;
  /** Default 1: requests in directory order, so sequences can be compared exactly. */
  concurrency?: number;
  behaviour?: Partial<CycleBehaviour>;
  /** Runs on the parsed directory before the cycle (e.g. the /Schemas check that types the mapping). */
  prepare?: (directory: Directory, client: ScimClient) => Promise<unknown>;
}

export interface Harness {
  state: StateStore;
  clock: SimulatedClock;
  cycle(doc: Json, options?: CycleCall): Promise<{ result: CycleResult; exchanges: Exchange[]; client: ScimClient }>;
  onDemand(doc: Json, user: string, options?: { token?: string }): Promise<OnDemandResult & { all: Exchange[] }>;
}

/** A job against a real server, on a simulated clock that moves only when a test moves it. */
export function harness(url: string, token: string, dialect: DialectName): Harness {
  const state = StateStore.memory({ dialect, target: url, directory: 'test.json' });
  const clock = new SimulatedClock('2026-01-05T09:00:00Z');
  return {
    state,
    clock,
    async cycle(doc, options = {}) {
      const client = createClient({ baseUrl: url, auth: { kind: 'bearer', token: options.token ?? token } });
      try {
        const directory = parseDirectory(JSON.stringify(doc), 'test.json');
        await options.prepare?.(directory, client);
        const result = await runCycle({
          directory,
          dialect,
          client,
          state,
          now: () => clock.now(),
          concurrency: options.concurrency ?? 1,
          ...(options.thresholds ? { thresholds: options.thresholds } : {}),
          ...(options.behaviour ? { behaviour: options.behaviour } : {}),
        });
        return { result, exchanges: [...client.exchanges], client };
      } finally {
        await client.close();
      }
    },
    async onDemand(doc, user, options = {}) {
      const client = createClient({ baseUrl: url, auth: { kind: 'bearer', token: options.token ?? token } });
      try {
        const out = await provisionOnDemand({ directory: parseDirectory(JSON.stringify(doc), 'test.json'), dialect, client, state, user, now: () => clock.now() });
        return { ...out, all: [...client.exchanges] };
      } finally {
        await client.close();
      }
    },
  };
}

/** `METHOD /path?query` with the base URL cut off and the query decoded, for readable sequences. */
export function lines(exchanges: readonly Exchange[], base: string, ids: Record<string, string> = {}): string[] {
  return exchanges.map((x) => {
    let path = decodeURIComponent(x.request.url.slice(base.length).replace(/\+/g, ' '));
    for (const [name, id] of Object.entries(ids)) path = path.split(id).join(`{${name}}`);
    return `${x.request.method} ${path}`;
  });
}

export const body = (x: Exchange): Json => JSON.parse(x.request.body ?? 'null') as Json;

/** Every resource of a type, page by page (a server may cap a page below the count asked for). */
export async function getAll(url: string, token: string, type: 'Users' | 'Groups'): Promise<Json[]> {
  const all: Json[] = [];
  for (let startIndex = 1; ; ) {
    const res = await fetch(`${url}/${type}?count=1000&startIndex=${startIndex}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await res.json()) as Json;
    const resources = (page.Resources ?? []) as Json[];
    all.push(...resources);
    startIndex += resources.length;
    if (resources.length === 0 || startIndex > Number(page.totalResults ?? 0)) return all;
  }
}

export async function usersByName(url: string, token: string): Promise<Map<string, Json>> {
  return new Map((await getAll(url, token, 'Users')).map((u) => [u.userName as string, u]));
}

export async function groupsByName(url: string, token: string): Promise<Map<string, Json>> {
  return new Map((await getAll(url, token, 'Groups')).map((g) => [g.displayName as string, g]));
}

/** Target ids of the directory users the state knows, by directory id. */
export function ids(h: Harness): Record<string, string> {
  return Object.fromEntries(Object.entries(h.state.state.users).map(([id, u]) => [id, u.targetId]));
}

/** Resolves once `read()` matches, checked whenever the process writes (never after a sleep). */
export function until(child: { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream }, read: () => string, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!pattern.test(read())) return;
      child.stdout.off('data', check);
      child.stderr.off('data', check);
      resolve();
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    check();
  });
}

/** `copy()` makes a fresh copy of a fixture folder (so a test can change one of its files), removed after each test. */
export function fixtureFolderCopies(folder: string): () => string {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    dir = mkdtempSync(join(tmpdir(), 'scimproof-fixture-'));
    cpSync(folder, dir, { recursive: true });
    return dir;
  };
}
