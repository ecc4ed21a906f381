// Latency per endpoint from recorded exchanges: templates, percentiles, and flags only where the
// measurements show an IdP would have trouble (the thresholds are explained in latency.ts).
import { describe, expect, it } from 'vitest';
import { analyseRun } from '../../src/analysis/analyse.ts';
import { computeLatency, percentile } from '../../src/analysis/latency.ts';
import { endpointOf } from '../../src/record/requests.ts';
import type { Exchange } from '../../src/record/types.ts';

const BASE = 'https://app.example.com/scim/v2';
let seq = 0;
function exchange(method: string, path: string, ms: number, failure?: string): Exchange {
  seq += 1;
  return {
    id: `x${String(seq).padStart(4, '0')}`,
    request: { method, url: `${BASE}${path}`, headers: {} },
    ...(failure ? { transportError: { code: failure, message: failure } } : { response: { status: 200, headers: {}, body: '' } }),
    startedAt: '2025-01-01T00:00:00.000Z',
    ms,
    curl: '',
  };
}

describe('endpoint templates', () => {
  it('name the method and the path with ids as {id}, and ?filter when filtered', () => {
    expect(endpointOf(exchange('GET', '/Users?filter=userName%20eq%20%22a%22&count=1', 1), BASE)).toBe('GET /Users?filter');
    expect(endpointOf(exchange('GET', '/Users?startIndex=1&count=5', 1), BASE)).toBe('GET /Users');
    expect(endpointOf(exchange('PATCH', '/Users/2819c223-7f76-453a-919d-413861904646', 1), BASE)).toBe('PATCH /Users/{id}');
    expect(endpointOf(exchange('POST', '/Users/.search', 1), BASE)).toBe('POST /Users/.search');
    expect(endpointOf(exchange('GET', '/ServiceProviderConfig', 1), BASE)).toBe('GET /ServiceProviderConfig');
  });
});

describe('latency per endpoint', () => {
  it('reports nearest-rank p50 and p95, and how many requests must be in flight for 25 req/s', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    const report = computeLatency([10, 20, 30, 40, 400].map((ms) => exchange('POST', '/Users', ms)), BASE, 15_000);
    expect(report.endpoints).toEqual([{ endpoint: 'POST /Users', count: 5, failed: 0, p50Ms: 30, p95Ms: 400, maxMs: 400, slowestExchangeId: expect.any(String), concurrencyForRate: 1 }]);
  });

  it('flags a list whose median takes seconds: 25 req/s then needs that many requests at once', () => {
    const report = computeLatency([1800, 2000, 2200].map((ms) => exchange('GET', '/Users?filter=x', ms)), BASE, 15_000);
    expect(report.endpoints[0]).toMatchObject({ endpoint: 'GET /Users?filter', p50Ms: 2000, concurrencyForRate: 50, flag: { level: 'slow' } });
    expect(report.endpoints[0]!.flag!.reason).toBe("the median request takes 2.00 s: to sustain Entra's 25 requests/s the server must work on 50 of these at once");
  });

  it('does not flag a fast endpoint with one slow request, nor one whose requests the run aborted', () => {
    const report = computeLatency([...[5, 6, 7, 8].map((ms) => exchange('GET', '/Users/1', ms)), exchange('GET', '/Users/1', 900), exchange('PUT', '/Users/1', 2500, 'aborted')], BASE, 15_000);
    expect(report.endpoints.map((e) => [e.endpoint, e.flag?.level ?? null])).toEqual([['GET /Users/{id}', null]]);
  });

  it('says a request of 60 s or more breaks an IdP, and a timeout below 60 s is slow', () => {
    const breaks = computeLatency([exchange('GET', '/Groups', 61_000)], BASE, 120_000);
    expect(breaks.endpoints[0]!.flag).toEqual({ level: 'breaks', reason: 'a request took 61.0 s; Entra and Okta give up on a request after 60 s, so that operation fails' });
    const timeout = computeLatency([exchange('GET', '/Groups', 5), exchange('GET', '/Groups', 15_000, 'timeout')], BASE, 15_000);
    expect(timeout.endpoints[0]).toMatchObject({ count: 1, failed: 1, flag: { level: 'slow' } });
  });

  it('turns each flag into a finding of its own that never counts as a check', () => {
    const { findings, latency } = analyseRun({ meta: { target: BASE, prefix: 'spf-' }, results: [], exchanges: [1500, 1600].map((ms) => exchange('GET', '/Users?filter=x', ms)) }, 15_000);
    expect(latency.endpoints).toHaveLength(1);
    expect(findings).toEqual([expect.objectContaining({ id: 'F1', kind: 'latency', status: 'warn', endpoint: 'GET /Users?filter', symptoms: [], consequences: [] })]);
    expect(findings[0]!.title).toMatch(/^GET \/Users\?filter is slow: the median request takes 1\.50 s/);
  });
});
