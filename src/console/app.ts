// The console's HTTP surface (hono): the pages, their two static assets, and the admin API under
// /api that the pages use and a vendor's test scripts can call (JSON in, JSON out; errors are
// `{"error": "one line"}` with 400, 404 or 409). The API is listed at GET /api and documented in
// docs/mock-idp.md.
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SourceValue } from '../idp/types.ts';
import { importReportLines, type ImportReport } from '../idp/import.ts';
import type { DirectoryEdit } from './directory-edits.ts';
import { consoleGuard, type GuardOptions } from './guard.ts';
import type { LiveHub } from './live.ts';
import { asset, renderPage } from './render.ts';
import { ConsoleError, type ConsoleService } from './service.ts';
import { directoryView, findEntries, groupsRead, importView, layout, logsView, mappingsView, onDemandView, parseLogFilter, provisioningView, userRows, userView } from './views.ts';

/** Every endpoint of the admin API, as GET /api lists it. */
export const API_ROUTES: readonly { method: string; path: string; does: string }[] = [
  { method: 'GET', path: '/api/status', does: "the job: on or off, cycle, quarantine, escrow, next cycle, interval; Okta: appGroups, the app's groups it knows but does not push" },
  { method: 'GET', path: '/api/directory', does: 'users (assignment, scope, state in the app) and groups' },
  { method: 'POST', path: '/api/directory/users/{id}/assign', does: 'assign a user to the app; {"role": "…"} (Entra) with an app role' },
  { method: 'POST', path: '/api/directory/users/{id}/unassign', does: 'unassign a user (a direct assignment)' },
  { method: 'POST', path: '/api/directory/users/{id}/disable', does: 'disable a user in the directory (Entra accountEnabled false, Okta DEPROVISIONED)' },
  { method: 'POST', path: '/api/directory/users/{id}/enable', does: 'enable a user again' },
  { method: 'PATCH', path: '/api/directory/users/{id}', does: 'change attributes: {"jobTitle": "…", "surname": null} (null removes)' },
  { method: 'PUT', path: '/api/directory/users/{id}/manager', does: 'change the manager: {"manager": "u-…"} or {"manager": null}' },
  { method: 'DELETE', path: '/api/directory/users/{id}', does: 'delete a user from the directory (a hard delete)' },
  { method: 'POST', path: '/api/directory/groups/{id}/assign', does: 'assign a group to the app; {"role": "…"} (Entra) with an app role' },
  { method: 'POST', path: '/api/directory/groups/{id}/unassign', does: 'unassign a group' },
  { method: 'POST', path: '/api/directory/groups/{id}/members', does: 'change members: {"add": ["u-…"], "remove": ["u-…"]}' },
  { method: 'POST', path: '/api/directory/move-member', does: 'move a member: {"user": "u-…", "from": "g-…", "to": "g-…"}' },
  { method: 'POST', path: '/api/provisioning/start', does: 'turn provisioning on: a cycle now, then every interval' },
  { method: 'POST', path: '/api/provisioning/stop', does: 'turn provisioning off (a running cycle finishes)' },
  { method: 'PUT', path: '/api/provisioning/interval', does: 'seconds between cycles: {"seconds": 30}' },
  { method: 'POST', path: '/api/provisioning/run', does: 'run a cycle now; {"wait": true} (or ?wait=true) answers with the cycle\'s summary when it ends' },
  { method: 'POST', path: '/api/provisioning/restart', does: 'Restart provisioning: {"full": true} also breaks the links to app objects' },
  { method: 'POST', path: '/api/provisioning/tasks/retry', does: 'Okta: retry a task: {"task": "<id or name>"} or {"task": "all"}' },
  { method: 'POST', path: '/api/import', does: 'Okta: Import Now: read the app\'s users (and groups) page by page and match them to directory users; {"confirm": true}: Confirm assignments (link the matched users). Nothing is sent to the app' },
  { method: 'POST', path: '/api/test-connection', does: "send the IdP's Test Connection request and judge the answer" },
  { method: 'POST', path: '/api/provision-on-demand', does: 'provision one user now: {"user": "<id, sign-in name, mail or display name>"}; or (Entra) one group and up to five of its members: {"group": "<id or displayName>", "members": ["<user>", …]}; answers with the five steps (and each member\'s run)' },
  { method: 'GET', path: '/api/logs', does: 'log entries, newest first: ?user=&action=&status=&type=&cycle=&limit=&offset=' },
  { method: 'GET', path: '/api/cycles', does: 'one summary per cycle and on-demand run' },
  { method: 'GET', path: '/api/mappings', does: 'the provisioning configuration: scope, scoping filters, attribute mappings' },
  { method: 'GET', path: '/api/events', does: 'server-sent events: status, progress, entries, cycle-start, cycle-end, directory, problem' },
];

