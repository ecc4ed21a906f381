// The IdP's own store: for each directory object, the id the app gave it and what was last pushed,
// plus escrow (failed objects waiting for a retry) and quarantine. It lives in a JSON snapshot
// (written atomically: temp file + rename) and a journal beside it: every change to one object is
// appended as one JSON line, and the snapshot is rewritten once per cycle rather than once per
// object (a full rewrite per object would be quadratic in the directory size). Opening replays the
// journal over the snapshot; a torn last line (crash while appending) is ignored.
//
// The journal is written in batches (log/batch-file.ts, as the provisioning log is): the changes of
// one turn of the event loop are gathered and go into a buffer together, and the buffer goes to the
// file when it holds 256 KiB, 200 ms after the first change it holds, when the cycle compacts or
// closes the store, and at process exit (the exit hook below). A write per turn was a sixth of a
// 10,000-user cycle's system calls (6,600 of 38,400); batched, it is a few writes per cycle. (The
// CPU this saves is small, about the 50 ms of system time those writes took: the 4% a CPU profile
// showed in them was mostly time spent descheduled; docs/notes/performance.md, session 22.) A write
// never splits a turn's changes (they enter the buffer at once, and the buffer drains before or after
// them), so what is on disk is always the state as of the end of some turn.
//
// What a crash that skips the exit hook (SIGKILL, a power cut) loses: the changes of up to 200 ms
// (or 256 KiB) before it; each lost change is a request the app has answered and the state does not
// know of. The next cycle makes it good: a lost create leaves a user the state does not hold, which
// the match query finds and links (no second user); a lost update or disable is sent again (the
// same values); a lost delete is sent again and answered 404, which Entra takes as done; a lost
// group create is matched by displayName, lost members are added again; a lost escrow entry means
// that object is retried at once instead of at its back-off slot; lost meta is the cycle number and
// quarantine bookkeeping of the cycle that died (test/idp/state-crash.test.ts cuts the journal at
// every line and runs the next cycle against the reference server). Before the batching a crash
// lost the changes of one turn; the kinds of loss, and how the next cycle converges, are the same.
//
// A line changes one whole object, except that a user rewritten with the values the store holds
// (the manager phase, a flag) has "=" in place of its values (SAME_VALUES, since session 23): the
// journal is read in order and a crash only loses its end, so the line that wrote those values is
// always read before it. A journal written so is refused by a scimproof from before session 23
// ("damaged"), which matters only for a crash followed by a downgrade.
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { BatchFile } from './log/batch-file.ts';
import { makeDirectory } from '../util/make-directory.ts';
import { dirname } from 'node:path';
import type { MappedValue } from './mapping.ts';
import { newSealKey, sealValues } from './sealed-values.ts';
import type { ObjectError, QuarantineInfo } from './types.ts';
import { OPTION_NAMES, type OptionNames } from '../util/option-names.ts';

/** Why the IdP disabled an app user: it decides what a later hard delete sends. */
export type DisabledBecause = 'out-of-scope' | 'disabled' | 'soft-deleted';

export interface UserState {
  /** The id the app returned (Entra/Okta cache it and use it for every later call). */
  targetId: string;
  active: boolean;
  /** Mapped values last pushed, by SCIM path. */
  values: Record<string, MappedValue>;
  /** Directory id of the linked manager, and the app id it was linked with. */
  manager?: string;
  managerTargetId?: string;
  /** Entra: a manager that was not provisioned when this user was; linked only after a restart or a change to the user. */
  pendingManager?: string;
  /** Okta: a 404 on the stored id; Okta stops for this user until it is unassigned and reassigned. */
  stopped?: string;
  /** Set when the IdP disabled the user, with why (Entra no longer manages users it disabled for leaving scope). */
  disabledBecause?: DisabledBecause;
  /** Entra SkipOutOfScopeDeletions: out of scope and deliberately left as it was. */
  leftOutOfScope?: boolean;
  /** A restart cleared the watermark: the next cycle reads the app's copy and compares everything. */
  stale?: boolean;
}

export interface GroupState {
  targetId: string;
  displayName: string;
  /** Directory user id → app id of each member pushed. */
  members: Record<string, string>;
  /** The group's directory members when it was last evaluated (Entra re-evaluates a group when they change). */
  sourceMembers?: string[];
  /** Entra: members not provisioned when the group was evaluated; added only after a restart or a change to the group. */
  pendingMembers?: string[];
  /** Okta: the app's PATCH answers list none of the members a push added (it shows `members: []` whatever it holds). */
  membersHidden?: boolean;
  stale?: boolean;
}

