// The console's one job behind the pages and the admin API: an IdP engine (the provisioning job)
// and the directory it provisions from, with the controls of Entra's provisioning page — start,
// stop, the interval, run a cycle now, restart, test connection, provision on demand, retry an
// Okta task — and directory edits, which the next cycle picks up. It turns the engine's events
// into what a live page needs: the running cycle and its progress, every object as a log entry
// (redacted, with its curl lines), cycle ends, directory changes and problems.
import { EventEmitter } from 'node:events';
import type { DialectName } from '../dialects/index.ts';
import { getDialect } from '../dialects/index.ts';
import type { IdpEngine, EngineStatus } from '../idp/engine.ts';
import type { ImportReport } from '../idp/import.ts';
import { objectEntry, withCurlLines, type ObjectEntry } from '../idp/log/entries.ts';
import { mappingPlan } from '../idp/mapping.ts';
import { OnDemandError } from '../idp/on-demand.ts';
import { testConnection, type TargetOptions } from '../idp/run.ts';
import type { SchemaCheck } from '../idp/schemas.ts';
import type { CycleProgress } from '../idp/sync.ts';
import type { CycleResult, Directory, ObjectResult } from '../idp/types.ts';
import type { Exchange } from '../record/types.ts';
import type { DirectoryEdit } from './directory-edits.ts';
import type { DirectoryChange, DirectorySource } from './directory-source.ts';

export type CycleSummaryEvent = Omit<CycleResult, 'results'>;

export interface RunningCycle {
  cycle: number;
  trigger: string;
  startedAt: string;
  progress?: CycleProgress;
}

export interface OnDemandRun {
  run: number;
  at: string;
  provisioned: boolean;
  connectionFailed: boolean;
  /** The user's entry, or for a group's run the group's. */
  entry: ObjectEntry;
  /** A group's run: each picked member's own run. */
  members?: { provisioned: boolean; entry: ObjectEntry }[];
}

export interface ConnectionCheck {
  at: string;
  ok: boolean;
  message: string;
  requests: { method: string; url: string; status?: number; error?: string }[];
}

/** Okta's Import (Import Now, Confirm Assignments): what the last one read and matched. */
export interface ImportRun {
  at: string;
  /** Confirm Assignments: the matched users were linked in the IdP's state. */
  confirmed: boolean;
  users: ImportReport;
  groups: ImportReport;
}

export interface ConsoleEvents {
  'cycle-start': [RunningCycle];
  progress: [CycleProgress];
  entry: [ObjectEntry];
  'cycle-end': [CycleSummaryEvent];
  status: [EngineStatus];
  directory: [DirectoryChange];
  problem: [string];
  'on-demand': [OnDemandRun];
  /** Something went wrong outside any request (a failed scheduled cycle); one line. */
  failure: [string];
}

/** The configuration check's outcome, kept for the Mappings page. */
export interface MappingCheck {
  read: boolean;
  skippedBecause?: string;
  problems: string[];
}

export interface ConsoleServiceOptions {
  engine: IdpEngine;
  directory: DirectorySource;
  /** The target, for Test connection (a fresh client, as the admin's button uses). */
  target: TargetOptions & { dialect: DialectName };
  /** Read /Schemas before cycles and again when the mapping changes (default true). */
  schemaCheck?: boolean;
}

import { ConsoleError } from './errors.ts';

export { ConsoleError };

const KEEP_ON_DEMAND_RUNS = 20;
const mappingKey = (d: Directory): string => JSON.stringify(d.app.mappings);

export class ConsoleService extends EventEmitter<ConsoleEvents> {
  readonly engine: IdpEngine;
  readonly directorySource: DirectorySource;
  readonly target: TargetOptions & { dialect: DialectName };
  readonly family: 'entra' | 'okta';
  readonly startedAt = new Date().toISOString();
  running: RunningCycle | undefined;
  lastFailure: string | undefined;
  connection: ConnectionCheck | undefined;
  mappingCheck: MappingCheck | undefined;
  readonly onDemandRuns: OnDemandRun[] = [];
  lastImport: ImportRun | undefined;
  private onDemandCount = 0;
  private readonly schemaCheck: boolean;

