// The built-in suites a `run` includes unless `--suite` (or the library's `suites`) says otherwise.
// Its own module so the CLI can name them without loading the suite loader and its schema.
export const DEFAULT_SUITES: readonly string[] = ['core', 'cursor', 'entra', 'okta', 'fuzz'];