export interface EscrowEntry {
  objectType: string;
  id: string;
  display?: string;
  action: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  lastError: ObjectError;
  /** Entra: when the next retry is due (back-off from the first failure). Absent for Okta tasks. */
  nextRetryAt?: string;
  /** Okta: the failure is an admin task, retried only when the admin asks or the object changes. */
  task?: boolean;
  /** The admin asked for a retry (Okta task "Retry"). */
  retryRequested?: boolean;
  /** What the directory said about the object when it failed; a change is retried at once. */
  fingerprint?: string;
}

/** The job no longer runs until it is restarted (Entra: 4 weeks in quarantine, or an escrow older than 28 days). */
export interface JobDisabled {
  reason: string;
  since: string;
}

export interface LastCycle {
  cycle: number;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'ok' | 'failed' | 'stopped';
  message?: string;
}

export interface IdpState {
  version: 1;
  dialect: string;
  target: string;
  directory: string;
  cycle: number;
  users: Record<string, UserState>;
  groups: Record<string, GroupState>;
  escrow: Record<string, EscrowEntry>;
  /** Users evaluated and skipped (never provisioned), with the fingerprint they were skipped with. */
  skipped?: Record<string, string>;
  /**
   * Okta: app groups it knows but does not link (a pushed group unlinked, a group imported), by app id, with their
   * name. Okta's push looks in this list for a group of the pushed name and links it instead of
   * creating another ("Link Group").
   */
  appGroups?: Record<string, { displayName: string }>;
  quarantine?: QuarantineInfo;
  /** Quarantined cycles so far in this quarantine (cycles slow down as it goes on). */
  quarantineCycles?: number;
  disabled?: JobDisabled;
  lastCycle?: LastCycle;
  /** Fingerprint of the mappings and scoping filters the last cycle ran with (Entra restarts when they change). */
  configHash?: string;
  /** A restart is due at the next cycle, with why (restart, restart --full). */
  pendingRestart?: { reason: string; full: boolean };
  /** The key of the digests kept in place of values a Redact() mapping gives (sealed-values.ts). */
  redactKey?: string;
  /** Entra's "Allow deletes": the next cycle sends the disables and deletes the threshold held. */
  allowDeletes?: boolean;
}

/**
 * In a journal line of a user, in place of `values`: the values the state held for that user when
 * the line was written, unchanged (the manager phase and flags rewrite a user without touching
 * them). Written once instead of repeated, a third of a 10,000-user initial cycle's journal; the
 * lines are replayed in order over the snapshot, so the values held are there when it is read.
 */
const SAME_VALUES = '=';

type JournalEntry =
  | { t: 'user'; id: string; v: UserState | null }
  | { t: 'group'; id: string; v: GroupState | null }
  | { t: 'escrow'; id: string; v: EscrowEntry | null }
  | { t: 'skip'; id: string; v: string | null }
  | { t: 'appGroup'; id: string; v: { displayName: string } | null }
  | { t: 'meta' } & MetaChange;

export interface MetaChange {
  cycle?: number;
  quarantine?: QuarantineInfo | null;
  quarantineCycles?: number;
  disabled?: JobDisabled | null;
  lastCycle?: LastCycle;
  configHash?: string;
  pendingRestart?: { reason: string; full: boolean } | null;
  redactKey?: string;
  allowDeletes?: boolean | null;
}

export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

export interface StateIdentity {
  dialect: string;
  target: string;
  directory: string;
}

/** Stores with journal lines not yet written: written at exit too, if the process ends first. */
const unwritten = new Set<StateStore>();
let exitHookSet = false;

export class StateStore {
  /** The journal, opened at the first change: a batch buffer in front of the file. */
  private journal: BatchFile | undefined;
  readonly journalPath: string;
  /** Journal lines of this turn of the event loop, put into the journal's buffer together at its end. */
  private pending: string[] = [];
  /** A deferred journal write that failed: thrown by the next change (or close), where callers handle it. */
  private failure: StateError | undefined;

  private constructor(
    readonly path: string | undefined,
    readonly state: IdpState,
  ) {
    this.journalPath = `${path}.journal`;
  }

  /** An in-memory store (tests, `--no-state`). */
  static memory(identity: StateIdentity): StateStore {
    return new StateStore(undefined, emptyState(identity));
  }

