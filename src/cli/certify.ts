// `scimproof certify entra-gallery|okta-oin`: a programme's certification tests, offline, against
// an endpoint (or the embedded reference server with OAuth, federation and entitlements on). It
// writes the usual reports (plus, for Entra, the result JSON in Microsoft's shape), prints the
// programme's verdict test by test, and exits 0 only when the programme — and scimproof's
// stricter auth checks — would pass.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { microsoftResult } from '../certify/microsoft-result.ts';
import { PROGRAMMES, runCertification, testNames, type FederationTarget, type ProgrammeName } from '../certify/run.ts';
import type { CertifySettings } from '../certify/env.ts';
import { DEFAULT_IDENTITY_FILE, DEFAULT_ISSUER_PORT } from '../federation/identity.ts';
import type { CertificationReport, ProgrammeTestStatus } from '../record/types.ts';
import { randomSeed } from '../util/random.ts';
import { RunError, UsageError } from './errors.ts';
import { announceAndLoad } from './announce.ts';
import type { ReportFlags } from './execute.ts';
import { loadIdentity, parsePort } from './federation.ts';
import { addTargetOptions, MAX_SEED, parseMaxTime, parsePositiveInt, parseSettle, readConfig, resolveTarget, SETTLE_HELP, splitList, type TargetFlags } from './options.ts';
import { addReportOptions } from './run.ts';
import { printable } from '../util/printable.ts';

interface CertifyFlags extends TargetFlags, ReportFlags {
  seed?: string;
  matching?: string;
  expiredToken?: string;
  expiryWait?: string;
  mappedAttributes?: string;
  rateDuration?: string;
  entitlements?: boolean;
  federationTokenUrl?: string;
  federationClientId?: string;
  federationScope?: string;
  federationIdentity: string;
  federationIssuer?: string;
  federationPort?: string;
  test?: string;
  maxTime?: string;
  settle?: string;
}

export const MICROSOFT_RESULT_FILE = 'entra-validation-result.json';

export function registerCertify(program: Command): void {
  const command = program
    .command('certify')
    .description("pre-flight a certification programme offline: Microsoft's Entra app gallery validation or Okta's OIN SCIM tests, test by test, with their auth")
    .argument('<programme>', `${PROGRAMMES.join(' or ')}`);
  addTargetOptions(command)
    .option('--test <names>', "run only these programme tests, comma-separated (e.g. Create_User_Test); the verdict is then partial")
    .option('--seed <n>', 'seed for every random choice')
    .option('--max-time <duration>', 'whole-run time budget, e.g. 15m, 90s (default 15m; 0 = no limit): then the pre-flight stops, cleans up, reports the tests it did not reach and exits 3')
    .option('--settle <duration>', SETTLE_HELP)
    .option('--matching <attribute>', 'attribute the IdP matches users by (default userName)')
    .option('--expired-token <token>', 'a token your server issued that has expired since (checks it is refused); redacted')
    .option('--expiry-wait <seconds>', 'wait for a fresh token to expire when it lives at most this long (default 10)')
    .option('--mapped-attributes <attrs>', "entra: the attributes your Entra mapping targets, for Schema_Discoverability_Test (default: Entra's default mapping)")
    .option('--rate-duration <seconds>', 'entra: length of the 25 requests/s burst (default 3)')
    .option('--entitlements', 'okta: require Okta entitlements (fail when /ResourceTypes publishes none)')
    .option('--federation-token-url <url>', 'entra: your token endpoint for workload identity federation (client assertions)')
    .option('--federation-client-id <id>', 'entra: the client id your token endpoint expects with the assertion')
    .option('--federation-scope <scope>', 'entra: scope sent with the assertion (default scim)')
    .option('--federation-identity <file>', 'entra: tenant, subject, audience and signing key scimproof signs with (shared with `federation serve`)', DEFAULT_IDENTITY_FILE)
    .option('--federation-issuer <url>', 'entra: an issuer already serving that identity (`scimproof federation serve`); else this run serves one')
    .option('--federation-port <port>', `entra: port of the issuer this run serves (default ${DEFAULT_ISSUER_PORT}: the URL your token endpoint trusts)`);
  addReportOptions(command, 'check').action(async (programme: string, flags: CertifyFlags) => {
    process.exitCode = await certifyCommand(programme, flags);
  });
}

