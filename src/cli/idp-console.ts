// `scimproof idp console`: the mock IdP as a long-running local service with a web page — Entra's
// provisioning page on localhost — and an admin API. Loaded only when this command runs (idp.ts
// imports it on demand). Everything a person can get wrong before the page opens (the directory
// file, the target's address, the port) ends here with one line and exit code 2.
import { ConsoleError, ConsoleService } from '../console/service.ts';
import { DirectorySource } from '../console/directory-source.ts';
import { ConsoleStartError, startConsole } from '../console/server.ts';
import { IdpEngine } from '../idp/engine.ts';
import { testConnection } from '../idp/run.ts';
import { LogFolderError } from '../idp/log/writer.ts';
import { StateError } from '../idp/state.ts';
import { RunError, UsageError } from './errors.ts';
import { behaviour, load, logDirOf, number, statePathOf, target, thresholds, type ConsoleFlags, type IdpFlags } from './idp.ts';
import { exitCodeForSignal, onInterrupt, type Interrupt } from './interrupt.ts';

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new UsageError(`--port must be a port number from 0 to 65535, got "${text}"`);
  return n;
}

export async function consoleCommand(flags: IdpFlags & ConsoleFlags): Promise<number> {
  // Ctrl-C, SIGTERM or SIGHUP: the running cycle ends after the objects in progress, the page and
  // the job close, and the command exits 128 + the signal's number (a second signal quits at once).
  const interrupt = onInterrupt('stopping the console after the objects in progress');
  try {
    return await serveConsole(flags, interrupt);
  } finally {
    interrupt.dispose();
  }
}

async function serveConsole(flags: IdpFlags & ConsoleFlags, interrupt: Interrupt): Promise<number> {
  const t = target(flags);
  const file = flags.directory!;
  const listenPort = port(flags.port);
  const intervalSeconds = number(flags.interval ?? '40', '--interval', 1, 7 * 24 * 3600);
  if (flags.consoleToken !== undefined && flags.consoleToken.trim().length < 8) throw new UsageError('--console-token must be at least 8 characters');
  const directory = load(file);
  const out = process.stdout;
  if (t.auth.kind === 'none') process.stderr.write('scimproof: no credentials given (--token, SCIM_TOKEN or --basic); sending requests without authentication\n');

  // Test Connection before the page opens: an address nothing answers at is a typo or a server
  // not started yet; any answer at all (even a 401) lets the console start and show it.
  const probe = await testConnection({ ...t, directory });
  const unreachable = probe.exchanges.find((x) => x.transportError);
  if (!probe.ok && unreachable) throw new RunError(`cannot reach ${t.url}: ${unreachable.transportError!.message}; start the SCIM server first, or check --url`);
  if (!probe.ok) process.stderr.write(`scimproof: warning: Test Connection failed: ${probe.message}; the console starts anyway and shows it\n`);

  let engine: IdpEngine;
  try {
    engine = new IdpEngine({
      ...t,
      directory,
      statePath: statePathOf(flags, t),
      fresh: flags.fresh ?? false,
      logDir: logDirOf(flags, t, directory),
      html: flags.html !== false,
      thresholds: thresholds(flags),
      behaviour: behaviour(flags),
      intervalSeconds,
      signal: interrupt.signal,
      ...(flags.concurrency !== undefined ? { concurrency: Math.round(number(flags.concurrency, '--concurrency', 1, 256)) } : {}),
    });
  } catch (error) {
    if (error instanceof StateError || error instanceof LogFolderError) throw new RunError(error.message);
    throw error;
  }
  const source = new DirectorySource({ path: file, directory, write: flags.write !== false });
  const service = new ConsoleService({ engine, directory: source, target: t, schemaCheck: flags.schemaCheck !== false });
  service.connection = {
    at: new Date().toISOString(),
    ok: probe.ok,
    message: probe.message,
    requests: probe.exchanges.map((x) => ({ method: x.request.method, url: x.request.url, ...(x.response ? { status: x.response.status } : {}), ...(x.transportError ? { error: x.transportError.code } : {}) })),
  };
  const check = await service.checkMappings();
  for (const problem of check?.problems ?? []) process.stderr.write(`scimproof: warning: ${problem}\n`);

  let running;
  try {
    running = await startConsole({ service, host: flags.host, port: listenPort, ...(flags.consoleToken !== undefined ? { token: flags.consoleToken } : {}) });
  } catch (error) {
    await service.close();
    if (error instanceof ConsoleStartError) throw new RunError(error.message);
    throw error;
  }

  const watching = new AbortController();
  try {
    source.watch(watching.signal);
    service.on('directory', (change) => out.write(`directory: ${change.message}\n`));
    service.on('problem', (message) => process.stderr.write(`scimproof: ${message} (the console keeps the last valid directory)\n`));
    service.on('failure', (message) => process.stderr.write(`scimproof: ${message}\n`));
    service.on('cycle-end', (s) => {
      const c = s.counts;
      out.write(`cycle ${s.cycle}: ${s.status} · created ${c.created} · updated ${c.updated} · disabled ${c.disabled} · deleted ${c.deleted} · skipped ${c.skipped} · failed ${c.failed}${s.stopReason ? ` · ${s.stopReason}` : ''}\n`);
    });
    service.on('on-demand', (run) => out.write(`on demand: ${run.entry.display} ${run.provisioned ? 'provisioned' : 'not provisioned'} — ${run.entry.reason}\n`));

    out.write(`scimproof idp console · ${t.dialect} → ${t.url} · directory ${source.file} (${source.write ? 'edits are saved to the file' : 'edits are kept in memory: --no-write'})\n`);
    out.write(`  open     ${running.openUrl}\n`);
    if (running.token) out.write(`  token    ${running.token} (every page and API request needs it: Authorization: Bearer <token>)\n`);
    out.write(`  API      ${running.url}/api (JSON; listed there, documented in docs/mock-idp.md)\n`);
    out.write(`  log      ${engine.log ? engine.log.paths.jsonl : 'none (--no-log)'} · state ${statePathOf(flags, t)}\n`);
    if (flags.start) out.write(`  ${service.start()}\n`);
    else out.write(`  provisioning is off: assign a test user, then Start provisioning (or pass --start); cycles run every ${intervalSeconds} s once on\n`);
    out.write('Press Ctrl-C to stop.\n');
    if (!interrupt.signal.aborted) await new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }));
  } catch (error) {
    if (error instanceof ConsoleError) throw new RunError(error.message);
    throw error;
  } finally {
    watching.abort();
    await running.close();
  }
  return interrupt.received ? exitCodeForSignal(interrupt.received) : 0;
}
