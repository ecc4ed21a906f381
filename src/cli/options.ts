// Parsing and merging of the target options shared by `run`, `fuzz`, `idp` and `certify`: flags win
// over the environment (SCIM_BASE_URL, SCIM_TOKEN, SCIM_OAUTH_TOKEN_URL, SCIM_CLIENT_ID,
// SCIM_CLIENT_SECRET, SCIM_OAUTH_SCOPE), which wins over a config file.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { Auth } from '../http/client.ts';
import { httpUrl } from '../http/target-url.ts';
import { isCredentialHeader, redactText } from '../http/redact.ts';
import { parseShard, type Shard } from '../runner/shard.ts';
import { UsageError } from './errors.ts';

export interface TargetFlags {
  url?: string;
  token?: string;
  basic?: string;
  header?: string[];
  config?: string;
  timeout?: string;
  insecure?: boolean;
  secret?: string[];
  oauthTokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  oauthScope?: string;
  oauthClientAuth?: string;
}

export interface ConfigFile {
  url?: string;
  token?: string;
  basic?: string;
  oauthTokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  oauthScope?: string;
  oauthClientAuth?: string;
  headers?: Record<string, string>;
  suites?: string[];
  only?: string[];
  skip?: string[];
  timeout?: number;
  profile?: string;
  dialects?: string[];
  matching?: string;
  require?: string[];
  baseline?: string;
  out?: string;
  /** Whole-run time budget: a duration (`15m`, `90s`) or a number of seconds; 0 = no limit. */
  maxTime?: string | number;
}

/** Every key a config file may hold; the compiler keeps it equal to ConfigFile's. */
const CONFIG_KEYS: Record<keyof ConfigFile, true> = {
  url: true, token: true, basic: true, oauthTokenUrl: true, clientId: true, clientSecret: true, oauthScope: true, oauthClientAuth: true,
  headers: true, suites: true, only: true, skip: true, timeout: true, profile: true, dialects: true, matching: true, require: true,
  baseline: true, out: true, maxTime: true,
};

export interface Target {
  url?: string;
  auth: Auth;
  headers: Record<string, string>;
  timeoutMs: number;
  insecure: boolean;
  secrets: string[];
}

