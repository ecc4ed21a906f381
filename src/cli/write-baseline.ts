// `--write-baseline <file>` of `run` and `report`: a baseline that starts from a run's failures.
import type { RunRecord } from '../record/types.ts';
import { BaselineError, writeBaseline } from '../runner/baseline.ts';
import { RunError, UsageError } from './errors.ts';

export function writeBaselineAndTell(file: string, record: RunRecord, out: { write(text: string): unknown }): void {
  // A joined run without all its shards lacks the failures of those it misses.
  if (record.meta.missingShards?.length) throw new UsageError(`--write-baseline: shard${record.meta.missingShards.length > 1 ? 's' : ''} ${record.meta.missingShards.join(', ')} not given, so the baseline would miss their failures; merge every shard`);
  let count: number;
  try {
    count = writeBaseline(file, record.results);
  } catch (error) {
    if (error instanceof BaselineError) throw new RunError(error.message);
    throw error;
  }
  out.write(`Baseline: ${count} failed check(s) written to ${file}; replace each reason with why it is accepted\n`);
}
