// Servers that answer queries from a search index that catches up with writes a moment later
// (eventual consistency): a query sent right after a write misses what was just written, and every
// check of that query would blame the server for a lag Entra and Okta never see (they query before
// they write, and their next cycle is minutes away). `--settle` makes each query wait until that
// long after the last successful write. One gate is shared by every client of a run (the run's and
// the fuzzer's), since a write through one concerns a query through the other.

export class SettleGate {
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private wait: number;

  /** `settleMs`: the wait asked for (`--settle`); the run may raise it when it measures a lag (search-lag.ts). */
  constructor(settleMs: number) {
    this.wait = settleMs;
  }

  get settleMs(): number {
    return this.wait;
  }

  /** A write (POST, PUT, PATCH, DELETE) was answered with success. */
  noteWrite(now = Date.now()): void {
    this.lastWriteAt = now;
  }

  /** How long a query sent now must wait: 0 once `settleMs` have passed since the last write. */
  waitMs(now = Date.now()): number {
    return Math.max(0, this.lastWriteAt + this.wait - now);
  }

  /** Milliseconds since the last successful write (Infinity before the first). */
  sinceLastWrite(now = Date.now()): number {
    return now - this.lastWriteAt;
  }

  /** Makes later queries wait at least `ms` after a write; never shortens the wait. */
  raiseTo(ms: number): void {
    this.wait = Math.max(this.wait, ms);
  }
}

/**
 * A read of a collection (a filter, a page of a list, a POST to `.search`, RFC 7644 §3.4.3), which
 * an index answers: not a read by id.
 */
export function isCollectionQuery(method: string, path: string, query: Record<string, unknown> | undefined): boolean {
  if (method === 'POST') return /\/\.search\/?(\?|$)/.test(path);
  if (method !== 'GET') return false;
  if (query?.filter !== undefined || /[?&]filter=/.test(path)) return true;
  return /(^|\/)(Users|Groups)\/?(\?|$)/i.test(path);
}