/** `--shard i/n`, parsed; a bad value is a usage error. */
export function parseShardFlag(raw: string | undefined): Shard | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseShard(raw);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const SHARD_HELP = 'run only shard i of n (every n-th scenario and fuzz property), for n parallel CI jobs; join their run.json files with `scimproof report --merge`';

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
export const splitList = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function readConfig(path: string | undefined): ConfigFile {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // JSON with comments and trailing commas, as tsconfig.json takes (jsonc-parser, VS Code's own):
  // a commented-out line was refused with JSON.parse's "Unexpected token '/'", over several lines.
  // A byte-order mark (Windows editors write one) is not content.
  const errors: ParseError[] = [];
  const json = parseJsonc(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false }) as unknown;
  if (errors.length > 0) {
    const { error, offset } = errors[0]!;
    const before = text.replace(/^\uFEFF/, '').slice(0, offset);
    const problem = printParseErrorCode(error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    throw new UsageError(`config file ${path} is not valid JSON: ${problem} at line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`config file ${path} is not valid JSON: expected a JSON object ({ "url": … }), got ${kindOf(json)}`);
  // "$schema" points an editor at the package's config.schema.json (completion, checks as you type).
  const { $schema, ...parsed } = json as Record<string, unknown>;
  if ($schema !== undefined && typeof $schema !== 'string') throw new UsageError(`config file ${path}: "$schema" must be a string (the schema's path or URL), got ${kindOf($schema)}`);
  // A mistyped key ("tokne", "skpi") would otherwise be ignored in silence and change the run.
  const unknown = Object.keys(parsed).filter((key) => !(key in CONFIG_KEYS));
  if (unknown.length > 0) {
    const known = Object.keys(CONFIG_KEYS);
    const hint = (key: string): string => {
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || (Math.abs(k.length - key.length) <= 1 && [...k].filter((c, i) => key[i] !== c).length <= 2));
      return near ? `"${key}" (did you mean "${near}"?)` : `"${key}"`;
    };
    throw new UsageError(`config file ${path}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map(hint).join(', ')}; known keys: ${known.join(', ')}`);
  }
  const wrong = Object.entries(parsed).map(([key, value]) => configTypeProblem(key as keyof ConfigFile, value)).find((p) => p !== undefined);
  if (wrong) throw new UsageError(`config file ${path}: ${wrong}`);
  return withPathsFrom(dirname(resolve(path)), parsed as ConfigFile);
}

/**
 * The config's own relative paths (`baseline`, `out`, suite files) are relative to the config file,
 * as tsconfig.json's are, not to wherever scimproof is started: `--config ci/scim.json` with
 * `"baseline": "scim-baseline.json"` read ./scim-baseline.json. Given back relative to the working
 * directory, so a report names them as a person typed them. A bare suite name (`core`, `entra`) is
 * a built-in suite, as on the command line; a suite folder of your own is written `./my-suites`.
 */
function withPathsFrom(dir: string, config: ConfigFile): ConfigFile {
  const from = (value: string): string => relative(process.cwd(), resolve(dir, value)) || '.';
  const isPath = (suite: string): boolean => /[\\/]/.test(suite) || suite.endsWith('.json') || suite.startsWith('.');
  return {
    ...config,
    ...(config.baseline !== undefined && config.baseline !== '' ? { baseline: from(config.baseline) } : {}),
    ...(config.out !== undefined && config.out !== '' ? { out: from(config.out) } : {}),
    ...(config.suites !== undefined ? { suites: config.suites.map((suite) => (isPath(suite) ? from(suite) : suite)) } : {}),
  };
}

const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/** A value of the wrong JSON type would fail deep in the run as an internal error, or be misread. */
function configTypeProblem(key: keyof ConfigFile, value: unknown): string | undefined {
  switch (key) {
    case 'suites': case 'only': case 'skip': case 'dialects': case 'require':
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return undefined;
      return `"${key}" must be an array of strings, e.g. ["${key === 'suites' ? 'core' : key === 'dialects' ? 'entra' : key === 'require' ? 'name.givenName' : 'filter.*'}"], got ${Array.isArray(value) ? 'an array holding something else' : kindOf(value)}`;
    case 'headers':
      if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')) return undefined;
      return `"headers" must be an object of header names to string values, e.g. {"X-Tenant": "acme"}, got ${value && typeof value === 'object' && !Array.isArray(value) ? 'a non-string value in it' : kindOf(value)}`;
    case 'timeout':
      if ((typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && /^\d+$/.test(value))) {
        return Number(value) > MAX_DURATION_MS ? `"timeout" must be at most ${MAX_DURATION_MS} milliseconds (7 days), got ${JSON.stringify(value)}` : undefined;
      }
      return `"timeout" must be a whole number of milliseconds ≥ 0, got ${JSON.stringify(value)}`;
    case 'maxTime':
      return typeof value === 'string' || typeof value === 'number' ? undefined : `"maxTime" must be a duration such as "15m" or a number of seconds, got ${kindOf(value)}`;
    default:
      return typeof value === 'string' ? undefined : `"${key}" must be a string, got ${kindOf(value)}`;
  }
}

export interface ParsedUrl {
  /** The base URL without credentials or trailing slash. */
  url: string;
  /** `user:password@` from the URL, taken out of it (it is sent as HTTP Basic, as curl does). */
  credentials?: { user: string; password: string };
}

/** The Entra tenant-URL flag that asks for its SCIM-compliant request shapes (ENTRA-1.10). */
const ENTRA_FLAG = 'aadOptscim062020';

/** Parses --url; no message ever repeats a credential or a query value it held. */
export function parseUrl(raw: string): ParsedUrl {
  const url = httpUrl(raw, '--url', 'expected something like https://app.example.com/scim/v2');
  if (!(url instanceof URL)) throw new UsageError(url.problem);
  if (url.search) {
    const keys = [...url.searchParams.keys()];
    // Microsoft tells vendors to append this flag to the Tenant URL; it is read by Entra, which
    // sends no query string to the app, so a URL pasted from the Entra portal holds it.
    if (keys.length === 1 && keys[0]!.toLowerCase() === ENTRA_FLAG.toLowerCase() && url.searchParams.get(keys[0]!) === '') {
      throw new UsageError(`--url must be the SCIM base URL without a query string: ?${ENTRA_FLAG} is Entra's flag, read by Entra and never sent to your app, so leave it out (${url.origin}${url.pathname}); \`run\` replays Entra with and without it, and \`idp\` plays it with --dialect entra-compliant`);
    }
    const names = keys.map((k) => `${k}=…`).join('&');
    throw new UsageError(`--url must be the SCIM base URL without a query string (it has ?${names}); give credentials with --token, --basic or --header`);
  }
  const credentials = url.username || url.password ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/+$/, ''), ...(credentials ? { credentials } : {}) };
}

/** Seeds are 32-bit (src/util/random.ts reads `seed >>> 0`): a larger one would replay as another. */
export const MAX_SEED = 0xffff_ffff;