  /**
   * Opens (or creates) the state at `path`. A state kept for another dialect or target holds ids
   * that mean nothing there, so it is refused rather than silently reused.
   */
  static open(path: string, identity: StateIdentity, options: { fresh?: boolean; directoryHas?: (userId: string) => boolean; names?: OptionNames } = {}): StateStore {
    const { state: stateOption, fresh } = options.names ?? OPTION_NAMES.cli;
    if (existsSync(path) && statSync(path).isDirectory()) throw new StateError(`${stateOption} ${path} is a folder; give the path of a file (it is created if missing)`);
    if (options.fresh) {
      // --fresh deletes the file: only ever a state (a --state pointing at the directory file, or
      // at /dev/null, must not be deleted with it).
      if (existsSync(path) && !isStateFile(path)) throw new StateError(`${fresh} would delete ${path}, which is not a scimproof IdP state; check ${stateOption} (nothing was deleted)`);
      rmSync(path, { force: true });
      rmSync(`${path}.journal`, { force: true });
    }
    let state = emptyState(identity);
    if (existsSync(path)) {
      try {
        state = JSON.parse(readFileSync(path, 'utf8')) as IdpState;
      } catch (error) {
        throw new StateError(`state file ${path} is not valid JSON (${(error as Error).message}); remove it or pass ${fresh}`);
      }
      if (!isObject(state) || state.version !== 1 || !isObject(state.users)) throw new StateError(`state file ${path} is not a scimproof IdP state; check ${stateOption}, or remove the file`);
      state.groups ??= {};
      state.escrow ??= {};
      const damage = damaged(state);
      if (damage) throw new StateError(`state file ${path} is damaged (${damage}); remove it or pass ${fresh}`);
    }
    // Found before the first object is provisioned, not when its result cannot be kept.
    try {
      makeDirectory(dirname(path));
    } catch (error) {
      throw new StateError(`cannot create the folder of state file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); check ${stateOption}`);
    }
    const store = new StateStore(path, state);
    store.replayJournal();
    if (state.dialect !== identity.dialect || state.target !== identity.target) {
      throw new StateError(`state file ${path} holds ids from dialect ${state.dialect} at ${state.target}, not ${identity.dialect} at ${identity.target}; use another ${stateOption} or pass ${fresh}`);
    }
    const damage = damaged(store.state);
    if (damage) throw new StateError(`state file ${path} is damaged after its journal ${store.journalPath} (${damage}); remove both or pass ${fresh}`);
    // Another directory's state (a --state mixed up): every user it holds would look deleted from
    // this directory, and the cycle would delete (Entra) or deactivate (Okta) them all in the app.
    // A renamed or moved directory file keeps its user ids, so it still opens.
    const held = Object.keys(state.users);
    if (options.directoryHas && state.directory !== identity.directory && held.length > 0 && !held.some(options.directoryHas)) {
      throw new StateError(`state file ${path} was kept for the directory ${state.directory}, and none of the ${held.length} user(s) it provisioned is in ${identity.directory}: a cycle would take them all for deleted users and remove them from the app; use another ${stateOption}, or pass ${fresh} to start a new job`);
    }
    state.directory = identity.directory;
    return store;
  }

