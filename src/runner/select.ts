// --only / --skip: check ids, or prefixes ending in `*` (`users.*`), or whole scenario ids.

export const matches = (pattern: string, id: string): boolean => {
  if (pattern.endsWith('*')) return id.startsWith(pattern.slice(0, -1));
  return id === pattern || id.startsWith(`${pattern}.`) || id.startsWith(`${pattern}[`);
};

export function selector(only: string[], skip: string[]): (checkId: string) => boolean {
  return (id) => (only.length === 0 || only.some((p) => matches(p, id))) && !skip.some((p) => matches(p, id));
}
