// A target that stops answering must not hold a run hostage: after a few requests in a row time
// out, the run stops sending scenario requests, says why, and cleans up with short timeouts.
import type { RateLimitEvent } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { OPTION_NAMES, type OptionNames } from '../util/option-names.ts';

export const CONSECUTIVE_TIMEOUTS_TO_TRIP = 5;

export class TimeoutBreaker {
  private streak = 0;
  private trippedAt: string | undefined;

  constructor(private readonly limit = CONSECUTIVE_TIMEOUTS_TO_TRIP) {}

  observe(exchange: Exchange): void {
    if (exchange.transportError?.code === 'timeout') {
      this.streak += 1;
      if (this.streak >= this.limit && !this.trippedAt) {
        const url = new URL(exchange.request.url);
        this.trippedAt = `${exchange.request.method} ${url.pathname}`;
      }
    } else if (exchange.response) {
      this.streak = 0;
    }
  }

  get tripped(): boolean {
    return this.trippedAt !== undefined;
  }

  /** The run error to report, once tripped. */
  reason(timeoutMs: number, names: OptionNames = OPTION_NAMES.cli): string | undefined {
    return this.trippedAt ? `the target stopped answering: ${this.limit} requests in a row got no answer within ${timeoutMs} ms (${names.timeout(timeoutMs)}; the last: ${this.trippedAt}); the remaining checks were not run` : undefined;
  }
}

/**
 * A target that keeps answering 429 must not hold a run hostage either: once a request is still
 * rate-limited after its (capped) waits, the run stops and says so, instead of judging 429s.
 */
export class RateLimitBreaker {
  private gaveUp: { where: string; waits: number; retryAfter?: string } | undefined;

  observe(event: RateLimitEvent): void {
    if (!event.gaveUp || this.gaveUp || event.exchange.origin?.suite === 'cleanup') return;
    const url = new URL(event.exchange.request.url);
    this.gaveUp = { where: `${event.exchange.request.method} ${url.pathname}`, waits: event.attempt - 1, ...(event.retryAfter !== undefined ? { retryAfter: event.retryAfter } : {}) };
  }

  get tripped(): boolean {
    return this.gaveUp !== undefined;
  }

  reason(maxWaitMs: number): string | undefined {
    if (!this.gaveUp) return undefined;
    const asked = this.gaveUp.retryAfter !== undefined ? `Retry-After: ${this.gaveUp.retryAfter}` : 'no Retry-After';
    return `the target rate-limits persistently: ${this.gaveUp.where} was still answered 429 Too Many Requests after ${this.gaveUp.waits} wait(s) (${asked}; each wait capped at ${maxWaitMs / 1000} s); the remaining checks were not run — run again later or raise the test tenant's rate limit`;
  }
}
