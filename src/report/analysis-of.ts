// The findings and latency of a record: as stored in run.json, or computed here for a record
// written before they existed (so `scimproof report` on an old run.json still groups its failures).
import { analyseRun, type Analysis } from '../analysis/analyse.ts';
import type { RunRecord } from '../record/types.ts';

/** The client's default per-request timeout, which an old record does not state. */
const ASSUMED_TIMEOUT_MS = 15_000;

const cache = new WeakMap<RunRecord, Analysis>();

export function analysisOf(record: RunRecord): Analysis {
  if (record.findings && record.latency) return { findings: record.findings, latency: record.latency };
  const known = cache.get(record);
  if (known) return known;
  const computed = analyseRun(record, ASSUMED_TIMEOUT_MS);
  cache.set(record, computed);
  return computed;
}
