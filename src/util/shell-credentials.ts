// A command a report prints for copying never holds a credential: it reads it from a variable,
// always written the same way. The token is `--token "$SCIM_TOKEN"` (quoted, like every other
// variable a printed command uses). A redacted `--header` value is read from its own variable, one
// per header (`x-api-key` → `SCIM_SECRET_X_API_KEY`): a run with two secret headers shared one
// variable before, and the copied command could not reproduce it.

/** The variable a copied command reads the redacted value of header `name` from. */
export const secretHeaderVariable = (name: string): string => `SCIM_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/** The curl argument (after `-H`) that sends a redacted header from its variable. */
export const secretHeaderArgument = (name: string): string => `"${name}: $${secretHeaderVariable(name)}"`;

/** How every printed scimproof command passes the token: from the variable, quoted. */
export const TOKEN_ARGUMENT = '--token "$SCIM_TOKEN"';
