// How an audit over many responses lists each response it faults (`GET /Users?x=1 → 200: <complaint>`,
// in a result's `actual`), and reading the complaint back: the audits write these lines, the
// findings read them (one complaint in every line is one defect), so the format lives here once.
import type { Exchange } from './types.ts';

export function offenceLine(exchange: Pick<Exchange, 'request' | 'response'>, complaint: string): string {
  const url = new URL(exchange.request.url);
  return `${exchange.request.method} ${url.pathname}${url.search} → ${exchange.response?.status}: ${complaint}`;
}

/** The complaint of a line offenceLine wrote; undefined for anything else. */
export function complaintOf(line: unknown): string | undefined {
  return typeof line === 'string' ? /^\S+ \S+ → \w+: (.+)$/s.exec(line)?.[1] : undefined;
}
