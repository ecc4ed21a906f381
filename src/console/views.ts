// What each console page shows, computed from the job (engine state, the directory, the log) and
// handed to the templates as plain data. The same entry view feeds the Logs page, the live rows
// pushed while a cycle runs and the on-demand result, so a log entry looks the same everywhere.
import type { EngineStatus } from '../idp/engine.ts';
import { importReportLines, type ImportReport } from '../idp/import.ts';
import { curlOf, type CycleSummary, type LoggedExchange, type ObjectEntry } from '../idp/log/entries.ts';
import { queryLog, type LogQuery } from '../idp/log/reader.ts';
import { MAX_ON_DEMAND_MEMBERS } from '../idp/on-demand-group.ts';
import { describeClause, entitlements, loginOf } from '../idp/scope.ts';
import { appRolesOf, mappingPlan } from '../idp/mapping.ts';
import type { EscrowEntry } from '../idp/state.ts';
import type { CycleCounts, DirectoryUserRecord, ObjectAction, Outcome } from '../idp/types.ts';
import { MANAGER_ATTRIBUTE, SOURCE_ATTRIBUTES } from '../idp/vocabulary.ts';
import { attributeKind } from './directory-edits.ts';
import type { ConsoleService } from './service.ts';

export const PAGES = [
  { id: 'directory', href: '/directory', label: 'Users and groups', section: 'Manage' },
  { id: 'provisioning', href: '/provisioning', label: 'Provisioning', section: 'Manage' },
  { id: 'mappings', href: '/mappings', label: 'Attribute mappings', section: 'Manage' },
  { id: 'on-demand', href: '/on-demand', label: 'Provision on demand', section: 'Manage' },
  { id: 'import', href: '/import', label: 'Import', section: 'Manage' },
  { id: 'logs', href: '/logs', label: 'Provisioning logs', section: 'Monitor' },
] as const;

/** Pages one IdP has and the other does not: Import is Okta's. */
const pageShown = (id: string, family: 'entra' | 'okta'): boolean => id !== 'import' || family === 'okta';

export type PageId = (typeof PAGES)[number]['id'] | 'user';

// ---------- small formatting helpers ----------

