// `scimproof fuzz`: property-based and stateful fuzzing of a SCIM endpoint (src/fuzz). It is `run`
// with only the discovery and fuzz suites and a larger budget, writes the same reports and exit
// codes, and adds one replay file per minimal counterexample; `--replay FILE` re-runs one exactly.
import type { Command } from 'commander';
import { DEFAULT_FUZZ_RUNS, type FuzzBudget } from '../fuzz/run.ts';
import { PROPERTY_IDS } from '../fuzz/properties/index.ts';
import { readReplay, ReplayFileError, type ReplayKey } from '../fuzz/replay.ts';
import { randomSeed } from '../util/random.ts';
import { credentialArguments, shellQuote } from '../util/shell-credentials.ts';
import { UsageError } from './errors.ts';
import { announceAndLoad, consoleFor } from './announce.ts';
import type { ReportFlags } from './execute.ts';
import { addTargetOptions, collect, MAX_SEED, parseDuration, parsePositiveInt, parseSettle, parseShardFlag, readConfig, resolveTarget, SETTLE_HELP, SHARD_HELP, splitList, type TargetFlags } from './options.ts';
import { addReportOptions } from './run.ts';
import { DEFAULT_MAX_TIME_MS } from '../runner/budget.ts';

/** Generated cases per property (and failures) a run may ask for: a million is days of requests already. */
const MAX_FUZZ_RUNS = 1_000_000;
/** Requests per second: beyond this a rate is no limit at all. */
const MAX_RATE = 100_000;

interface FuzzFlags extends TargetFlags, ReportFlags {
  seed?: string;
  settle?: string;
  runs?: string;
  time?: string;
  shrinkTime?: string;
  maxFailures?: string;
  rate?: string;
  property?: string[];
  replay?: string;
  shard?: string;
}

/** `60s`, `2m`, `1500ms`, or a bare number of seconds → milliseconds. */
export function registerFuzz(program: Command): void {
  const command = program
    .command('fuzz')
    .description('fuzz a SCIM endpoint with generated requests checked against a model; shrink every failure to a minimal, replayable case');
  addTargetOptions(command)
    .option('--seed <n>', 'seed of every generated case (printed at the start; the same seed sends the same requests)')
    .option('--runs <n>', `generated cases per property (default ${DEFAULT_FUZZ_RUNS})`)
    .option('--time <duration>', 'fuzz for this long in total instead of a number of runs, e.g. 60s or 5m')
    .option('--shrink-time <duration>', 'time allowed to shrink one failure (default 30s)')
    .option('--max-failures <n>', 'stop after this many failing properties')
    .option('--rate <n>', 'at most this many requests per second')
    .option('--property <ids>', `only these properties (${PROPERTY_IDS.join(', ')}; repeatable, comma-separated)`, collect)
    .option('--settle <duration>', SETTLE_HELP)
    .option('--shard <i/n>', SHARD_HELP)
    .option('--replay <file>', 're-run the minimal counterexample stored in a replay file (or a run.json); exit 0 when it no longer fails');
  addReportOptions(command, 'property')
    .action(async (flags: FuzzFlags) => {
      process.exitCode = await fuzzCommand(flags);
    });
}

export async function fuzzCommand(flags: FuzzFlags): Promise<number> {
  const config = readConfig(flags.config);
  const target = resolveTarget(flags, config);
  const properties = (flags.property ?? []).flatMap((p) => splitList(p));
  const unknown = properties.find((p) => !PROPERTY_IDS.includes(p));
  if (unknown) throw new UsageError(`--property: unknown property "${unknown}" (known: ${PROPERTY_IDS.join(', ')})`);
  if (flags.runs !== undefined && flags.time !== undefined) throw new UsageError('give either --runs or --time, not both');
  let replay: ReplayKey[] | undefined;
  if (flags.replay) {
    try {
      replay = readReplay(flags.replay, properties.length === 1 ? properties[0] : undefined);
    } catch (error) {
      if (error instanceof ReplayFileError) throw new UsageError(error.message);
      throw error;
    }
  }
  const shard = parseShardFlag(flags.shard);
  const settle = parseSettle(flags.settle);
  const seed = replay ? replay[0]!.seed : parsePositiveInt(flags.seed, '--seed', randomSeed(), MAX_SEED);
  const runs = flags.runs !== undefined ? parsePositiveInt(flags.runs, '--runs', DEFAULT_FUZZ_RUNS, MAX_FUZZ_RUNS) : undefined;
  if (runs === 0) throw new UsageError('--runs must be at least 1');
  const budget: FuzzBudget = {
    ...(runs !== undefined ? { runs } : {}),
    ...(flags.time !== undefined ? { timeMs: parseDuration(flags.time, '--time') } : runs === undefined ? { runs: DEFAULT_FUZZ_RUNS } : {}),
    ...(flags.shrinkTime !== undefined ? { shrinkTimeMs: parseDuration(flags.shrinkTime, '--shrink-time') } : {}),
    ...(flags.maxFailures !== undefined ? { maxFailures: parsePositiveInt(flags.maxFailures, '--max-failures', 0, MAX_FUZZ_RUNS) } : {}),
    ...(flags.rate !== undefined ? { rate: parsePositiveInt(flags.rate, '--rate', 0, MAX_RATE) } : {}),
    ...(properties.length > 0 ? { properties } : {}),
  };
  const what = replay ? `replay of ${replay.map((k) => k.property).join(', ')} (path ${replay.map((k) => k.path).join(', ')})` : budget.timeMs ? `for ${budget.timeMs / 1000}s` : `${budget.runs} runs per property`;
  const { execute, exitCodeOf } = await announceAndLoad(target, `scimproof fuzz · target ${target.url ?? 'embedded reference server'} · ${what} · seed ${seed}${shard ? ` · shard ${shard.index}/${shard.total}` : ''}`, flags);
  const execution = await execute(target, flags, config.out, {
    suites: ['fuzz'],
    seed,
    // A fuzz --time longer than the default whole-run budget must not be cut short by it.
    ...(budget.timeMs !== undefined ? { maxTimeMs: Math.max(DEFAULT_MAX_TIME_MS, budget.timeMs * 2) } : {}),
    fuzz: { ...budget, ...(replay ? { replay } : {}) },
    ...settle,
    ...(shard ? { shard } : {}),
  });
  for (const file of execution.replayFiles) {
    const credentials = target.url ? ` ${credentialArguments(execution.record.meta.credentials)}`.trimEnd() : '';
    consoleFor(flags).write(`replay file: ${file}\n  re-run it after a fix: npx scimproof fuzz --replay ${shellQuote(file)}${target.url ? ` --url ${shellQuote(target.url)}` : ''}${credentials}\n`);
  }
  return exitCodeOf(execution);
}