  private replayJournal(): void {
    if (!existsSync(this.journalPath)) return;
    const lines = readFileSync(this.journalPath, 'utf8').split('\n');
    for (const line of lines) {
      if (line.trim() === '') continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // the line being written when the process died
      }
      // A user line written with the values it kept (setUser): the values the state holds at this line.
      if (entry.t === 'user' && entry.v !== null && (entry.v.values as unknown) === SAME_VALUES) {
        const held = this.state.users[entry.id]?.values;
        // (None held: the journal is replayed over a snapshot written after it, the compaction having
        // stopped before removing it, and a later line deletes this user.)
        if (held === undefined) continue;
        entry.v.values = held;
      }
      this.apply(entry);
    }
  }

  private apply(entry: JournalEntry): void {
    const s = this.state;
    if (entry.t === 'meta') {
      if (entry.cycle !== undefined) s.cycle = entry.cycle;
      if (entry.quarantine === null) delete s.quarantine;
      else if (entry.quarantine !== undefined) s.quarantine = entry.quarantine;
      if (entry.quarantineCycles !== undefined) s.quarantineCycles = entry.quarantineCycles;
      if (entry.disabled === null) delete s.disabled;
      else if (entry.disabled !== undefined) s.disabled = entry.disabled;
      if (entry.lastCycle !== undefined) s.lastCycle = entry.lastCycle;
      if (entry.configHash !== undefined) s.configHash = entry.configHash;
      if (entry.pendingRestart === null) delete s.pendingRestart;
      else if (entry.pendingRestart !== undefined) s.pendingRestart = entry.pendingRestart;
      if (entry.redactKey !== undefined) s.redactKey = entry.redactKey;
      if (entry.allowDeletes === null) delete s.allowDeletes;
      else if (entry.allowDeletes !== undefined) s.allowDeletes = entry.allowDeletes;
      return;
    }
    const table = entry.t === 'user' ? s.users : entry.t === 'group' ? s.groups : entry.t === 'skip' ? (s.skipped ??= {}) : entry.t === 'appGroup' ? (s.appGroups ??= {}) : s.escrow;
    if (entry.t === 'escrow' && this.escrowed !== undefined) this.escrowed += (entry.v === null ? 0 : 1) - (s.escrow[entry.id] === undefined ? 0 : 1);
    if (entry.v === null) delete table[entry.id];
    else (table as Record<string, unknown>)[entry.id] = entry.v;
  }

  /** `line`: the entry as the journal writes it, when that is not its whole JSON (a user whose values did not change). */
  private record(entry: JournalEntry, line?: string): void {
    if (this.failure) throw this.failure;
    this.apply(entry);
    if (this.path === undefined) return;
    if (this.pending.push(line ?? JSON.stringify(entry)) === 1) {
      if (!unwritten.has(this)) {
        unwritten.add(this);
        if (!exitHookSet) {
          exitHookSet = true;
          process.once('exit', () => {
            for (const store of unwritten) store.flushJournal();
            for (const store of unwritten) if (store.failure) process.stderr.write(`scimproof: ${store.failure.message}\n`);
          });
        }
      }
      setImmediate(() => this.writeDeferred());
    }
  }

  /** The turn's lines into the journal's buffer, from a timer: a failure is kept for the next change, never thrown here. */
  private writeDeferred(): void {
    try {
      this.writeJournal();
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    this.failure ??= new StateError(`cannot write the state journal ${this.journalPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check --state`);
  }

  /** Puts this turn's journal lines into the buffer, in one piece (a batch write never splits them). */
  private writeJournal(): void {
    if (this.pending.length === 0 || this.path === undefined) return;
    const lines = `${this.pending.join('\n')}\n`;
    this.pending = [];
    if (this.journal === undefined) {
      makeDirectory(dirname(this.path));
      this.journal = new BatchFile(this.journalPath, 'a');
    }
    this.journal.write(lines);
    if (this.journal.failed) this.failed(this.journal.failed);
  }

  /** Everything not yet on disk to the journal file (at exit, and before the store closes). */
  private flushJournal(): void {
    this.writeDeferred();
    try {
      this.journal?.flush();
    } catch (error) {
      this.failed(error);
    }
  }

  user(id: string): UserState | undefined {
    return this.state.users[id];
  }

  setUser(id: string, value: UserState | null): void {
    // The caller hands over a fresh object; values are plain data, so a shallow copy isolates it.
    // Values the store already holds for this user (a manager link, a flag) are kept, not copied:
    // every copy of a long-lived object is old-generation garbage, per user and per phase.
    const kept = value !== null && value.values === this.state.users[id]?.values;
    const entry: JournalEntry = { t: 'user', id, v: value === null ? null : { ...value, values: kept ? value.values : this.sealed({ ...value.values }) } };
    // Nor are they written again: the journal line says "the values held" (SAME_VALUES) in their place.
    this.record(entry, kept ? JSON.stringify({ t: 'user', id, v: { ...entry.v, values: SAME_VALUES } }) : undefined);
  }

  /** Paths whose mapping calls Redact(): their values are kept as digests (set by each cycle and on-demand run). */
  private redacted: ReadonlySet<string> = new Set();

  redactPaths(paths: ReadonlySet<string>): void {
    this.redacted = paths;
    if (paths.size > 0 && this.state.redactKey === undefined) this.setMeta({ redactKey: newSealKey() });
  }

  /** Values as the state keeps them: those at redacted paths as digests (compare these with what the state holds). */
  sealed<T extends Record<string, MappedValue>>(values: T): T {
    return this.redacted.size === 0 ? values : sealValues(values, this.redacted, this.state.redactKey!);
  }

  group(id: string): GroupState | undefined {
    return this.state.groups[id];
  }

  setGroup(id: string, value: GroupState | null): void {
    this.record({ t: 'group', id, v: value === null ? null : { ...value, members: { ...value.members } } });
  }

  /**
   * Entries in escrow, counted once and then kept by apply(): every object of a cycle asks for its
   * escrow entry and clears it when it succeeds, nearly always in an empty table, where a lookup
   * by a key made for it (`user:<id>`) costs more than the answer is worth.
   */
  private escrowed: number | undefined;

  private escrowCount(): number {
    return (this.escrowed ??= Object.keys(this.state.escrow).length);
  }

  escrow(key: string): EscrowEntry | undefined {
    return this.escrowCount() === 0 ? undefined : this.state.escrow[key];
  }

  setEscrow(key: string, value: EscrowEntry | null): void {
    if (value === null && (this.escrowCount() === 0 || this.state.escrow[key] === undefined)) return;
    this.record({ t: 'escrow', id: key, v: value });
  }

  setMeta(meta: MetaChange): void {
    this.record({ t: 'meta', ...meta });
  }

  /** Okta: the app group it knows but does not link whose name is `displayName` (compared as `key` compares them). */
  unlinkedAppGroup(displayName: string, key: (name: string) => string): { targetId: string; displayName: string } | undefined {
    const wanted = key(displayName);
    for (const [targetId, g] of Object.entries(this.state.appGroups ?? {})) if (key(g.displayName) === wanted) return { targetId, displayName: g.displayName };
    return undefined;
  }

  /**
   * Okta: the app groups it knows but does not link (pushed and unlinked, or imported), by name: what
   * a push of one of these names links (Link Group) instead of creating. Shown by `idp tasks` and the console.
   */
  knownAppGroups(): { id: string; displayName: string }[] {
    return Object.entries(this.state.appGroups ?? {})
      .map(([id, g]) => ({ id, displayName: g.displayName }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
  }

  setAppGroup(targetId: string, value: { displayName: string } | null): void {
    if (value === null && this.state.appGroups?.[targetId] === undefined) return;
    this.record({ t: 'appGroup', id: targetId, v: value });
  }

  /** The fingerprint a never-provisioned user was last skipped with. */
  skipped(id: string): string | undefined {
    return this.state.skipped?.[id];
  }

  setSkipped(id: string, fingerprint: string | null): void {
    if (fingerprint === null && this.state.skipped?.[id] === undefined) return;
    if (fingerprint !== null && this.state.skipped?.[id] === fingerprint) return;
    this.record({ t: 'skip', id, v: fingerprint });
  }

  /**
   * Entra's Restart provisioning: clears escrow, quarantine and the watermark (every object is
   * evaluated again against the app's copy) but keeps the links to app objects; `full` also breaks
   * the links, so every user is matched again (Graph restart with resetScope Full).
   */
  restart(full: boolean): void {
    const s = this.state;
    for (const key of Object.keys(s.escrow)) this.setEscrow(key, null);
    for (const id of Object.keys(s.skipped ?? {})) this.setSkipped(id, null);
    this.setMeta({ quarantine: null, quarantineCycles: 0, disabled: null, pendingRestart: null });
    for (const [id, u] of Object.entries(s.users)) {
      if (full) this.setUser(id, null);
      else {
        const { pendingManager: _p, leftOutOfScope: _l, ...rest } = u;
        this.setUser(id, { ...rest, stale: true });
      }
    }
    for (const [id, g] of Object.entries(s.groups)) {
      if (full) this.setGroup(id, null);
      else {
        const { pendingMembers: _p, ...rest } = g;
        this.setGroup(id, { ...rest, stale: true });
      }
    }
  }

  /** Rewrites the snapshot (temp file + rename) and drops the journal it now contains. */
  compact(): void {
    if (this.path === undefined) return;
    makeDirectory(dirname(this.path));
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeSnapshot(tmp, this.state);
    renameSync(tmp, this.path);
    // The snapshot holds what the unwritten journal lines say. (The buffer still goes to the old
    // journal as it closes: replayed over the new snapshot, should the removal below not happen, it
    // ends in the same state.)
    this.pending = [];
    unwritten.delete(this);
    this.closeJournal();
    // Replaying the journal over the new snapshot would be harmless (entries are whole values, or
    // a user's values kept from the line before, which the replay has just applied, or none when a
    // later line deletes the user), so a crash between the rename and this removal is safe too.
    rmSync(this.journalPath, { force: true });
  }

  close(): void {
    this.writeDeferred();
    unwritten.delete(this);
    this.closeJournal();
    if (this.failure) throw this.failure;
  }

  private closeJournal(): void {
    const journal = this.journal;
    this.journal = undefined;
    try {
      journal?.close();
    } catch (error) {
      this.failed(error);
    }
  }
}

/**
 * The state as JSON, one object per line, written in pieces: one JSON.stringify of a 100,000-user
 * state (and its UTF-8 copy) was a spike of 130 MiB at the end of the cycle, above all the cycle
 * itself had needed.
 */
function writeSnapshot(path: string, state: IdpState): void {
  const file = new BatchFile(path, 'w');
  try {
    // (As JSON.stringify would: keys whose value is undefined are left out.)
    const keys = (Object.keys(state) as (keyof IdpState)[]).filter((key) => state[key] !== undefined);
    file.write('{');
    keys.forEach((key, i) => {
      const value = state[key];
      file.write(`${i > 0 ? ',' : ''}\n${JSON.stringify(key)}:`);
      if (key === 'users' || key === 'groups' || key === 'escrow' || key === 'skipped' || key === 'appGroups') {
        const table = value as Record<string, unknown>;
        let first = true;
        file.write('{');
        for (const id in table) {
          if (table[id] === undefined) continue;
          file.write(`${first ? '' : ','}\n${JSON.stringify(id)}:${JSON.stringify(table[id])}`);
          first = false;
        }
        file.write('}');
      } else file.write(JSON.stringify(value));
    });
    file.write('\n}\n');
  } finally {
    file.close();
  }
}

function emptyState(identity: StateIdentity): IdpState {
  return { version: 1, dialect: identity.dialect, target: identity.target, directory: identity.directory, cycle: 0, users: {}, groups: {}, escrow: {} };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What in a state (snapshot and journal) is not what the IdP wrote, or undefined: a hand edit, a bad merge. */
function damaged(state: IdpState): string | undefined {
  for (const table of ['users', 'groups', 'escrow', 'skipped', 'appGroups'] as const) if (state[table] !== undefined && !isObject(state[table])) return `"${table}" is not an object`;
  for (const [id, u] of Object.entries(state.users)) if (!isObject(u) || typeof u.targetId !== 'string' || !isObject(u.values)) return `users[${JSON.stringify(id)}] is not a provisioned user (an app id and the values pushed)`;
  for (const [id, g] of Object.entries(state.groups)) if (!isObject(g) || typeof g.targetId !== 'string' || !isObject(g.members)) return `groups[${JSON.stringify(id)}] is not a provisioned group (an app id and its members)`;
  for (const [key, e] of Object.entries(state.escrow)) if (!isObject(e) || typeof e.attempts !== 'number' || !isObject(e.lastError)) return `escrow[${JSON.stringify(key)}] is not an escrow entry`;
  return undefined;
}

/** Whether a directory holds a user id (what `StateStore.open` asks to tell another directory's state). */
export function userIdsOf(directory: { users: readonly { id: string }[] }): (userId: string) => boolean {
  const ids = new Set(directory.users.map((u) => u.id));
  return (id) => ids.has(id);
}

/** A regular file holding a scimproof IdP state, or what is left of one (a torn write): what --fresh may delete. */
function isStateFile(path: string): boolean {
  if (!statSync(path).isFile()) return false;
  const text = readFileSync(path, 'utf8');
  try {
    const state = JSON.parse(text) as unknown;
    return isObject(state) && state.version === 1 && typeof state.dialect === 'string' && typeof state.target === 'string';
  } catch {
    return text.trimStart().startsWith('{');
  }
}

/**
 * The admin task list entries a Retry names: `all`, an object's id or name, or (as `idp log --user`
 * and the console's filters take one) a part of a name that only one task has.
 */
export function tasksNamed(escrow: Record<string, EscrowEntry>, which: string): { keys: string[]; several?: EscrowEntry[] } {
  const tasks = Object.entries(escrow).filter(([, e]) => e.task);
  const wanted = which.toLowerCase();
  if (wanted === 'all') return { keys: tasks.map(([k]) => k) };
  const exact = tasks.filter(([, e]) => e.id === which || e.display?.toLowerCase() === wanted);
  if (exact.length > 0) return { keys: exact.map(([k]) => k) };
  const like = tasks.filter(([, e]) => e.id.toLowerCase().includes(wanted) || (e.display ?? '').toLowerCase().includes(wanted));
  if (like.length === 1) return { keys: [like[0]![0]] };
  return like.length > 1 ? { keys: [], several: like.map(([, e]) => e) } : { keys: [] };
}
