// Text from a server (an error `detail`, an id, a Location) made safe to print on a terminal: the
// control characters a terminal obeys (ESC sequences that clear the screen or recolour it, a
// carriage return that overwrites the line, BEL) and the bidirectional overrides that reorder
// what a person reads are shown as `\x1B`, `\u202E` instead of acting. Newlines and tabs stay.

import { randomBytes } from 'node:crypto';

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, visible);
}

/**
 * A reporter's own colour and line-rewriting codes, kept apart from server text: `esc` stands in
 * for ESC in what the reporter composes (a random marker no server can guess), and `text` runs
 * every other piece of a line through `printable`, then puts the real ESC back where `esc` was.
 * So no server-chosen string reaches the terminal as a control sequence, wherever it sits.
 */
export function terminalCodes(): { esc: string; text: (line: string) => string } {
  const esc = `\uE000${randomBytes(6).toString('hex')}\uE000`;
  return { esc, text: (line) => line.split(esc).map(printable).join('\u001b') };
}

// In a page: C0 controls other than tab/newline/CR are HTML parse errors and invisible, and the
// bidirectional embeddings, overrides and isolates make the browser show a server's text in an
// order it was not sent in (an RLO turns "evil" into "live"). Our own templates contain none.
// eslint-disable-next-line no-control-regex
const PAGE_UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** A rendered HTML page with those characters shown as `\x07`, `\u202E`: run once per page. */
export function pageVisible(html: string): string {
  return html.replace(PAGE_UNPRINTABLE, visible);
}