function seconds(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number of seconds between ${min} and ${max}, got "${raw}"`);
  return n;
}

async function federationTarget(flags: CertifyFlags): Promise<FederationTarget | undefined> {
  if (flags.federationTokenUrl === undefined && flags.federationClientId === undefined) return undefined;
  if (flags.federationTokenUrl === undefined || flags.federationClientId === undefined) throw new UsageError('workload identity federation needs --federation-token-url and --federation-client-id');
  for (const [name, value] of [['--federation-token-url', flags.federationTokenUrl], ['--federation-issuer', flags.federationIssuer]] as const) {
    if (value !== undefined && !/^https?:\/\/\S+$/i.test(value)) throw new UsageError(`${name} must be an http(s) URL, got "${value}"`);
  }
  const { identity } = await loadIdentity(flags.federationIdentity);
  return {
    tokenUrl: flags.federationTokenUrl,
    clientId: flags.federationClientId,
    scope: flags.federationScope ?? 'scim',
    identity,
    ...(flags.federationIssuer ? { issuer: flags.federationIssuer } : { issuerPort: parsePort(flags.federationPort ?? String(DEFAULT_ISSUER_PORT)) }),
  };
}

export async function certifyCommand(programmeArg: string, flags: CertifyFlags): Promise<number> {
  if (!PROGRAMMES.includes(programmeArg as ProgrammeName)) throw new UsageError(`unknown programme "${programmeArg}" (known: ${PROGRAMMES.join(', ')})`);
  const programme = programmeArg as ProgrammeName;
  const config = readConfig(flags.config);
  const target = resolveTarget(flags, config);
  const seed = parsePositiveInt(flags.seed, '--seed', randomSeed(), MAX_SEED);
  const maxTimeMs = parseMaxTime(flags.maxTime ?? config.maxTime);
  const settle = parseSettle(flags.settle);
  const federation = await federationTarget(flags);
  if (federation && !target.url) throw new UsageError('--federation-* options need --url: the embedded server already trusts a federation issuer of its own');
  const tests = flags.test ? splitList(flags.test) : undefined;
  const unknownTest = tests?.find((t) => !testNames(programme).includes(t));
  if (unknownTest) throw new UsageError(`--test: ${programme} has no test "${unknownTest}" (its tests: ${testNames(programme).join(', ')})`);
  const settings: Partial<CertifySettings> = {
    ...(tests ? { tests } : {}),
    ...(flags.expiredToken ? { expiredToken: flags.expiredToken } : {}),
    expiryWaitSeconds: seconds(flags.expiryWait, '--expiry-wait', 10, 0, 120),
    rateSeconds: seconds(flags.rateDuration, '--rate-duration', 3, 1, 30),
    ...(flags.mappedAttributes ? { mappedAttributes: splitList(flags.mappedAttributes) } : {}),
    ...(flags.entitlements ? { entitlements: true } : {}),
  };
  const secrets = [...target.secrets, ...(flags.expiredToken ? [flags.expiredToken] : [])];
  const banner = `scimproof certify ${programme} · target ${target.url ?? 'embedded reference server (OAuth, federation and Okta entitlements on)'} · seed ${seed}`;
  const { execute, exitCodeOf } = await announceAndLoad({ ...target, secrets }, banner, flags);
  let execution;
  try {
    execution = await execute({ ...target, secrets }, flags, config.out, { suites: [], seed, ...(flags.matching ? { matchingAttribute: flags.matching } : {}), ...(maxTimeMs !== undefined ? { maxTimeMs } : {}), ...settle }, (options) =>
      runCertification({ ...options, programme, settings, ...(federation ? { federation } : {}) }),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new RunError(`the federation issuer cannot listen on port ${federation?.issuerPort}: it is in use (stop \`scimproof federation serve\` there and pass --federation-issuer instead, or choose --federation-port)`);
    throw error;
  }
  const report = execution.record.certification;
  if (report) {
    printReport(report);
    if (programme === 'entra-gallery') {
      const file = join(execution.outDir, MICROSOFT_RESULT_FILE);
      await writeFile(file, `${JSON.stringify(microsoftResult(execution.record, report), null, 2)}\n`);
      process.stdout.write(`Microsoft-shaped result: ${file}\n`);
    }
  }
  const code = exitCodeOf(execution);
  if (code !== 0 && code !== 1) return code;
  if (!report) return 2;
  if (report.partial) return report.tests.some((t) => t.status === 'failed' || t.status === 'error') ? 1 : 0;
  return report.passes && report.passesStrict ? 0 : 1;
}

const MARK: Record<ProgrammeTestStatus, string> = { passed: '✓', failed: '✗', warning: '!', skipped: '-', error: '?' };

function printReport(report: CertificationReport): void {
  // A test's reason quotes the server's answer: its terminal controls print as escapes.
  const out = { write: (text: string): boolean => process.stdout.write(printable(text)) };
  out.write(`\n${report.label}\n`);
  let group = '';
  for (const t of report.tests) {
    if (t.group !== group) {
      group = t.group;
      out.write(`  ${group}\n`);
    }
    const tail = t.status === 'passed' ? '' : t.notReached ? ` — NOT REACHED: ${t.reason.replace(/^not reached: /, '')}` : ` — ${t.status.toUpperCase()}: ${t.reason}`;
    out.write(`    ${t.notReached ? '·' : MARK[t.status]} ${t.name}${t.category === 'optional' ? ' (optional)' : ''}${tail}\n`);
    if (t.advice) out.write(`        note: ${t.advice}\n`);
  }
  out.write(`${report.partial || report.incomplete ? '·' : report.passes && report.passesStrict ? '✓' : '✗'} ${report.headline}\n`);
}