export interface ConsoleAppOptions {
  service: ConsoleService;
  hub: LiveHub;
  guard: GuardOptions;
  /** Resolves when the console shuts down (ends open event streams). */
  closing: Promise<void>;
}

type Body = Record<string, unknown>;

/** The request's JSON object body; an empty body is `{}`. */
async function body(c: Context): Promise<Body> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConsoleError(400, `the request body is not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConsoleError(400, 'the request body must be a JSON object');
  return parsed as Body;
}

const ids = (v: unknown, name: string): string[] | undefined => {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new ConsoleError(400, `"${name}" is a user id or a list of user ids`);
};

const yes = (v: unknown): boolean => v === true || v === 'true' || v === '1';

/** Entra's "Select a role" on assign: `{"role": "<app role value or id>"}`; no other action takes one. */
function roleOf(b: Body, action: string): string | undefined {
  if (b.role === undefined) return undefined;
  if (action !== 'assign') throw new ConsoleError(400, `only assign takes a role, not ${action}`);
  if (typeof b.role !== 'string' || b.role === '') throw new ConsoleError(400, 'the role is an app role\'s value or id: {"role": "Admin"}');
  return b.role;
}

export function createConsoleApp(options: ConsoleAppOptions): Hono {
  const { service, hub } = options;
  const app = new Hono();
  app.use('*', consoleGuard(options.guard));

  app.onError((error, c) => {
    if (error instanceof ConsoleError) return c.json({ error: error.message }, error.status);
    // A console bug, not the user's doing: one line (the stack only with SCIMPROOF_DEBUG), and the page stays up.
    const message = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`scimproof idp console: ${message}\n${process.env.SCIMPROOF_DEBUG && error instanceof Error ? `${error.stack}\n` : ''}`);
    if (c.req.path.startsWith('/api/') || c.req.method !== 'GET') return c.json({ error: message }, 500);
    return c.html(renderPage('not-found', layout(service, 'directory', 'Error'), { message: `The console failed to render this page (${message}).` }), 500);
  });
  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path} (GET /api lists them)` }, 404);
    return c.html(renderPage('not-found', layout(service, 'directory', 'Not found'), { message: `There is no page at ${c.req.path}.` }), 404);
  });

  // ---------- pages ----------
  app.get('/', (c) => c.redirect('/directory', 302));
  app.get('/assets/:name', (c) => {
    const found = asset(c.req.param('name'));
    if (!found) return c.text('not found', 404);
    return c.body(found.body, 200, { 'Content-Type': found.type });
  });
  app.get('/directory', (c) => c.html(renderPage('directory', layout(service, 'directory', 'Users and groups'), directoryView(service))));
  app.get('/directory/users/:id', (c) => {
    const view = userView(service, c.req.param('id'));
    if (!view) return c.html(renderPage('not-found', layout(service, 'user', 'No such user'), { message: `No user has id "${c.req.param('id')}" in ${service.directorySource.file}.` }), 404);
    return c.html(renderPage('user', layout(service, 'user', 'Edit user'), view));
  });
  app.get('/provisioning', (c) => c.html(renderPage('provisioning', layout(service, 'provisioning', 'Provisioning'), provisioningView(service))));
  app.get('/on-demand', (c) => {
    const run = c.req.query('run');
    return c.html(renderPage('on-demand', layout(service, 'on-demand', 'Provision on demand'), onDemandView(service, run && /^\d+$/.test(run) ? Number(run) : undefined, c.req.query('user'), c.req.query('group'))));
  });
  app.get('/logs', async (c) => c.html(renderPage('logs', layout(service, 'logs', 'Provisioning logs'), await logsView(service, parseLogFilter(c.req.query())))));
  app.get('/mappings', (c) => c.html(renderPage('mappings', layout(service, 'mappings', 'Attribute mappings'), mappingsView(service))));
  app.get('/import', (c) => {
    if (service.family !== 'okta') return c.html(renderPage('not-found', layout(service, 'directory', 'Not found'), { message: `Import is Okta's: this console plays ${service.target.dialect}, and Entra reads no list of the app's users (it matches each user when it provisions it).` }), 404);
    return c.html(renderPage('import', layout(service, 'import', 'Import'), importView(service)));
  });

  // ---------- API: reading ----------
  app.get('/api', (c) => c.json({ routes: API_ROUTES }));
  app.get('/api/status', (c) => {
    const status = service.status();
    return c.json({
      ...status,
      running: status.running,
      cycleRunning: service.running ?? null,
      escrow: Object.values(service.engine.state.state.escrow),
      // Okta's list of the app's groups it knows but does not push: a push of one of these names links it.
      ...(service.family === 'okta' ? { appGroups: service.engine.state.knownAppGroups() } : {}),
      directory: { file: service.directorySource.file, write: service.directorySource.write, problem: service.directorySource.problem ?? null },
      dialect: service.target.dialect,
      target: service.target.url,
      lastFailure: service.lastFailure ?? null,
    });
  });
  app.get('/api/directory', (c) => {
    const dir = service.directory;
    const records = new Map(dir.users.map((u) => [u.id, u]));
    return c.json({
      file: service.directorySource.file,
      write: service.directorySource.write,
      source: dir.source,
      scope: dir.app.scope,
      users: userRows(service).map((row) => ({ ...row, attributes: records.get(row.id) })),
      groups: dir.groups.map((g) => ({ ...g, assigned: dir.app.assignedGroups.includes(g.id), inApp: service.engine.state.group(g.id)?.targetId ?? null })),
    });
  });
  app.get('/api/logs', async (c) => c.json(await findEntries(service, parseLogFilter(c.req.query()))));
  app.get('/api/cycles', (c) => c.json({ cycles: service.engine.cycles() }));
  app.get('/api/mappings', (c) => c.json({ app: service.directory.app, source: service.directory.source, schemaCheck: service.mappingCheck ?? null }));

  // ---------- API: directory changes ----------
  const edit = async (c: Context, change: DirectoryEdit): Promise<Response> => {
    const done = await service.edit(change);
    return c.json({ ok: true, message: done.message });
  };
  app.post('/api/directory/users/:id/:action{assign|unassign|disable|enable}', async (c) => {
    const action = c.req.param('action') as 'assign' | 'unassign' | 'disable' | 'enable';
    const role = roleOf(await body(c), action);
    if (action === 'assign') return edit(c, { op: 'assign-user', user: c.req.param('id'), ...(role !== undefined ? { role } : {}) });
    return edit(c, { op: `${action}-user`, user: c.req.param('id') });
  });
  app.patch('/api/directory/users/:id', async (c) => {
    const b = await body(c);
    // The page sends {"attributes": {...}}; scripts may send the attributes themselves.
    const attributes = (b.attributes !== undefined && typeof b.attributes === 'object' && b.attributes !== null && !Array.isArray(b.attributes) && Object.keys(b).length === 1 ? b.attributes : b) as Record<string, SourceValue | null>;
    return edit(c, { op: 'set-attributes', user: c.req.param('id'), attributes });
  });
  app.put('/api/directory/users/:id/manager', async (c) => {
    const b = await body(c);
    if (!('manager' in b) || (b.manager !== null && typeof b.manager !== 'string')) throw new ConsoleError(400, 'give the manager\'s user id, or null for none: {"manager": "u-…"}');
    return edit(c, { op: 'set-manager', user: c.req.param('id'), manager: b.manager as string | null });
  });
  app.delete('/api/directory/users/:id', (c) => edit(c, { op: 'delete-user', user: c.req.param('id') }));
  app.post('/api/directory/groups/:id/:action{assign|unassign}', async (c) => {
    const action = c.req.param('action') as 'assign' | 'unassign';
    const role = roleOf(await body(c), action);
    if (action === 'assign') return edit(c, { op: 'assign-group', group: c.req.param('id'), ...(role !== undefined ? { role } : {}) });
    return edit(c, { op: 'unassign-group', group: c.req.param('id') });
  });
  app.post('/api/directory/groups/:id/members', async (c) => {
    const b = await body(c);
    const add = ids(b.add, 'add');
    const remove = ids(b.remove, 'remove');
    return edit(c, { op: 'members', group: c.req.param('id'), ...(add ? { add } : {}), ...(remove ? { remove } : {}) });
  });
  app.post('/api/directory/move-member', async (c) => {
    const b = await body(c);
    for (const key of ['user', 'from', 'to']) if (typeof b[key] !== 'string') throw new ConsoleError(400, `give "${key}": move-member takes {"user": "u-…", "from": "g-…", "to": "g-…"}`);
    return edit(c, { op: 'move-member', user: b.user as string, from: b.from as string, to: b.to as string });
  });

  // ---------- API: provisioning ----------
  app.post('/api/provisioning/start', (c) => c.json({ ok: true, message: service.start() }));
  app.post('/api/provisioning/stop', (c) => c.json({ ok: true, message: service.stop() }));
  app.put('/api/provisioning/interval', async (c) => c.json({ ok: true, message: service.setInterval((await body(c)).seconds) }));
  app.post('/api/provisioning/run', async (c) => {
    const b = await body(c);
    const wait = yes(b.wait) || yes(c.req.query('wait'));
    const out = await service.runNow(wait);
    return c.json({ ok: true, ...out }, wait ? 200 : 202);
  });
  app.post('/api/provisioning/restart', async (c) => c.json({ ok: true, message: await service.restart(yes((await body(c)).full)) }));
  app.post('/api/provisioning/tasks/retry', async (c) => c.json({ ok: true, message: service.retryTasks((await body(c)).task) }));
  app.post('/api/import', async (c) => {
    const run = await service.importNow(yes((await body(c)).confirm));
    const summary = (r: ImportReport) => {
      const { exchanges, ...rest } = r;
      return { ...rest, requests: exchanges.length };
    };
    const lines = [run.users, ...(groupsRead(run.groups) ? [run.groups] : [])].map((r) => importReportLines(r)[0]);
    return c.json({ ok: true, message: lines.join(' · '), at: run.at, confirmed: run.confirmed, users: summary(run.users), groups: summary(run.groups) });
  });
  app.post('/api/test-connection', async (c) => {
    const result = await service.testConnection();
    return c.json({ ok: result.ok, message: result.message, requests: result.requests });
  });
  app.post('/api/provision-on-demand', async (c) => {
    const b = await body(c);
    if (b.group !== undefined && b.user !== undefined) throw new ConsoleError(400, 'provision one user ("user") or one group with up to five of its members ("group", "members"), not both');
    const run = b.group !== undefined ? await service.provisionGroupOnDemand(b.group, b.members) : await service.provisionOnDemand(b.user);
    const members = run.members?.map((m) => ({ display: m.entry.display, provisioned: m.provisioned, reason: m.entry.reason, steps: m.entry.steps, changes: m.entry.changes ?? [], error: m.entry.error ?? null }));
    return c.json({ ok: true, run: run.run, page: `/on-demand?run=${run.run}`, provisioned: run.provisioned, connectionFailed: run.connectionFailed, message: `${run.members ? 'group ' : ''}${run.entry.display}: ${run.provisioned ? 'provisioned' : 'not provisioned'} — ${run.entry.reason}`, steps: run.entry.steps, changes: run.entry.changes ?? [], error: run.entry.error ?? null, ...(members ? { members } : {}), entry: run.entry });
  });

  // ---------- live updates ----------
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let done = false;
      const finished = new Promise<void>((resolve) => {
        const end = (): void => {
          done = true;
          resolve();
        };
        stream.onAbort(end);
        void options.closing.then(end);
      });
      const write = (event: string, data: unknown): void => {
        if (done) return;
        stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => undefined);
      };
      const remove = hub.add({ send: write });
      // A comment line now and then keeps proxies and idle timeouts from closing the stream.
      const ping = setInterval(() => write('ping', {}), 15_000);
      ping.unref();
      await finished;
      clearInterval(ping);
      remove();
    }),
  );
  return app;
}
