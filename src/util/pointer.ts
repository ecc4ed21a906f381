// RFC 6901 JSON pointers, plus `*` as a wildcard segment that maps over arrays (used by suite
// captures such as `/Resources/*/id`).

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function getPointer(doc: unknown, pointer: string): unknown {
  return walk(doc, parsePointer(pointer));
}

function walk(node: unknown, segments: string[]): unknown {
  if (segments.length === 0) return node;
  const [head, ...rest] = segments;
  if (head === '*') return Array.isArray(node) ? node.map((item) => walk(item, rest)) : undefined;
  if (Array.isArray(node)) {
    const index = Number(head);
    return Number.isInteger(index) ? walk(node[index], rest) : undefined;
  }
  if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(record, head!)) return walk(record[head!], rest);
    // SCIM attribute names are case-insensitive (RFC 7643 §2.1).
    const key = Object.keys(record).find((k) => k.toLowerCase() === head!.toLowerCase());
    return key === undefined ? undefined : walk(record[key], rest);
  }
  return undefined;
}