/** A time for people: local `YYYY-MM-DD HH:MM:SS`, with the ISO form for `<time datetime>`. */
export function when(iso: string | undefined): { iso: string; text: string } | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { iso, text: iso };
  const p = (n: number): string => String(n).padStart(2, '0');
  return { iso, text: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` };
}

/** 40 → "40 seconds", 2400 → "40 minutes", 3600 → "1 hour". */
export function durationText(s: number): string {
  const unit = (n: number, name: string): string => `${n} ${name}${n === 1 ? '' : 's'}`;
  if (s < 120 || s % 60 !== 0) return unit(s, 'second');
  if (s < 7200 || s % 3600 !== 0) return unit(s / 60, 'minute');
  return unit(s / 3600, 'hour');
}

const seconds = (from: string, to: string): string => ((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1);

export function errorText(e: { status?: number; scimType?: string; message: string; code?: string } | undefined): string | undefined {
  if (!e) return undefined;
  const head = [e.status !== undefined ? `HTTP ${e.status}` : '', e.scimType ?? '', e.code ?? ''].filter(Boolean).join(' · ');
  return `${head ? `${head}: ` : ''}${e.message}`;
}

const show = (v: unknown): string => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
const pretty = (v: unknown): string | undefined => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

// ---------- layout ----------

export interface Layout {
  title: string;
  page: PageId;
  nav: { section: string; items: { href: string; label: string; current: boolean }[] }[];
  app: { name: string; idp: string; dialect: string; target: string; file: string; write: boolean };
  job: JobBadge;
  problem?: string;
  failure?: string;
}

export interface JobBadge {
  on: boolean;
  label: string;
  detail: string;
  quarantined: boolean;
  disabled: boolean;
}

export function jobBadge(status: EngineStatus, running: ConsoleService['running']): JobBadge {
  const on = status.running;
  let detail: string;
  if (running) detail = `cycle ${running.cycle} running${running.progress ? ` · ${running.progress.phase} ${running.progress.done}/${running.progress.total}` : ''}`;
  else if (status.disabled) detail = 'the job is disabled: restart provisioning';
  else if (on && status.nextCycleAt) detail = `next cycle ${when(status.nextCycleAt)!.text.slice(11)}`;
  else detail = status.cycle > 0 ? `${status.cycle} cycle(s) so far` : 'no cycle yet';
  return { on, label: on ? 'On' : 'Off', detail, quarantined: status.quarantine !== undefined, disabled: status.disabled !== undefined };
}

export function layout(service: ConsoleService, page: PageId, title: string): Layout {
  const sections = [...new Set(PAGES.map((p) => p.section))];
  const directory = service.directory;
  return {
    title,
    page,
    nav: sections.map((section) => ({ section, items: PAGES.filter((p) => p.section === section && pageShown(p.id, service.family)).map((p) => ({ href: p.href, label: p.label, current: p.id === page || (page === 'user' && p.id === 'directory') })) })),
    app: {
      name: directory.app.name,
      idp: service.family === 'entra' ? 'Microsoft Entra ID' : 'Okta',
      dialect: service.target.dialect,
      target: service.target.url,
      file: service.directorySource.file,
      write: service.directorySource.write,
    },
    job: jobBadge(service.status(), service.running),
    ...(service.directorySource.problem ? { problem: service.directorySource.problem } : {}),
    ...(service.lastFailure ? { failure: service.lastFailure } : {}),
  };
}

// ---------- directory ----------

interface UserRow {
  id: string;
  name: string;
  login: string;
  title?: string;
  department?: string;
  manager?: string;
  enabled: boolean;
  account: string;
  assigned: boolean;
  direct: boolean;
  assignment: string;
  /** Entra: the app roles the user holds (Users and groups' "Role assigned"), when the app has roles. */
  roles?: string;
  inScope: boolean;
  scope: string;
  app: { state: 'provisioned' | 'disabled' | 'failed' | 'task' | 'stopped' | 'none'; text: string; detail?: string };
}

function accountText(service: ConsoleService, u: DirectoryUserRecord): { enabled: boolean; text: string } {
  if (service.directory.source === 'entra') {
    if (u.deleted === true) return { enabled: false, text: 'Soft-deleted' };
    return u.accountEnabled === false ? { enabled: false, text: 'Disabled' } : { enabled: true, text: 'Enabled' };
  }
  const status = typeof u.status === 'string' ? u.status : 'ACTIVE';
  return { enabled: status !== 'DEPROVISIONED' && status !== 'SUSPENDED', text: status };
}

function escrowOf(service: ConsoleService, type: string, id: string): EscrowEntry | undefined {
  return service.engine.state.state.escrow[`${type}:${id}`];
}

function appState(service: ConsoleService, id: string): UserRow['app'] {
  const st = service.engine.state.user(id);
  const escrow = escrowOf(service, 'user', id);
  if (escrow) {
    const detail = escrow.task ? `Okta task since ${when(escrow.firstFailedAt)!.text}${escrow.retryRequested ? ' · retry requested' : ''}` : `attempt ${escrow.attempts} · next retry ${when(escrow.nextRetryAt)?.text ?? 'at the next cycle'}`;
    return { state: escrow.task ? 'task' : 'failed', text: `${escrow.action} failed: ${errorText(escrow.lastError)}`, detail };
  }
  if (!st) return { state: 'none', text: 'Not in the app' };
  if (st.stopped) return { state: 'stopped', text: 'Okta stopped managing this user', detail: st.stopped };
  if (!st.active) return { state: 'disabled', text: 'Disabled in the app', detail: `${st.disabledBecause ? `because ${st.disabledBecause === 'out-of-scope' ? 'it left the scope' : st.disabledBecause === 'soft-deleted' ? 'it was soft-deleted' : 'it was disabled'} · ` : ''}app id ${st.targetId}` };
  return { state: 'provisioned', text: 'Provisioned', detail: `app id ${st.targetId}` };
}

export function userRows(service: ConsoleService): UserRow[] {
  const dir = service.directory;
  const ent = entitlements(dir, service.family);
  const byId = new Map(dir.users.map((u) => [u.id, u]));
  const direct = new Set(dir.app.assignedUsers);
  return dir.users.map((u) => {
    const intent = ent.intent(u);
    const assignment = ent.assignment(u);
    const account = accountText(service, u);
    const managerId = u[MANAGER_ATTRIBUTE[dir.source]];
    const manager = typeof managerId === 'string' ? byId.get(managerId) : undefined;
    const str = (name: string): string | undefined => (typeof u[name] === 'string' ? (u[name] as string) : undefined);
    const title = str(dir.source === 'entra' ? 'jobTitle' : 'title');
    const department = str('department');
    const inScope = intent.entitled && intent.enabled && !intent.hold;
    const roles = dir.app.appRoles.length > 0 && assignment.assigned ? appRolesOf(dir, u.id).map((r) => r.displayName).join(', ') || 'Default Access' : undefined;
    return {
      id: u.id,
      name: str('displayName') ?? loginOf(dir, u),
      login: loginOf(dir, u),
      ...(title ? { title } : {}),
      ...(department ? { department } : {}),
      ...(manager ? { manager: String(manager.displayName ?? loginOf(dir, manager)) } : {}),
      enabled: account.enabled,
      account: account.text,
      assigned: assignment.assigned,
      direct: direct.has(u.id),
      assignment: dir.app.scope === 'all' ? 'All users (scope)' : direct.has(u.id) ? 'Direct' : assignment.assigned ? assignment.via.replace('member of the assigned group ', 'Via group ') : 'Not assigned',
      ...(roles ? { roles } : {}),
      inScope,
      // The Assignment column already says "Not assigned"; the scope column says what else keeps a user out.
      scope: inScope ? 'In scope' : !assignment.assigned ? 'Out of scope: not assigned' : intent.why,
      app: appState(service, u.id),
    };
  });
}

export function groupRows(service: ConsoleService): object[] {
  const dir = service.directory;
  const assigned = new Set(dir.app.assignedGroups);
  const byId = new Map(dir.users.map((u) => [u.id, u]));
  const provisioned = new Set(entitlements(dir, service.family).provisionedGroups);
  return dir.groups.map((g) => {
    const st = service.engine.state.group(g.id);
    const escrow = escrowOf(service, 'group', g.id);
    return {
      id: g.id,
      name: g.displayName,
      description: g.description,
      assigned: assigned.has(g.id),
      pushed: provisioned.has(g.id),
      members: g.members.map((m) => {
        const u = byId.get(m)!;
        return { id: m, name: String(u.displayName ?? loginOf(dir, u)), login: loginOf(dir, u) };
      }),
      nonMembers: dir.users.filter((u) => !g.members.includes(u.id)).map((u) => ({ id: u.id, name: String(u.displayName ?? loginOf(dir, u)) })),
      app: escrow ? { state: 'failed', text: `${escrow.action} failed: ${errorText(escrow.lastError)}` } : st ? { state: 'provisioned', text: `In the app (${Object.keys(st.members).length} member(s) pushed)` } : { state: 'none', text: `${provisioned.has(g.id) ? 'Not in the app yet' : dir.app.provisionGroups ? `Not provisioned (not ${service.family === 'okta' ? 'pushed' : 'assigned'})` : 'Group provisioning is off'}${knownText(service, g.displayName)}` },
    };
  });
}

/** Okta: the app group of this name it knows but does not push, which the group's next push links (Link Group). */
function knownText(service: ConsoleService, displayName: string): string {
  if (service.family !== 'okta') return '';
  const key = (name: string): string => name.normalize('NFC').toLowerCase();
  const known = service.engine.state.knownAppGroups().find((a) => key(a.displayName) === key(displayName));
  return known ? `; Okta knows the app group "${known.displayName}" (app id ${known.id}): pushing this group links it (Link Group) instead of creating another` : '';
}

export function directoryView(service: ConsoleService): object {
  const dir = service.directory;
  const users = userRows(service);
  return {
    scope: dir.app.scope === 'all' ? 'Sync all users and groups' : 'Sync only assigned users and groups',
    scopeAll: dir.app.scope === 'all',
    users,
    groups: groupRows(service),
    counts: { users: users.length, inScope: users.filter((u) => u.inScope).length, provisioned: users.filter((u) => u.app.state === 'provisioned').length, groups: dir.groups.length },
    userOptions: users.map((u) => ({ id: u.id, name: `${u.name} (${u.login})` })),
    groupOptions: dir.groups.map((g) => ({ id: g.id, name: g.displayName })),
    groupProvisioning: dir.app.provisionGroups,
  };
}

/** The source attributes an expression reads (`[givenName]`). */
const expressionSources = (text: string): string[] => [...text.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);

/** The edit page of one user: every attribute it has or the mapping reads, typed for its input. */
export function userView(service: ConsoleService, id: string): object | undefined {
  const dir = service.directory;
  const u = dir.users.find((x) => x.id === id);
  if (!u) return undefined;
  const row = userRows(service).find((r) => r.id === id)!;
  const managerAttribute = MANAGER_ATTRIBUTE[dir.source];
  const mapped = new Set(dir.app.mappings.filter((m) => m.apply !== 'never').flatMap((m) => [m.source, ...(m.expression !== undefined ? expressionSources(m.expression) : [])]).filter((s): s is string => s !== undefined));
  const known = [...SOURCE_ATTRIBUTES[dir.source], ...dir.customAttributes];
  const shown = known.filter((name) => name !== 'id' && name !== managerAttribute && (u[name] !== undefined || mapped.has(name) || attributeKind(dir.source, name) === 'boolean' || (dir.source === 'okta' && name === 'status')));
  const extra = Object.keys(u).filter((name) => name !== 'id' && !shown.includes(name) && name !== managerAttribute);
  const attributes = [...shown, ...extra].map((name) => {
    const kind = attributeKind(dir.source, name);
    const value = u[name];
    return {
      name,
      kind,
      isBoolean: kind === 'boolean',
      isList: kind === 'list',
      isStatus: kind === 'status',
      isText: kind === 'text',
      checked: kind === 'boolean' ? (value ?? (name === 'accountEnabled')) === true : false,
      value: Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value),
      original: JSON.stringify(value ?? null),
      mapped: mapped.has(name),
      statuses: kind === 'status' ? ['ACTIVE', 'STAGED', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED'].map((s) => ({ value: s, selected: (value ?? 'ACTIVE') === s })) : [],
    };
  });
  const others = known.filter((name) => name !== 'id' && name !== managerAttribute && !attributes.some((a) => a.name === name));
  const managerId = u[managerAttribute];
  return {
    user: row,
    attributes,
    others,
    managerAttribute,
    managers: dir.users.filter((x) => x.id !== id).map((x) => ({ id: x.id, name: `${String(x.displayName ?? loginOf(dir, x))} (${loginOf(dir, x)})`, selected: x.id === managerId })),
    hasManager: typeof managerId === 'string',
    groups: dir.groups.map((g) => ({ id: g.id, name: g.displayName, member: g.members.includes(id), assigned: dir.app.assignedGroups.includes(g.id) })),
  };
}

// ---------- provisioning ----------

const PHASES = ['probe', 'removed users', 'users', 'managers', 'groups'];

/** Entra's Synchronization Details counts first, then the rest. */
function countsView(c: CycleCounts): { main: { name: string; value: number; tone: string }[]; more: { name: string; value: number }[] } {
  return {
    main: [
      { name: 'Created', value: c.created, tone: 'ok' },
      { name: 'Updated', value: c.updated, tone: 'ok' },
      { name: 'Disabled', value: c.disabled, tone: 'neutral' },
      { name: 'Deleted', value: c.deleted, tone: 'neutral' },
      { name: 'Skipped', value: c.skipped, tone: 'neutral' },
      { name: 'Failed', value: c.failed, tone: c.failed > 0 ? 'bad' : 'neutral' },
    ],
    more: [
      { name: 'linked', value: c.linked },
      { name: 'enabled', value: c.enabled },
      { name: 'manager links', value: c.managers },
      { name: 'group changes', value: c.groups },
      { name: 'waiting in escrow', value: c.escrowed },
      { name: 'unchanged', value: c.unchanged },
    ],
  };
}

export function progressView(service: ConsoleService): object | undefined {
  const running = service.running;
  if (!running) return undefined;
  const p = running.progress;
  return {
    cycle: running.cycle,
    trigger: running.trigger,
    phase: p?.phase ?? 'starting',
    step: p ? PHASES.indexOf(p.phase) + 1 : 0,
    steps: PHASES.length,
    done: p?.done ?? 0,
    total: p?.total ?? 0,
    percent: p && p.total > 0 ? Math.round((p.done / p.total) * 100) : 0,
  };
}

export function provisioningView(service: ConsoleService): object {
  const status = service.status();
  const cycles = service.engine.cycles().filter((c) => !c.onDemand);
  const last = cycles.at(-1);
  const escrow = Object.values(service.engine.state.state.escrow).map((e) => ({
    objectType: e.objectType,
    id: e.id,
    display: e.display ?? e.id,
    action: e.action,
    attempts: e.attempts,
    first: when(e.firstFailedAt),
    next: when(e.nextRetryAt),
    task: e.task === true,
    retryRequested: e.retryRequested === true,
    error: errorText(e.lastError),
  }));
  const quarantine = status.quarantine;
  return {
    status,
    on: status.running,
    interval: status.intervalSeconds,
    intervalText: durationText(status.intervalSeconds),
    next: when(status.nextCycleAt),
    progress: progressView(service),
    pendingRestart: service.engine.state.state.pendingRestart?.reason,
    quarantine: quarantine ? { ...quarantine, since: when(quarantine.since), cycles: service.engine.state.state.quarantineCycles ?? 0 } : undefined,
    disabled: status.disabled ? { ...status.disabled, since: when(status.disabled.since) } : undefined,
    last: last ? cycleView(last) : undefined,
    history: [...cycles].reverse().slice(0, 15).map(cycleView),
    escrow,
    hasTasks: escrow.some((e) => e.task),
    family: service.family,
    appGroups: service.family === 'okta' ? knownAppGroupsView(service) : undefined,
    connection: service.connection ? { ...service.connection, at: when(service.connection.at) } : undefined,
  };
}

/** Okta's remembered app groups, each with the directory groups of its name (which a push would link to it). */
function knownAppGroupsView(service: ConsoleService): object[] {
  const key = (name: string): string => name.normalize('NFC').toLowerCase();
  return service.engine.state.knownAppGroups().map((g) => ({
    ...g,
    directoryGroups: service.directory.groups.filter((d) => key(d.displayName) === key(g.displayName)).map((d) => ({ id: d.id, name: d.displayName })),
  }));
}

function cycleView(s: CycleSummary): object {
  return {
    cycle: s.cycle,
    status: s.status,
    started: when(s.startedAt),
    seconds: seconds(s.startedAt, s.finishedAt),
    counts: countsView(s.counts),
    requests: s.requests,
    stopReason: s.stopReason,
    restartReason: s.restartReason,
    quarantine: s.quarantine,
  };
}

// ---------- log entries ----------

export interface EntryView {
  key: string;
  cycle: number;
  onDemand: boolean;
  run: string;
  time?: { iso: string; text: string };
  objectType: string;
  id: string;
  display: string;
  targetId?: string;
  action: string;
  outcome: Outcome;
  reason: string;
  error?: string;
  attempts?: number;
  nextRetry?: { iso: string; text: string };
  impact?: string;
  changes: { path: string; old: string; new: string; sent: boolean; note?: string }[];
  steps: { index: number; name: string; outcome: string; reason: string; details: { name: string; value: string }[]; clauses: { text: string; holds: boolean }[] }[];
  requests: RequestView[];
}

interface RequestView {
  method: string;
  path: string;
  url: string;
  status?: number;
  failed: boolean;
  ms: number;
  headers: string;
  body?: string;
  response?: string;
  transportError?: string;
  curl: string;
}

/** A path with its query decoded (`filter=userName eq "…"`), as people read it. */
function readable(path: string): string {
  try {
    return decodeURIComponent(path.replace(/\+/g, ' '));
  } catch {
    return path;
  }
}

function requestView(x: LoggedExchange, base: string): RequestView {
  return {
    method: x.method,
    path: readable(x.url.startsWith(base) ? x.url.slice(base.length) || '/' : x.url),
    url: x.url,
    ...(x.status !== undefined ? { status: x.status } : {}),
    failed: x.transportError !== undefined || (x.status ?? 0) >= 400,
    ms: Math.round(x.ms),
    headers: Object.entries(x.headers).map(([k, v]) => `${k}: ${v}`).join('\n'),
    ...(x.body !== undefined ? { body: pretty(x.body)! } : {}),
    ...(x.response !== undefined ? { response: pretty(x.response)! } : {}),
    ...(x.transportError ? { transportError: `${x.transportError.code}: ${x.transportError.message}` } : {}),
    curl: curlOf(x),
  };
}

function stepDetails(details: Record<string, unknown> | undefined): { details: { name: string; value: string }[]; clauses: { text: string; holds: boolean }[] } {
  const out: { name: string; value: string }[] = [];
  const clauses: { text: string; holds: boolean }[] = [];
  for (const [name, value] of Object.entries(details ?? {})) {
    if (name === 'Scoping filters' && Array.isArray(value)) {
      for (const c of value as { filter: string; clause: string; holds: boolean }[]) clauses.push({ text: `${c.filter}: ${c.clause}`, holds: c.holds });
    } else if (name === 'modified' || name === 'attempted') continue;
    else if (name === 'tried' && Array.isArray(value)) {
      for (const t of value as { attribute: string; value: unknown; matched: unknown }[]) {
        // The cycle's match records whether it matched; a cached-id read records what it matched.
        const matched = Array.isArray(t.matched) ? t.matched : t.matched === true ? ['a user'] : [];
        out.push({ name: `${t.attribute} eq ${show(t.value)}`, value: matched.length === 0 ? 'no match' : `matched ${matched.map(show).join(', ')}` });
      }
    } else if (name === 'matched') out.push({ name: 'matched app user', value: pretty(value)! });
    else out.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) });
  }
  return { details: out, clauses };
}

export function entryView(e: ObjectEntry, base: string, index = 0): EntryView {
  const key = `${e.onDemand ? 'd' : 'c'}${e.cycle}-${e.objectType}-${e.id}-${e.action}-${e.finishedAt ?? ''}-${index}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    key,
    cycle: e.cycle,
    onDemand: e.onDemand === true,
    run: e.onDemand ? 'on demand' : `cycle ${e.cycle}`,
    ...(e.finishedAt ? { time: when(e.finishedAt)! } : {}),
    objectType: e.objectType,
    id: e.id,
    display: e.display,
    ...(e.targetId ? { targetId: e.targetId } : {}),
    action: e.action,
    outcome: e.outcome,
    reason: e.reason,
    ...(e.error ? { error: errorText(e.error)! } : {}),
    ...(e.attempts ? { attempts: e.attempts } : {}),
    ...(e.nextRetryAt ? { nextRetry: when(e.nextRetryAt)! } : {}),
    ...(e.impact ? { impact: e.impact } : {}),
    changes: (e.changes ?? []).map((c) => ({ path: c.path, old: show(c.old), new: show(c.new), sent: c.sent, ...(c.note ? { note: c.note } : {}) })),
    steps: (e.steps ?? []).map((s, i) => ({ index: i + 1, name: s.name, outcome: s.outcome, reason: s.reason, ...stepDetails(s.details) })),
    requests: e.requests.map((x) => requestView(x, base)),
  };
}

