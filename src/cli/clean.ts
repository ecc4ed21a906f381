// `scimproof clean`: removes what an earlier run left on a target, and nothing else. Everything a
// run creates carries its prefix (`spf` and eight hex digits); clean finds what still carries it
// (a `sw` filter, or a listing where the server cannot filter) and deletes that. Locations taken
// from a run record are read first and deleted only when they carry the prefix too.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createClient } from '../http/client.ts';
import { redactText } from '../http/redact.ts';
import type { CleanupEntry, RunRecord } from '../record/types.ts';
import { parseRunRecord, RecordShapeError } from '../report/read-record.ts';
import { startCleanPass } from '../runner/cleanup.ts';
import { stopAdvice } from '../idp/stop-advice.ts';
import { resourceTypeOf } from '../runner/sweep.ts';
import { printable } from '../util/printable.ts';
import { UsageError } from './errors.ts';
import { exitCodeForSignal, onInterrupt } from './interrupt.ts';
import { addTargetOptions, MAX_DURATION_MS, parsePositiveInt, readConfig, resolveTarget, type TargetFlags } from './options.ts';

interface CleanFlags extends TargetFlags {
  prefix?: string;
  run?: string;
  dryRun?: boolean;
  listing?: boolean;
  maxTime?: string;
}

/** A run prefix as scimproof makes them; anything looser could match someone else's data. */
const PREFIX = /^spf[0-9a-f]{8}-?$/i;
const DEFAULT_MAX_TIME_S = 300;

export function registerClean(program: Command): void {
  const command = program
    .command('clean')
    .description("delete what an earlier run left on a target: only resources whose userName, displayName or externalId carries the run's prefix");
  addTargetOptions(command, 'SCIM base URL (env SCIM_BASE_URL); with --run, the run\'s target by default')
    .option('--prefix <prefix>', 'the run prefix to remove, e.g. spf1a2b3c4d- (printed in the report as Prefix)')
    .option('--run <run.json>', "take the target, the prefix and the leftover locations from an earlier run's record")
    .option('--dry-run', 'list what would be deleted, delete nothing (exit 1 when something would be)')
    .option('--listing', 'read the whole listing instead of filtering by prefix (for servers whose filter misses some)')
    .option('--max-time <seconds>', `give up after this long (default ${DEFAULT_MAX_TIME_S})`)
    .action(async (flags: CleanFlags) => {
      process.exitCode = await cleanCommand(flags);
    });
}

async function readRun(file: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `run record not found: ${file}` : `cannot read ${file}: ${code ?? String(error)}`);
  }
  try {
    return parseRunRecord(text);
  } catch (error) {
    if (error instanceof RecordShapeError) throw new UsageError(`${file} is not a scimproof run record: ${error.message}`);
    throw error;
  }
}

const DRY_RUN = 'dry run: would be deleted';
const LINE: Record<CleanupEntry['status'], string> = { deleted: 'deleted', gone: 'already gone', failed: 'NOT deleted', kept: 'left alone' };

function entryLine(e: CleanupEntry): string {
  const dry = e.message === DRY_RUN;
  const why = e.message && !dry ? ` — ${e.message}` : '';
  return `  ${dry ? 'would delete' : LINE[e.status]} ${e.resourceType}${e.name ? ` ${e.name}` : ''} ${e.location}${why}\n`;
}

