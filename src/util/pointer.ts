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
  return walk(doc, parsePointer(pointer), 0);
}

function walk(node: unknown, segments: readonly string[], at: number): unknown {
  if (at === segments.length) return node;
  const head = segments[at]!;
  if (head === '*') return Array.isArray(node) ? node.map((item) => walk(item, segments, at + 1)) : undefined;
  if (Array.isArray(node)) {
    const index = Number(head);
    return Number.isInteger(index) ? walk(node[index], segments, at + 1) : undefined;
  }
  if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(record, head)) return walk(record[head], segments, at + 1);
    // SCIM attribute names are case-insensitive (RFC 7643 §2.1).
    const lower = head.toLowerCase();
    const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
    return key === undefined ? undefined : walk(record[key], segments, at + 1);
  }
  return undefined;
}
