// Where JSON.parse gave up, as a person finds it in an editor. Node 20's messages give a character
// offset ("… in JSON at position 4812"), or for an unexpected token a piece of the text (with its
// line breaks, so the message ran over several lines) and no offset at all.

/** The offset JSON.parse stopped at, read from its message; undefined when it does not say. */
function offsetOf(message: string, text: string): number | undefined {
  const at = /\bat position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (message.startsWith('Unexpected end of JSON input')) return text.length;
  const token = /^Unexpected token '(.+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!token) return undefined;
  const [, ch, cut, piece] = token as unknown as [string, string, string | undefined, string];
  // A long text is quoted as 10 characters either side of the token; a short one whole.
  if (cut) {
    const start = text.indexOf(piece);
    return start < 0 ? undefined : start + 10;
  }
  const first = text.indexOf(ch);
  return first >= 0 && text.indexOf(ch, first + 1) < 0 ? first : undefined;
}

/** JSON.parse's complaint on one line, with the place as line and column (1-based) when it is known. */
export function jsonErrorText(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = offsetOf(message, text);
  const what = message.replace(/, (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '').replace(/(\s+in JSON)? at position \d+$/, '').replace(/\s*\n\s*/g, ' ');
  if (offset === undefined || offset > text.length) return what;
  const before = text.slice(0, offset);
  return `${what} at line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}