  constructor(options: ConsoleServiceOptions) {
    super();
    this.engine = options.engine;
    this.directorySource = options.directory;
    this.target = options.target;
    this.family = getDialect(options.target.dialect)!.family;
    this.schemaCheck = options.schemaCheck ?? true;
    const engine = this.engine;
    engine.on('cycle-start', ({ cycle, at, trigger }) => {
      this.running = { cycle, trigger, startedAt: at };
      this.emit('cycle-start', this.running);
    });
    engine.on('progress', (p) => {
      if (this.running) this.running.progress = p;
      this.emit('progress', p);
    });
    engine.on('object', (r: ObjectResult, exchanges: readonly Exchange[]) => {
      // Objects outside a running cycle are provision-on-demand runs (the engine waits for a running cycle first).
      const onDemand = this.running === undefined;
      this.emit('entry', withCurlLines(objectEntry(onDemand ? engine.state.state.cycle : this.running!.cycle, r, exchanges, onDemand)));
    });
    engine.on('cycle-end', (summary) => {
      this.running = undefined;
      this.emit('cycle-end', summary);
    });
    engine.on('status', (status) => this.emit('status', status));
    engine.on('error', (error) => this.fail(`a provisioning cycle could not run: ${error.message}`));
    this.directorySource.on('change', (change) => this.adopt(change));
    this.directorySource.on('problem', (message) => this.emit('problem', message));
  }

  get directory(): Directory {
    return this.directorySource.directory;
  }

  status(): EngineStatus {
    return this.engine.status();
  }

  private fail(message: string): void {
    this.lastFailure = message;
    this.emit('failure', message);
  }

  /** Reads the app's /Schemas (as saving the configuration does) and keeps what it found for the Mappings page. */
  async checkMappings(): Promise<MappingCheck | undefined> {
    if (!this.schemaCheck) return undefined;
    const check: SchemaCheck = await this.engine.checkConfiguration();
    this.mappingCheck = { read: check.read, ...(check.skippedBecause ? { skippedBecause: check.skippedBecause } : {}), problems: check.problems };
    return this.mappingCheck;
  }

  private adopt(change: DirectoryChange): void {
    const previous = this.engine.directory;
    this.engine.setDirectory(change.directory);
    if (mappingKey(previous) === mappingKey(change.directory)) {
      // The attribute types /Schemas gave stay valid while the mapping is the same.
      const types = mappingPlan(previous).schemaTypes;
      if (types) mappingPlan(change.directory).schemaTypes = types;
    } else void this.checkMappings().catch((error: unknown) => this.fail(`cannot read /Schemas: ${(error as Error).message}`));
    this.emit('directory', change);
  }

  async edit(edit: DirectoryEdit): Promise<DirectoryChange> {
    return this.directorySource.edit(edit);
  }

  /** Provisioning Status On: a cycle now, then one every interval. */
  start(): string {
    if (this.engine.status().running) return 'provisioning is already on';
    this.engine.start();
    return `provisioning is on: a cycle now, then every ${this.engine.intervalSeconds} s`;
  }

  /** Provisioning Status Off; a running cycle finishes first, as in Entra. */
  stop(): string {
    const status = this.engine.status();
    if (!status.running) return 'provisioning is already off';
    void this.engine.stop();
    return status.cycleInProgress ? 'provisioning is off; the running cycle finishes first' : 'provisioning is off';
  }

