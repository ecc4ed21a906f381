// Latency per endpoint, from the exchanges a run recorded (nothing is sent for it): p50 and p95 per
// method and path template, and a flag where the measurements show an IdP would have trouble.
//
// The flags, and why they sit where they do (facts from research/idp-sequences.md §3 and
// research/certification.md §4):
//   - breaks: a request took 60 s or more, or got no answer within a --timeout of 60 s or more.
//     Entra expects an answer within 60 s (E10) and Okta's socket timeout is 60 s (O2): that
//     operation fails for the IdP.
//   - slow: the median request takes 1 s or more. Entra's gallery requires 25 requests/s per
//     tenant (E1, E8); by Little's law a server then works on rate × time-per-request requests at
//     once, 25 at a median of 1 s. We measure one request at a time and cannot know how many the
//     server can run in parallel, so we flag only where the required parallelism is that high;
//     below it the table shows the number and the reader judges.
//   - slow: requests that got no answer within a --timeout shorter than 60 s (we cannot tell
//     whether the IdP's 60 s would have been enough).
// A flag is measured evidence for a person to weigh, never a check: it does not change the exit code.
import type { EndpointLatency, Exchange, LatencyReport } from '../record/types.ts';
import { endpointOf } from '../record/requests.ts';

export const IDP_RATE = { perSecond: 25, source: "Entra app gallery requirement: at least 25 requests/s per tenant" };
export const IDP_REQUEST_LIMIT_MS = 60_000;
export const SLOW_MEDIAN_MS = 1_000;

const BASIS =
  'p50/p95 are measured one request at a time by this run. "In flight for 25 req/s" is how many requests the server must work on at once to sustain ' +
  "the Entra gallery's 25 requests/s at this median (Little's law: rate × time per request). Flagged: breaks when a request took 60 s or more " +
  '(Entra and Okta give up after 60 s); slow when the median is 1 s or more (25 requests at once) or a request got no answer within the run\'s --timeout.';

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function computeLatency(exchanges: readonly Exchange[], baseUrl: string, timeoutMs: number): LatencyReport {
  const byEndpoint = new Map<string, Exchange[]>();
  for (const exchange of exchanges) {
    // A request the run itself aborted (its time budget ran out) measures nothing about the server.
    if (exchange.transportError?.code === 'aborted') continue;
    const endpoint = endpointOf(exchange, baseUrl);
    byEndpoint.set(endpoint, [...(byEndpoint.get(endpoint) ?? []), exchange]);
  }
  const endpoints = [...byEndpoint].map(([endpoint, list]) => measure(endpoint, list, timeoutMs));
  endpoints.sort((a, b) => Number(b.flag !== undefined) - Number(a.flag !== undefined) || b.p95Ms - a.p95Ms || a.endpoint.localeCompare(b.endpoint));
  return { endpoints, rate: IDP_RATE, basis: BASIS };
}

function measure(endpoint: string, list: readonly Exchange[], timeoutMs: number): EndpointLatency {
  const answered = list.filter((x) => x.response !== undefined);
  const times = answered.map((x) => x.ms).sort((a, b) => a - b);
  const timedOut = list.filter((x) => x.transportError?.code === 'timeout').length;
  const slowest = [...list].sort((a, b) => b.ms - a.ms)[0];
  const p50 = percentile(times, 50);
  const stats: EndpointLatency = {
    endpoint,
    count: answered.length,
    failed: list.length - answered.length,
    p50Ms: p50,
    p95Ms: percentile(times, 95),
    maxMs: times.at(-1) ?? 0,
    ...(slowest ? { slowestExchangeId: slowest.id } : {}),
    concurrencyForRate: Math.max(1, Math.ceil((IDP_RATE.perSecond * p50) / 1000)),
  };
  const flag = flagOf(stats, timedOut, timeoutMs);
  return flag ? { ...stats, flag } : stats;
}

function flagOf(stats: EndpointLatency, timedOut: number, timeoutMs: number): EndpointLatency['flag'] {
  if (stats.maxMs >= IDP_REQUEST_LIMIT_MS) {
    return { level: 'breaks', reason: `a request took ${formatMs(stats.maxMs)}; Entra and Okta give up on a request after 60 s, so that operation fails` };
  }
  if (timedOut > 0 && timeoutMs >= IDP_REQUEST_LIMIT_MS) {
    return { level: 'breaks', reason: `${timedOut} request(s) got no answer within ${formatMs(timeoutMs)}; Entra and Okta give up after 60 s` };
  }
  if (stats.p50Ms >= SLOW_MEDIAN_MS) {
    return { level: 'slow', reason: `the median request takes ${formatMs(stats.p50Ms)}: to sustain Entra's 25 requests/s the server must work on ${stats.concurrencyForRate} of these at once` };
  }
  if (timedOut > 0) {
    return { level: 'slow', reason: `${timedOut} request(s) got no answer within the run's --timeout of ${formatMs(timeoutMs)} (an IdP waits up to 60 s)` };
  }
  return undefined;
}