/**
 * The longest duration a flag takes (7 days): Node's timers hold at most 2^31-1 ms (24.8 days) and
 * fire at once beyond it, so `--max-time 99999h` ran out at the start; a fuzz `--time` doubles
 * into the run's budget, which must stay below that too.
 */
export const MAX_DURATION_MS = 7 * 24 * 3_600_000;

/** Digits only (a config file may give a number): "1e3", "0x10", "1.0" or " " are not whole numbers a person means. */
export function parsePositiveInt(raw: string | number | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > max) throw new UsageError(`${name} must be a whole number from 0 to ${max}, got "${raw}"`);
  return n;
}

/** `--settle` of run, fuzz and certify. */
export const SETTLE_HELP = 'after each successful write, wait this long before the next query, e.g. 2s: for a server whose search index catches up with writes later (default: no wait, but a query that fails right after a write is asked again, and a lag it shows is waited out from then on; 0: never ask again)';

/** `--settle`: the run option it gives, none when absent. */
export function parseSettle(raw: string | undefined): { settleMs?: number } {
  if (raw === undefined) return {};
  // 0: the search never lags (no probe, no query asked again).
  if (/^\s*0+(\.0+)?\s*(ms|s|m|min|h)?\s*$/i.test(raw)) return { settleMs: 0 };
  return { settleMs: parseDuration(raw, '--settle') };
}

/** `60s`, `5m`, `1500ms`, `1h`; a bare number is seconds. */
export function parseDuration(raw: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(raw);
  if (!match) throw new UsageError(`${name} must be a duration such as 60s, 5m or 1500ms, got "${raw}"`);
  const n = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' || unit === 'min' ? n * 60_000 : n * 3_600_000;
  if (ms <= 0) throw new UsageError(`${name} must be above zero`);
  if (ms > MAX_DURATION_MS) throw new UsageError(`${name} must be at most 7 days (168h), got "${raw}"`);
  return Math.round(ms);
}

/** `--max-time`: a duration, or 0 for no limit (the default budget applies when it is not given). */
export function parseMaxTime(raw: string | number | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (String(raw).trim() === '0') return 0;
  return parseDuration(String(raw), '--max-time');
}

