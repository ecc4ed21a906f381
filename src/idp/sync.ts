// One provisioning cycle, as Entra and Okta run it: compare the directory (and the IdP's own store
// of app ids) with the app, then send the dialect's requests in phases — users gone from the
// directory, users (match then create, update, disable), manager links once the users exist, then
// groups (create with no members, then membership). Every phase works on several objects at once,
// as the services do (`concurrency`, default 8). Each object's outcome is logged; failed objects
// go to escrow (Entra, retried on a back-off) or to the admin's task list (Okta); the job is
// quarantined when failures cross the thresholds.
import { randomUUID } from 'node:crypto';
import type { DialectName } from '../dialects/index.ts';
import type { ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { quarantineGapMs, QUARANTINE_DISABLE_MS } from './escrow.ts';
import { EventSender, JobStop, probeHitMessage } from './events.ts';
import { withAdvice } from './stop-advice.ts';
import { deletionHold, holdQuarantineMessage } from './accidental-deletions.ts';
import { LogRedactor } from './log-redact.ts';
import { mappingPlan } from './mapping.ts';
import { DOCUMENTED_THRESHOLDS, type QuarantineThresholds } from './quarantine.ts';
import { entitlements } from './scope.ts';
import { DEFAULT_BEHAVIOUR, fingerprint, type CycleBehaviour, type CycleContext } from './sync-context.ts';
import { duplicateFinder } from './sync-duplicates.ts';
import { syncGroups } from './sync-groups.ts';
import { CycleLedger, type ResultListener } from './sync-ledger.ts';
import { syncManager } from './sync-managers.ts';
import { syncRemovedUser, syncUser } from './sync-users.ts';
import type { StateStore } from './state.ts';
import type { CycleResult, Directory, ObjectError, ObjectResult, ObjectType } from './types.ts';

/** Objects in flight at once, as the services send: several requests at a time, never one by one. */
export const DEFAULT_CONCURRENCY = 8;

export type CyclePhase = 'probe' | 'users' | 'removed users' | 'managers' | 'groups';

export interface CycleProgress {
  cycle: number;
  phase: CyclePhase;
  done: number;
  total: number;
}

export interface CycleOptions {
  directory: Directory;
  dialect: DialectName;
  client: ScimClient;
  state: StateStore;
  thresholds?: QuarantineThresholds;
  /** Objects processed at once in every phase (default 8; 1 sends requests in directory order). */
  concurrency?: number;
  /** Every logged object result, with the exchanges it was made from. */
  onResult?: ResultListener;
  onProgress?: (progress: CycleProgress) => void;
  /** The cycle's clock (escrow back-off, quarantine, timestamps). Default: the system clock. */
  now?: () => Date;
  behaviour?: Partial<CycleBehaviour>;
  /** Keep every object result in `CycleResult.results` (default true; the CLI streams them to disk instead). */
  keepResults?: boolean;
  /** Ends the cycle after the objects in progress (a signal): a stopped job, with what finished kept. */
  signal?: AbortSignal;
}

export async function runCycle(options: CycleOptions): Promise<CycleResult> {
  return new Cycle(options).run();
}

/** The mappings and scoping filters a cycle runs with; Entra starts an initial cycle when they change. */
export function configFingerprint(directory: Directory): string {
  return fingerprint({ mappings: directory.app.mappings, scoping: directory.app.scopingFilters, scope: directory.app.scope });
}

/** When an interval scheduler should run the next cycle: quarantine slows it down to once a day. */
export function nextCycleDue(state: StateStore, intervalMs: number, from: Date): Date {
  const s = state.state;
  if (!s.quarantine) return new Date(from.getTime() + intervalMs);
  return new Date(from.getTime() + quarantineGapMs(intervalMs, s.quarantineCycles ?? 0));
}

interface Ref {
  objectType: ObjectType;
  id: string;
  display: string;
}

class Cycle {
  private readonly ctx: CycleContext;
  private readonly ledger: CycleLedger;
  private readonly now: () => Date;
  private readonly cycleNumber: number;
  private readonly concurrency: number;

  constructor(private readonly o: CycleOptions) {
    this.concurrency = Math.max(1, o.concurrency ?? DEFAULT_CONCURRENCY);
    // Two full rounds of requests in flight that all time out: the app is hung, not one object.
    const sender = new EventSender(o.client, o.dialect, { timeoutStreak: Math.max(3, 2 * this.concurrency) });
    const family = sender.dialect.family;
    this.now = o.now ?? (() => new Date());
    const behaviour = { ...DEFAULT_BEHAVIOUR, ...(o.behaviour ?? {}) };
    const plan = mappingPlan(o.directory);
    o.state.redactPaths(plan.redactedPaths);
    const redactor = new LogRedactor();
    // What the app was sent before (its answers echo it) is known now; this cycle's values are
    // added as each user is evaluated.
    if (plan.redactedPaths.size > 0) for (const [id, st] of Object.entries(o.state.state.users)) redactor.addValues(id, st.values, plan.redactedPaths);
    this.ledger = new CycleLedger({
      state: o.state,
      dialect: o.dialect,
      family,
      thresholds: o.thresholds ?? DOCUMENTED_THRESHOLDS,
      escrowSchedule: behaviour.escrowSchedule,
      now: this.now,
      keepResults: o.keepResults ?? true,
      ...(o.onResult ? { onResult: o.onResult } : {}),
      ...(plan.redactedPaths.size > 0 ? { redact: (result: ObjectResult, exchanges: readonly Exchange[]) => redactor.apply(result, exchanges, plan.redactedPaths) } : {}),
    });
    const ent = entitlements(o.directory, family);
    this.ctx = {
      dir: o.directory,
      users: usersById(o.directory),
      state: o.state,
      sender,
      dialect: o.dialect,
      family,
      ent,
      plan,
      updatePaths: plan.updatePaths,
      ledger: this.ledger,
      behaviour,
      now: this.now,
      deletedTargets: new Set(),
      touched: new Set(),
      duplicates: duplicateFinder(o.directory, plan, ent),
      redactor,
    };
    this.cycleNumber = o.state.state.cycle + 1;
  }

  async run(): Promise<CycleResult> {
    const { state } = this.o;
    const startedAt = this.now().toISOString();
    const wallStart = performance.now();
    const restartReason = this.restartIfDue();
    state.setMeta({ cycle: this.cycleNumber, lastCycle: { cycle: this.cycleNumber, startedAt, status: 'running' } });
    const wasQuarantined = state.state.quarantine;
    if (wasQuarantined) state.setMeta({ quarantineCycles: (state.state.quarantineCycles ?? 0) + 1 });
    if (state.state.disabled) {
      this.ledger.stop = { message: `the job is disabled since ${state.state.disabled.since}: ${state.state.disabled.reason}; restart provisioning to run it again` };
    } else if (wasQuarantined && this.now().getTime() - Date.parse(wasQuarantined.since) > QUARANTINE_DISABLE_MS) {
      const reason = `quarantined for more than four weeks (${wasQuarantined.reason}: ${wasQuarantined.message})`;
      state.setMeta({ disabled: { reason, since: startedAt } });
      this.ledger.stop = { message: `the job is disabled: ${reason}; restart provisioning to run it again` };
    } else {
      try {
        await this.fullCycle();
      } catch (error) {
        if (!(error instanceof JobStop)) throw error;
        this.ledger.jobStopped(error, (error as JobStop & { recorded?: boolean }).recorded === true);
      }
    }
    const { stop, counts, results } = this.ledger;
    const finishedAt = this.now().toISOString();
    const status = stop ? 'stopped' : counts.failed > 0 ? 'failed' : 'ok';
    if (stop?.disable) state.setMeta({ disabled: { reason: stop.disable, since: finishedAt } });
    if (stop?.quarantine) {
      // The quarantine keeps its start time while it lasts (four weeks of it disable the job).
      state.setMeta({ quarantine: wasQuarantined ? { ...stop.quarantine, since: wasQuarantined.since } : stop.quarantine, ...(wasQuarantined ? {} : { quarantineCycles: 0 }) });
    } else if (!stop && this.ctx.hold) {
      const since = wasQuarantined?.since ?? finishedAt;
      state.setMeta({ quarantine: { reason: 'TooManyDeletes', message: holdQuarantineMessage(this.ctx.hold), since }, ...(wasQuarantined ? {} : { quarantineCycles: 0 }) });
    } else if (!stop && state.state.quarantine) state.setMeta({ quarantine: null, quarantineCycles: 0 });
    // Allow deletes is used up by the cycle that sent them.
    if (!stop && state.state.allowDeletes) state.setMeta({ allowDeletes: null });
    state.setMeta({ lastCycle: { cycle: this.cycleNumber, startedAt, finishedAt, status, ...(stop ? { message: stop.message } : {}) } });
    state.compact();
    return {
      cycle: this.cycleNumber,
      dialect: this.o.dialect,
      directory: this.o.directory.file,
      target: this.o.client.baseUrl,
      startedAt,
      finishedAt,
      status,
      ...(stop ? { stopReason: stop.message } : {}),
      ...(state.state.quarantine ? { quarantine: state.state.quarantine } : {}),
      counts,
      results,
      requests: this.ctx.sender.requests,
      wallMs: performance.now() - wallStart,
      ...(restartReason ? { restartReason } : {}),
    };
  }

  /** Entra starts an initial cycle on Restart provisioning and when the mappings or scoping change. */
  private restartIfDue(): string | undefined {
    const { state } = this.o;
    const config = configFingerprint(this.o.directory);
    const previous = state.state.configHash;
    let reason: string | undefined;
    if (state.state.pendingRestart) {
      reason = state.state.pendingRestart.reason;
      state.restart(state.state.pendingRestart.full);
    } else if (this.ctx.family === 'entra' && previous !== undefined && previous !== config && Object.keys(state.state.users).length > 0) {
      reason = 'the attribute mappings or scoping filters changed, so Entra runs an initial cycle (escrows and watermark cleared, every object evaluated again)';
      state.restart(false);
    }
    if (previous !== config) state.setMeta({ configHash: config });
    return reason;
  }

  private progress(phase: CycleProgress['phase'], done: number, total: number): void {
    this.o.onProgress?.({ cycle: this.cycleNumber, phase, done, total });
  }

  private async fullCycle(): Promise<void> {
    const { ctx } = this;
    const userRef = (u: Directory['users'][number]): Ref => ({ objectType: 'user', id: u.id, display: String(u[ctx.dir.source === 'entra' ? 'userPrincipalName' : 'login'] ?? u.id) });
    // Entra re-validates the endpoint at the start of provisioning activity (ENTRA-1.2).
    if (ctx.family === 'entra') await this.probe();
    const users = ctx.dir.users;
    // Users gone from the directory first: a user deleted and created again under the same name
    // (a new object id) is deleted or deactivated in the app before its successor is matched, as
    // the events happened; the other way round, the successor was linked to the old app user and
    // then the old one's DELETE (Entra) or deactivation (Okta) took that account away.
    // (The directory's users by id serve as the set of ids still present.)
    const present = ctx.users;
    const removed = Object.keys(ctx.state.state.users).filter((id) => !present.has(id));
    // Prevent accidental deletions: counted before the first is sent, held all together.
    const hold = deletionHold(ctx);
    if (hold) this.ctx.hold = hold;
    await this.pool('removed users', removed, (id) => ({ objectType: 'user', id, display: String(ctx.state.user(id)?.values.userName ?? id) }), (id, c) => syncRemovedUser(c, id));
    // (Groups' entries, `group:<id>`, go when the group is gone from the directory.)
    const groupIds = new Set(ctx.dir.groups.map((g) => `group:${g.id}`));
    for (const id of Object.keys(ctx.state.state.skipped ?? {})) if (!present.has(id) && !groupIds.has(id)) ctx.state.setSkipped(id, null);
    await this.pool('users', users, userRef, (u, c) => syncUser(c, u));
    if (ctx.family === 'entra' && ctx.plan.managerReference) {
      await this.pool('managers', users, (u) => ({ ...userRef(u), objectType: 'manager' }), (u, c) => syncManager(c, u));
    }
    await syncGroups(ctx, (groups, work) => this.pool('groups', groups, (id) => ({ objectType: 'group', id, display: ctx.dir.groups.find((g) => g.id === id)?.displayName ?? ctx.state.group(id)?.displayName ?? id }), work));
  }

  private async probe(): Promise<void> {
    this.progress('probe', 0, 1);
    const match = this.ctx.plan.matching[0]!;
    const base = { objectType: 'job' as const, id: 'job', display: 'provisioning job', action: 'test-connection' as const, reason: 're-validate the endpoint: query a user that cannot exist (a random GUID as the matching value)' };
    const started = this.now().toISOString();
    try {
      const out = await this.ctx.sender.send('testConnection', { value: randomUUID(), attribute: match.path.text });
      const ok = out.ok && !out.matched;
      const error: ObjectError | undefined = out.error ?? (out.matched ? { message: probeHitMessage(out.matched) } : undefined);
      this.ledger.result({ ...base, outcome: ok ? 'success' : 'failed', startedAt: started, exchanges: out.exchanges, ...(error ? { error } : {}) });
      if (!ok) throw Object.assign(new JobStop(withAdvice(`the endpoint check failed: ${error?.message ?? 'unexpected answer'}`, this.ctx.sender.advice(out.exchanges.at(-1))), true), { recorded: true });
    } catch (error) {
      if (error instanceof JobStop && !(error as JobStop & { recorded?: boolean }).recorded) {
        // A 401/403 or an unreachable target at the probe: the probe itself is the failed step.
        this.ledger.result({ ...base, outcome: 'failed', startedAt: started, exchanges: error.exchange ? [error.exchange] : [], ...(error.error ? { error: error.error } : { error: { message: error.message } }) });
        throw Object.assign(error, { recorded: true });
      }
      throw error;
    }
    this.progress('probe', 1, 1);
  }

  /** Runs `work` over the items, `concurrency` at a time, until the job stops or one throws. */
  private async pool<T>(phase: CyclePhase, items: readonly T[], ref: (item: T) => Ref, work: (item: T, objectCtx: CycleContext) => Promise<void>): Promise<void> {
    let next = 0;
    let done = 0;
    let failure: unknown;
    const total = items.length;
    this.progress(phase, 0, total);
    const worker = async (): Promise<void> => {
      while (next < items.length && !this.ledger.stop && failure === undefined) {
        const signal = this.o.signal;
        if (signal?.aborted) {
          failure = Object.assign(new JobStop(`interrupted (${typeof signal.reason === 'string' ? signal.reason : 'a signal'}); the next cycle continues from here`, false), { recorded: true });
          break;
        }
        const item = items[next++]!;
        try {
          await work(item, { ...this.ctx, ledger: this.ledger.forObject(this.now().toISOString()) });
        } catch (error) {
          if (error instanceof JobStop && !(error as JobStop & { recorded?: boolean }).recorded && error.exchange) {
            // The object whose request hit the job-level failure is logged with that exchange.
            const r = ref(item);
            this.ledger.record(objectFailure(r, error), [error.exchange]);
            Object.assign(error, { recorded: true });
          }
          failure ??= error;
        }
        done++;
        this.progress(phase, done, total);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.concurrency, items.length)) }, worker));
    if (failure !== undefined) throw failure;
  }
}

function usersById(directory: Directory): Map<string, Directory['users'][number]> {
  const byId = new Map<string, Directory['users'][number]>();
  for (const u of directory.users) byId.set(u.id, u);
  return byId;
}

function objectFailure(r: Ref, error: JobStop): ObjectResult {
  return { ...r, action: 'skip', outcome: 'failed', reason: error.message, ...(error.error ? { error: error.error } : {}), exchangeIds: error.exchange ? [error.exchange.id] : [] };
}

export type { Exchange, ObjectError, ObjectType };
