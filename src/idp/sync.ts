// One provisioning cycle, as Entra and Okta run it: compare the directory (and the IdP's own store
// of app ids) with the app, then send the dialect's requests in three phases — users (match then
// create, update, disable, delete), manager links once the users exist, then groups (create with
// no members, then membership). Each object's outcome is logged, failed objects go to escrow and
// are retried next cycle, and the job is quarantined when failures cross the thresholds.
import { randomUUID } from 'node:crypto';
import { impactOf, type DialectName, type LifecycleEvent } from '../dialects/index.ts';
import type { ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { EventSender, JobStop, type EventOutcome } from './events.ts';
import { changedPaths, createArgs, createValues, entraChanges, managerMapping, matchingMapping, oktaProfile, updatePaths, type ScimValues } from './mapping.ts';
import { DOCUMENTED_THRESHOLDS, escrowThresholdCrossed, type FailureTally, type QuarantineThresholds } from './quarantine.ts';
import { entitlements, loginOf, type Entitlements, type UserIntent } from './scope.ts';
import type { StateStore, UserState } from './state.ts';
import type { CycleCounts, CycleResult, Directory, DirectoryUserRecord, ObjectAction, ObjectError, ObjectResult, ObjectType, QuarantineInfo } from './types.ts';
import { MANAGER_ATTRIBUTE } from './vocabulary.ts';

export interface CycleOptions {
  directory: Directory;
  dialect: DialectName;
  client: ScimClient;
  state: StateStore;
  thresholds?: QuarantineThresholds;
  /** Objects processed at once in the user phase (default 1: requests in directory order). */
  concurrency?: number;
  /** Provision on demand: only this user (and its manager link); no probe, no groups, no deletes. */
  onlyUser?: string;
  onResult?: (result: ObjectResult) => void;
  now?: () => Date;
}

const emptyCounts = (): CycleCounts => ({ created: 0, linked: 0, updated: 0, disabled: 0, enabled: 0, deleted: 0, managers: 0, groups: 0, failed: 0, skipped: 0, unchanged: 0 });

const isInactive = (resource: Record<string, unknown>): boolean => resource.active === false || String(resource.active).toLowerCase() === 'false';

interface Stop {
  message: string;
  quarantine?: QuarantineInfo;
}

export async function runCycle(options: CycleOptions): Promise<CycleResult> {
  return new Cycle(options).run();
}

class Cycle {
  private readonly dir: Directory;
  private readonly state: StateStore;
  private readonly sender: EventSender;
  private readonly family: 'entra' | 'okta';
  private readonly ent: Entitlements;
  private readonly thresholds: QuarantineThresholds;
  private readonly results: ObjectResult[] = [];
  private readonly counts = emptyCounts();
  private readonly tally: FailureTally = { events: 0, failures: 0, referenceFailures: 0 };
  private readonly now: () => Date;
  private readonly updatePaths: string[];
  private readonly exchangesBefore: number;
  private stop: Stop | undefined;
  private readonly cycleNumber: number;

  constructor(private readonly o: CycleOptions) {
    this.dir = o.directory;
    this.state = o.state;
    this.sender = new EventSender(o.client, o.dialect);
    this.family = this.sender.dialect.family;
    this.ent = entitlements(this.dir, this.family);
    this.thresholds = o.thresholds ?? DOCUMENTED_THRESHOLDS;
    this.now = o.now ?? (() => new Date());
    this.updatePaths = updatePaths(this.dir);
    this.exchangesBefore = o.client.exchanges.length;
    this.cycleNumber = o.state.state.cycle + 1;
  }

  async run(): Promise<CycleResult> {
    if (this.o.onlyUser !== undefined) this.onDemandUser(this.o.onlyUser);
    const startedAt = this.now().toISOString();
    this.state.setMeta({ cycle: this.cycleNumber, lastCycle: { cycle: this.cycleNumber, startedAt, status: 'running' } });
    try {
      if (this.o.onlyUser !== undefined) await this.onDemand(this.o.onlyUser);
      else await this.fullCycle();
    } catch (error) {
      if (!(error instanceof JobStop)) throw error;
      this.jobStopped(error);
    }
    const finishedAt = this.now().toISOString();
    const status = this.stop ? 'stopped' : this.counts.failed > 0 ? 'failed' : 'ok';
    if (this.stop?.quarantine) this.state.setMeta({ quarantine: this.stop.quarantine });
    else if (!this.stop && this.state.state.quarantine) this.state.setMeta({ quarantine: null });
    this.state.setMeta({ lastCycle: { cycle: this.cycleNumber, startedAt, finishedAt, status, ...(this.stop ? { message: this.stop.message } : {}) } });
    this.state.compact();
    return {
      cycle: this.cycleNumber,
      dialect: this.o.dialect,
      directory: this.dir.file,
      target: this.o.client.baseUrl,
      startedAt,
      finishedAt,
      status,
      ...(this.stop ? { stopReason: this.stop.message } : {}),
      ...(this.stop?.quarantine ? { quarantine: this.stop.quarantine } : {}),
      counts: this.counts,
      results: this.results,
      requests: this.o.client.exchanges.length - this.exchangesBefore,
    };
  }

  private async fullCycle(): Promise<void> {
    // Entra re-validates the endpoint at the start of provisioning activity (ENTRA-1.2).
    if (this.family === 'entra') await this.probe();
    const users = this.dir.users;
    await this.pool(users, (u) => this.user(u));
    const present = new Set(users.map((u) => u.id));
    const removed = Object.keys(this.state.state.users).filter((id) => !present.has(id));
    await this.pool(removed, (id) => this.removedUser(id));
    if (this.stop) return;
    for (const u of users) {
      if (this.stop) return;
      await this.manager(u);
    }
    await this.groups();
  }

  private onDemandUser(userId: string): DirectoryUserRecord {
    const u = this.dir.users.find((x) => x.id === userId || loginOf(this.dir, x).toLowerCase() === userId.toLowerCase());
    if (!u) throw new OnDemandError(`no user "${userId}" in ${this.dir.file} (give its id or ${this.dir.source === 'entra' ? 'userPrincipalName' : 'login'})`);
    return u;
  }

  private async onDemand(userId: string): Promise<void> {
    const u = this.onDemandUser(userId);
    await this.user(u);
    await this.manager(u);
  }

  private async probe(): Promise<void> {
    const out = await this.sender.send('testConnection', { value: randomUUID(), attribute: matchingAttribute(this.dir) });
    const ok = out.ok && !out.matched;
    this.result({ objectType: 'job', id: 'job', display: 'provisioning job', action: 'test-connection', outcome: ok ? 'success' : 'failed', reason: 're-validate the endpoint: query a user that cannot exist', exchanges: out.exchanges, ...(out.error ? { error: out.error } : {}) });
    if (!ok) throw new JobStop(`the endpoint check failed: ${out.error?.message ?? 'a random GUID matched a user'}`, true);
  }

  private async pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (next < items.length && !this.stop && failure === undefined) {
        const item = items[next++]!;
        try {
          await work(item);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.o.concurrency ?? 1, items.length)) }, worker));
    if (failure !== undefined) throw failure;
  }

  // ---- results, escrow, quarantine -------------------------------------------------------------

  private result(r: Omit<ObjectResult, 'exchangeIds'> & { exchanges: Exchange[]; event?: LifecycleEvent }): void {
    const { exchanges, event, ...rest } = r;
    const result: ObjectResult = { ...rest, exchangeIds: exchanges.map((x) => x.id) };
    const key = `${r.objectType}:${r.id}`;
    if (r.objectType !== 'job') {
      if (r.outcome === 'failed') {
        const previous = this.state.escrow(key);
        const at = this.now().toISOString();
        const attempts = (previous?.attempts ?? 0) + 1;
        this.state.setEscrow(key, { objectType: r.objectType, id: r.id, action: r.action, attempts, firstFailedAt: previous?.firstFailedAt ?? at, lastFailedAt: at, lastError: r.error ?? { message: 'failed' } });
        result.attempts = attempts;
        if (event) result.impact = impactOf(this.o.dialect, event);
      } else {
        this.state.setEscrow(key, null);
      }
    }
    this.count(result);
    this.results.push(result);
    this.o.onResult?.(result);
    if (r.objectType !== 'job' && r.outcome !== 'skipped' && !this.stop) {
      const why = escrowThresholdCrossed(this.tally, this.thresholds);
      if (why) this.stop = { message: `quarantined: ${why}`, quarantine: { reason: 'EncounteredEscrowProportionThreshold', message: why, since: this.now().toISOString() } };
    }
  }

  private count(r: ObjectResult): void {
    const c = this.counts;
    if (r.objectType === 'job') {
      if (r.outcome === 'failed') c.failed++;
      return;
    }
    const reference = r.objectType === 'manager' || r.action === 'update-members';
    if (r.outcome === 'skipped') {
      c.skipped++;
      return;
    }
    if (!reference) this.tally.events++;
    if (r.outcome === 'failed' || r.outcome === 'stopped') {
      c.failed++;
      if (reference) this.tally.referenceFailures++;
      else this.tally.failures++;
      return;
    }
    if (r.objectType === 'manager') c.managers++;
    else if (r.objectType === 'group') c.groups++;
    else if (r.action === 'create') c.created++;
    else if (r.action === 'link') c.linked++;
    else if (r.action === 'update') c.updated++;
    else if (r.action === 'disable') c.disabled++;
    else if (r.action === 'enable') c.enabled++;
    else if (r.action === 'delete') c.deleted++;
  }

  private jobStopped(error: JobStop): void {
    const quarantine: QuarantineInfo | undefined = error.quarantine ? { reason: 'EncounteredQuarantineException', message: error.message, since: this.now().toISOString() } : undefined;
    const last = this.results.at(-1);
    // The object whose request hit the job-level failure is logged with that exchange.
    if (error.exchange && !(last && last.exchangeIds.includes(error.exchange.id))) {
      this.results.push({ objectType: 'job', id: 'job', display: 'provisioning job', action: 'skip', outcome: 'failed', reason: error.message, ...(error.error ? { error: error.error } : {}), exchangeIds: [error.exchange.id] });
      this.counts.failed++;
      this.o.onResult?.(this.results.at(-1)!);
    }
    this.stop = { message: quarantine ? `quarantined: ${error.message}` : error.message, ...(quarantine ? { quarantine } : {}) };
  }

  // ---- users -----------------------------------------------------------------------------------

  private displayOf(u: DirectoryUserRecord): string {
    return loginOf(this.dir, u);
  }

  private async user(u: DirectoryUserRecord): Promise<void> {
    const display = this.displayOf(u);
    const intent = this.ent.intent(u);
    const st = this.state.user(u.id);
    const desired = createValues(this.dir, u);
    const wantActive = intent.entitled && intent.enabled && !intent.hold;
    const base = { objectType: 'user' as const, id: u.id, display };

    if (st?.stopped) {
      if (!intent.entitled) {
        // Unassigning drops Okta's link; a later assignment searches and links again.
        this.state.setUser(u.id, null);
        this.result({ ...base, action: 'unlink', outcome: 'success', reason: `${intent.why}; the stopped link is dropped`, exchanges: [] });
        return;
      }
      this.result({ ...base, action: 'skip', outcome: 'stopped', reason: `Okta stopped pushing this user (${st.stopped}); unassign and reassign it to provision it again`, targetId: st.targetId, exchanges: [] });
      return;
    }

    if (!st) {
      if (!wantActive) {
        this.result({ ...base, action: 'skip', outcome: 'skipped', reason: intent.hold && intent.entitled ? intent.why : `not provisioned: ${intent.why}`, exchanges: [] });
        return;
      }
      if (!this.dir.app.actions.create) {
        this.result({ ...base, action: 'skip', outcome: 'skipped', reason: 'create is turned off in the app\'s actions', exchanges: [] });
        return;
      }
      await this.provision(u, desired, [], 'assigned and in scope');
      return;
    }

    if (!wantActive) {
      if (intent.hold || !st.active) {
        if (!st.active && this.family === 'okta' && !intent.entitled) this.state.setUser(u.id, null);
        this.counts.unchanged++;
        return;
      }
      if (!this.dir.app.actions.disable) {
        this.result({ ...base, action: 'skip', outcome: 'skipped', reason: `${intent.why}, but disable is turned off in the app's actions`, targetId: st.targetId, exchanges: [] });
        return;
      }
      await this.disable(base, st, intent);
      return;
    }

    const changed = changedPaths(st.values, desired, this.updatePaths);
    const escrowed = this.state.escrow(`user:${u.id}`) !== undefined;
    if (changed.length === 0 && st.active && !escrowed) {
      this.counts.unchanged++;
      return;
    }
    if (!this.dir.app.actions.update) {
      this.result({ ...base, action: 'skip', outcome: 'skipped', reason: 'update is turned off in the app\'s actions', targetId: st.targetId, exchanges: [] });
      return;
    }
    if (this.family === 'entra') await this.entraUpdate(u, st, desired, changed, escrowed);
    else await this.oktaUpdate(u, st, desired, changed, escrowed);
  }

  private nextValues(st: UserState | undefined, desired: ScimValues): ScimValues {
    const values = { ...(st?.values ?? {}) };
    for (const p of this.updatePaths) {
      if (desired[p] === undefined) delete values[p];
      else values[p] = desired[p];
    }
    return values;
  }

  /** Match by the matching attribute, then create, or link and update what was found. */
  private async provision(u: DirectoryUserRecord, desired: ScimValues, prior: Exchange[], why: string): Promise<void> {
    const base = { objectType: 'user' as const, id: u.id, display: this.displayOf(u) };
    const matching = matchingMapping(this.dir);
    const value = desired[matching.target];
    if (value === undefined) {
      this.result({ ...base, action: 'create', outcome: 'failed', reason: why, error: { message: `the matching attribute ${matching.target} is empty (source ${matching.source ?? 'constant'}); the IdP cannot look the user up` }, exchanges: prior, event: 'createUser' });
      return;
    }
    const attribute = matchingAttribute(this.dir);
    const out = await this.sender.send('createUser', { ...createArgs(desired), attribute, value });
    const exchanges = [...prior, ...out.exchanges];
    if (!out.ok) {
      this.result({ ...base, action: 'create', outcome: 'failed', reason: why, ...(out.error ? { error: out.error } : {}), exchanges, event: out.exchanges.length > 1 ? 'createUser' : 'matchUser' });
      return;
    }
    if (out.created) {
      const targetId = String(out.created.id);
      this.state.setUser(u.id, { targetId, active: true, values: desired });
      this.result({ ...base, action: 'create', outcome: 'success', reason: `${why}; no app user has ${attribute} eq "${value}"`, targetId, exchanges });
      return;
    }
    // Found: link it (cache its id) and push the profile instead of creating (ENTRA-1.3, OKTA-2.4).
    const found = out.matched!;
    const targetId = String(found.id);
    const inactive = isInactive(found);
    this.state.setUser(u.id, { targetId, active: !inactive, values: {} });
    const linkWhy = `${why}; an app user already has ${attribute} eq "${value}", so it is linked instead of created`;
    if (this.family === 'entra') {
      const { changes, added } = entraChanges(desired, this.updatePaths, found);
      if (Object.keys(changes).length > 0) {
        const upd = await this.sender.send('updateUser', { id: targetId, changes, added });
        exchanges.push(...upd.exchanges);
        if (!upd.ok) return this.result({ ...base, action: 'link', outcome: 'failed', reason: linkWhy, ...(upd.error ? { error: upd.error } : {}), targetId, exchanges, event: 'updateUser' });
      }
      if (inactive) {
        const en = await this.sender.send('enableUser', { id: targetId });
        exchanges.push(...en.exchanges);
        if (!en.ok) return this.result({ ...base, action: 'link', outcome: 'failed', reason: linkWhy, ...(en.error ? { error: en.error } : {}), targetId, exchanges, event: 'enableUser' });
      }
    } else {
      const upd = await this.sender.send('updateUser', { id: targetId, changes: { ...oktaProfile(desired, this.updatePaths), active: true } });
      exchanges.push(...upd.exchanges);
      if (!upd.ok) return this.result({ ...base, action: 'link', outcome: 'failed', reason: linkWhy, ...(upd.error ? { error: upd.error } : {}), targetId, exchanges, event: 'updateUser' });
    }
    this.state.setUser(u.id, { targetId, active: true, values: this.nextValues(undefined, desired) });
    this.result({ ...base, action: 'link', outcome: 'success', reason: linkWhy, targetId, exchanges });
  }

  private async disable(base: { objectType: 'user'; id: string; display: string }, st: UserState, intent: UserIntent): Promise<void> {
    const out = await this.sender.send('disableUser', { id: st.targetId });
    if (out.notFound && this.family === 'okta') return this.oktaStop(base, st, out);
    if (!out.ok && !(out.error?.status === 404 && this.family === 'entra')) {
      this.result({ ...base, action: 'disable', outcome: 'failed', reason: intent.why, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event: 'disableUser' });
      return;
    }
    // Okta's unassignment removes its link to the app user; a reassignment searches again (OKTA-2.7).
    if (this.family === 'okta' && !intent.entitled) this.state.setUser(base.id, null);
    else this.state.setUser(base.id, { ...st, active: false });
    this.result({ ...base, action: 'disable', outcome: 'success', reason: intent.why, targetId: st.targetId, exchanges: out.exchanges });
  }

  private oktaStop(base: { objectType: 'user'; id: string; display: string }, st: UserState, out: EventOutcome): void {
    const why = `GET of the stored id ${st.targetId} answered 404`;
    this.state.setUser(base.id, { ...st, stopped: why });
    this.state.setEscrow(`user:${base.id}`, null);
    this.results.push({ ...base, action: 'skip', outcome: 'stopped', reason: `${why}: Okta stops here (no search, no create, no automatic retry); unassign and reassign the user`, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchangeIds: out.exchanges.map((x) => x.id), impact: impactOf(this.o.dialect, 'getUser') });
    this.counts.failed++;
    this.tally.events++;
    this.tally.failures++;
    this.o.onResult?.(this.results.at(-1)!);
  }

  private async entraUpdate(u: DirectoryUserRecord, st: UserState, desired: ScimValues, changed: string[], escrowed: boolean): Promise<void> {
    const base = { objectType: 'user' as const, id: u.id, display: this.displayOf(u) };
    const exchanges: Exchange[] = [];
    const reason = describeChange(changed, st.active, escrowed);
    let sentUpdate = false;
    if (changed.length > 0 || escrowed) {
      const got = await this.sender.send('getUser', { id: st.targetId });
      if (got.notFound) {
        // Entra treats the cached id as gone: it matches again and creates when nothing matches.
        this.state.setUser(u.id, null);
        await this.provision(u, desired, got.exchanges, `the cached id ${st.targetId} answered 404, so Entra matches again`);
        return;
      }
      exchanges.push(...got.exchanges);
      if (!got.ok) return this.result({ ...base, action: 'update', outcome: 'failed', reason, ...(got.error ? { error: got.error } : {}), targetId: st.targetId, exchanges, event: 'getUser' });
      const { changes, added } = entraChanges(desired, this.updatePaths, got.json);
      if (Object.keys(changes).length > 0) {
        const upd = await this.sender.send('updateUser', { id: st.targetId, changes, added });
        exchanges.push(...upd.exchanges);
        if (!upd.ok) return this.result({ ...base, action: 'update', outcome: 'failed', reason, ...(upd.error ? { error: upd.error } : {}), targetId: st.targetId, exchanges, event: 'updateUser' });
        sentUpdate = true;
      }
    }
    if (!st.active) {
      const en = await this.sender.send('enableUser', { id: st.targetId });
      exchanges.push(...en.exchanges);
      if (!en.ok) return this.result({ ...base, action: 'enable', outcome: 'failed', reason, ...(en.error ? { error: en.error } : {}), targetId: st.targetId, exchanges, event: 'enableUser' });
    }
    this.state.setUser(u.id, { ...st, active: true, values: this.nextValues(st, desired) });
    const action: ObjectAction = !st.active && !sentUpdate ? 'enable' : 'update';
    this.result({ ...base, action, outcome: 'success', reason: sentUpdate || !st.active ? reason : `${reason}; the app already holds these values`, targetId: st.targetId, exchanges });
  }

  private async oktaUpdate(u: DirectoryUserRecord, st: UserState, desired: ScimValues, changed: string[], escrowed: boolean): Promise<void> {
    const base = { objectType: 'user' as const, id: u.id, display: this.displayOf(u) };
    const exchanges: Exchange[] = [];
    const reason = describeChange(changed, st.active, escrowed);
    if (!st.active) {
      const en = await this.sender.send('enableUser', { id: st.targetId });
      if (en.notFound) return this.oktaStop(base, st, en);
      exchanges.push(...en.exchanges);
      if (!en.ok) return this.result({ ...base, action: 'enable', outcome: 'failed', reason, ...(en.error ? { error: en.error } : {}), targetId: st.targetId, exchanges, event: 'enableUser' });
      this.state.setUser(u.id, { ...st, active: true });
    }
    if (changed.length > 0 || escrowed) {
      const upd = await this.sender.send('updateUser', { id: st.targetId, changes: oktaProfile(desired, this.updatePaths) });
      if (upd.notFound) return this.oktaStop(base, st, { ...upd, exchanges: [...exchanges, ...upd.exchanges] });
      exchanges.push(...upd.exchanges);
      if (!upd.ok) return this.result({ ...base, action: 'update', outcome: 'failed', reason, ...(upd.error ? { error: upd.error } : {}), targetId: st.targetId, exchanges, event: 'updateUser' });
    }
    this.state.setUser(u.id, { ...st, active: true, values: this.nextValues(st, desired) });
    this.result({ ...base, action: changed.length === 0 && !escrowed ? 'enable' : 'update', outcome: 'success', reason, targetId: st.targetId, exchanges });
  }

  /** A user the IdP provisioned is gone from the directory (hard delete). */
  private async removedUser(id: string): Promise<void> {
    const st = this.state.user(id)!;
    const base = { objectType: 'user' as const, id, display: st.values.userName ?? id };
    if (st.stopped) {
      this.state.setUser(id, null);
      return;
    }
    if (this.family === 'okta') {
      // Okta never deletes app users: deleting an Okta user deactivates it first (OKTA-2.6).
      if (st.active && this.dir.app.actions.disable) {
        const out = await this.sender.send('disableUser', { id: st.targetId });
        if (!out.ok && !out.notFound) {
          this.result({ ...base, action: 'disable', outcome: 'failed', reason: 'deleted from Okta (Okta deactivates; it never deletes app users)', ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event: 'disableUser' });
          return;
        }
        this.state.setUser(id, null);
        this.result({ ...base, action: 'disable', outcome: 'success', reason: 'deleted from Okta (Okta deactivates; it never deletes app users)', targetId: st.targetId, exchanges: out.exchanges });
        return;
      }
      this.state.setUser(id, null);
      return;
    }
    if (!this.dir.app.actions.delete) {
      this.state.setUser(id, null);
      this.result({ ...base, action: 'skip', outcome: 'skipped', reason: 'hard-deleted in Entra, but delete is turned off in the app\'s actions; the app user stays', targetId: st.targetId, exchanges: [] });
      return;
    }
    const out = await this.sender.send('deleteUser', { id: st.targetId });
    const gone = out.error?.status === 404;
    if (!out.ok && !gone) {
      this.result({ ...base, action: 'delete', outcome: 'failed', reason: 'hard-deleted in Entra', ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event: 'deleteUser' });
      return;
    }
    this.state.setUser(id, null);
    this.result({ ...base, action: 'delete', outcome: 'success', reason: gone ? 'hard-deleted in Entra (the app had already removed it)' : 'hard-deleted in Entra', targetId: st.targetId, exchanges: out.exchanges });
  }

  // ---- manager links ---------------------------------------------------------------------------

  private async manager(u: DirectoryUserRecord): Promise<void> {
    const mapping = managerMapping(this.dir);
    const st = this.state.user(u.id);
    if (!mapping || !st || !st.active || st.stopped) return;
    if (mapping.apply === 'on create only' && st.manager !== undefined) return;
    const intent = this.ent.intent(u);
    if (!intent.entitled || !intent.enabled) return;
    const managerId = typeof u[MANAGER_ATTRIBUTE[this.dir.source]] === 'string' ? String(u[MANAGER_ATTRIBUTE[this.dir.source]]) : undefined;
    const managerState = managerId ? this.state.user(managerId) : undefined;
    const base = { objectType: 'manager' as const, id: u.id, display: this.displayOf(u) };
    if (managerId && (!managerState || managerState.stopped)) {
      if (st.manager === managerId) return;
      const manager = this.dir.users.find((x) => x.id === managerId);
      this.result({ ...base, action: 'skip', outcome: 'skipped', reason: `manager ${manager ? this.displayOf(manager) : managerId} is not provisioned (${manager ? this.ent.intent(manager).why || 'not yet created' : 'unknown'}); the link is written once the manager exists`, exchanges: [] });
      return;
    }
    const targetManager = managerState?.targetId;
    if (managerId === st.manager && targetManager === st.managerTargetId) return;
    if (!managerId && st.manager === undefined) return;

    let event: LifecycleEvent;
    let action: ObjectAction;
    let out: EventOutcome;
    const managerDisplay = managerId ? this.displayOf(this.dir.users.find((x) => x.id === managerId)!) : '';
    if (this.family === 'entra') {
      if (!targetManager) [event, action] = ['clearManager', 'clear-manager'];
      else if (st.manager === undefined) [event, action] = ['setManager', 'set-manager'];
      else [event, action] = ['changeManager', 'change-manager'];
      out = await this.sender.send(event, { id: st.targetId, ...(targetManager ? { managerId: targetManager } : {}) });
    } else {
      // Okta carries the manager in the profile it PUTs (GET then PUT; OKTA-2.5).
      event = 'updateUser';
      action = !targetManager ? 'clear-manager' : st.manager === undefined ? 'set-manager' : 'change-manager';
      out = await this.sender.send('updateUser', { id: st.targetId, changes: { [mapping.target]: targetManager ? { value: targetManager } : null } });
      if (out.notFound) return this.oktaStop({ objectType: 'user', id: u.id, display: base.display }, st, out);
    }
    const reason = targetManager ? `manager is ${managerDisplay} (app id ${targetManager})` : 'the manager was removed in the directory';
    if (!out.ok) {
      this.result({ ...base, action, outcome: 'failed', reason, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event });
      return;
    }
    const next: UserState = { ...this.state.user(u.id)! };
    if (managerId && targetManager) {
      next.manager = managerId;
      next.managerTargetId = targetManager;
    } else {
      delete next.manager;
      delete next.managerTargetId;
    }
    this.state.setUser(u.id, next);
    this.result({ ...base, action, outcome: 'success', reason, targetId: st.targetId, exchanges: out.exchanges });
  }

  // ---- groups ----------------------------------------------------------------------------------

  private async groups(): Promise<void> {
    const wanted = new Set(this.ent.provisionedGroups);
    for (const g of this.dir.groups) {
      if (this.stop) return;
      if (wanted.has(g.id)) await this.group(g.id);
    }
    for (const id of Object.keys(this.state.state.groups)) {
      if (this.stop) return;
      if (!wanted.has(id)) await this.removedGroup(id);
    }
  }

  /** App ids of the members the app should hold, by directory user id. */
  private desiredMembers(groupId: string): Record<string, string> {
    const g = this.dir.groups.find((x) => x.id === groupId)!;
    const stored = this.state.group(groupId)?.members ?? {};
    const out: Record<string, string> = {};
    for (const uid of g.members) {
      const st = this.state.user(uid);
      if (!st) continue;
      if (st.stopped) {
        // Okta has stopped for this user; its memberships are left as they were.
        if (stored[uid] !== undefined) out[uid] = stored[uid];
        continue;
      }
      const u = this.dir.users.find((x) => x.id === uid)!;
      const intent = this.ent.intent(u);
      // Okta does not update pushed groups on unassignment: the user stays a member (OKTA-2.6).
      if (intent.entitled || (this.family === 'okta' && stored[uid] === st.targetId)) out[uid] = st.targetId;
    }
    return out;
  }

  private memberList(members: Record<string, string>): { value: string; display?: string }[] {
    return Object.entries(members).map(([uid, value]) => {
      const userName = this.state.user(uid)?.values.userName;
      return userName ? { value, display: userName } : { value };
    });
  }

  private async group(groupId: string): Promise<void> {
    const g = this.dir.groups.find((x) => x.id === groupId)!;
    const base = { objectType: 'group' as const, id: g.id, display: g.displayName };
    const st = this.state.group(g.id);
    const members = this.desiredMembers(g.id);
    const aiw = this.o.dialect === 'okta-aiw';

    if (!st) {
      if (!this.dir.app.actions.create) {
        this.result({ ...base, action: 'skip', outcome: 'skipped', reason: 'create is turned off in the app\'s actions', exchanges: [] });
        return;
      }
      const out = await this.sender.send('createGroup', { displayName: g.displayName, ...(this.family === 'entra' ? { externalId: g.id } : {}), ...(aiw ? { members: this.memberList(members) } : {}) });
      if (!out.ok) {
        this.result({ ...base, action: 'create-group', outcome: 'failed', reason: 'group assigned to the app', ...(out.error ? { error: out.error } : {}), exchanges: out.exchanges, event: 'createGroup' });
        return;
      }
      const found = out.created ?? out.matched!;
      const targetId = String(found.id);
      // AIW's create already carried (and then PUT) the members.
      this.state.setGroup(g.id, { targetId, displayName: g.displayName, members: aiw && out.created ? members : {} });
      this.result({
        ...base,
        action: out.created ? 'create-group' : 'link-group',
        outcome: 'success',
        reason: out.created ? 'group assigned to the app; no app group has this displayName' : 'group assigned to the app; an app group already has this displayName, so it is linked',
        targetId,
        exchanges: out.exchanges,
      });
      if (!(aiw && out.created)) await this.syncGroup(g.id, members);
      return;
    }
    await this.syncGroup(g.id, members);
  }

  /** Rename and membership changes for a linked group. */
  private async syncGroup(groupId: string, members: Record<string, string>): Promise<void> {
    const g = this.dir.groups.find((x) => x.id === groupId)!;
    const st = this.state.group(g.id)!;
    const base = { objectType: 'group' as const, id: g.id, display: g.displayName, targetId: st.targetId };
    const add = Object.entries(members).filter(([uid, tid]) => st.members[uid] !== tid);
    // Members whose app user is gone (deleted, relinked) are dropped without a request.
    const remove = Object.entries(st.members).filter(([uid, tid]) => members[uid] !== tid && this.state.user(uid)?.targetId === tid);
    const renamed = st.displayName !== g.displayName;
    const membersChanged = add.length > 0 || remove.length > 0;
    const staleOnly = !renamed && !membersChanged && Object.keys(st.members).some((uid) => members[uid] === undefined);
    if (staleOnly) this.state.setGroup(g.id, { ...st, members });
    if (!renamed && !membersChanged) return;
    const escape = (out: EventOutcome, action: ObjectAction, event: LifecycleEvent, reason: string): boolean => {
      if (out.ok) return false;
      if (out.notFound || out.error?.status === 404) {
        // The app lost the group: forget the id, so the next cycle matches or creates it again.
        this.state.setGroup(g.id, null);
      }
      this.result({ ...base, action, outcome: 'failed', reason, ...(out.error ? { error: out.error } : {}), exchanges: out.exchanges, event });
      return true;
    };

    const exchanges: Exchange[] = [];
    const reasons: string[] = [];
    if (renamed) reasons.push(`renamed from "${st.displayName}"`);
    if (add.length > 0) reasons.push(`${add.length} member(s) to add`);
    if (remove.length > 0) reasons.push(`${remove.length} member(s) to remove`);
    const reason = reasons.join(', ');
    const addMembers = add.map(([uid, tid]) => ({ uid, tid }));
    const removeIds = remove.map(([, tid]) => tid);

    if (this.family === 'entra') {
      if (renamed) {
        const out = await this.sender.send('renameGroup', { id: st.targetId, displayName: g.displayName });
        exchanges.push(...out.exchanges);
        if (escape({ ...out, exchanges }, 'rename-group', 'renameGroup', reason)) return;
        this.state.setGroup(g.id, { ...this.state.group(g.id)!, displayName: g.displayName });
      }
      if (addMembers.length > 0) {
        const out = await this.sender.send('addMembers', { id: st.targetId, memberIds: addMembers.map((m) => m.tid) });
        exchanges.push(...out.exchanges);
        if (escape({ ...out, exchanges }, 'update-members', 'addMembers', reason)) return;
        const now = this.state.group(g.id)!;
        this.state.setGroup(g.id, { ...now, members: { ...now.members, ...Object.fromEntries(add) } });
      }
      if (removeIds.length > 0) {
        const out = await this.sender.send('removeMembers', { id: st.targetId, memberIds: removeIds });
        exchanges.push(...out.exchanges);
        if (escape({ ...out, exchanges }, 'update-members', 'removeMembers', reason)) return;
      }
    } else {
      const memberList = this.memberList(members);
      if (membersChanged) {
        // OIN: the rename PATCH rides along with every membership update, then remove/add (OKTA-2.8);
        // AIW: GET then PUT with the complete list.
        const out = await this.sender.send('addMembers', {
          id: st.targetId,
          displayName: g.displayName,
          add: this.memberList(Object.fromEntries(add)),
          remove: removeIds,
          members: memberList,
        });
        exchanges.push(...out.exchanges);
        if (escape({ ...out, exchanges }, 'update-members', 'addMembers', reason)) return;
      } else {
        const out = await this.sender.send('renameGroup', { id: st.targetId, displayName: g.displayName, members: memberList });
        exchanges.push(...out.exchanges);
        if (escape({ ...out, exchanges }, 'rename-group', 'renameGroup', reason)) return;
      }
    }
    this.state.setGroup(g.id, { targetId: st.targetId, displayName: g.displayName, members });
    this.result({ ...base, action: membersChanged ? 'update-members' : 'rename-group', outcome: 'success', reason, exchanges });
  }

  private async removedGroup(id: string): Promise<void> {
    const st = this.state.group(id)!;
    const base = { objectType: 'group' as const, id, display: st.displayName, targetId: st.targetId };
    const inDirectory = this.dir.groups.some((g) => g.id === id);
    if (this.family === 'okta') {
      // Okta deletes a pushed group only when the admin unlinks it and asks for that (OKTA-2.8).
      this.state.setGroup(id, null);
      this.result({ ...base, action: 'unlink', outcome: 'success', reason: `${inDirectory ? 'no longer pushed' : 'deleted from Okta'}; Okta unlinks the group and leaves it in the app`, exchanges: [] });
      return;
    }
    const why = inDirectory ? 'group no longer assigned (out of scope)' : 'group deleted in Entra';
    if (!this.dir.app.actions.delete) {
      this.state.setGroup(id, null);
      this.result({ ...base, action: 'skip', outcome: 'skipped', reason: `${why}, but delete is turned off in the app's actions`, exchanges: [] });
      return;
    }
    const out = await this.sender.send('deleteGroup', { id: st.targetId });
    const gone = out.error?.status === 404;
    if (!out.ok && !gone) {
      this.result({ ...base, action: 'delete-group', outcome: 'failed', reason: why, ...(out.error ? { error: out.error } : {}), exchanges: out.exchanges, event: 'deleteGroup' });
      return;
    }
    this.state.setGroup(id, null);
    this.result({ ...base, action: 'delete-group', outcome: 'success', reason: why, exchanges: out.exchanges });
  }
}

export class OnDemandError extends Error {}

/** The SCIM attribute the IdP filters on (`userName`, `externalId`, `emails[type eq "work"].value`). */
export function matchingAttribute(directory: Directory): string {
  return matchingMapping(directory).target;
}

function describeChange(changed: string[], active: boolean, escrowed: boolean): string {
  const parts: string[] = [];
  if (changed.length > 0) parts.push(`changed: ${changed.join(', ')}`);
  if (!active) parts.push('assigned, in scope and enabled again');
  if (escrowed && changed.length === 0) parts.push('retrying after an earlier failure (escrow)');
  return parts.join('; ') || 'retry';
}

export type { ObjectError, ObjectType };