/** OAuth 2.0 client credentials from flags, environment or config; undefined when none is given. */
function resolveOAuth(flags: TargetFlags, config: ConfigFile, env: NodeJS.ProcessEnv): Extract<Auth, { kind: 'oauth' }> | undefined {
  const tokenUrl = flags.oauthTokenUrl ?? env.SCIM_OAUTH_TOKEN_URL ?? config.oauthTokenUrl;
  const clientId = flags.clientId ?? env.SCIM_CLIENT_ID ?? config.clientId;
  const clientSecret = flags.clientSecret ?? env.SCIM_CLIENT_SECRET ?? config.clientSecret;
  const scope = flags.oauthScope ?? env.SCIM_OAUTH_SCOPE ?? config.oauthScope;
  const clientAuth = flags.oauthClientAuth ?? config.oauthClientAuth ?? 'basic';
  if (tokenUrl === undefined && clientId === undefined && clientSecret === undefined) return undefined;
  const missing = [tokenUrl === undefined ? '--oauth-token-url (SCIM_OAUTH_TOKEN_URL)' : '', clientId === undefined ? '--client-id (SCIM_CLIENT_ID)' : '', clientSecret === undefined ? '--client-secret (SCIM_CLIENT_SECRET)' : ''].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`OAuth client credentials need a token URL, a client id and a secret; missing ${missing.join(', ')}`);
  let url: URL;
  try {
    url = new URL(tokenUrl!);
  } catch {
    throw new UsageError(`--oauth-token-url "${redactText(tokenUrl!)}" is not a URL; expected something like https://auth.example.com/oauth2/token`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--oauth-token-url must be http or https, got ${url.protocol}`);
  if (clientAuth !== 'basic' && clientAuth !== 'post') throw new UsageError(`--oauth-client-auth must be basic or post, got "${clientAuth}"`);
  return { kind: 'oauth', oauth: { tokenUrl: url.toString(), clientId: clientId!, clientSecret: clientSecret!, clientAuth, ...(scope ? { scope } : {}) } };
}

export function resolveTarget(flags: TargetFlags, config: ConfigFile, env: NodeJS.ProcessEnv = process.env): Target {
  // `--url "$SCIM_BASE_URL"` with the variable unset must not quietly test the embedded server
  // and pass: only leaving --url out asks for that. (An empty SCIM_BASE_URL is an unset one.)
  if (flags.url !== undefined && flags.url.trim() === '') throw new UsageError('--url is empty (is the variable it comes from, e.g. SCIM_BASE_URL, set?); leave --url out to test the embedded reference server');
  if (flags.url === undefined && !env.SCIM_BASE_URL && config.url !== undefined && config.url.trim() === '') throw new UsageError('the config file\'s "url" is empty; leave it out to test the embedded reference server');
  // An empty variable is an unset one: it must not hide the config file's url or token (it did:
  // SCIM_BASE_URL='' sent the run to the embedded server whatever the config file said).
  const rawUrl = flags.url ?? (env.SCIM_BASE_URL || undefined) ?? config.url;
  const token = flags.token ?? (env.SCIM_TOKEN || undefined) ?? config.token;
  const basic = flags.basic ?? config.basic;
  const oauth = resolveOAuth(flags, config, env);
  const given = [token ? 'a bearer token (--token / SCIM_TOKEN)' : '', basic ? '--basic user:password' : '', oauth ? 'OAuth client credentials (--oauth-token-url, --client-id, --client-secret)' : ''].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one kind of credentials, not ${given.join(' and ')}`);
  const parsed = rawUrl ? parseUrl(rawUrl) : undefined;
  let auth: Auth = oauth ?? { kind: 'none' };
  if (parsed?.credentials) {
    if (given.length > 0) throw new UsageError('the URL carries credentials (user:password@) and --token, --basic or OAuth options give others; give them one way');
    auth = { kind: 'basic', ...parsed.credentials };
  }
  if (token) auth = { kind: 'bearer', token };
  if (basic) {
    const at = basic.indexOf(':');
    if (at <= 0) throw new UsageError('--basic must be user:password');
    auth = { kind: 'basic', user: basic.slice(0, at), password: basic.slice(at + 1) };
  }
  const headers: Record<string, string> = { ...(config.headers ?? {}) };
  for (const line of flags.header ?? []) {
    const at = line.indexOf(':');
    if (at <= 0) throw new UsageError(`--header must look like 'Name: value', got "${line}"`);
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  const timeoutMs = parsePositiveInt(flags.timeout ?? config.timeout, '--timeout', 15_000, MAX_DURATION_MS);
  if (timeoutMs === 0) throw new UsageError('--timeout must be above 0 ms');
  // Custom auth headers carry secrets too; redact their values everywhere.
  const secretHeaders = Object.entries(headers).filter(([name]) => isCredentialHeader(name)).map(([, v]) => v);
  return {
    ...(parsed ? { url: parsed.url } : {}),
    auth,
    headers,
    timeoutMs,
    insecure: flags.insecure ?? false,
    secrets: [...(flags.secret ?? []), ...secretHeaders, ...(oauth?.oauth.clientSecret ? [oauth.oauth.clientSecret] : [])],
  };
}

const EMBEDDED_URL_HELP = 'SCIM base URL, e.g. https://app.example.com/scim/v2 (env SCIM_BASE_URL); omit to use the embedded reference server';

/** The options every command that talks to a SCIM endpoint takes (run, fuzz, idp, certify). */
export function addTargetOptions(command: Command, urlHelp = EMBEDDED_URL_HELP, timeoutHelp = 'per-request timeout in milliseconds (default 15000)'): Command {
  return command
    .option('--url <url>', urlHelp)
    .option('--token <token>', 'bearer token (env SCIM_TOKEN)')
    .option('--basic <user:password>', 'HTTP basic credentials instead of a bearer token')
    .option('--oauth-token-url <url>', 'OAuth 2.0 token endpoint: get bearer tokens by client credentials (env SCIM_OAUTH_TOKEN_URL)')
    .option('--client-id <id>', 'OAuth client id (env SCIM_CLIENT_ID)')
    .option('--client-secret <secret>', 'OAuth client secret (env SCIM_CLIENT_SECRET); redacted everywhere')
    .option('--oauth-scope <scope>', 'scope to ask the token endpoint for (env SCIM_OAUTH_SCOPE)')
    .option('--oauth-client-auth <how>', 'how the client secret is sent: basic (Authorization header, default) or post (form fields)')
    .option('--header <header>', "extra header on every request, 'Name: value' (repeatable)", collect)
    .option('--config <file>', 'JSON config file with url, token, basic, headers, timeout, oauthTokenUrl, clientId, clientSecret, oauthScope, oauthClientAuth (and for run: suites, only, skip, require, profile, dialects, matching, baseline, maxTime, out; fuzz: out; certify: maxTime, out)')
    .option('--timeout <ms>', timeoutHelp)
    .option('--insecure', 'accept invalid TLS certificates (only for a test server you trust)')
    .option('--secret <value>', 'a value to redact from every report and log (repeatable)', collect);
}
