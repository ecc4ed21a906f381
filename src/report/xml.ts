// XML 1.0 text that every JUnit consumer parses: markup escaped, and the characters XML 1.0
// forbids outright (most C0 controls, lone surrogates, U+FFFE/U+FFFF) made visible instead of
// silently producing a file CI rejects.

// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) return '\uFFFD';
  return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

export function xmlText(value: string): string {
  return value
    .replace(ILLEGAL, visible)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Attribute values: also quotes, and whitespace kept as character references (XML normalises raw ones). */
export function xmlAttr(value: string): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