export const ACTIONS: ObjectAction[] = ['create', 'link', 'update', 'disable', 'enable', 'delete', 'set-manager', 'change-manager', 'clear-manager', 'create-group', 'link-group', 'rename-group', 'update-members', 'delete-group', 'unlink', 'forget', 'skip', 'test-connection'];
export const OUTCOMES: Outcome[] = ['success', 'failed', 'skipped', 'escrowed', 'stopped'];
const TYPES = ['user', 'group', 'manager', 'job'] as const;

/** The Logs page's filters, read from the query string; unknown values are ignored, never an error. */
export interface LogFilter {
  user?: string;
  action?: ObjectAction;
  outcome?: Outcome;
  type?: (typeof TYPES)[number];
  /** A cycle number, or 'on-demand'. */
  run?: number | 'on-demand';
  limit: number;
  offset: number;
}

export function parseLogFilter(q: Record<string, string | undefined>): LogFilter {
  const f: LogFilter = { limit: 100, offset: 0 };
  const user = q.user?.trim();
  if (user) f.user = user;
  if (q.action && (ACTIONS as string[]).includes(q.action)) f.action = q.action as ObjectAction;
  if (q.status && (OUTCOMES as string[]).includes(q.status)) f.outcome = q.status as Outcome;
  if (q.type && (TYPES as readonly string[]).includes(q.type)) f.type = q.type as LogFilter['type'];
  if (q.cycle === 'on-demand') f.run = 'on-demand';
  else if (q.cycle && /^\d+$/.test(q.cycle)) f.run = Number(q.cycle);
  if (q.limit && /^\d+$/.test(q.limit)) f.limit = Math.min(1000, Math.max(1, Number(q.limit)));
  if (q.offset && /^\d+$/.test(q.offset)) f.offset = Number(q.offset);
  return f;
}