export async function cleanCommand(flags: CleanFlags, sink: { write(text: string): unknown } = process.stdout): Promise<number> {
  // Lines carry a server's names, Locations and error details: terminal controls print as escapes.
  const out = { write: (text: string): unknown => sink.write(printable(text)) };
  const record = flags.run ? await readRun(flags.run) : undefined;
  if (record?.meta.embedded) throw new UsageError(`${flags.run} is a run against the embedded reference server, which is gone with its data; there is nothing to clean`);
  const config = readConfig(flags.config);
  const target = resolveTarget({ ...flags, ...(flags.url === undefined && record ? { url: record.meta.target } : {}) }, config);
  if (!target.url) throw new UsageError('give the target with --url (or --run run.json)');
  const rawPrefix = flags.prefix ?? record?.meta.prefix;
  if (!rawPrefix) throw new UsageError('give the run prefix with --prefix (or --run run.json)');
  if (!PREFIX.test(rawPrefix)) throw new UsageError(`--prefix "${redactText(rawPrefix)}" is not a scimproof run prefix (spf and eight hex digits, e.g. spf1a2b3c4d-); clean removes nothing else`);
  const prefix = rawPrefix.endsWith('-') ? rawPrefix.toLowerCase() : `${rawPrefix.toLowerCase()}-`;
  const maxTimeMs = parsePositiveInt(flags.maxTime, '--max-time', DEFAULT_MAX_TIME_S, MAX_DURATION_MS / 1000) * 1000;

  const interrupt = onInterrupt('stopping after the request in flight');
  const client = createClient({ baseUrl: target.url, auth: target.auth, headers: target.headers, timeoutMs: target.timeoutMs, insecure: target.insecure, secrets: target.secrets, stopSignal: interrupt.signal });
  out.write(`scimproof clean · target ${client.redact(target.url)} · prefix ${prefix}${flags.dryRun ? ' · dry run: nothing is deleted' : ''}\n`);
  const pass = startCleanPass(client, prefix, {
    deadline: Date.now() + maxTimeMs,
    giveUpAfterTimeouts: 3,
    ...(flags.dryRun ? { dryRun: true } : {}),
    onEntry: (e) => out.write(entryLine(e)),
  });
  try {
    const base = client.baseUrl;
    // Locations an earlier run could not delete; read first, deleted only when they carry the prefix.
    const recorded = [...(record?.leftovers ?? []).flatMap((l) => (l.location ? [l.location] : [])), ...(record?.cleanup ?? []).filter((c) => c.status === 'failed' || c.status === 'kept').map((c) => c.location)];
    for (const location of new Set(recorded.filter((l) => l.startsWith(`${base}/`) && !l.includes('[redacted]')))) {
      if (interrupt.signal.aborted) break;
      const collection = location.slice(0, location.lastIndexOf('/'));
      await pass.removeAt(location, resourceTypeOf(collection));
    }
    for (const path of ['/Users', '/Groups']) {
      if (interrupt.signal.aborted) break;
      await pass.sweepCollection(client.resolve(path), [], flags.listing ?? false);
    }
  } finally {
    interrupt.dispose();
    await client.close();
  }
  const count = (status: CleanupEntry['status']): number => pass.entries.filter((e) => e.status === status).length;
  const would = pass.entries.filter((e) => e.message === DRY_RUN).length;
  const summary = flags.dryRun ? `${would} would be deleted` : `${count('deleted')} deleted, ${count('gone')} already gone, ${pass.leftovers.length} could not be deleted`;
  out.write(`${summary}${pass.notes.length > 0 ? `; ${pass.notes.join('; ')}` : ''}\n`);
  if (interrupt.received) return exitCodeForSignal(interrupt.received);
  for (const l of pass.leftovers) process.stderr.write(printable(`scimproof: still there: ${l.resourceType} ${l.name ?? ''} ${l.location ?? ''} — ${l.reason}\n`));
  if (pass.leftovers.length > 0) return 2;
  if (pass.notes.length > 0) {
    // What to change, from the first request that did not list (a 401: the token; a redirect: the URL).
    const failed = client.exchanges.find((x) => x.transportError || (x.response && (x.response.status >= 300 || x.response.json === undefined)));
    const advice = stopAdvice(failed, client.names, client.usesOAuth === true);
    process.stderr.write(printable(`scimproof: the target could not be searched completely (${pass.notes.join('; ')}); what was found is ${flags.dryRun ? 'listed' : 'deleted'}, more may remain${advice ? `; ${advice}` : ''}\n`));
    return 2;
  }
  if (pass.entries.length === 0) out.write(`nothing on the target carries the prefix ${prefix}\n`);
  // A dry run is how CI asks "is anything left?": resources with the prefix are an answer to act on
  // (exit 1, as a failed check), not a success; 2 stays for "could not delete or search".
  if (flags.dryRun && would > 0) return 1;
  return 0;
}
