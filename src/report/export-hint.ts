// What a reader must export before a copied curl line or reproduction script works: the variables
// it actually uses for the redacted credentials, read from the command itself. A fixed "export
// SCIM_TOKEN first" was wrong for basic auth ($SCIM_BASIC) and silent about a redacted extra
// header ($SCIM_SECRET_X_API_KEY), which curl then sent empty. Each redacted header has its own
// variable (src/http/curl.ts), each named here with the header it stands for.

/** `export SCIM_TOKEN and SCIM_SECRET_X_API_KEY (the value of x-api-key) first`, or that none is needed. */
export function exportHint(command: string): string {
  const needs: string[] = [];
  if (command.includes('$SCIM_TOKEN')) needs.push('SCIM_TOKEN');
  if (command.includes('$SCIM_BASIC')) needs.push('SCIM_BASIC (user:password)');
  if (command.includes('$SCIM_CLIENT_SECRET')) needs.push('SCIM_CLIENT_SECRET');
  // `'x-api-key: '"$SCIM_SECRET_X_API_KEY"` (shell-credentials.ts): the name single-quoted, each ' in it as '\''.
  const secretHeaders = new Map([...command.matchAll(/'((?:[^']|'\\'')*): '"\$(SCIM_SECRET_[A-Z0-9_]+)"/g)].map((m) => [m[2]!, m[1]!.replace(/'\\''/g, "'")]));
  for (const [variable, header] of secretHeaders) needs.push(`${variable} (the value of ${header})`);
  if (needs.length === 0) return 'sends no credentials';
  const list = needs.length > 1 ? `${needs.slice(0, -1).join(', ')} and ${needs.at(-1)}` : needs[0]!;
  return `export ${list} first`;
}
