// An optional rate limit (`serve --rate-limit N`): a token bucket of N requests per second for the
// tenant (the server has one), answering 429 Too Many Requests with Retry-After and a SCIM error
// body when it is empty — what IPSIE §4.3 asks of a server, and what IdPs back off from.
import type { MiddlewareHandler } from 'hono';
import { ScimError } from '../errors.ts';
import { errorResponse } from '../response.ts';

export interface RateLimit {
  /** Requests per second, refilled continuously. */
  perSecond: number;
  /** Requests that may arrive at once (default: one second's worth). */
  burst?: number;
}

export function rateLimit(limit: RateLimit, now: () => number = Date.now): MiddlewareHandler {
  const capacity = Math.max(1, limit.burst ?? limit.perSecond);
  let tokens = capacity;
  let last = now();
  return async (c, next) => {
    const t = now();
    tokens = Math.min(capacity, tokens + ((t - last) / 1000) * limit.perSecond);
    last = t;
    if (tokens < 1) {
      const seconds = Math.max(1, Math.ceil((1 - tokens) / limit.perSecond));
      return errorResponse(new ScimError(429, undefined, `too many requests: at most ${limit.perSecond} per second; retry after ${seconds} s`, { 'Retry-After': String(seconds) }));
    }
    tokens -= 1;
    await next();
    return undefined;
  };
}
