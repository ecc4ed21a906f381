// One provisioning cycle, as Entra and Okta run it: compare the directory (and the IdP's own store
// of app ids) with the app, then send the dialect's requests in three phases — users (match then
// create, update, disable, delete), manager links once the users exist, then groups (create with
// no members, then membership). Each object's outcome is logged, failed objects go to escrow and
// are retried next cycle, and the job is quarantined when failures cross the thresholds.
import { randomUUID } from 'node:crypto';
import type { DialectName } from '../dialects/index.ts';
import type { ScimClient } from '../http/client.ts';
import { EventSender, JobStop } from './events.ts';
import { updatePaths } from './mapping.ts';
import { DOCUMENTED_THRESHOLDS, type QuarantineThresholds } from './quarantine.ts';
import { entitlements, loginOf } from './scope.ts';
import type { CycleContext } from './sync-context.ts';
import { CycleLedger } from './sync-ledger.ts';
import { syncGroups } from './sync-groups.ts';
import { syncManager } from './sync-managers.ts';
import { matchingAttribute } from './sync-user-provision.ts';
import { syncRemovedUser, syncUser } from './sync-users.ts';
import type { StateStore } from './state.ts';
import type { CycleResult, Directory, DirectoryUserRecord, ObjectError, ObjectResult, ObjectType } from './types.ts';

export { matchingAttribute };

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
  /** Stops the cycle after the object in progress (a signal); its reason is said in the log. */
  signal?: AbortSignal;
}

export class OnDemandError extends Error {}

export async function runCycle(options: CycleOptions): Promise<CycleResult> {
  return new Cycle(options).run();
}

class Cycle {
  private readonly ctx: CycleContext;
  private readonly ledger: CycleLedger;
  private readonly now: () => Date;
  private readonly exchangesBefore: number;
  private readonly cycleNumber: number;

  constructor(private readonly o: CycleOptions) {
    const sender = new EventSender(o.client, o.dialect);
    const family = sender.dialect.family;
    this.now = o.now ?? (() => new Date());
    this.ledger = new CycleLedger({ state: o.state, dialect: o.dialect, thresholds: o.thresholds ?? DOCUMENTED_THRESHOLDS, now: this.now, ...(o.onResult ? { onResult: o.onResult } : {}) });
    this.ctx = { dir: o.directory, state: o.state, sender, dialect: o.dialect, family, ent: entitlements(o.directory, family), updatePaths: updatePaths(o.directory), ledger: this.ledger };
    this.exchangesBefore = o.client.exchanges.length;
    this.cycleNumber = o.state.state.cycle + 1;
  }

  async run(): Promise<CycleResult> {
    const { state } = this.o;
    if (this.o.onlyUser !== undefined) this.onDemandUser(this.o.onlyUser);
    const startedAt = this.now().toISOString();
    state.setMeta({ cycle: this.cycleNumber, lastCycle: { cycle: this.cycleNumber, startedAt, status: 'running' } });
    try {
      if (this.o.onlyUser !== undefined) await this.onDemand(this.o.onlyUser);
      else await this.fullCycle();
    } catch (error) {
      if (!(error instanceof JobStop)) throw error;
      this.ledger.jobStopped(error);
    }
    const { stop, counts, results } = this.ledger;
    const finishedAt = this.now().toISOString();
    const status = stop ? 'stopped' : counts.failed > 0 ? 'failed' : 'ok';
    if (stop?.quarantine) state.setMeta({ quarantine: stop.quarantine });
    else if (!stop && state.state.quarantine) state.setMeta({ quarantine: null });
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
      ...(stop?.quarantine ? { quarantine: stop.quarantine } : {}),
      counts,
      results,
      requests: this.o.client.exchanges.length - this.exchangesBefore,
    };
  }

  private async fullCycle(): Promise<void> {
    const { ctx } = this;
    // Entra re-validates the endpoint at the start of provisioning activity (ENTRA-1.2).
    if (ctx.family === 'entra') await this.probe();
    const users = ctx.dir.users;
    await this.pool(users, (u) => syncUser(ctx, u));
    const present = new Set(users.map((u) => u.id));
    const removed = Object.keys(ctx.state.state.users).filter((id) => !present.has(id));
    await this.pool(removed, (id) => syncRemovedUser(ctx, id));
    if (this.ledger.stop) return;
    for (const u of users) {
      if (this.ledger.stop) return;
      this.checkSignal();
      await syncManager(ctx, u);
    }
    this.checkSignal();
    await syncGroups(ctx);
  }

  /** A signal ends the cycle between objects, as a stopped job: what finished is in the state and the log. */
  private checkSignal(): void {
    const signal = this.o.signal;
    if (signal?.aborted) throw new JobStop(`interrupted (${typeof signal.reason === 'string' ? signal.reason : 'signal'}); the next cycle continues from here`, false);
  }

  private onDemandUser(userId: string): DirectoryUserRecord {
    const dir = this.o.directory;
    const u = dir.users.find((x) => x.id === userId || loginOf(dir, x).toLowerCase() === userId.toLowerCase());
    if (!u) throw new OnDemandError(`no user "${userId}" in ${dir.file} (give its id or ${dir.source === 'entra' ? 'userPrincipalName' : 'login'})`);
    return u;
  }

  private async onDemand(userId: string): Promise<void> {
    const u = this.onDemandUser(userId);
    await syncUser(this.ctx, u);
    await syncManager(this.ctx, u);
  }

  private async probe(): Promise<void> {
    const out = await this.ctx.sender.send('testConnection', { value: randomUUID(), attribute: matchingAttribute(this.o.directory) });
    const ok = out.ok && !out.matched;
    this.ledger.result({ objectType: 'job', id: 'job', display: 'provisioning job', action: 'test-connection', outcome: ok ? 'success' : 'failed', reason: 're-validate the endpoint: query a user that cannot exist', exchanges: out.exchanges, ...(out.error ? { error: out.error } : {}) });
    if (!ok) throw new JobStop(`the endpoint check failed: ${out.error?.message ?? 'a random GUID matched a user'}`, true);
  }

  /** Runs `work` over the items, `concurrency` at a time, until the job stops or one throws. */
  private async pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (next < items.length && !this.ledger.stop && failure === undefined) {
        if (this.o.signal?.aborted) {
          failure ??= new JobStop(`interrupted (${typeof this.o.signal.reason === 'string' ? this.o.signal.reason : 'signal'}); the next cycle continues from here`, false);
          break;
        }
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
}

export type { ObjectError, ObjectType };
