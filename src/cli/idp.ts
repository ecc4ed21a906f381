// `scimproof idp …`: the mock IdP. `sync` runs provisioning cycles from a directory file the way
// Entra or Okta would (once, on every change with --watch, or on a schedule with --interval),
// `provision --user` is Entra's provision on demand (five steps), `test-connection` sends the
// IdP's probe, `import` is Okta's import, `log` shows one user's history, `tasks` lists escrow and
// Okta's task list, `restart` is Entra's Restart provisioning.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { cycleTime, SimulatedClock } from '../idp/clock.ts';
import { DirectoryError, loadDirectory } from '../idp/directory.ts';
import { IdpEngine } from '../idp/engine.ts';
import { ESCROW_SCHEDULES, type EscrowSchedule } from '../idp/escrow.ts';
import { IMPORT_PAGING, importReportLines, type ImportPaging } from '../idp/import.ts';
import { changeText, consoleSummary, countsText, errorText, historyLines, isNotable, objectLine } from '../idp/log/console.ts';
import { collectLog, objectsNamedLike, readCycleSummaries, readInterruptedCycles, unreadableLog } from '../idp/log/reader.ts';
import { LogFolderError } from '../idp/log/writer.ts';
import { describeJob, jobFoldersUnder, jobOfLogFolder } from '../idp/log/job-folder.ts';
import { NO_OKTA_GROUP_ON_DEMAND, OnDemandError } from '../idp/on-demand.ts';
import { DOCUMENTED_THRESHOLDS, type QuarantineThresholds } from '../idp/quarantine.ts';
import { checkDialect, defaultStatePath, DEFAULT_OUT_DIR, logFolderFor, testConnection, type TargetOptions } from '../idp/run.ts';
import { watchDirectoryFile } from '../idp/schedule.ts';
import { StateError, StateStore, tasksNamed, userIdsOf } from '../idp/state.ts';
import type { CycleBehaviour } from '../idp/sync-context.ts';
import { DEFAULT_CONCURRENCY } from '../idp/sync.ts';
import type { CycleResult, Directory, ObjectResult } from '../idp/types.ts';
import { getDialect, type DialectName } from '../dialects/index.ts';
import { keepHeapNearLiveSize } from '../util/heap.ts';
import { printable } from '../util/printable.ts';
import { RunError, UsageError } from './errors.ts';
import { exitCodeForSignal, onInterrupt } from './interrupt.ts';
import { addTargetOptions, readConfig, resolveTarget, type TargetFlags } from './options.ts';
import { IDP_TIMEOUT_MS } from '../http/transport-error.ts';
import { OPTION_NAMES } from '../util/option-names.ts';
import { stopAdvice, withAdvice } from '../idp/stop-advice.ts';
import type { Exchange } from '../record/types.ts';

export interface IdpFlags extends TargetFlags {
  directory?: string;
  dialect: string;
  state?: string;
  fresh?: boolean;
  out?: string;
  log: boolean;
  html: boolean;
  rate?: string;
  concurrency?: string;
  watch?: boolean;
  interval?: string;
  quarantineRatio?: string;
  quarantineMin?: string;
  quiet?: boolean;
  user?: string;
  group?: string;
  member?: string[];
  at?: string;
  escrow?: string;
  relink?: string;
  schemaCheck: boolean;
}


// Lines carry a server's error detail, ids and Locations: its terminal controls (ESC, CR, bidi
// overrides) print as escapes, never act. The idp commands write no colour codes of their own.
const stdout = { write: (text: string): boolean => process.stdout.write(printable(text)) };
const stderr = { write: (text: string): boolean => process.stderr.write(printable(text)) };
/** Options of `idp console` beyond the job's (see idp-console.ts). */
export interface ConsoleFlags {
  port: string;
  host: string;
  consoleToken?: string;
  write: boolean;
  start?: boolean;
}

/** Success lines per cycle before the console only counts them (skips and failures always print). */
const LIVE_LINES = 200;

export function addIdpTargetOptions(command: Command): Command {
  return addTargetOptions(command, 'SCIM base URL of the app, e.g. http://127.0.0.1:8080/scim/v2 (env SCIM_BASE_URL)', `per-request timeout in milliseconds (default ${IDP_TIMEOUT_MS}: Entra and Okta wait 60 s for an answer)`)
    .option('--dialect <dialect>', 'which IdP to be: entra, entra-compliant, okta, okta-aiw, okta-oig', 'entra');
}

export function addJobOptions(command: Command): Command {
  return command
    .requiredOption('--directory <file>', 'directory fixture (users, groups, assignments, scoping, mappings); see fixtures/directories/')
    .option('--state <file>', 'state file of what was provisioned (default .scimproof/idp/<directory>.<dialect>.<hash>.state.json)')
    .option('--out <dir>', `where the provisioning log goes (default ${DEFAULT_OUT_DIR})`);
}

