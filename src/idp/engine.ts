// The mock IdP as a long-running service: one provisioning job (a directory, a target, a dialect,
// its state and log) with the controls Entra's provisioning page has — start, stop (the running
// cycle finishes), run a cycle now, restart (Entra's "Restart provisioning"), provision on demand —
// plus Okta's import and task retry. It emits what a live console needs: cycle start and end,
// progress, every object's result with its requests, on-demand results and status changes; and it
// queries its own log. The CLI (`idp sync`, `provision`, `import`, `tasks`, `restart`) drives it too.
//
// Cycles never overlap: a request to run while one is running queues one more. The scheduler
// follows the job's clock: the interval, gradually slower while quarantined (to once a day), and
// nothing once the job is disabled. With a SimulatedClock, `advanceClock` moves time and runs what
// fell due, so escrow back-off and quarantine can be watched without waiting.
import { EventEmitter } from 'node:events';
import type { DialectName } from '../dialects/index.ts';
import { createClient, type Auth, type ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { SimulatedClock, systemClock, type Clock } from './clock.ts';
import { importFromApp, type ImportPaging } from './import.ts';
import { objectLineParts, type CycleSummary } from './log/entries.ts';
import { collectLog, queryLog, readCycleSummaries, type LogQuery } from './log/reader.ts';
import { ProvisioningLog } from './log/writer.ts';
import { provisionOnDemand, type OnDemandResult } from './on-demand.ts';
import { provisionGroupOnDemand, type GroupOnDemandResult } from './on-demand-group.ts';
import type { QuarantineThresholds } from './quarantine.ts';
import { checkMappingsAgainstSchemas, type SchemaCheck } from './schemas.ts';
import { StateStore, tasksNamed, userIdsOf } from './state.ts';
import type { CycleBehaviour } from './sync-context.ts';
import { addToCounts, emptyCounts } from './sync-ledger.ts';
import { nextCycleDue, runCycle, type CycleProgress } from './sync.ts';
import type { CycleResult, Directory, ObjectResult } from './types.ts';
import { IDP_TIMEOUT_MS } from '../http/transport-error.ts';
import { optionNames, type Wording } from '../util/option-names.ts';

/** Entra runs an incremental cycle about every 40 minutes (ENTRA-3). */
export const ENTRA_INTERVAL_SECONDS = 40 * 60;

export interface TargetOptions {
  url: string;
  auth: Auth;
  headers?: Record<string, string>;
  timeoutMs?: number;
  insecure?: boolean;
  secrets?: string[];
  /** Requests per second (Entra gallery apps must sustain 25). 0 or absent: unpaced. */
  rate?: number;
  /** How messages name the options: the CLI's flags (default) or the library's option names (what src/index.ts passes). */
  wording?: Wording;
}

export interface EngineOptions extends TargetOptions {
  dialect: DialectName;
  directory: Directory;
  /** State file; null keeps the state in memory (tests, one-off runs). */
  statePath: string | null;
  fresh?: boolean;
  /** Log folder (provisioning.jsonl, cycles.jsonl, HTML pages); null writes none. */
  logDir: string | null;
  /** Write the HTML pages (default true when there is a log folder). */
  html?: boolean;
  concurrency?: number;
  thresholds?: QuarantineThresholds;
  behaviour?: Partial<CycleBehaviour>;
  clock?: Clock;
  /** Seconds between scheduled cycles once started (default Entra's 40 minutes). */
  intervalSeconds?: number;
  /** Keep every object result in CycleResult.results (default false: they stream to the log). */
  keepResults?: boolean;
  /** A signal: the running cycle ends after the objects in progress, logged as a stopped job. */
  signal?: AbortSignal;
}

export type EngineStatus = {
  running: boolean;
  cycleInProgress: boolean;
  cycle: number;
  lastCycle?: StateStore['state']['lastCycle'];
  quarantine?: StateStore['state']['quarantine'];
  disabled?: StateStore['state']['disabled'];
  escrowed: number;
  tasks: number;
  nextCycleAt?: string;
  /** Seconds between scheduled cycles. */
  intervalSeconds: number;
  now: string;
};

export interface EngineEvents {
  'cycle-start': [{ cycle: number; at: string; trigger: string }];
  progress: [CycleProgress];
  /** An object's result and the exchanges it was made from (redacted; `logExchange` gives the logged form). */
  object: [ObjectResult, readonly Exchange[]];
  'cycle-end': [Omit<CycleResult, 'results'>];
  'on-demand': [OnDemandResult];
  status: [EngineStatus];
  error: [Error];
}

export class IdpEngine extends EventEmitter<EngineEvents> {
  readonly state: StateStore;
  readonly clock: Clock;
  readonly log: ProvisioningLog | undefined;
  private directoryValue: Directory;
  private readonly client: ScimClient;
  private running = false;
  private current: Promise<CycleResult> | undefined;
  private queued: Promise<CycleResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextAt: Date | undefined;

  constructor(readonly options: EngineOptions) {
    super();
    const identity = { dialect: options.dialect, target: options.url, directory: options.directory.file };
    this.state = options.statePath === null ? StateStore.memory(identity) : StateStore.open(options.statePath, identity, { fresh: options.fresh ?? false, directoryHas: userIdsOf(options.directory), names: optionNames(options.wording) });
    this.clock = options.clock ?? systemClock;
    this.directoryValue = options.directory;
    this.client = createClient({
      baseUrl: options.url,
      auth: options.auth,
      headers: options.headers ?? {},
      timeoutMs: options.timeoutMs ?? IDP_TIMEOUT_MS,
      insecure: options.insecure ?? false,
      secrets: options.secrets ?? [],
      ...(options.rate ? { ratePerSecond: options.rate } : {}),
      retainExchanges: false,
      recordTotalChars: Number.POSITIVE_INFINITY,
      ...(options.wording ? { wording: options.wording } : {}),
    });
    this.log = options.logDir === null ? undefined : new ProvisioningLog(options.logDir, { html: options.html ?? true, names: optionNames(options.wording) });
  }

  get directory(): Directory {
    return this.directoryValue;
  }

  /** A new directory (an edited file, a change from a console); the next cycle uses it. */
  setDirectory(directory: Directory): void {
    this.directoryValue = directory;
  }

  /** Reads the app's /Schemas and checks the mapping against it (what saving the configuration does). */
  async checkConfiguration(): Promise<SchemaCheck> {
    return checkMappingsAgainstSchemas(this.client, this.directoryValue);
  }

  status(): EngineStatus {
    const s = this.state.state;
    const escrow = Object.values(s.escrow);
    return {
      running: this.running,
      cycleInProgress: this.current !== undefined,
      cycle: s.cycle,
      ...(s.lastCycle ? { lastCycle: s.lastCycle } : {}),
      ...(s.quarantine ? { quarantine: s.quarantine } : {}),
      ...(s.disabled ? { disabled: s.disabled } : {}),
      escrowed: escrow.filter((e) => !e.task).length,
      tasks: escrow.filter((e) => e.task).length,
      ...(this.nextAt ? { nextCycleAt: this.nextAt.toISOString() } : {}),
      intervalSeconds: this.intervalSeconds,
      now: this.clock.now().toISOString(),
    };
  }

  /** Runs a cycle now (after the running one, if any). */
  runCycleNow(trigger = 'run now'): Promise<CycleResult> {
    if (!this.current) return this.begin(trigger);
    this.queued ??= this.current.then(() => {
      this.queued = undefined;
      return this.begin(trigger);
    });
    return this.queued;
  }

  private begin(trigger: string): Promise<CycleResult> {
    const run = this.cycle(trigger).then(
      (result) => {
        this.current = undefined;
        this.schedule();
        const { results: _results, ...summary } = result;
        // After scheduling, so a listener sees the next cycle's time.
        this.emit('cycle-end', summary);
        this.emit('status', this.status());
        return result;
      },
      (error: unknown) => {
        this.current = undefined;
        this.schedule();
        throw error;
      },
    );
    this.current = run;
    this.emit('status', this.status());
    return run;
  }

  private async cycle(trigger: string): Promise<CycleResult> {
    const cycleNumber = this.state.state.cycle + 1;
    const at = this.clock.now().toISOString();
    const dir = this.directoryValue;
    this.log?.beginCycle({ cycle: cycleNumber, at, dialect: this.options.dialect, directory: dir.file, target: this.options.url });
    this.emit('cycle-start', { cycle: cycleNumber, at, trigger });
    const result = await runCycle({
      directory: dir,
      dialect: this.options.dialect,
      client: this.client,
      state: this.state,
      now: () => this.clock.now(),
      keepResults: this.options.keepResults ?? false,
      ...(this.options.concurrency !== undefined ? { concurrency: this.options.concurrency } : {}),
      ...(this.options.thresholds ? { thresholds: this.options.thresholds } : {}),
      ...(this.options.behaviour ? { behaviour: this.options.behaviour } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      onResult: (r, exchanges) => this.object(cycleNumber, r, exchanges),
      onProgress: (p) => this.emit('progress', p),
    });
    await this.log?.endCycle(result);
    return result;
  }

  private object(cycle: number, r: ObjectResult, exchanges: readonly Exchange[], onDemand = false): void {
    if (this.log) this.log.object(r, objectLineParts(cycle, r, exchanges, onDemand));
    this.emit('object', r, exchanges);
  }

  /** Starts the scheduler: a cycle now, then every interval (slower in quarantine). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.runCycleNow('start').catch((error: unknown) => this.emit('error', error as Error));
  }

  /** Stops scheduling; the running cycle finishes, as Entra's Stop does. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
    await this.queued?.catch(() => undefined);
    await this.current?.catch(() => undefined);
    this.emit('status', this.status());
  }

  /** Seconds between scheduled cycles; a started job waiting for its next cycle is rescheduled from now. */
  get intervalSeconds(): number {
    return this.options.intervalSeconds ?? ENTRA_INTERVAL_SECONDS;
  }

  setIntervalSeconds(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds <= 0) throw new RangeError(`the interval must be a positive number of seconds, got ${seconds}`);
    this.options.intervalSeconds = seconds;
    if (this.running && !this.current) this.schedule();
    this.emit('status', this.status());
  }

  private intervalMs(): number {
    return this.intervalSeconds * 1000;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
    if (!this.running || this.state.state.disabled) return;
    const now = this.clock.now();
    this.nextAt = nextCycleDue(this.state, this.intervalMs(), now);
    // A simulated clock only moves when told (advanceClock); real time drives a real timer.
    if (this.clock instanceof SimulatedClock) return;
    const delay = Math.max(0, this.nextAt.getTime() - now.getTime());
    this.timer = setTimeout(() => void this.runCycleNow('scheduled').catch((error: unknown) => this.emit('error', error as Error)), delay);
    this.timer.unref?.();
  }

  /** Moves a simulated clock forward and runs the scheduled cycle if it fell due. */
  async advanceClock(ms: number): Promise<CycleResult | undefined> {
    if (!(this.clock instanceof SimulatedClock)) throw new Error('advanceClock needs the engine to run on a SimulatedClock');
    this.clock.advance(ms);
    if (this.running && this.nextAt && this.clock.now().getTime() >= this.nextAt.getTime() && !this.current) return this.runCycleNow('scheduled');
    this.emit('status', this.status());
    return undefined;
  }

  /**
   * Entra's Restart provisioning: the next cycle is an initial one (escrows, quarantine and the
   * watermark cleared, links kept); `full` also breaks the links (every user matched again).
   * A started job runs that cycle at once.
   */
  async restart(options: { full?: boolean } = {}): Promise<CycleResult | undefined> {
    this.state.setMeta({ pendingRestart: { reason: options.full ? 'restarted with a full reset: links to app objects were broken, every user is matched again' : 'Restart provisioning: escrows, quarantine and the watermark were cleared', full: options.full ?? false } });
    this.state.compact();
    this.emit('status', this.status());
    if (this.running) return this.runCycleNow('restart');
    return undefined;
  }

  /**
   * Entra's "Allow deletes": the disables and deletes Prevent accidental deletions held go out with
   * the next cycle (at once if started). False, and nothing changed, when nothing is held.
   */
  async allowDeletes(): Promise<boolean> {
    if (this.state.state.quarantine?.reason !== 'TooManyDeletes') return false;
    this.state.setMeta({ allowDeletes: true });
    this.state.compact();
    this.emit('status', this.status());
    if (this.running) await this.runCycleNow('allow-deletes');
    return true;
  }

  /** Provisions one user now, with Entra's five steps; logged as an on-demand run. */
  async provisionOnDemand(user: string): Promise<OnDemandResult> {
    await this.current?.catch(() => undefined);
    const at = this.clock.now().toISOString();
    const cycle = this.state.state.cycle;
    const outcome = await provisionOnDemand({ directory: this.directoryValue, dialect: this.options.dialect, client: this.client, state: this.state, user, now: () => this.clock.now() });
    this.state.compact();
    if (this.log) {
      this.log.beginCycle({ cycle, at, dialect: this.options.dialect, directory: this.directoryValue.file, target: this.options.url, onDemand: true });
      this.object(cycle, outcome.result, outcome.exchanges, true);
      const counts = emptyCounts();
      addToCounts(counts, outcome.result);
      await this.log.endCycle(
        { cycle, dialect: this.options.dialect, directory: this.directoryValue.file, target: this.options.url, startedAt: at, finishedAt: this.clock.now().toISOString(), status: outcome.provisioned ? 'ok' : 'failed', counts, requests: outcome.exchanges.length },
        { user: outcome.result.display, outcome: outcome.provisioned ? 'provisioned' : 'not-provisioned' },
      );
    } else this.object(cycle, outcome.result, outcome.exchanges, true);
    this.emit('on-demand', outcome);
    return outcome;
  }

  /** Provisions one group and up to five of its members now, as Entra's on-demand run for a group; logged as an on-demand run. */
  async provisionGroupOnDemand(group: string, members?: readonly string[]): Promise<GroupOnDemandResult> {
    await this.current?.catch(() => undefined);
    const at = this.clock.now().toISOString();
    const cycle = this.state.state.cycle;
    const outcome = await provisionGroupOnDemand({ directory: this.directoryValue, dialect: this.options.dialect, client: this.client, state: this.state, group, ...(members ? { members } : {}), now: () => this.clock.now() });
    this.state.compact();
    const counts = emptyCounts();
    if (this.log) this.log.beginCycle({ cycle, at, dialect: this.options.dialect, directory: this.directoryValue.file, target: this.options.url, onDemand: true });
    for (const run of outcome.members) {
      this.object(cycle, run.result, run.exchanges, true);
      addToCounts(counts, run.result);
    }
    this.object(cycle, outcome.result, outcome.groupExchanges, true);
    addToCounts(counts, outcome.result);
    if (this.log) {
      await this.log.endCycle(
        { cycle, dialect: this.options.dialect, directory: this.directoryValue.file, target: this.options.url, startedAt: at, finishedAt: this.clock.now().toISOString(), status: outcome.provisioned ? 'ok' : 'failed', counts, requests: outcome.exchanges.length },
        { user: `group ${outcome.result.display}`, outcome: outcome.provisioned ? 'provisioned' : 'not-provisioned' },
      );
    }
    return outcome;
  }

  /** Okta Import: reads the app's users and groups page by page and matches them to the directory. */
  async importFromApp(options: { confirm?: boolean; count?: number; paging?: ImportPaging } = {}): Promise<Awaited<ReturnType<typeof importFromApp>>> {
    await this.current?.catch(() => undefined);
    return importFromApp({ directory: this.directoryValue, dialect: this.options.dialect, client: this.client, state: this.state, ...options });
  }

  /** Okta's task list: the admin retries one task (by object id or name) or all of them. */
  retryTasks(which: string | 'all'): number {
    const { keys } = tasksNamed(this.state.state.escrow, which);
    for (const key of keys) this.state.setEscrow(key, { ...this.state.state.escrow[key]!, retryRequested: true });
    this.state.compact();
    return keys.length;
  }

  /** The log, for a console: object entries by user, cycle, action or outcome. */
  queryLog(q: LogQuery = {}): ReturnType<typeof queryLog> {
    if (!this.log) throw new Error('this engine keeps no log (logDir is null)');
    this.log.flush();
    return queryLog(this.log.paths.dir, q);
  }

  collectLog(q: LogQuery = {}, limit?: number): ReturnType<typeof collectLog> {
    if (!this.log) throw new Error('this engine keeps no log (logDir is null)');
    this.log.flush();
    return collectLog(this.log.paths.dir, q, limit);
  }

  cycles(): CycleSummary[] {
    return this.log ? readCycleSummaries(this.log.paths.dir) : [];
  }

  async close(): Promise<void> {
    await this.stop();
    this.state.close();
    await this.log?.close();
    await this.client.close();
  }
}
