// Message bodies as a reader wants them: JSON pretty-printed, everything cut to a sane length
// with a note saying how much was left out (run.json keeps the full capture).
import type { Exchange } from '../record/types.ts';

export interface ShownBody {
  text: string;
  isJson: boolean;
  /** Characters left out of `text`; 0 when shown whole. */
  omitted: number;
}

export function showBody(raw: string | undefined, maxChars: number, parsed?: unknown): ShownBody {
  if (raw === undefined || raw === '') return { text: '', isJson: false, omitted: 0 };
  let text = raw;
  let isJson = false;
  const value = parsed !== undefined ? parsed : tryParseJson(raw);
  if (value !== undefined && typeof value === 'object' && value !== null) {
    text = JSON.stringify(value, null, 2);
    isJson = true;
  }
  if (text.length <= maxChars) return { text, isJson, omitted: 0 };
  return { text: text.slice(0, maxChars), isJson, omitted: text.length - maxChars };
}

/**
 * The parse a reader may be shown in place of the body text: none when the client respelled
 * attribute names (RFC 7643 §2.1), so a report shows what the server sent, not the harness's reading.
 */
/** The note under a body whose attribute names the client respelled: the first renames, and how many more. */
export function renamedNote(renamed: readonly string[]): string {
  const shown = renamed.slice(0, RENAMES_SHOWN).join(', ');
  return `attribute names are case-insensitive (RFC 7643 §2.1); the checks read ${shown}${renamed.length > RENAMES_SHOWN ? ` and ${renamed.length - RENAMES_SHOWN} more renamed the same way` : ''}`;
}

const RENAMES_SHOWN = 6;

export function shownParse(response: Pick<NonNullable<Exchange['response']>, 'json' | 'renamedAttributes'>): unknown {
  return response.renamedAttributes ? undefined : response.json;
}

function tryParseJson(raw: string): unknown {
  const start = raw.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** expected/actual values as text: strings verbatim, everything else as JSON. */
export function showValue(value: unknown, maxChars: number): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value === undefined) text = '';
  else {
    // Short values read best on one line (`[200,204]`); longer ones pretty-printed.
    const compact = JSON.stringify(value) ?? String(value);
    text = compact.length <= 72 ? compact : (JSON.stringify(value, null, 2) ?? compact);
  }
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters)`;
}

export function indexExchanges(exchanges: readonly Exchange[]): Map<string, Exchange> {
  return new Map(exchanges.map((exchange) => [exchange.id, exchange]));
}

/** What a cut request body says about itself. */
export function requestCut(size: number | undefined, kept: string | undefined): string {
  return `${size?.toLocaleString('en-US') ?? 'more'} characters were sent, the first ${(kept?.length ?? 0).toLocaleString('en-US')} are kept; the curl line sends all of them`;
}
