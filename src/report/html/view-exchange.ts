// Exchanges as the page shows them: headers as rows, bodies pretty-printed and cut to a length a
// browser renders comfortably, with a note pointing at run.json for the rest.
import type { Exchange } from '../../record/types.ts';
import { renamedNote, requestCut, showBody, shownParse } from '../body.ts';
import { exportHint } from '../export-hint.ts';
import type { BodyView, ExchangeView, NameValue } from './view-types.ts';

const BODY_LIMIT = 16_000;

const rows = (headers: Record<string, string>): NameValue[] =>
  Object.entries(headers).map(([name, value]) => ({ name, value }));

function bodyView(raw: string | undefined, parsed: unknown, cut: string | null, renamed?: readonly string[]): BodyView | null {
  const body = showBody(raw, BODY_LIMIT, parsed);
  if (body.text === '') return null;
  const notes: string[] = [];
  if (renamed) notes.push(renamedNote(renamed));
  if (body.omitted > 0) notes.push(`${body.omitted.toLocaleString('en-US')} more characters not shown (full body in run.json)`);
  if (cut) notes.push(`the body was cut when recorded: ${cut}`);
  return { text: body.text, isJson: body.isJson, note: notes.length > 0 ? `… ${notes.join('; ')}` : null };
}

export function exchangeView(exchange: Exchange, showCurl = true): ExchangeView {
  const { request, response, transportError, origin } = exchange;
  const originText = origin ? `${origin.suite} › ${origin.scenario} › ${origin.step}${origin.pointer ? ` (${origin.pointer})` : ''}` : null;
  return {
    id: exchange.id,
    origin: originText,
    method: request.method,
    url: request.url,
    requestHeaders: rows(request.headers),
    requestBody: bodyView(request.body, undefined, request.truncated ? requestCut(request.bodySize, request.body) : null),
    response: response
      ? {
          status: response.status,
          statusClass: `http-${Math.floor(response.status / 100)}xx`,
          headers: rows(response.headers),
          body: bodyView(response.body, shownParse(response), response.truncated ? (response.sizeNote ?? 'at the capture limit') : null, response.renamedAttributes),
        }
      : null,
    transportError: transportError ? `${transportError.code}: ${transportError.message}` : null,
    ms: exchange.ms,
    curl: exchange.curl,
    curlHint: exportHint(exchange.curl),
    showCurl,
  };
}

/** Looks exchanges up by id; ids not in the record are reported rather than silently dropped. */
export function exchangeViews(ids: readonly string[], index: ReadonlyMap<string, Exchange>, showCurl = true): { views: ExchangeView[]; missing: string[] } {
  const views: ExchangeView[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const exchange = index.get(id);
    if (exchange) views.push(exchangeView(exchange, showCurl));
    else missing.push(id);
  }
  return { views, missing };
}