function addCycleOptions(command: Command): Command {
  return addJobOptions(command)
    .option('--fresh', 'forget the state file and start as a new provisioning job')
    .option('--no-log', 'write no log files (console only)')
    .option('--no-html', 'write the JSONL log but no HTML pages')
    .option('--rate <n>', 'requests per second (Entra gallery apps must sustain 25); default unpaced')
    .option('--concurrency <n>', `objects in flight at once, in every phase (default ${DEFAULT_CONCURRENCY}; 1 sends requests in directory order)`)
    .option('--at <time>', 'run as if it were this time: +6h, +1d (later than the last cycle) or an ISO date — to see escrow retries and quarantine without waiting')
    .option('--escrow <schedule>', `when Entra retries a failed object: ${ESCROW_SCHEDULES.join(', ')} (default documented: 6 h, 12 h, 24 h, then daily)`)
    .option('--relink <mode>', 'managers and group members that come into scope later: on-restart (Entra, default) or at-once')
    .option('--no-schema-check', "do not read the app's /Schemas to check the mapping targets")
    .option('--quarantine-ratio <r>', `quarantine when more than this fraction of events fail (default ${DOCUMENTED_THRESHOLDS.ratio})`)
    .option('--quarantine-min <n>', `failures needed before the ratio is evaluated (default ${DOCUMENTED_THRESHOLDS.minFailures}, as documented; use e.g. 5 for a small directory)`)
    .option('--quiet', 'print only the cycle summaries');
}

export function registerIdp(program: Command): void {
  const idp = program.command('idp').description('be Entra ID or Okta on the laptop: sync a directory fixture into a SCIM app');

  addCycleOptions(addIdpTargetOptions(idp.command('sync').description('run a provisioning cycle (or keep running with --watch / --interval)')))
    .option('--watch', 're-sync whenever the directory file changes')
    .option('--interval <seconds>', 'run a cycle every N seconds (Entra runs one about every 40 minutes; slower while quarantined)')
    .action(async (flags: IdpFlags) => {
      process.exitCode = await syncCommand(flags);
    });

  addCycleOptions(addIdpTargetOptions(idp.command('provision').description('provision one user (or one group with up to five members) on demand, as Entra\'s "Provision on demand" (five steps)')))
    .option('--user <id>', "the user's directory id, userPrincipalName / login, mail or display name")
    .option('--group <id>', "Entra: a group's directory id or displayName: the group and up to five of its members")
    .option('--member <id>', 'with --group: a member to provision with it (repeatable, at most 5; default: all, when the group has at most 5)', (value: string, previous: string[] = []) => [...previous, value])
    .action(async (flags: IdpFlags) => {
      process.exitCode = await provisionCommand(flags);
    });

  addIdpTargetOptions(idp.command('test-connection').description("send what the IdP's Test Connection sends and judge the answer as the IdP does"))
    .option('--directory <file>', 'directory fixture (for its matching attribute)')
    .action(async (flags: IdpFlags) => {
      process.exitCode = await testConnectionCommand(flags);
    });

  addJobOptions(addIdpTargetOptions(idp.command('import').description("Okta's import: read the app's users and groups page by page and match them to the directory")))
    .option('--confirm', 'link the matched users in the state (Okta sends nothing to the app when an import is confirmed)')
    .option('--import-paging <how>', 'where the next page starts after a page shorter than the count asked (Okta does not document it): count (startIndex moves by the count asked, 1 then 101: the default) or listed (by the users the page listed)')
    .action(async (flags: IdpFlags & { confirm?: boolean; importPaging?: string }) => {
      process.exitCode = await importCommand(flags);
    });

  idp
    .command('log')
    .description("what the IdP did, cycle by cycle: one user's (or group's) history with --user, else the list of cycles")
    .option('--user <name>', 'a directory id, userPrincipalName / login, group name or app id')
    .option('--cycle <n>', 'only this cycle')
    .option('--verbose', 'also list each request')
    .option('--out <dir>', `the log folder (default ${DEFAULT_OUT_DIR})`)
    .action(async (flags: { user?: string; cycle?: string; verbose?: boolean; out?: string }) => {
      process.exitCode = await logCommand(flags);
    });

  addJobOptions(addIdpTargetOptions(idp.command('tasks').description('objects waiting after a failure: Entra escrow (with the next retry) and Okta\'s admin task list')))
    .option('--retry <id>', 'Okta: retry one task (object id or name) or "all" at the next cycle')
    .action(async (flags: IdpFlags & { retry?: string }) => {
      process.exitCode = tasksCommand(flags);
    });

  addJobOptions(addIdpTargetOptions(idp.command('console').description("the IdP's provisioning page on localhost: directory, start/stop, cycles, provision on demand, live logs, and an admin API")))
    .option('--port <n>', 'port of the console (0 picks a free one)', '8090')
    .option('--host <address>', 'address to listen on; anything but 127.0.0.1 needs the console token', '127.0.0.1')
    .option('--console-token <token>', "the console's own token for its pages and admin API (default: none on 127.0.0.1, a random one elsewhere)")
    .option('--no-write', 'keep directory changes made on the page in memory instead of writing them to the directory file')
    .option('--interval <seconds>', 'seconds between cycles once provisioning is on (Entra: about 40 minutes)', '40')
    .option('--start', 'turn provisioning on at once (default off, as a new Entra job: assign a test user first)')
    .option('--fresh', 'forget the state file and start as a new provisioning job')
    .option('--no-log', 'keep no log files (the Logs page then shows only entries from now on)')
    .option('--no-html', 'write the JSONL log but no static HTML pages')
    .option('--rate <n>', 'requests per second; default unpaced')
    .option('--concurrency <n>', `objects in flight at once (default ${DEFAULT_CONCURRENCY})`)
    .option('--escrow <schedule>', `when Entra retries a failed object: ${ESCROW_SCHEDULES.join(', ')} (default documented)`)
    .option('--relink <mode>', 'managers and group members that come into scope later: on-restart (default) or at-once')
    .option('--no-schema-check', "do not read the app's /Schemas to check the mapping targets")
    .option('--quarantine-ratio <r>', `quarantine when more than this fraction of events fail (default ${DOCUMENTED_THRESHOLDS.ratio})`)
    .option('--quarantine-min <n>', `failures needed before the ratio is evaluated (default ${DOCUMENTED_THRESHOLDS.minFailures})`)
    .action(async (flags: IdpFlags & ConsoleFlags) => {
      // The console (a web server, templates) loads only when asked for.
      const { consoleCommand } = await import('./idp-console.ts');
      process.exitCode = await consoleCommand(flags);
    });

  addJobOptions(addIdpTargetOptions(idp.command('allow-deletes').description(`Entra's "Allow deletes": the next cycle sends the disables and deletes Prevent accidental deletions held`)))
    .action(async (flags: IdpFlags) => {
      process.exitCode = allowDeletesCommand(flags);
    });

  addJobOptions(addIdpTargetOptions(idp.command('restart').description("Entra's Restart provisioning: the next cycle is an initial one (escrows, quarantine and watermark cleared)")))
    .option('--full', 'also break the links to app objects, so every user is matched again')
    .action(async (flags: IdpFlags & { full?: boolean }) => {
      process.exitCode = restartCommand(flags);
    });
}

