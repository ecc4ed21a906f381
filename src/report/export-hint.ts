// What a reader must export before a copied curl line or reproduction script works: the variables
// it actually uses for the redacted credentials, read from the command itself. A fixed "export
// SCIM_TOKEN first" was wrong for basic auth ($SCIM_BASIC) and silent about a redacted extra
// header ($SCIM_SECRET_HEADER), which curl then sent empty.

/** `export SCIM_TOKEN and SCIM_SECRET_HEADER (the value of x-api-key) first`, or that none is needed. */
export function exportHint(command: string): string {
  const needs: string[] = [];
  if (command.includes('$SCIM_TOKEN')) needs.push('SCIM_TOKEN');
  if (command.includes('$SCIM_BASIC')) needs.push('SCIM_BASIC (user:password)');
  const secretHeaders = [...new Set([...command.matchAll(/"([^"\s:]+): \$SCIM_SECRET_HEADER"/g)].map((m) => m[1]!))];
  if (secretHeaders.length > 0) needs.push(`SCIM_SECRET_HEADER (the value of ${secretHeaders.join(', ')})`);
  if (needs.length === 0) return 'sends no credentials';
  const list = needs.length > 1 ? `${needs.slice(0, -1).join(', ')} and ${needs.at(-1)}` : needs[0]!;
  return `export ${list} first`;
}
