// A reproduction a developer can run: a short bash script that recreates the state a check judged,
// from the exchanges the run recorded (its evidence chain), then deletes what it made. A single
// curl line cannot do that once cleanup has deleted the user it names: the script creates the
// resource afresh (the run prefix replaced by a new unique one, server ids captured as they come
// back), sends the request that changed it, then the read-back, and shows each answer next to the
// one the run got. Credentials stay out: the token is $SCIM_TOKEN (the password $SCIM_BASIC), as in the curl lines.
import type { CheckResult, Exchange, RunMeta } from '../record/types.ts';
import { createdResource, isCreate, targetOf } from '../record/requests.ts';
import { secretHeaderArgument } from '../util/shell-credentials.ts';
import { exportHint } from './export-hint.ts';

const REDACTED = '[redacted]';
// A private-use character: JSON.stringify leaves it as is, and no request the run sends holds one.
const MARK = '\uE000';
const SKIPPED_HEADERS = new Set(['content-length', 'host', 'connection']);
const CLEANUP_SKIPPED_HEADERS = new Set([...SKIPPED_HEADERS, 'content-type']);

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** One shell word from text holding `\u0001NAME\u0001` placeholders: literals single-quoted, variables double-quoted. */
function shellWord(text: string): string {
  const parts = text.split(new RegExp(`${MARK}(\\w+)${MARK}`));
  const word = parts.map((part, i) => (i % 2 === 1 ? `"$${part}"` : part === '' ? '' : quote(part))).join('');
  return word === '' ? "''" : word;
}

interface Substitutions {
  prefix: string;
  /** server id → shell variable that holds the id the script's own create got back */
  ids: Map<string, string>;
}

const mark = (name: string): string => `${MARK}${name}${MARK}`;

function substituteText(text: string, subs: Substitutions): string {
  let out = subs.prefix ? text.split(subs.prefix).join(mark('RUN')) : text;
  // Ids long enough not to occur by chance are replaced anywhere (a filter, a $ref, a PATCH path).
  for (const [id, name] of subs.ids) if (id.length >= 8) out = out.split(id).join(mark(name));
  return out;
}

function substituteJson(value: unknown, subs: Substitutions): unknown {
  if (typeof value === 'string') {
    const short = subs.ids.get(value);
    return short ? mark(short) : substituteText(value, subs);
  }
  if (Array.isArray(value)) return value.map((v) => substituteJson(v, subs));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteJson(v, subs)]));
  return value;
}

function substituteBody(body: string, subs: Substitutions): string {
  try {
    // The run sent JSON.stringify output, so re-serialising gives back the same text.
    return JSON.stringify(substituteJson(JSON.parse(body) as unknown, subs));
  } catch {
    return substituteText(body, subs);
  }
}

function substituteUrl(url: string, base: string, subs: Substitutions): string {
  const [path = url, query] = url.split(/\?(.*)/s);
  const segments = path.split('/').map((segment) => {
    const name = subs.ids.get(decodeSafe(segment));
    return name ? mark(name) : segment;
  });
  const rebuilt = substituteText(`${segments.join('/')}${query !== undefined ? `?${query}` : ''}`, subs);
  return base && rebuilt.startsWith(base) ? `${mark('BASE')}${rebuilt.slice(base.length)}` : rebuilt;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function authArgs(value: string): string[] {
  if (/^bearer\s/i.test(value) && value.includes(REDACTED)) return ['-H', '"Authorization: Bearer $SCIM_TOKEN"'];
  if (/^basic\s/i.test(value) && value.includes(REDACTED)) return ['-u', '"$SCIM_BASIC"'];
  return ['-H', quote(`Authorization: ${value}`)];
}

function headerArgs(exchange: Exchange, subs: Substitutions, skip: ReadonlySet<string> = SKIPPED_HEADERS): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(exchange.request.headers)) {
    if (skip.has(name)) continue;
    if (name === 'authorization') args.push(...authArgs(value));
    else if (value.includes(REDACTED)) args.push('-H', secretHeaderArgument(name));
    else args.push('-H', shellWord(`${name}: ${substituteText(value, subs)}`));
  }
  return args;
}

/** Whether a result's exchanges are a scenario's chain a script can replay (not an audit's list). */
export function hasChain(result: CheckResult): boolean {
  return result.kind !== undefined && result.exchangeIds.length > 1;
}

const PRELUDE = [
  'set -u',
  'OUT="$(mktemp)"',
  "trap 'rm -f \"$OUT\"' EXIT",
  "step() { printf '\\n== %s\\n' \"$1\"; }",
  "show() { printf 'HTTP %s (in the run: %s)\\n' \"$1\" \"$2\"; cat \"$OUT\"; printf '\\n'; }",
  '# The id of the resource just created: jq when installed, else the first "id" of the body.',
  "id_of() { if command -v jq >/dev/null 2>&1; then jq -r '.id // empty' \"$OUT\" 2>/dev/null; else grep -o '\"id\"[[:space:]]*:[[:space:]]*\"[^\"]*\"' \"$OUT\" | head -n 1 | sed 's/.*\"\\([^\"]*\\)\"$/\\1/'; fi; }",
];

