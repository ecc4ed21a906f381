import type { RunRecord } from '../record/types.ts';

/**
 * run.json: the source of truth every other reporter can be rebuilt from. The record is written
 * as-is (key order as the runner built it) so diffs between runs stay readable.
 */
export function renderJson(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
