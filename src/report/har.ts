// HAR 1.2 (the browser devtools format) of every exchange of a run, so a vendor can open the
// traffic in any HAR viewer or hand it to support. Secrets were redacted when the exchange was
// recorded; each entry names the checks judged from it (`_checkIds`).
import type { Exchange, RunRecord } from '../record/types.ts';
import { requestCut } from './body.ts';
import { hasChain } from './reproduce.ts';

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large', 500: 'Internal Server Error' };

const headerList = (headers: Record<string, string>): { name: string; value: string }[] => Object.entries(headers).map(([name, value]) => ({ name, value }));

function entry(exchange: Exchange, checkIds: string[]): Record<string, unknown> {
  const url = new URL(exchange.request.url);
  const res = exchange.response;
  const requestType = exchange.request.headers['content-type'] ?? 'application/scim+json';
  return {
    startedDateTime: exchange.startedAt,
    time: exchange.ms,
    request: {
      method: exchange.request.method,
      url: exchange.request.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headerList(exchange.request.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(exchange.request.body !== undefined ? { postData: { mimeType: requestType, text: exchange.request.body, ...(exchange.request.truncated ? { comment: `cut: ${requestCut(exchange.request.bodySize, exchange.request.body)}` } : {}) } } : {}),
      headersSize: -1,
      bodySize: exchange.request.body === undefined ? 0 : (exchange.request.bodySize ?? Buffer.byteLength(exchange.request.body)),
    },
    response: {
      status: res?.status ?? 0,
      statusText: res ? (STATUS_TEXT[res.status] ?? '') : '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headerList(res?.headers ?? {}),
      content: { size: res ? Buffer.byteLength(res.body) : 0, mimeType: res?.headers['content-type'] ?? '', text: res?.body ?? '', ...(res?.truncated ? { comment: `cut: ${res.sizeNote ?? 'at the capture limit'}` } : {}) },
      redirectURL: res?.headers.location ?? '',
      headersSize: -1,
      bodySize: res ? Buffer.byteLength(res.body) : 0,
      ...(exchange.transportError ? { _error: `${exchange.transportError.code}: ${exchange.transportError.message}` } : {}),
    },
    cache: {},
    timings: { send: 0, wait: exchange.ms, receive: 0 },
    _exchangeId: exchange.id,
    _checkIds: checkIds,
  };
}

export function renderHar(record: RunRecord): string {
  const checksOf = new Map<string, string[]>();
  // A scenario check's earlier exchanges are its evidence chain, not what it judged: only the last counts.
  const judgedBy = (result: RunRecord['results'][number]): string[] => (hasChain(result) ? result.exchangeIds.slice(-1) : result.exchangeIds);
  for (const result of record.results) for (const id of judgedBy(result)) checksOf.set(id, [...(checksOf.get(id) ?? []), result.checkId]);
  const har = {
    log: {
      version: '1.2',
      creator: { name: record.meta.tool, version: record.meta.version },
      pages: [],
      entries: record.exchanges.map((x) => entry(x, checksOf.get(x.id) ?? [])),
      comment: `run ${record.meta.runId} against ${record.meta.target}, seed ${record.meta.seed}`,
    },
  };
  return `${JSON.stringify(har, null, 2)}\n`;
}