/**
 * The script for a result judged at the end of a chain, or undefined when one exchange says it
 * all (its curl line is the reproduction then).
 */
export function reproductionScript(result: CheckResult, exchanges: ReadonlyMap<string, Exchange>, meta: Pick<RunMeta, 'target' | 'prefix' | 'runId'>): string | undefined {
  if (!hasChain(result)) return undefined;
  const chain = result.exchangeIds.map((id) => exchanges.get(id));
  if (chain.some((x) => x === undefined)) return undefined;
  const steps = chain as Exchange[];
  const base = meta.target.replace(/\/+$/, '');
  const subs: Substitutions = { prefix: meta.prefix, ids: new Map() };
  const created: { variable: string; exchange: Exchange }[] = [];
  const deleted = new Set<string>();
  const body: string[] = [];
  const outline: string[] = [];

  steps.forEach((exchange, i) => {
    const n = `${i + 1}/${steps.length}`;
    const url = substituteUrl(exchange.request.url, base, subs);
    const shownPath = url.replace(mark('BASE'), '').split('?')[0]!.replace(new RegExp(`${MARK}(\\w+)${MARK}`, 'g'), '$$$1') || '/';
    const recorded = exchange.response ? String(exchange.response.status) : `no answer (${exchange.transportError?.code ?? 'none'})`;
    const role = i === steps.length - 1 ? 'the request the check judged' : isCreate(exchange) ? 'creates the resource' : 'changes it';
    outline.push(`#   ${n} ${exchange.request.method} ${shownPath} — ${role}; the run got ${recorded} (${exchange.id})`);
    const args = ['curl', '-sS', '-o', '"$OUT"', '-w', "'%{http_code}'"];
    if (exchange.request.method !== 'GET') args.push('-X', exchange.request.method);
    args.push(shellWord(url), ...headerArgs(exchange, subs));
    if (exchange.request.body !== undefined && exchange.request.body !== '') args.push('--data-raw', shellWord(substituteBody(exchange.request.body, subs)));
    body.push('', `step ${quote(`${n} ${exchange.request.method} ${shownPath} (${role})`)}`);
    if (Object.keys(exchange.request.headers).some((h) => h === 'if-match' || h === 'if-none-match')) {
      body.push('# The version in If-Match/If-None-Match is the one the run saw; your server issues its own.');
    }
    body.push(`CODE=$(${args.join(' ')})`, `show "$CODE" ${quote(recorded)}`);
    const resource = createdResource(exchange);
    if (resource) {
      const variable = `ID${created.length + 1}`;
      body.push(`${variable}=$(id_of)`);
      subs.ids.set(resource.slice(resource.indexOf('/') + 1), variable);
      created.push({ variable, exchange });
    }
    const target = targetOf(exchange);
    if (exchange.request.method === 'DELETE' && target && exchange.response && exchange.response.status < 300) deleted.add(target);
  });

  const cleanup: string[] = [];
  for (const { variable, exchange } of [...created].reverse()) {
    const resource = createdResource(exchange)!;
    if (deleted.has(resource)) continue;
    const collectionUrl = substituteUrl(exchange.request.url.split('?')[0]!.replace(/\/+$/, ''), base, subs);
    // The create's headers (its credentials and every --header: a tenant header the server needs), not its body's type.
    const headers = headerArgs(exchange, subs, CLEANUP_SKIPPED_HEADERS);
    cleanup.push(
      `[ -n "$${variable}" ] && curl -sS -o /dev/null -w ${quote(`cleanup: DELETE ${resource.split('/')[0]}/$${variable} → HTTP %{http_code}\\n`).replace(`$${variable}`, `'"$${variable}"'`)} -X DELETE ${shellWord(`${collectionUrl}/${mark(variable)}`)}${headers.length > 0 ? ` ${headers.join(' ')}` : ''}`,
    );
  }

  const needs = exportHint([...body, ...cleanup].join('\n'));
  const judged = steps.at(-1)!;
  const claim = result.message ? `${result.checkId}: ${result.message}` : result.checkId;
  return [
    '#!/usr/bin/env bash',
    `# Reproduces ${result.checkId} (${result.title}).`,
    `# In run ${meta.runId} the last request answered ${judged.response ? judged.response.status : 'nothing'} and the check said:`,
    `#   ${claim.split('\n', 1)[0]}`,
    '# Recreates the state from the requests the run recorded, with fresh names, then deletes what it made:',
    ...outline,
    // The variables its requests read (a --basic run's $SCIM_BASIC, a secret header's own), not always the token.
    `# Needs bash and curl.${needs === 'sends no credentials' ? ' It sends no credentials' : ` First: ${needs.replace(/ first$/, '')}`}  (SCIM_BASE_URL overrides the target)`,
    `BASE="\${SCIM_BASE_URL:-${base.replace(/["\\$`]/g, '\\$&')}}"`,
    `RUN="repro$(date +%s)$$-"   # stands in for the run prefix ${meta.prefix}, so every name is new`,
    ...PRELUDE,
    ...body,
    ...(cleanup.length > 0 ? ['', "step 'clean up what this script created'", ...cleanup] : []),
    '',
  ].join('\n');
}
