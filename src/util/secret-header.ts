// A copied curl line or reproduction script never holds a redacted `--header` value: it reads it
// from a variable. One variable per header (`x-api-key` → `SCIM_SECRET_X_API_KEY`): a run with two
// secret headers shared one variable before, and the copied command could not reproduce it.

/** The variable a copied command reads the redacted value of header `name` from. */
export const secretHeaderVariable = (name: string): string => `SCIM_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/** The curl argument (after `-H`) that sends a redacted header from its variable. */
export const secretHeaderArgument = (name: string): string => `"${name}: $${secretHeaderVariable(name)}"`;
