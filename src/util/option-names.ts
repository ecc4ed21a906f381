// How a message names what the caller can change. A person at the CLI gave flags (--token,
// --timeout); a program calling the library (runConformance, runIdpCycle, IdpEngine, startServer,
// describeScimConformance) gave options (auth.token, timeoutMs), and "check --token / SCIM_TOKEN"
// sends it looking for a flag it never had. One table of the options, two phrasings: a message
// that names an option takes the name from here and never spells a flag of its own. The client
// carries the phrasing of whoever created it (`ClientOptions.wording`), so every message built
// from an exchange or a client can reach it.

/** Whose words: the CLI's flags (the default inside the harness) or the library's options. */
export type Wording = 'cli' | 'library';

export interface OptionNames {
  readonly wording: Wording;
  /** The target's SCIM base URL. */
  readonly url: string;
  /** A bearer token. */
  readonly token: string;
  /** HTTP Basic credentials. */
  readonly basic: string;
  /** The OAuth client's id and secret. */
  readonly oauthClient: string;
  /** The scope asked of the token endpoint. */
  readonly oauthScope: string;
  /** Any credentials at all (none were given). */
  readonly anyCredentials: string;
  /** Extra request headers (an API key in a header of its own). */
  readonly headers: string;
  /** The per-request timeout, set to `ms`; and the option alone. */
  timeout(ms: number): string;
  readonly timeoutOption: string;
  /** Accepting a certificate that cannot be verified. */
  readonly insecure: string;
  /** The check selection. */
  readonly only: string;
  readonly skip: string;
  /** The IdP variants replayed. */
  readonly dialects: string;
  /** The whole-run time budget (`described`: 15m, 90s). */
  maxTime(ms: number, described: string): string;
  /** The mock IdP's dialect, its state file, starting afresh, and its log folder. */
  readonly dialect: string;
  readonly state: string;
  readonly fresh: string;
  readonly logDir: string;
  readonly noLog: string;
  /** The reference server's extra required attributes. */
  readonly require: string;
}

export const OPTION_NAMES: Readonly<Record<Wording, OptionNames>> = {
  cli: {
    wording: 'cli',
    url: '--url',
    token: '--token / SCIM_TOKEN',
    basic: '--basic user:password (or the user:password@ in --url)',
    oauthClient: '--client-id and --client-secret',
    oauthScope: '--oauth-scope',
    anyCredentials: '--token / SCIM_TOKEN, --basic or OAuth client credentials',
    headers: 'the --header options',
    timeout: (ms) => `--timeout ${ms}`,
    timeoutOption: '--timeout',
    insecure: '--insecure',
    only: '--only',
    skip: '--skip',
    dialects: '--dialect',
    maxTime: (_ms, described) => `--max-time ${described}`,
    dialect: '--dialect',
    state: '--state',
    fresh: '--fresh',
    logDir: '--out',
    noLog: '--no-log',
    require: '--require',
  },
  library: {
    wording: 'library',
    url: 'the url option',
    token: "the token option (auth: { kind: 'bearer', token })",
    basic: "auth: { kind: 'basic', user, password }",
    oauthClient: 'auth.oauth.clientId and auth.oauth.clientSecret',
    oauthScope: 'auth.oauth.scope',
    anyCredentials: "token, or auth: { kind: 'bearer' | 'basic' | 'oauth', … }",
    headers: 'the headers option',
    timeout: (ms) => `timeoutMs: ${ms}`,
    timeoutOption: 'timeoutMs',
    insecure: 'insecure: true',
    only: 'only',
    skip: 'skip',
    dialects: 'dialects',
    maxTime: (ms) => `maxTimeMs: ${ms}`,
    dialect: 'dialect',
    state: 'statePath',
    fresh: 'fresh: true',
    logDir: 'the log folder option (logDir, outDir)',
    noLog: 'null for no log',
    require: 'the require option',
  },
};

export const optionNames = (wording: Wording | undefined): OptionNames => OPTION_NAMES[wording ?? 'cli'];

/**
 * Which credentials to check after the target refused the ones a request carried: what the
 * request sent (Basic, an OAuth token, a bearer token), never another kind.
 */
export function checkCredentials(authorization: string | undefined, oauth: boolean, names: OptionNames): string {
  if (authorization === undefined) return `no credentials were given: pass ${names.anyCredentials}`;
  if (/^basic\s/i.test(authorization)) return `check ${names.basic}`;
  if (oauth) return `check the OAuth client credentials (${names.oauthClient}) and ${names.oauthScope}`;
  return `check ${names.token}`;
}
