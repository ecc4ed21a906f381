import type { Command } from 'commander';
import { BaselineError, readBaseline, type Baseline } from '../runner/baseline.ts';
import { writeBaselineAndTell } from './write-baseline.ts';
import { randomSeed } from '../util/random.ts';
import { dialectNames } from '../dialects/index.ts';
import { DEFAULT_SUITES } from '../suite/defaults.ts';
import { chooseProfiles, ProfileError, profileRunOptions, type Profile } from '../suite/profiles.ts';
import { UsageError } from './errors.ts';
import { announceAndLoad, consoleFor } from './announce.ts';
import type { ReportFlags } from './execute.ts';
import { addTargetOptions, collect, MAX_SEED, parseMaxTime, parsePositiveInt, parseSettle, parseShardFlag, readConfig, resolveTarget, SETTLE_HELP, SHARD_HELP, splitList, type TargetFlags } from './options.ts';


interface RunFlags extends TargetFlags, ReportFlags {
  suite?: string;
  settle?: string;
  only?: string[];
  skip?: string[];
  seed?: string;
  require?: string;
  profile?: string;
  dialect?: string;
  matching?: string;
  baseline?: string;
  writeBaseline?: string;
  shard?: string;
  maxTime?: string;
}

/** Where the reports go and what happens to created resources: shared by run and fuzz. */
export function addReportOptions(command: Command, unit: 'check' | 'property'): Command {
  return command
    .option('--out <dir>', 'report directory (default reports/<run-id>/)')
    .option('--junit <file>', 'also write JUnit XML here')
    .option('--json <file>', 'also write the JSON run record here')
    .option('--html <file>', 'also write the HTML report here')
    .option('--har <file>', 'also write every request and response as HAR 1.2 (secrets redacted)')
    .option('--markdown <file>', 'also write a short Markdown summary (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--no-cleanup', 'keep the resources the run created (they carry the run prefix)')
    .option('--verbose', `list every ${unit} as it runs`);
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('run the conformance suites against a SCIM endpoint (or the embedded reference server) and write reports');
  addTargetOptions(command)
    .option('--suite <names>', `comma-separated suites or suite files/folders (default: ${DEFAULT_SUITES.join(',')})`)
    .option('--only <check>', 'run only these check ids or prefixes, e.g. filter.* (repeatable, comma-separated)', collect)
    .option('--skip <check>', 'skip these check ids or prefixes (repeatable, comma-separated)', collect)
    .option('--require <attrs>', 'extra User attributes to treat as required, e.g. name.givenName,name.familyName')
    .option('--profile <names>', 'profiles from suites/profiles.json, comma-separated: an app profile (pingboard, prodpad: required attributes, matching attribute, re-levelled checks) and/or a standard profile (interop, ipsie-al1, ipsie-al2: its checks, its verdict beside the IdP verdicts, and the conflicts between them)')
    // One list for the help and the error: the help named four variants while the error named five.
    .option('--dialect <variants>', `IdP variants to replay: ${dialectNames().join(', ')} (comma-separated; default all the suites replay; okta-oig is the mock IdP's, replayed by no built-in suite)`)
    .option('--matching <attribute>', 'attribute the IdP matches users by: userName (default), externalId or \'emails[type eq "work"].value\'')
    .option('--seed <n>', 'seed for every random choice (printed at the start; give it back to replay)')
    .option('--max-time <duration>', 'whole-run time budget, e.g. 15m, 90s (default 15m; 0 = no limit): then the run stops, cleans up, reports what it did not reach and exits 3')
    .option('--settle <duration>', SETTLE_HELP)
    .option('--baseline <file>', 'known failures to waive for CI, {"expectedFailures": {"check.id": "why"}}; a waiver whose check passes fails the run')
    .option('--write-baseline <file>', "write this run's failed check ids as a baseline to start from")
    .option('--shard <i/n>', SHARD_HELP);
  addReportOptions(command, 'check')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const config = readConfig(flags.config);
  const target = resolveTarget(flags, config);
  const suites = flags.suite ? splitList(flags.suite) : (config.suites ?? [...DEFAULT_SUITES]);
  if (suites.length === 0) throw new UsageError('--suite needs at least one suite name');
  const seed = parsePositiveInt(flags.seed, '--seed', randomSeed(), MAX_SEED);
  const shard = parseShardFlag(flags.shard);
  // Each shard would write only its own failures, and shards of a CI matrix over one another's file.
  if (shard && flags.writeBaseline) throw new UsageError("--write-baseline with --shard would hold only this shard's failures; write it from the joined run: scimproof report --merge <run.json…> --write-baseline <file>");
  const baselineFile = flags.baseline ?? config.baseline;
  let baseline: Baseline | undefined;
  try {
    baseline = baselineFile ? readBaseline(baselineFile) : undefined;
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  let chosen: { app?: Profile; standard?: Profile };
  try {
    chosen = chooseProfiles(splitList(flags.profile ?? config.profile));
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(`--profile: ${error.message}`);
    throw error;
  }
  const fromProfiles = profileRunOptions(chosen);
  const maxTimeMs = parseMaxTime(flags.maxTime ?? config.maxTime);
  const settle = parseSettle(flags.settle);
  const dialects = flags.dialect ? splitList(flags.dialect) : config.dialects;
  const unknownDialect = dialects?.find((d) => !dialectNames().includes(d as never));
  if (unknownDialect) throw new UsageError(`--dialect: unknown variant "${unknownDialect}" (known: ${dialectNames().join(', ')})`);
  const { execute, exitCodeOf } = await announceAndLoad(target, `scimproof run · target ${target.url ?? 'embedded reference server'} · suites ${suites.join(',')} · seed ${seed}${shard ? ` · shard ${shard.index}/${shard.total}` : ''}`, flags);
  const execution = await execute(target, flags, config.out, {
    suites,
    only: (flags.only ?? config.only ?? []).flatMap((s) => splitList(s)),
    skip: (flags.skip ?? config.skip ?? []).flatMap((s) => splitList(s)),
    seed,
    ...fromProfiles,
    requireAttributes: [...fromProfiles.requireAttributes, ...splitList(flags.require ?? config.require?.join(','))],
    ...(dialects ? { dialects } : {}),
    matchingAttribute: flags.matching ?? config.matching ?? fromProfiles.matchingAttribute ?? 'userName',
    ...(baseline ? { baseline } : {}),
    ...(shard ? { shard } : {}),
    ...(maxTimeMs !== undefined ? { maxTimeMs } : {}),
    ...settle,
    // With OAuth client credentials, the token endpoint is checked too (loaded only then: it brings the certify programmes).
    ...(target.auth.kind === 'oauth' && target.url ? { phases: [(await import('../certify/run.ts')).oauthChecks(target.auth.oauth)] } : {}),
  });
  if (flags.writeBaseline) writeBaselineAndTell(flags.writeBaseline, execution.record, consoleFor(flags));
  return exitCodeOf(execution);
}