/** Whether an entry passes the filter (the same test the page's script applies to live rows). */
export function entryMatches(e: ObjectEntry, f: LogFilter): boolean {
  if (f.user !== undefined) {
    const k = f.user.toLowerCase();
    if (!e.id.toLowerCase().includes(k) && !e.display.toLowerCase().includes(k) && !(e.targetId ?? '').toLowerCase().includes(k)) return false;
  }
  if (f.action !== undefined && e.action !== f.action) return false;
  if (f.outcome !== undefined && e.outcome !== f.outcome) return false;
  if (f.type !== undefined && e.objectType !== f.type) return false;
  if (f.run === 'on-demand' && !e.onDemand) return false;
  if (typeof f.run === 'number' && (e.onDemand || e.cycle !== f.run)) return false;
  return true;
}

/** The newest entries matching the filter (newest first), and how many match in all. */
export async function findEntries(service: ConsoleService, f: LogFilter): Promise<{ entries: ObjectEntry[]; total: number }> {
  const log = service.engine.log;
  if (!log) return { entries: [], total: 0 };
  const q: LogQuery = typeof f.run === 'number' ? { cycle: f.run, cyclesOnly: true } : {};
  const keep = f.offset + f.limit;
  const ring: ObjectEntry[] = [];
  let total = 0;
  log.flush();
  for await (const e of queryLog(log.paths.dir, q)) {
    if (!entryMatches(e, f)) continue;
    total++;
    ring.push(e);
    if (ring.length > keep) ring.shift();
  }
  const newestFirst = ring.reverse();
  return { entries: newestFirst.slice(f.offset, f.offset + f.limit), total };
}

