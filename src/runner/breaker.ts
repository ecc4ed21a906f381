// A target that stops answering must not hold a run hostage: after a few requests in a row time
// out, the run stops sending scenario requests, says why, and cleans up with short timeouts.
import type { Exchange } from '../record/types.ts';

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
  reason(timeoutMs: number): string | undefined {
    return this.trippedAt ? `the target stopped answering: ${this.limit} requests in a row got no answer within ${timeoutMs} ms (the last: ${this.trippedAt}); the remaining checks were not run` : undefined;
  }
}