  setInterval(seconds: unknown): string {
    const n = typeof seconds === 'string' && seconds.trim() !== '' ? Number(seconds) : seconds;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 1 || n > 7 * 24 * 3600) throw new ConsoleError(400, `the interval is a number of seconds between 1 and ${7 * 24 * 3600}, got ${JSON.stringify(seconds)}`);
    this.engine.setIntervalSeconds(n);
    return `cycles run every ${n} s${this.engine.status().running ? '' : ' once provisioning is on'}`;
  }

  /** Runs a cycle now (after the running one). `wait`: resolves with the cycle's summary. */
  async runNow(wait: boolean): Promise<{ message: string; cycle?: CycleSummaryEvent }> {
    const queued = this.engine.status().cycleInProgress;
    const run = this.engine.runCycleNow('run now');
    if (!wait) {
      run.catch((error: unknown) => this.fail(`the cycle could not run: ${(error as Error).message}`));
      return { message: queued ? 'a cycle is running; another one follows it' : `cycle ${this.running?.cycle ?? this.engine.state.state.cycle} started` };
    }
    const { results: _results, ...summary } = await run;
    return { message: `cycle ${summary.cycle}: ${summary.status}${summary.stopReason ? ` (${summary.stopReason})` : ''}`, cycle: summary };
  }

  async restart(full: boolean): Promise<string> {
    const running = this.engine.status().running;
    void this.engine.restart({ full }).catch((error: unknown) => this.fail(`the restart cycle could not run: ${(error as Error).message}`));
    const what = full ? 'escrows, quarantine and the watermark are cleared and the links to app objects broken (every user is matched again)' : 'escrows, quarantine and the watermark are cleared';
    return `provisioning restarted: ${what}; ${running ? 'an initial cycle runs now' : 'the next cycle is an initial one'}`;
  }

  async testConnection(): Promise<ConnectionCheck> {
    const result = await testConnection({ ...this.target, directory: this.directory });
    this.connection = {
      at: new Date().toISOString(),
      ok: result.ok,
      message: result.message,
      requests: result.exchanges.map((x) => ({ method: x.request.method, url: x.request.url, ...(x.response ? { status: x.response.status } : {}), ...(x.transportError ? { error: `${x.transportError.code}: ${x.transportError.message}` } : {}) })),
    };
    return this.connection;
  }

  async provisionOnDemand(user: unknown): Promise<OnDemandRun> {
    if (typeof user !== 'string' || user.trim() === '') throw new ConsoleError(400, 'name the user to provision: its directory id, sign-in name, mail or display name ("user": "…")');
    let outcome;
    try {
      outcome = await this.engine.provisionOnDemand(user.trim());
    } catch (error) {
      if (error instanceof OnDemandError) throw new ConsoleError(404, error.message);
      throw error;
    }
    return this.keepOnDemandRun({
      run: ++this.onDemandCount,
      at: outcome.result.finishedAt ?? new Date().toISOString(),
      provisioned: outcome.provisioned,
      connectionFailed: outcome.connectionFailed,
      entry: withCurlLines(objectEntry(this.engine.state.state.cycle, outcome.result, outcome.exchanges, true)),
    });
  }

  /** Entra's on-demand run for a group: the group and up to five of its members (`members`: their ids or names; none: all, when at most five). */
  async provisionGroupOnDemand(group: unknown, members: unknown): Promise<OnDemandRun> {
    if (typeof group !== 'string' || group.trim() === '') throw new ConsoleError(400, 'name the group to provision: its directory id or displayName ("group": "…")');
    const picked = members === undefined || members === null ? undefined : typeof members === 'string' ? [members] : members;
    if (picked !== undefined && (!Array.isArray(picked) || picked.some((m) => typeof m !== 'string' || m.trim() === ''))) throw new ConsoleError(400, '"members" lists the members to provision with the group: ids or names, at most five');
    let outcome;
    try {
      outcome = await this.engine.provisionGroupOnDemand(group.trim(), picked?.map((m: string) => m.trim()));
    } catch (error) {
      if (error instanceof OnDemandError) throw new ConsoleError(/^no (group|user) /.test(error.message) ? 404 : 400, error.message);
      throw error;
    }
    const cycle = this.engine.state.state.cycle;
    return this.keepOnDemandRun({
      run: ++this.onDemandCount,
      at: outcome.result.finishedAt ?? new Date().toISOString(),
      provisioned: outcome.provisioned,
      connectionFailed: outcome.connectionFailed,
      entry: withCurlLines(objectEntry(cycle, outcome.result, outcome.groupExchanges, true)),
      members: outcome.members.map((m) => ({ provisioned: m.provisioned, entry: withCurlLines(objectEntry(cycle, m.result, m.exchanges, true)) })),
    });
  }

  private keepOnDemandRun(run: OnDemandRun): OnDemandRun {
    this.onDemandRuns.unshift(run);
    this.onDemandRuns.splice(KEEP_ON_DEMAND_RUNS);
    this.emit('on-demand', run);
    return run;
  }

  onDemandRun(run: number): OnDemandRun | undefined {
    return this.onDemandRuns.find((r) => r.run === run);
  }

  /**
   * Okta's Import tab: Import Now reads the app's users (and groups) page by page and matches them
   * to directory users; Confirm Assignments (`confirm`) reads again and links the matched users.
   * Nothing is written to the app either way (OKTA-2.3). Entra has no import step.
   */
  async importNow(confirm: boolean): Promise<ImportRun> {
    if (this.family !== 'okta') throw new ConsoleError(400, `Import is Okta's (the console plays ${this.target.dialect}): Entra reads no list of the app's users; it matches each user by its matching attribute when it provisions it`);
    const { users, groups } = await this.engine.importFromApp({ confirm });
    this.lastImport = { at: new Date().toISOString(), confirmed: confirm, users, groups };
    return this.lastImport;
  }

  /** Okta's task list: the admin's Retry (one object, or all). */
  retryTasks(which: unknown): string {
    if (typeof which !== 'string' || which === '') throw new ConsoleError(400, 'name the task to retry (an object id or name) or "all"');
    const n = this.engine.retryTasks(which);
    if (n === 0) throw new ConsoleError(404, `no Okta task matches "${which}"`);
    return `${n} task(s) will be retried at the next cycle`;
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}
