// `scimproof idp …`: the mock IdP. `sync` runs provisioning cycles from a directory file the way
// Entra or Okta would (once, on every change with --watch, or on a schedule with --interval),
// `provision --user` provisions one user on demand, `test-connection` sends the IdP's probe.
import type { Command } from 'commander';
import type { DialectName } from '../dialects/index.ts';
import { DirectoryError, loadDirectory } from '../idp/directory.ts';
import { consoleSummary, objectLine } from '../idp/log.ts';
import { DOCUMENTED_THRESHOLDS, type QuarantineThresholds } from '../idp/quarantine.ts';
import { checkDialect, defaultStatePath, DEFAULT_OUT_DIR, syncOnce, testConnection, type SyncRunOptions, type TargetOptions } from '../idp/run.ts';
import { runLoop } from '../idp/schedule.ts';
import { StateError } from '../idp/state.ts';
import { OnDemandError } from '../idp/sync.ts';
import type { CycleResult, ObjectResult } from '../idp/types.ts';
import { RunError, UsageError } from './errors.ts';
import { onInterrupt } from './interrupt.ts';
import { addTargetOptions, readConfig, resolveTarget, type TargetFlags } from './options.ts';

interface IdpFlags extends TargetFlags {
  directory?: string;
  dialect: string;
  state?: string;
  fresh?: boolean;
  out?: string;
  log: boolean;
  rate?: string;
  concurrency?: string;
  watch?: boolean;
  interval?: string;
  quarantineRatio?: string;
  quarantineMin?: string;
  quiet?: boolean;
  user?: string;
}

/** Lines of progress per cycle before the console only counts (the summary still lists failures). */
const LIVE_LINES = 60;

function addIdpTargetOptions(command: Command): Command {
  return addTargetOptions(command, 'SCIM base URL of the app, e.g. http://127.0.0.1:8080/scim/v2 (env SCIM_BASE_URL)')
    .option('--dialect <dialect>', 'which IdP to be: entra, entra-compliant, okta, okta-aiw, okta-oig', 'entra');
}

function addCycleOptions(command: Command): Command {
  return command
    .requiredOption('--directory <file>', 'directory fixture (users, groups, assignments, scoping, mappings); see fixtures/directories/')
    .option('--state <file>', 'state file of what was provisioned (default .scimproof/idp/<directory>.<dialect>.<hash>.state.json)')
    .option('--fresh', 'forget the state file and start as a new provisioning job')
    .option('--out <dir>', `where the provisioning log (provisioning.jsonl) and per-cycle HTML go (default ${DEFAULT_OUT_DIR})`)
    .option('--no-log', 'write no log files (console only)')
    .option('--rate <n>', 'requests per second (Entra gallery apps must sustain 25); default unpaced')
    .option('--concurrency <n>', 'users processed at once (default 1: requests in directory order)')
    .option('--quarantine-ratio <r>', `quarantine when more than this fraction of events fail (default ${DOCUMENTED_THRESHOLDS.ratio})`)
    .option('--quarantine-min <n>', `failures needed before the ratio is evaluated (default ${DOCUMENTED_THRESHOLDS.minFailures}, as documented; use e.g. 5 for a small directory)`)
    .option('--quiet', 'print only the cycle summaries');
}

export function registerIdp(program: Command): void {
  const idp = program.command('idp').description('be Entra ID or Okta on the laptop: sync a directory fixture into a SCIM app');

  addCycleOptions(addIdpTargetOptions(idp.command('sync').description('run a provisioning cycle (or keep running with --watch / --interval)')))
    .option('--watch', 're-sync whenever the directory file changes')
    .option('--interval <seconds>', 'run a cycle every N seconds (Entra runs one about every 40 minutes)')
    .action(async (flags: IdpFlags) => {
      process.exitCode = await syncCommand(flags);
    });

  addCycleOptions(addIdpTargetOptions(idp.command('provision').description('provision one user on demand (Entra "Provision on demand")')))
    .requiredOption('--user <id>', 'the user\'s directory id, userPrincipalName or login')
    .action(async (flags: IdpFlags) => {
      process.exitCode = await syncCommand({ ...flags, watch: false });
    });

  addIdpTargetOptions(idp.command('test-connection').description('send what the IdP\'s Test Connection sends and judge the answer as the IdP does'))
    .option('--directory <file>', 'directory fixture (for its matching attribute)')
    .action(async (flags: IdpFlags) => {
      process.exitCode = await testConnectionCommand(flags);
    });
}