export async function logsView(service: ConsoleService, f: LogFilter): Promise<object> {
  const { entries, total } = await findEntries(service, f);
  const cycles = service.engine.cycles().filter((c) => !c.onDemand).map((c) => c.cycle);
  const link = (offset: number): string => {
    const p = new URLSearchParams();
    if (f.user) p.set('user', f.user);
    if (f.action) p.set('action', f.action);
    if (f.outcome) p.set('status', f.outcome);
    if (f.type) p.set('type', f.type);
    if (f.run !== undefined) p.set('cycle', String(f.run));
    if (offset > 0) p.set('offset', String(offset));
    return `/logs${p.size ? `?${p}` : ''}`;
  };
  const dir = service.directory;
  return {
    filter: f,
    filtered: f.user !== undefined || f.action !== undefined || f.outcome !== undefined || f.type !== undefined || f.run !== undefined,
    entries: entries.map((e, i) => entryView(e, service.target.url, f.offset + i)),
    total,
    from: total === 0 ? 0 : f.offset + 1,
    to: f.offset + entries.length,
    newer: f.offset > 0 ? link(Math.max(0, f.offset - f.limit)) : undefined,
    older: f.offset + entries.length < total ? link(f.offset + f.limit) : undefined,
    actions: ACTIONS.map((a) => ({ value: a, selected: f.action === a })),
    outcomes: OUTCOMES.map((o) => ({ value: o, selected: f.outcome === o })),
    types: TYPES.map((t) => ({ value: t, selected: f.type === t })),
    cycles: [...cycles].reverse().map((c) => ({ value: String(c), label: `cycle ${c}`, selected: f.run === c })),
    onDemandSelected: f.run === 'on-demand',
    names: [...dir.users.map((u) => loginOf(dir, u)), ...dir.groups.map((g) => g.displayName)],
    live: f.offset === 0,
    hasLog: service.engine.log !== undefined,
  };
}

