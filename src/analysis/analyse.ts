// The run-wide analysis stored in run.json beside the results: findings (failures grouped by root
// cause) and latency per endpoint, with each latency flag as a finding of its own. Computed once
// when a run ends; `scimproof report` computes it for a run.json written before it existed.
import type { Finding, LatencyReport, RunRecord } from '../record/types.ts';
import { computeFindings } from './findings.ts';
import { computeLatency, formatMs } from './latency.ts';

export interface Analysis {
  findings: Finding[];
  latency: LatencyReport;
}

type Input = Pick<RunRecord, 'results' | 'exchanges'> & { meta: Pick<RunRecord['meta'], 'target' | 'prefix'> };

export function analyseRun(record: Input, timeoutMs: number): Analysis {
  const findings = computeFindings(record);
  const latency = computeLatency(record.exchanges, record.meta.target, timeoutMs);
  const flagged = latency.endpoints.filter((e) => e.flag);
  const latencyFindings: Finding[] = flagged.map((e, i) => ({
    id: `F${findings.length + i + 1}`,
    kind: 'latency',
    status: 'warn',
    title: `${e.endpoint} ${e.flag!.level === 'breaks' ? 'would break an IdP' : 'is slow'}: ${e.flag!.reason}`,
    basis: `Measured over ${e.count} answered request(s)${e.failed > 0 ? ` and ${e.failed} without an answer` : ''}: p50 ${formatMs(e.p50Ms)}, p95 ${formatMs(e.p95Ms)}, slowest ${formatMs(e.maxMs)}. A latency flag is evidence to weigh, not a check; it does not change the exit code.`,
    symptoms: [],
    consequences: [],
    skipped: [],
    exchangeIds: e.slowestExchangeId ? [e.slowestExchangeId] : [],
    endpoint: e.endpoint,
  }));
  return { findings: [...findings, ...latencyFindings], latency };
}
