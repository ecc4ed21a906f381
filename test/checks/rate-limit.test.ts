// The rate-limit check judges a burst by its timing, which a real burst on a busy machine cannot
// pin down: test/runner/profiles.test.ts shows the check over real HTTP and accepts its own
// too-slow skip there. Here the same judgement runs on recorded bursts whose timing is fixed, so
// each failure it exists for is proven on any machine: no 429 at a rate where a limit would show,
// a 429 without Retry-After, and a 429 before the floor; and a burst too slow to judge is skipped.
import { describe, expect, it } from 'vitest';
import { rateLimitKind } from '../../src/checks/profile.ts';
import type { Discovery, Exchange } from '../../src/record/types.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** `count` requests to /Users, one every `everyMs`, each answered after 2 ms with `statusOf(i)`. */
function burst(count: number, everyMs: number, statusOf: (i: number) => number = () => 200, headers: Record<string, string> = {}): Exchange[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `x${String(i + 1).padStart(4, '0')}`,
    request: { method: 'GET', url: 'https://app.example.com/scim/v2/Users?count=1', headers: {} },
    response: { status: statusOf(i), headers: statusOf(i) === 429 ? headers : {}, body: '' },
    startedAt: new Date(T0 + i * everyMs).toISOString(),
    ms: 2,
    curl: '',
  }));
}

const judge = (exchanges: Exchange[], params: Parameters<typeof rateLimitKind.verify>[0]['params']) =>
  rateLimitKind.verify({ exchange: exchanges[0]!, exchanges, params, vars: {}, discovery: {} as Discovery, resolve: (p) => p });

describe('rate-limit check on bursts of fixed timing', () => {
  it('fails 600 requests at 500 per second with no 429: rate limits are not enforced', () => {
    expect(judge(burst(600, 2), { expect: 'limited' })).toMatchObject({ ok: false, message: expect.stringContaining('rate limits are not enforced') });
  });

  it('skips the same burst at 50 per second (a limit above that cannot show), naming the rate', () => {
    expect(judge(burst(600, 20), { expect: 'limited' })).toMatchObject({ ok: 'skip', reason: expect.stringMatching(/^600 requests went at only [\d.]+ per second/) });
  });

  it('fails a 429 without Retry-After when one is required, and passes it with one', () => {
    const limitedAt = (i: number) => (i >= 40 ? 429 : 200);
    expect(judge(burst(600, 2, limitedAt), { expect: 'limited', retryAfter: true })).toMatchObject({ ok: false, message: expect.stringContaining('no usable Retry-After') });
    expect(judge(burst(600, 2, limitedAt, { 'retry-after': '1' }), { expect: 'limited', retryAfter: true })).toMatchObject({ ok: true });
  });

  it('sustained: fails a 429 after 10 accepted in the second before it, passes one after 30', () => {
    // 40 per second: request i leaves at 25·i ms.
    expect(judge(burst(60, 25, (i) => (i === 10 ? 429 : 200)), { expect: 'sustained', floor: 25 })).toMatchObject({ ok: false, message: expect.stringContaining('must accept at least 25 per second') });
    expect(judge(burst(60, 25, (i) => (i === 50 ? 429 : 200)), { expect: 'sustained', floor: 25 })).toMatchObject({ ok: true });
  });
});