// ---------- on demand ----------

export function onDemandView(service: ConsoleService, run: number | undefined, chosen: string | undefined, chosenGroup?: string): object {
  const dir = service.directory;
  const result = run !== undefined ? service.onDemandRun(run) : undefined;
  const isGroupRun = result?.members !== undefined;
  const selected = isGroupRun ? chosen : (result?.entry.id ?? chosen);
  const rows = userRows(service);
  const byId = new Map(rows.map((u) => [u.id, u]));
  const provisioned = new Set(entitlements(dir, service.family).provisionedGroups);
  const groupId = isGroupRun ? result!.entry.id : chosenGroup;
  const group = groupId === undefined ? undefined : dir.groups.find((g) => g.id === groupId || g.displayName.toLowerCase() === groupId.toLowerCase());
  return {
    users: rows.map((u) => ({ id: u.id, label: `${u.name} — ${u.login}${u.inScope ? '' : ' (out of scope)'}`, selected: u.id === selected })),
    result: result
      ? {
          run: result.run,
          provisioned: result.provisioned,
          connectionFailed: result.connectionFailed,
          entry: entryView(result.entry, service.target.url),
          at: when(result.at),
          ...(result.members ? { members: result.members.map((m, i) => ({ provisioned: m.provisioned, entry: entryView(m.entry, service.target.url, i + 1) })) } : {}),
        }
      : undefined,
    missing: run !== undefined && !result,
    recent: service.onDemandRuns.map((r) => ({ run: r.run, user: r.members ? `group ${r.entry.display}` : r.entry.display, provisioned: r.provisioned, reason: r.entry.reason, at: when(r.at) })),
    okta: service.family === 'okta',
    dialectNote: service.target.dialect === 'entra-compliant' ? 'On-demand runs use Entra\'s default request shapes: the aadOptscim062020 flag does not apply to them, as in Entra.' : undefined,
    // Entra's portal offers groups too (a group and up to five of its members); Okta has no such button.
    groups: service.family === 'entra' && dir.groups.length > 0 ? dir.groups.map((g) => ({ id: g.id, label: `${g.displayName} (${g.members.length} member${g.members.length === 1 ? '' : 's'})${provisioned.has(g.id) ? '' : ' (not assigned)'}`, selected: g.id === group?.id })) : undefined,
    group: group && service.family === 'entra'
      ? {
          id: group.id,
          displayName: group.displayName,
          many: group.members.length > MAX_ON_DEMAND_MEMBERS,
          max: MAX_ON_DEMAND_MEMBERS,
          members: group.members.map((id) => {
            const u = byId.get(id);
            return { id, label: u ? `${u.name} — ${u.login}${u.inScope ? '' : ' (out of scope)'}` : id };
          }),
        }
      : undefined,
  };
}

