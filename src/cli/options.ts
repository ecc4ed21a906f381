// Parsing and merging of the target options shared by `run`, `fuzz` and `idp`: flags win over the
// environment (SCIM_BASE_URL, SCIM_TOKEN), which wins over a config file.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Auth } from '../http/client.ts';
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
}

export interface ConfigFile {
  url?: string;
  token?: string;
  basic?: string;
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
}

/** Every key a config file may hold; the compiler keeps it equal to ConfigFile's. */
const CONFIG_KEYS: Record<keyof ConfigFile, true> = {
  url: true, token: true, basic: true, headers: true, suites: true, only: true, skip: true, timeout: true,
  profile: true, dialects: true, matching: true, require: true, baseline: true, out: true,
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
  let parsed: object;
  try {
    const json = JSON.parse(text) as unknown;
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('expected a JSON object');
    parsed = json;
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
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
  return parsed as ConfigFile;
}

export function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url "${raw}" is not a URL; expected something like https://app.example.com/scim/v2`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https, got ${url.protocol}`);
  if (url.search) throw new UsageError(`--url must be the SCIM base URL without a query string (got "${url.search}")`);
  return url.toString().replace(/\/+$/, '');
}

export function parsePositiveInt(raw: string | number | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

export function resolveTarget(flags: TargetFlags, config: ConfigFile, env: NodeJS.ProcessEnv = process.env): Target {
  const rawUrl = flags.url ?? env.SCIM_BASE_URL ?? config.url;
  const token = flags.token ?? env.SCIM_TOKEN ?? config.token;
  const basic = flags.basic ?? config.basic;
  if (token && basic) throw new UsageError('give either a bearer token (--token / SCIM_TOKEN) or --basic user:password, not both');
  let auth: Auth = { kind: 'none' };
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
  const timeoutMs = parsePositiveInt(flags.timeout ?? config.timeout, '--timeout', 15_000);
  if (timeoutMs === 0) throw new UsageError('--timeout must be above 0 ms');
  // Custom auth headers carry secrets too; redact their values everywhere.
  const secretHeaders = Object.entries(headers).filter(([name]) => /auth|token|key|secret|cookie/i.test(name)).map(([, v]) => v);
  return {
    ...(rawUrl ? { url: parseUrl(rawUrl) } : {}),
    auth,
    headers,
    timeoutMs,
    insecure: flags.insecure ?? false,
    secrets: [...(flags.secret ?? []), ...secretHeaders],
  };
}

const EMBEDDED_URL_HELP = 'SCIM base URL, e.g. https://app.example.com/scim/v2 (env SCIM_BASE_URL); omit to use the embedded reference server';

/** The options every command that talks to a SCIM endpoint takes (run, fuzz, idp). */
export function addTargetOptions(command: Command, urlHelp = EMBEDDED_URL_HELP): Command {
  return command
    .option('--url <url>', urlHelp)
    .option('--token <token>', 'bearer token (env SCIM_TOKEN)')
    .option('--basic <user:password>', 'HTTP basic credentials instead of a bearer token')
    .option('--header <header>', "extra header on every request, 'Name: value' (repeatable)", collect)
    .option('--config <file>', 'JSON config file with url, token, headers (and for run: suites, only, skip, timeout, profile, baseline, out)')
    .option('--timeout <ms>', 'per-request timeout in milliseconds (default 15000)')
    .option('--insecure', 'accept invalid TLS certificates (only for a test server you trust)')
    .option('--secret <value>', 'a value to redact from every report and log (repeatable)', collect);
}
