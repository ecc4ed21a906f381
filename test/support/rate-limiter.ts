// A rolling-window rate limiter for the test proxy: at most `perSecond` requests in any rolling
// second are forwarded, the rest answered 429 with Retry-After and a SCIM error, as an API gateway
// in front of a correct SCIM server does (and as the IPSIE profile asks of a server).
import type { ProxyHooks } from './proxy.ts';

export function rollingWindowLimit(perSecond: number): ProxyHooks {
  const accepted: number[] = [];
  return {
    onRequest: () => {
      const now = performance.now();
      while (accepted.length > 0 && accepted[0]! <= now - 1000) accepted.shift();
      if (accepted.length >= perSecond) {
        return { status: 429, headers: { 'content-type': 'application/scim+json', 'retry-after': '1' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: `rate limit exceeded: ${perSecond} per second` }) };
      }
      accepted.push(now);
      return undefined;
    },
  };
}