// ---------- mappings ----------

export function mappingsView(service: ConsoleService): object {
  const dir = service.directory;
  const check = service.mappingCheck;
  const problems = new Map<number, string[]>();
  for (const p of check?.problems ?? []) {
    const m = /^\/app\/mappings\/(\d+)/.exec(p);
    if (m) problems.set(Number(m[1]), [...(problems.get(Number(m[1])) ?? []), p.replace(/^\/app\/mappings\/\d+\/\w+: /, '')]);
  }
  return {
    source: dir.source === 'entra' ? 'Microsoft Entra ID' : 'Okta',
    scope: dir.app.scope === 'all' ? 'Sync all users and groups' : 'Sync only assigned users and groups',
    provisionGroups: dir.app.provisionGroups,
    skipOutOfScopeDeletions: dir.app.skipOutOfScopeDeletions,
    actions: Object.entries(dir.app.actions).map(([name, on]) => ({ name, on })),
    pushGroups: dir.app.pushGroups?.map((id) => dir.groups.find((g) => g.id === id)?.displayName ?? id),
    mappings: dir.app.mappings.map((m, i) => ({
      index: i,
      kind: m.expression !== undefined ? 'Expression' : m.constant !== undefined ? 'Constant' : 'Direct',
      source: m.expression ?? (m.constant !== undefined ? `"${m.constant}"` : m.source),
      isExpression: m.expression !== undefined,
      default: m.default,
      target: m.target,
      matching: m.matching,
      precedence: m.matchingPrecedence,
      apply: m.apply === 'always' ? 'Always' : m.apply === 'on create only' ? 'Only during object creation' : m.apply === 'when the app has no value' ? 'When the app has no value (AttributeAddOnly)' : 'Never (not mapped)',
      off: m.apply === 'never',
      problems: problems.get(i) ?? [],
    })),
    filters: dir.app.scopingFilters.map((f, i) => ({ name: f.name ?? `Filter ${i + 1}`, clauses: f.clauses.map((c) => ({ attribute: c.attribute, operator: c.operator, value: c.value, text: describeClause(c) })) })),
    check,
    otherProblems: (check?.problems ?? []).filter((p) => !/^\/app\/mappings\/\d+/.test(p)),
    family: service.family,
  };
}