function target(flags: IdpFlags): TargetOptions & { dialect: DialectName } {
  const config = readConfig(flags.config);
  const t = resolveTarget(flags, config);
  if (!t.url) throw new UsageError('give the SCIM base URL of the app with --url (or SCIM_BASE_URL), e.g. --url http://127.0.0.1:8080/scim/v2 from `scimproof serve`');
  let dialect: DialectName;
  try {
    dialect = checkDialect(flags.dialect);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { url: t.url, auth: t.auth, headers: t.headers, timeoutMs: t.timeoutMs, insecure: t.insecure, secrets: t.secrets, dialect, ...(flags.rate !== undefined ? { rate: number(flags.rate, '--rate', 0.01, 10_000) } : {}) };
}

function number(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number between ${min} and ${max}, got "${text}"`);
  return n;
}

function thresholds(flags: IdpFlags): QuarantineThresholds {
  return {
    ...DOCUMENTED_THRESHOLDS,
    ...(flags.quarantineRatio !== undefined ? { ratio: number(flags.quarantineRatio, '--quarantine-ratio', 0, 1) } : {}),
    ...(flags.quarantineMin !== undefined ? { minFailures: Math.round(number(flags.quarantineMin, '--quarantine-min', 1, 10_000_000)) } : {}),
  };
}

const EXIT: Record<CycleResult['status'], number> = { ok: 0, failed: 1, stopped: 2 };

async function syncCommand(flags: IdpFlags): Promise<number> {
  const t = target(flags);
  const file = flags.directory!;
  const options: SyncRunOptions = {
    ...t,
    directoryFile: file,
    statePath: flags.state ?? defaultStatePath(file, t.dialect, t.url),
    fresh: flags.fresh ?? false,
    outDir: flags.log ? (flags.out ?? DEFAULT_OUT_DIR) : null,
    thresholds: thresholds(flags),
    ...(flags.concurrency !== undefined ? { concurrency: Math.round(number(flags.concurrency, '--concurrency', 1, 256)) } : {}),
    ...(flags.user !== undefined ? { onlyUser: flags.user } : {}),
  };
  const intervalSeconds = flags.interval !== undefined ? number(flags.interval, '--interval', 1, 7 * 24 * 3600) : undefined;
  const out = process.stdout;
  if (t.auth.kind === 'none') process.stderr.write('scimproof: no credentials given (--token, SCIM_TOKEN or --basic); sending requests without authentication\n');
  out.write(`scimproof idp ${flags.user !== undefined ? `provision ${flags.user}` : 'sync'} · ${t.dialect} → ${t.url} · directory ${file} · state ${options.statePath}${t.rate ? ` · ${t.rate} req/s` : ''}\n`);

  let code = 0;
  let first = true;
  const one = async (): Promise<void> => {
    let live = 0;
    const onResult = (r: ObjectResult): void => {
      if (flags.quiet || r.outcome === 'skipped' || (r.objectType === 'job' && r.outcome === 'success')) return;
      if (++live <= LIVE_LINES) out.write(`${objectLine(r)}\n`);
      else if (live === LIVE_LINES + 1) out.write('  … (more in the log)\n');
    };
    try {
      const { result, paths } = await syncOnce({ ...options, fresh: first && (options.fresh ?? false), onResult });
      out.write(consoleSummary(result, paths));
      code = EXIT[result.status];
    } catch (error) {
      if (error instanceof DirectoryError || error instanceof StateError || error instanceof OnDemandError) {
        // Under --watch a bad save is reported and the next save is awaited.
        if (flags.watch || intervalSeconds) {
          process.stderr.write(`scimproof: ${error.message}\n`);
          code = 2;
          return;
        }
        throw new RunError(error.message);
      }
      throw error;
    } finally {
      first = false;
    }
  };

  if (!flags.watch && intervalSeconds === undefined) {
    await one();
    return code;
  }
  // Stop after the running cycle; a second Ctrl-C quits at once (the state journal keeps every finished object).
  const interrupt = onInterrupt('stopping after this cycle', ['SIGINT', 'SIGTERM']);
  try {
    await runLoop({
      file,
      watch: flags.watch ?? false,
      ...(intervalSeconds !== undefined ? { intervalSeconds } : {}),
      signal: interrupt.signal,
      cycle: async (trigger) => {
        if (trigger !== 'start') out.write(`\n${trigger === 'change' ? `${file} changed` : 'scheduled cycle'} · ${new Date().toLocaleTimeString()}\n`);
        await one();
        if (!interrupt.signal.aborted) out.write(flags.watch ? `watching ${file} for changes (Ctrl-C to stop)\n` : `next cycle in ${intervalSeconds} s (Ctrl-C to stop)\n`);
      },
    });
  } finally {
    interrupt.dispose();
  }
  return code;
}

async function testConnectionCommand(flags: IdpFlags): Promise<number> {
  const t = target(flags);
  let directory;
  try {
    directory = flags.directory ? loadDirectory(flags.directory) : undefined;
  } catch (error) {
    if (error instanceof DirectoryError) throw new RunError(error.message);
    throw error;
  }
  const result = await testConnection({ ...t, ...(directory ? { directory } : {}) });
  for (const x of result.exchanges) process.stdout.write(`  ${x.request.method} ${x.request.url} → ${x.response?.status ?? x.transportError?.code}\n`);
  process.stdout.write(`${result.ok ? '✓' : '✗'} ${result.message}\n`);
  return result.ok ? 0 : 2;
}