export type Target = TargetOptions & { dialect: DialectName };

export function target(flags: IdpFlags): Target {
  const config = readConfig(flags.config);
  const t = resolveTarget(flags, config);
  if (!t.url) throw new UsageError('give the SCIM base URL of the app with --url (or SCIM_BASE_URL), e.g. --url http://127.0.0.1:8080/scim/v2 from `scimproof serve`');
  let dialect: DialectName;
  try {
    dialect = checkDialect(flags.dialect);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // Entra and Okta wait 60 s for an answer, not the harness's 15 s: an explicit --timeout still wins.
  const timeoutMs = flags.timeout === undefined && config.timeout === undefined ? IDP_TIMEOUT_MS : t.timeoutMs;
  return { url: t.url, auth: t.auth, headers: t.headers, timeoutMs, insecure: t.insecure, secrets: t.secrets, dialect, ...(flags.rate !== undefined ? { rate: number(flags.rate, '--rate', 0.01, 10_000) } : {}) };
}

export function number(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number between ${min} and ${max}, got "${text}"`);
  return n;
}

export function thresholds(flags: IdpFlags): QuarantineThresholds {
  return {
    ...DOCUMENTED_THRESHOLDS,
    ...(flags.quarantineRatio !== undefined ? { ratio: number(flags.quarantineRatio, '--quarantine-ratio', 0, 1) } : {}),
    ...(flags.quarantineMin !== undefined ? { minFailures: Math.round(number(flags.quarantineMin, '--quarantine-min', 1, 10_000_000)) } : {}),
  };
}

export function behaviour(flags: IdpFlags): Partial<CycleBehaviour> {
  const out: Partial<CycleBehaviour> = {};
  if (flags.escrow !== undefined) {
    if (!ESCROW_SCHEDULES.includes(flags.escrow as EscrowSchedule)) throw new UsageError(`--escrow must be one of ${ESCROW_SCHEDULES.join(', ')}, got "${flags.escrow}"`);
    out.escrowSchedule = flags.escrow as EscrowSchedule;
  }
  if (flags.relink !== undefined) {
    if (flags.relink !== 'on-restart' && flags.relink !== 'at-once') throw new UsageError(`--relink must be on-restart or at-once, got "${flags.relink}"`);
    out.relinkReferences = flags.relink;
  }
  return out;
}

/** What the loader left out of a service's export (a user it could not read, properties no mapping reads): one line each. */
function warnAbout(directory: Directory): Directory {
  for (const line of directory.warnings ?? []) stderr.write(`scimproof: warning: ${line}\n`);
  return directory;
}

export function load(file: string): Directory {
  // Every IdP command loads a directory first, and a large one is most of the process's memory.
  keepHeapNearLiveSize();
  try {
    return warnAbout(loadDirectory(file));
  } catch (error) {
    if (error instanceof DirectoryError) throw new RunError(error.message);
    throw error;
  }
}

export const statePathOf = (flags: IdpFlags, t: Target): string => flags.state ?? defaultStatePath(flags.directory!, t.dialect, t.url);

/** Opens the job for a command: directory, state (refused for another dialect or target), clock, log. */
function openEngine(flags: IdpFlags, t: Target, directory: Directory, options: { cycles: boolean; intervalSeconds?: number; signal?: AbortSignal }): IdpEngine {
  const family = getDialect(t.dialect)!.family;
  // Entra provisions from an Entra directory and Okta from Okta's: the other kind runs, but its
  // attribute names (login or userPrincipalName, managerId or manager) are not what the mappings read.
  const article = (f: string): string => (f === 'okta' ? 'an Okta' : 'an Entra');
  if (directory.source !== family) stderr.write(`scimproof: warning: ${directory.file} is ${article(directory.source)} directory ("source": "${directory.source}") but --dialect ${t.dialect} plays ${family === 'okta' ? 'Okta' : 'Entra ID'}, which provisions from ${article(family)} directory: mappings and manager references written for one may not apply to the other\n`);
  const statePath = statePathOf(flags, t);
  let lastCycle: string | undefined;
  try {
    lastCycle = StateStore.open(statePath, { dialect: t.dialect, target: t.url, directory: directory.file }, { fresh: flags.fresh ?? false, directoryHas: userIdsOf(directory) }).state.lastCycle?.startedAt;
  } catch (error) {
    if (error instanceof StateError) throw new RunError(error.message);
    throw error;
  }
  let clock: SimulatedClock | undefined;
  if (flags.at !== undefined) {
    try {
      clock = new SimulatedClock(cycleTime(flags.at, lastCycle));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  } else if (lastCycle !== undefined && Date.parse(lastCycle) > Date.now()) {
    // An earlier --at moved the job's clock ahead; time never runs backwards for it.
    clock = new SimulatedClock(cycleTime(undefined, lastCycle));
  }
  try {
    return engineFor(flags, t, directory, statePath, options, clock);
  } catch (error) {
    if (error instanceof LogFolderError) throw new RunError(error.message);
    throw error;
  }
}

/** The job's log folder (null: --no-log); a note when another job's log holds the default one. */
export function logDirOf(flags: { log?: boolean; out?: string }, t: Target, directory: Directory): string | null {
  if (flags.log === false) return null;
  const { dir, note } = logFolderFor(directory, t.dialect, t.url, flags.out);
  if (note) stderr.write(`scimproof: ${note}\n`);
  return dir;
}

function engineFor(flags: IdpFlags, t: Target, directory: Directory, statePath: string, options: { cycles: boolean; intervalSeconds?: number; signal?: AbortSignal }, clock: SimulatedClock | undefined): IdpEngine {
  return new IdpEngine({
    ...t,
    directory,
    statePath,
    logDir: logDirOf(flags, t, directory),
    html: flags.html !== false,
    ...(options.cycles ? { thresholds: thresholds(flags), behaviour: behaviour(flags) } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: Math.round(number(flags.concurrency, '--concurrency', 1, 256)) } : {}),
    ...(clock ? { clock } : {}),
    ...(options.intervalSeconds !== undefined ? { intervalSeconds: options.intervalSeconds } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * Reads /Schemas before any cycle, as saving the configuration does: each mapped target the app
 * does not advertise is one warning line (the cycle still runs, and the app's own answer shows in
 * the log: an app whose /Schemas is incomplete is not blamed for what it may well accept).
 */
export async function checkConfiguration(engine: IdpEngine, flags: IdpFlags): Promise<{ note(reached: boolean): void }> {
  const none = { note: () => undefined };
  if (flags.schemaCheck === false) return none;
  const check = await engine.checkConfiguration();
  for (const problem of check.problems) stderr.write(`scimproof: warning: ${problem}\n`);
  if (check.read || flags.quiet) return none;
  // A note, not an error: the cycle runs, and reads like the warnings above rather than like a
  // refusal. Said once the cycle has run, and only when it reached the app: an app the cycle could
  // not reach (unreachable, credentials refused) failed /Schemas for that same reason, which the
  // one line of the stopped cycle says with what to change ("GET /Schemas failed (refused)" before
  // it was a second line that named neither).
  return { note: (reached) => void (reached && stderr.write(`scimproof: note: ${check.skippedBecause}\n`)) };
}

/** The one stderr line of an IdP command that could not reach the app: the cause, and what to change. */
function cannotRun(what: string, message: string, exchange: Exchange | undefined, t: Target): void {
  stderr.write(`scimproof: ${what}: ${withAdvice(message, stopAdvice(exchange, OPTION_NAMES.cli, t.auth.kind === 'oauth'))}\n`);
}

const EXIT: Record<CycleResult['status'], number> = { ok: 0, failed: 1, stopped: 2 };

async function syncCommand(flags: IdpFlags): Promise<number> {
  const t = target(flags);
  const file = flags.directory!;
  const intervalSeconds = flags.interval !== undefined ? number(flags.interval, '--interval', 1, 7 * 24 * 3600) : undefined;
  const out = stdout;
  if (t.auth.kind === 'none') stderr.write('scimproof: no credentials given (--token, SCIM_TOKEN or --basic); sending requests without authentication\n');
  // Ctrl-C, SIGTERM or SIGHUP ends the running cycle after the objects in progress (the state
  // journal keeps every finished one; the log is written) and then the command; a second quits at once.
  const interrupt = onInterrupt('stopping after the objects in progress; the log is still written');
  let engine: IdpEngine;
  let exportFiles: readonly string[] = [];
  try {
    const directory = load(file);
    exportFiles = directory.exportFiles ?? [];
    engine = openEngine(flags, t, directory, { cycles: true, ...(intervalSeconds !== undefined ? { intervalSeconds } : {}), signal: interrupt.signal });
  } catch (error) {
    interrupt.dispose();
    throw error;
  }
  let code = 0;
  const exitCode = (): number => (interrupt.received ? exitCodeForSignal(interrupt.received) : code);
  out.write(`scimproof idp sync · ${t.dialect} → ${t.url} · directory ${file} · state ${statePathOf(flags, t)}${t.rate ? ` · ${t.rate} req/s` : ''}${flags.at !== undefined ? ` · clock ${engine.clock.now().toISOString()}` : ''}\n`);
  let live = 0;
  engine.on('cycle-start', () => (live = 0));
  engine.on('object', (r: ObjectResult) => {
    if (flags.quiet || !isNotable(r)) return;
    // Only the successes are capped: every object that did not arrive keeps its line and reason.
    if (r.outcome !== 'success') out.write(`${objectLine(r)}\n`);
    else if (++live <= LIVE_LINES) out.write(`${objectLine(r)}\n`);
    else if (live === LIVE_LINES + 1) out.write('  … (more successes in the log)\n');
  });
  const report = (result: CycleResult): void => {
    const page = engine.log && engine.options.html !== false ? engine.cycles().at(-1)?.html : undefined;
    out.write(consoleSummary(result, { reasonsShown: !flags.quiet, ...(engine.log ? { jsonl: engine.log.paths.jsonl, ...(page ? { html: join(engine.log.paths.dir, page), index: engine.log.paths.index } : {}) } : {}) }));
    // An object held in escrow (or in Okta's task list) from an earlier cycle is not provisioned
    // either: the cycle ran cleanly, but the gate must not pass while it waits (docs: exit 1 when
    // some failed, escrowed or an Okta task).
    // So is a cycle whose disables and deletes Prevent accidental deletions held (quarantined, TooManyDeletes).
    code = result.status === 'ok' && (result.counts.escrowed > 0 || result.quarantine?.reason === 'TooManyDeletes') ? 1 : EXIT[result.status];
    schemas.note(result.status !== 'stopped');
    // The stop reason (with what to change) on stderr too: exit 2 says the cycle could not run, and
    // a script that keeps stderr sees why in one line.
    if (result.status === 'stopped' && !interrupt.received) stderr.write(`scimproof: the cycle stopped: ${result.stopReason ?? 'no reason given'}\n`);
  };
  let schemas: { note(reached: boolean): void } = { note: () => undefined };
  try {
    schemas = await checkConfiguration(engine, flags);
    const quarantine = engine.state.state.quarantine;
    if (quarantine && !flags.quiet) out.write(`  the job is quarantined since ${quarantine.since} (${quarantine.reason}); Entra would run its next cycle no sooner than a day after the last one — running it now because you asked\n`);
    if (!flags.watch && intervalSeconds === undefined) {
      report(await engine.runCycleNow('run'));
      return exitCode();
    }
    // Keep running: the engine schedules cycles (slower in quarantine), the watcher adds one per save.
    {
      const waiting = (): void => {
        if (interrupt.signal.aborted) return;
        const next = engine.status().nextCycleAt;
        out.write(flags.watch ? `watching ${file} for changes${next ? `; next scheduled cycle ${next}` : ''} (Ctrl-C to stop)\n` : `next cycle at ${next ?? 'never (the job is disabled)'} (Ctrl-C to stop)\n`);
      };
      const reportAndWait = (result: CycleResult): void => {
        report(result);
        waiting();
      };
      if (flags.watch) {
        watchDirectoryFile({
          file,
          files: exportFiles,
          signal: interrupt.signal,
          onChange: () => {
            out.write(`\n${file} changed · ${new Date().toLocaleTimeString()}\n`);
            try {
              engine.setDirectory(warnAbout(loadDirectory(file)));
            } catch (error) {
              // A bad save is reported and the next save is awaited.
              if (error instanceof DirectoryError) {
                // An editor's save can be caught half-written: the engine keeps the directory it has.
                stderr.write(`scimproof: ${error.message} (not synced; the last good directory stays in use until the next save)\n`);
                code = 2;
                return;
              }
              throw error;
            }
            // With --interval the engine's cycle-end events report every cycle, this one included.
            void engine.runCycleNow('change').then(intervalSeconds === undefined ? reportAndWait : undefined, (error: unknown) => stderr.write(`scimproof: ${(error as Error).message}\n`));
          },
        });
      }
      if (intervalSeconds !== undefined) {
        // Scheduled cycles report as they end; the engine runs the first one now.
        engine.on('cycle-end', (summary) => reportAndWait({ ...summary, results: [] }));
        engine.start();
      } else reportAndWait(await engine.runCycleNow('start'));
      if (!interrupt.signal.aborted) await new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    return exitCode();
  } finally {
    interrupt.dispose();
    await engine.close();
  }
}

async function provisionCommand(flags: IdpFlags): Promise<number> {
  if ((flags.user === undefined) === (flags.group === undefined)) throw new UsageError('idp provision needs --user <id> (one user) or --group <id> (one group with up to five of its members), not both');
  if (flags.member && !flags.group) throw new UsageError('--member picks the members of a group run: use it with --group');
  const t = target(flags);
  // Refused before the state and the log folder are opened: nothing of this job is touched.
  if (flags.group !== undefined && getDialect(t.dialect)?.family === 'okta') throw new RunError(NO_OKTA_GROUP_ON_DEMAND);
  const engine = openEngine(flags, t, load(flags.directory!), { cycles: false });
  const out = stdout;
  try {
    const schemas = await checkConfiguration(engine, flags);
    if (flags.group !== undefined) {
      const code = await provisionGroupCommand(engine, flags, t);
      schemas.note(code !== 2);
      return code;
    }
    let outcome;
    try {
      outcome = await engine.provisionOnDemand(flags.user!);
    } catch (error) {
      if (error instanceof OnDemandError) throw new RunError(error.message);
      throw error;
    }
    const r = outcome.result;
    out.write(`scimproof idp provision ${r.display} · ${podDialectText(t.dialect)} → ${t.url}\n`);
    writeOnDemandRun(r, flags, '  ');
    out.write(outcome.provisioned ? `✓ provisioned: ${r.reason}\n` : `✗ not provisioned: ${r.reason}\n`);
    if (engine.log) out.write(`  log: ${engine.log.paths.index}\n`);
    schemas.note(!outcome.connectionFailed);
    if (outcome.connectionFailed) cannotRun('not provisioned, the app could not be reached', r.error ? errorText(r.error) : r.reason, outcome.exchanges.at(-1), t);
    return outcome.provisioned ? 0 : outcome.connectionFailed ? 2 : 1;
  } finally {
    await engine.close();
  }
}

const podDialectText = (dialect: string): string => (dialect === 'entra-compliant' ? 'entra (on-demand runs ignore the aadOptscim062020 flag)' : dialect);

/** One on-demand run's steps, attribute changes and error, indented by `indent`. */
function writeOnDemandRun(r: ObjectResult, flags: IdpFlags, indent: string): void {
  r.steps!.forEach((s, i) => {
    stdout.write(`${indent}${i + 1}. ${s.name}: ${s.outcome.toUpperCase()} — ${s.reason}\n`);
    if (s.name === 'Determine if user is in scope' && s.details && !flags.quiet) {
      for (const [k, v] of Object.entries(s.details)) {
        if (k === 'Scoping filters') for (const c of v as { filter: string; clause: string; holds: boolean }[]) stdout.write(`${indent}     ${c.holds ? '✓' : '✗'} ${c.filter}: ${c.clause}\n`);
        else stdout.write(`${indent}     ${k}: ${String(v)}\n`);
      }
    }
  });
  if (r.changes?.length) {
    stdout.write(`${indent}attributes (old → new):\n`);
    for (const c of r.changes) stdout.write(`${indent}  ${changeText(c)}\n`);
  }
  if (r.error) stdout.write(`${indent}error: ${errorText(r.error)}\n`);
}

async function provisionGroupCommand(engine: IdpEngine, flags: IdpFlags, t: Target): Promise<number> {
  let outcome;
  try {
    outcome = await engine.provisionGroupOnDemand(flags.group!, flags.member);
  } catch (error) {
    if (error instanceof OnDemandError) throw new RunError(error.message);
    throw error;
  }
  const r = outcome.result;
  stdout.write(`scimproof idp provision group ${r.display} · ${podDialectText(t.dialect)} → ${t.url}\n`);
  writeOnDemandRun(r, flags, '  ');
  for (const m of outcome.members) {
    stdout.write(`  member ${m.result.display}: ${m.provisioned ? '✓ provisioned' : '✗ not provisioned'} — ${m.result.reason}\n`);
    if (!flags.quiet) writeOnDemandRun(m.result, flags, '    ');
  }
  stdout.write(outcome.provisioned ? `✓ provisioned: ${r.reason}\n` : `✗ not provisioned: ${r.reason}\n`);
  if (engine.log) stdout.write(`  log: ${engine.log.paths.index}\n`);
  if (outcome.connectionFailed) cannotRun('not provisioned, the app could not be reached', r.error ? errorText(r.error) : r.reason, outcome.exchanges.at(-1), t);
  return outcome.provisioned ? 0 : outcome.connectionFailed ? 2 : 1;
}

async function testConnectionCommand(flags: IdpFlags): Promise<number> {
  const t = target(flags);
  const directory = flags.directory ? load(flags.directory) : undefined;
  const result = await testConnection({ ...t, ...(directory ? { directory } : {}) });
  for (const x of result.exchanges) stdout.write(`  ${x.request.method} ${x.request.url} → ${x.response?.status ?? x.transportError?.code}\n`);
  stdout.write(`${result.ok ? '✓' : '✗'} ${result.message}\n`);
  if (!result.ok) cannotRun('the connection test failed', result.message, result.exchanges.at(-1), t);
  return result.ok ? 0 : 2;
}

async function importCommand(flags: IdpFlags & { confirm?: boolean; importPaging?: string }): Promise<number> {
  const t = target(flags);
  const paging = flags.importPaging;
  if (paging !== undefined && !(IMPORT_PAGING as readonly string[]).includes(paging)) throw new UsageError(`--import-paging ${paging}: expected ${IMPORT_PAGING.join(' or ')} (where Okta's import asks next after a page shorter than the count asked)`);
  // Without --dialect it ran Okta's import under the entra label (and read no groups).
  if (!t.dialect.startsWith('okta')) throw new UsageError(`idp import is Okta's Import; Entra has none (it matches each user by its matching attribute in the first cycle: idp sync, or idp provision --user for one): pass --dialect okta, okta-aiw or okta-oig`);
  const engine = openEngine({ ...flags, log: false, html: false, schemaCheck: false }, t, load(flags.directory!), { cycles: false });
  try {
    const { users, groups } = await engine.importFromApp({ confirm: flags.confirm ?? false, ...(paging ? { paging: paging as ImportPaging } : {}) });
    stdout.write(`scimproof idp import · ${t.dialect} → ${t.url} · ${users.exchanges.length + groups.exchanges.length} request(s)\n`);
    for (const line of [...importReportLines(users), ...(groups.scanned || groups.error ? importReportLines(groups) : [])]) stdout.write(`${line}\n`);
    if (!flags.confirm && users.matched.length > 0) stdout.write(`confirm with --confirm to link the ${users.matched.length} matched user(s) (nothing is sent to the app)\n`);
    const failed = users.error ? users : groups.error ? groups : undefined;
    if (failed) cannotRun(`the import of ${failed.kind} stopped`, errorText(failed.error!), failed.exchanges.at(-1), t);
    return failed ? 2 : users.conflicts.length + groups.conflicts.length > 0 || users.missed || groups.missed ? 1 : 0;
  } finally {
    await engine.close();
  }
}

/** Objects that did not arrive listed by `idp log --cycle N` (the rest are in the HTML pages). */
const NOT_ARRIVED_SHOWN = 200;

async function logCommand(flags: { user?: string; cycle?: string; verbose?: boolean; out?: string }): Promise<number> {
  const dir = flags.out ?? DEFAULT_OUT_DIR;
  const cycles = readCycleSummaries(dir);
  // A cycle the process never finished (killed, crashed) has no summary, but its objects are logged.
  const interrupted = await readInterruptedCycles(dir, cycles);
  // Other jobs' logs in folders of their own under the default one (one job per log folder): named,
  // so a reader of the default folder does not take its job's log for theirs.
  const others = flags.out === undefined ? jobFoldersUnder(dir) : [];
  const otherJobs = others.map((o) => `  ${describeJob(o.job)}: \`scimproof idp log --out ${o.dir}\``).join('\n');
  if (cycles.length === 0 && interrupted.length === 0) {
    if (others.length > 0) throw new RunError(`no provisioning log in ${dir} itself; the logs of these jobs are in folders under it:\n${otherJobs}`);
    // Files that are there but hold nothing readable are not "no log": said, with the line at fault.
    const unreadable = unreadableLog(dir);
    if (unreadable) throw new RunError(`the provisioning log in ${dir} cannot be read: ${unreadable}; was it edited or cut short? \`scimproof idp sync --out <another folder>\` starts a new one`);
    throw new RunError(`no provisioning log in ${dir} (run \`scimproof idp sync\` first, or pass --out)`);
  }
  const owner = jobOfLogFolder(dir);
  const otherJobsNote = others.length > 0 ? `this is the log of ${owner ? describeJob(owner) : 'the first job that wrote here'}; other jobs log in folders of their own:\n${otherJobs}\n` : '';
  const cycle = flags.cycle !== undefined ? Math.round(number(flags.cycle, '--cycle', 1, 1e9)) : undefined;
  if (cycle !== undefined && !cycles.some((s) => s.cycle === cycle) && !interrupted.some((i) => i.cycle === cycle)) {
    // Said, not an empty listing that reads as a cycle with nothing in it.
    const numbers = [...cycles.map((s) => s.cycle), ...interrupted.map((i) => i.cycle)].sort((a, b) => a - b);
    throw new RunError(`no cycle ${cycle} in the provisioning log in ${dir}: it holds cycle${numbers.length === 1 ? '' : 's'} ${numbers.length > 6 ? `${numbers[0]} to ${numbers.at(-1)}` : numbers.join(', ')}`);
  }
  const out = stdout;
  if (flags.user === undefined) {
    const cycleLines = cycles.map((s) => {
      const c = s.counts;
      return { at: s.startedAt, cycle: s.cycle, text: `${s.onDemand ? `on demand ${s.onDemand.user}: ${s.onDemand.outcome}` : `cycle ${s.cycle}: ${s.status}`} · ${s.startedAt} · ${s.requests} request(s) · ${countsText(c)}${s.stopReason ? ` · ${s.stopReason}` : ''}` };
    });
    const interruptedLines = interrupted.map((i) => ({ at: i.startedAt, cycle: i.cycle, text: `cycle ${i.cycle}: interrupted · ${i.startedAt} · ${i.requests} request(s) · ${i.objects} object(s) logged, ${i.notArrived} of them not arrived · the process ended before the cycle did (killed or crashed), so it has no summary; the state kept every object it finished` }));
    const listed = [...cycleLines, ...interruptedLines].sort((a, b) => a.at.localeCompare(b.at));
    for (const l of listed) if (cycle === undefined || l.cycle === cycle) out.write(`${l.text}\n`);
    // One cycle asked for: every object of it that did not arrive, with its reason (the counts alone
    // do not say which user was skipped, or why).
    if (cycle !== undefined) {
      const notArrived = (await collectLog(dir, { cycle, cyclesOnly: true })).filter((e) => e.outcome !== 'success');
      for (const e of notArrived.slice(0, NOT_ARRIVED_SHOWN)) out.write(`${objectLine(e)}\n`);
      if (notArrived.length > NOT_ARRIVED_SHOWN) out.write(`  … and ${notArrived.length - NOT_ARRIVED_SHOWN} more; \`idp log --user <name>\` gives one object's history\n`);
    }
    // A first cycle that never finished wrote no pages.
    if (existsSync(join(dir, 'index.html'))) out.write(`pages: ${dir}/index.html\n`);
    out.write(otherJobsNote);
    return 0;
  }
  let entries = await collectLog(dir, { object: flags.user, ...(cycle !== undefined ? { cycle } : {}) });
  if (entries.length === 0) {
    // A name given in part (`erin`, as the console's log filter takes it): the one object it names,
    // or the objects it could mean; never "nothing logged" for a user whose history is there.
    const like = await objectsNamedLike(dir, flags.user, cycle !== undefined ? { cycle } : {});
    if (like.length === 1) entries = await collectLog(dir, { object: like[0]!.id, ...(cycle !== undefined ? { cycle } : {}) });
    else if (like.length > 1) {
      const shown = like.slice(0, 10).map((o) => `${o.objectType === 'group' ? 'group ' : ''}${o.display} (${o.id})`).join(', ');
      out.write(`no object is named "${flags.user}" exactly; ${like.length > 10 ? 'more than 10' : like.length} have it in their name or id: ${shown}${like.length > 10 ? ', …' : ''}: give one of them to --user\n`);
      out.write(otherJobsNote);
      return 1;
    }
  }
  if (entries.length === 0) {
    out.write(`nothing logged for "${flags.user}" in ${cycles.length + interrupted.length} cycle(s): unchanged objects are not logged, and a never-provisioned user is logged only when it is first evaluated or changes\n`);
    out.write(otherJobsNote);
    return 1;
  }
  out.write(`${entries[0]!.objectType === 'group' ? 'group' : 'user'} ${entries[0]!.display} (${entries[0]!.id}) · ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}\n`);
  for (const e of entries) for (const line of historyLines(e, flags.verbose ?? false)) out.write(`${line}\n`);
  return 0;
}

function openState(flags: IdpFlags, t: Target): StateStore {
  const directory = load(flags.directory!);
  try {
    return StateStore.open(statePathOf(flags, t), { dialect: t.dialect, target: t.url, directory: directory.file });
  } catch (error) {
    if (error instanceof StateError) throw new RunError(error.message);
    throw error;
  }
}

function tasksCommand(flags: IdpFlags & { retry?: string }): number {
  const t = target(flags);
  const state = openState(flags, t);
  const out = stdout;
  try {
    const entries = Object.values(state.state.escrow);
    if (flags.retry !== undefined) {
      const named = tasksNamed(state.state.escrow, flags.retry);
      for (const key of named.keys) state.setEscrow(key, { ...state.state.escrow[key]!, retryRequested: true });
      const n = named.keys.length;
      state.compact();
      if (named.several) {
        out.write(`no Okta task is named "${flags.retry}" exactly; ${named.several.length} have it in their name or id: ${named.several.map((e) => `${e.display ?? e.id} (${e.id})`).join(', ')}: give one of them to --retry, or all\n`);
        return 1;
      }
      if (n === 0 && !t.dialect.startsWith('okta')) {
        // Entra's escrow has no Retry button: say what does retry the object, not "no Okta task".
        const wanted = flags.retry.toLowerCase();
        const escrowed = entries.filter((e) => !e.task && (wanted === 'all' || e.id === flags.retry || e.display?.toLowerCase() === wanted));
        const what = escrowed.length === 0 ? `nothing in escrow matches "${flags.retry}"; ` : escrowed.length === 1 ? `${escrowed[0]!.display ?? escrowed[0]!.id} waits in Entra's escrow${escrowed[0]!.nextRetryAt ? ` until ${escrowed[0]!.nextRetryAt}` : ''}; ` : `${escrowed.length} objects wait in Entra's escrow; `;
        out.write(`${what}--retry is Okta's Retry for its admin task list: Entra has none. Entra retries at once an object that changes in the directory; \`scimproof idp provision --user …\` provisions one user now, and \`scimproof idp restart\` clears the escrow for the next cycle\n`);
        return 1;
      }
      const tasks = entries.filter((e) => e.task);
      out.write(n > 0 ? `${n} task(s) will be retried at the next cycle\n` : `no Okta task matches "${flags.retry}"${tasks.length === 0 ? ': the task list is empty' : `; the tasks: ${tasks.map((e) => `${e.display ?? e.id} (${e.id})`).join(', ')}`}\n`);
      return n > 0 ? 0 : 1;
    }
    if (entries.length === 0) out.write('nothing is waiting: no escrowed objects, no tasks\n');
    for (const e of entries) {
      const when = e.task ? `Okta task since ${e.firstFailedAt}${e.retryRequested ? ' (retry requested)' : ''}` : `escrow, attempt ${e.attempts}, next retry ${e.nextRetryAt ?? 'at the next cycle'}`;
      out.write(`  ${e.objectType} ${e.display ?? e.id} · ${e.action} · ${when}: ${errorText(e.lastError)}\n`);
    }
    for (const line of knownAppGroupLines(state)) out.write(`${line}\n`);
    return 0;
  } finally {
    state.close();
  }
}

/**
 * Okta's remembered app groups (pushed then unlinked, or imported): not a task, but what decides
 * whether the next push of that name links a group or creates one, so `idp tasks` shows them.
 */
function knownAppGroupLines(state: StateStore): string[] {
  const known = state.knownAppGroups();
  if (known.length === 0) return [];
  return [
    `Okta's list of the app's groups it does not push (${known.length}): a push of a group of one of these names links that app group (Link Group: GET /Groups/{id}, then its members) instead of creating another`,
    ...known.map((g) => `  group ${printable(g.displayName)} (app id ${printable(g.id)})`),
  ];
}

function allowDeletesCommand(flags: IdpFlags): number {
  const t = target(flags);
  const state = openState(flags, t);
  try {
    if (state.state.quarantine?.reason !== 'TooManyDeletes') {
      stdout.write(`nothing is held: the job is not quarantined for too many deletes${state.state.quarantine ? ` (it is quarantined: ${state.state.quarantine.reason})` : ''}; nothing changed\n`);
      return 1;
    }
    state.setMeta({ allowDeletes: true });
    state.compact();
    stdout.write(`the next \`scimproof idp sync\` sends the disables and deletes that were held (${state.state.quarantine.message.split(';')[0]})\n`);
    return 0;
  } finally {
    state.close();
  }
}

function restartCommand(flags: IdpFlags & { full?: boolean }): number {
  const t = target(flags);
  const state = openState(flags, t);
  try {
    state.setMeta({ pendingRestart: { reason: flags.full ? 'restarted with a full reset: links to app objects were broken, every user is matched again' : 'Restart provisioning: escrows, quarantine and the watermark were cleared', full: flags.full ?? false } });
    state.compact();
    stdout.write(`the next \`scimproof idp sync\` runs an initial cycle${flags.full ? ' and matches every user again' : ''}\n`);
    return 0;
  } finally {
    state.close();
  }
}