// ---------- Okta import ----------

/** The import read the app's groups (a job that pushes groups): shown even when the app has none. */
export const groupsRead = (r: ImportReport): boolean => r.exchanges.length > 0 || r.error !== undefined;

function importSection(r: ImportReport): object {
  const one = r.kind === 'Users' ? 'user' : 'group';
  return {
    kind: r.kind,
    id: r.kind.toLowerCase(),
    summary: importReportLines(r)[0],
    paging: r.paging,
    error: errorText(r.error),
    scanned: r.scanned,
    rows: [
      ...r.matched.map((m) => ({ status: m.notLinked ? 'not-linked' : 'matched', label: m.notLinked ? 'Not linked' : 'Matched', value: m.appValue, appId: m.appId, detail: `→ ${m.display ?? m.directoryIds[0]!}${m.notLinked ? ` · not linked: ${m.notLinked}` : ''}`, inactive: !m.active })),
      ...r.conflicts.map((m) => ({ status: 'conflict', label: 'Conflict', value: m.appValue, appId: m.appId, detail: m.why, inactive: !m.active })),
      ...r.unmatched.map((m) => ({
        status: 'unmatched',
        label: 'Unmatched',
        value: m.appValue === '' ? `(no ${r.attribute})` : m.appValue,
        appId: m.appId,
        detail: m.appValue === '' ? `the app ${one} has no ${r.attribute}, so it cannot be matched` : `no directory ${one} has this ${r.attribute}`,
        inactive: !m.active,
      })),
    ],
  };
}

export function importView(service: ConsoleService): object {
  const last = service.lastImport;
  const attribute = mappingPlan(service.directory).matching[0]?.path.text ?? 'userName';
  return {
    attribute,
    groups: service.directory.app.provisionGroups,
    ...(last
      ? {
          last: {
            at: when(last.at),
            confirmed: last.confirmed,
            linked: last.users.linked,
            matched: last.users.matched.length,
            requests: last.users.exchanges.length + last.groups.exchanges.length,
            sections: [importSection(last.users), ...(groupsRead(last.groups) ? [importSection(last.groups)] : [])],
          },
        }
      : {}),
  };
}
