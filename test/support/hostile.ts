// Hostile targets for the safety tests: the reference server, holding a few "customer" resources
// the run must never touch, behind a proxy that misbehaves in exactly one way. `state()` is the
// upstream store as JSON (every stored attribute, meta.version included), to compare before and
// after a run; `requests` is what the target received, to act after a given request (never after
// a sleep).
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type HookContext, type ProxyResponse } from './proxy.ts';

export type Hostility =
  /** 201 Created without an id (the resource is kept); no Location header. */
  | 'id-less'
  /** 201 Created without an id, with a correct Location header. */
  | 'id-less-with-location'
  /** Ids are JSON numbers everywhere (`"id": 7`); `/Users/7` works. */
  | 'numeric-id'
  /** Ids are arrays everywhere (`"id": ["…"]`); meta.location stays right. */
  | 'array-id'
  /** 201 without an id and without meta.location: only the name finds it, and listings show no usable id. */
  | 'no-id-anywhere'
  /** A create whose externalId exists answers the existing resource (ids derived from externalId). */
  | 'externalid-derived'
  /** A 500 after the create was stored. */
  | 'create-500-kept'
  /** DELETE answers 204 and keeps the resource. */
  | 'delete-ignored'
  /** Filters are not supported (400 invalidFilter); listings work. */
  | 'no-filter'
  /** id-less creates and no filters: only a listing finds what the run made. */
  | 'id-less-no-filter'
  /** No change: the reference server as it is (a control). */
  | 'none';

export interface HostileOptions {
  /** Customer users the run must leave alone (plus one group holding them). */
  customers?: number;
  /** Extra hook run first on every request (after the hostility's own bookkeeping). */
  onRequest?(ctx: HookContext, index: number): void | ProxyResponse | Promise<void | ProxyResponse>;
  /** Extra hook run last on every response from upstream. */
  onResponse?(ctx: HookContext, res: ProxyResponse): void | Promise<void>;
}

export interface HostileTarget {
  url: string;
  token: string;
  upstream: RunningServer;
  /** Requests received, in order: `METHOD /path`. */
  readonly requests: readonly string[];
  /** The upstream store (users and groups, every stored field) as JSON. */
  state(): string;
  close(): Promise<void>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const SCIM_ERROR = (status: number, detail: string, scimType?: string): ProxyResponse => ({
  status,
  headers: { 'content-type': 'application/scim+json' },
  body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail, ...(scimType ? { scimType } : {}) }),
});

const isCreate = (ctx: HookContext): boolean => ctx.req.method === 'POST' && /^\/(Users|Groups)\/?$/.test(ctx.req.path);

function rewriteJson(res: ProxyResponse, edit: (value: Record<string, unknown>) => void): void {
  if (!res.body) return;
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    return;
  }
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return;
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.Resources)) o.Resources.forEach(visit);
    if (typeof o.id === 'string') edit(o);
  };
  visit(json);
  res.body = JSON.stringify(json);
}

export async function startHostileTarget(hostility: Hostility, options: HostileOptions = {}): Promise<HostileTarget> {
  const upstream = await startServer({ port: 0, seed: options.customers ?? 3 });
  const requests: string[] = [];
  // numeric-id: one number per upstream id, both ways.
  const toNumber = new Map<string, number>();
  const toUuid = new Map<number, string>();
  const numberOf = (uuid: string): number => {
    let n = toNumber.get(uuid);
    if (n === undefined) {
      n = toNumber.size + 1;
      toNumber.set(uuid, n);
      toUuid.set(n, uuid);
    }
    return n;
  };

  const proxy = await startProxy(upstream.url, upstream.token, {
    onRequest: async (ctx) => {
      requests.push(`${ctx.req.method} ${ctx.req.path}`);
      const own = await options.onRequest?.(ctx, requests.length);
      if (own) return own;
      if (hostility === 'numeric-id') {
        ctx.req.path = ctx.req.path.replace(/^\/(Users|Groups)\/(\d+)$/, (all, kind: string, n: string) => (toUuid.has(Number(n)) ? `/${kind}/${toUuid.get(Number(n))}` : all));
        if (ctx.req.body) ctx.req.body = ctx.req.body.replace(/("value"\s*:\s*)"?(\d+)"?/g, (all, head: string, n: string) => (toUuid.has(Number(n)) ? `${head}"${toUuid.get(Number(n))}"` : all));
      }
      if ((hostility === 'no-filter' || hostility === 'id-less-no-filter') && ctx.req.method === 'GET' && ctx.req.query.has('filter')) return SCIM_ERROR(400, 'filtering is not supported', 'invalidFilter');
      if (hostility === 'externalid-derived' && isCreate(ctx) && ctx.req.body) {
        const externalId = (JSON.parse(ctx.req.body) as { externalId?: unknown }).externalId;
        if (typeof externalId === 'string') {
          const found = await ctx.upstream({ method: 'GET', path: ctx.req.path.replace(/\/$/, ''), query: new URLSearchParams({ filter: `externalId eq ${JSON.stringify(externalId)}` }) });
          const existing = (JSON.parse(found.body) as { Resources?: unknown[] }).Resources?.[0];
          if (existing) return { status: 201, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(existing) };
        }
      }
      if (hostility === 'delete-ignored' && ctx.req.method === 'DELETE') return { status: 204, headers: {}, body: '' };
      return undefined;
    },
    onResponse: async (ctx, res) => {
      const created = isCreate(ctx) && res.status === 201;
      if ((hostility === 'id-less' || hostility === 'id-less-no-filter') && created) {
        rewriteJson(res, (r) => delete r.id);
        delete res.headers.location;
      }
      if (hostility === 'id-less-with-location' && created) rewriteJson(res, (r) => delete r.id);
      if (hostility === 'no-id-anywhere') {
        rewriteJson(res, (r) => {
          delete r.id;
          if (r.meta && typeof r.meta === 'object') delete (r.meta as Record<string, unknown>).location;
        });
        delete res.headers.location;
      }
      if (hostility === 'array-id') rewriteJson(res, (r) => (r.id = [r.id]));
      if (hostility === 'numeric-id') {
        rewriteJson(res, (r) => (r.id = numberOf(r.id as string)));
        res.body = res.body.replace(UUID, (uuid) => String(numberOf(uuid)));
        for (const [name, value] of Object.entries(res.headers)) res.headers[name] = value.replace(UUID, (uuid) => String(numberOf(uuid)));
      }
      if (hostility === 'create-500-kept' && created) return SCIM_ERROR(500, 'internal error');
      return options.onResponse?.(ctx, res);
    },
  });

  return {
    url: proxy.url,
    token: upstream.token,
    upstream,
    requests,
    state: () => {
      const { users, groups } = upstream.store.snapshot();
      const sorted = <T extends { id: string }>(list: T[]): T[] => [...list].sort((a, b) => a.id.localeCompare(b.id));
      return JSON.stringify({ users: sorted(users), groups: sorted(groups) }, null, 1);
    },
    close: async () => {
      await proxy.close();
      await upstream.close();
    },
  };
}
