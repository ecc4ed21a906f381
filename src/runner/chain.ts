// The evidence chain of a judgement: which earlier exchanges of its scenario led to the state a
// check judged. A read-back that fails ("disable did not apply") is only understood next to the
// request that changed the resource (Entra's PATCH) and the create that made it; a reproduction
// needs the same three. The chain is picked from the recorded exchanges, never re-sent:
//   - the create of every resource the judged request concerns (by its path id, or by a name the
//     run made up that the judged request looks up, such as a userName in a filter);
//   - the last request that changed each of those resources, any earlier change that set a name
//     the judged request looks up (a rename, then a filter by the new name), and any earlier
//     change the server refused when it should not have (the state is then not what the
//     scenario meant it to be; a probe whose refusal was the point is left out);
//   - the creates of resources those requests reference by id (a group's members, a manager).
import type { Exchange } from '../record/types.ts';
import { createdResource, isCreate, isRefused, isStateChange, pathOf, safeDecode, targetOf } from '../record/requests.ts';

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}

// Bodies are parsed once per exchange: a scenario asks about its earlier exchanges at every step.
const parsedStrings = new WeakMap<Exchange, string[]>();

/** Every string value of the request body. */
export function requestStrings(exchange: Exchange): string[] {
  const known = parsedStrings.get(exchange);
  if (known) return known;
  let strings: string[] = [];
  const body = exchange.request.body;
  // A probe's 200 kB body carries no name or id worth following; parsing it at every step would.
  if (body && body.length <= 64 * 1024) {
    try {
      strings = stringsIn(JSON.parse(body) as unknown);
    } catch {
      strings = [];
    }
  }
  parsedStrings.set(exchange, strings);
  return strings;
}

/**
 * The names the run made up (they carry its prefix) that a request mentions: string values of
 * its body and quoted literals of its query (`filter=userName eq "spf…-adele@example.com"`).
 */
const namesCache = new WeakMap<Exchange, Set<string>>();

export function runNames(exchange: Exchange, prefix: string): Set<string> {
  const known = namesCache.get(exchange);
  if (known) return known;
  const names = collectNames(exchange, prefix);
  namesCache.set(exchange, names);
  return names;
}

function collectNames(exchange: Exchange, prefix: string): Set<string> {
  const names = new Set<string>();
  if (!prefix) return names;
  for (const text of requestStrings(exchange)) if (text.includes(prefix)) names.add(text);
  let params: URLSearchParams;
  try {
    params = new URL(exchange.request.url).searchParams;
  } catch {
    return names;
  }
  for (const value of params.values()) {
    const literals = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    for (const literal of literals.length > 0 ? literals : [value]) if (literal.includes(prefix)) names.add(literal);
  }
  return names;
}

const overlaps = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => [...a].some((x) => b.has(x));

/** The exchanges, in the order sent, that led to the state `judged` saw; `judged` comes last. */
export function evidenceChain(judged: Exchange, earlier: readonly Exchange[], prefix: string, refusalExpected: (exchange: Exchange) => boolean = () => false): Exchange[] {
  const created = new Map<string, Exchange>();
  const keyOfId = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const exchange of earlier) {
    if (isCreate(exchange)) {
      const resource = createdResource(exchange);
      // A refused create still owns the names it sent: a later lookup by that name depends on it.
      const key = resource ?? `refused:${exchange.id}`;
      created.set(key, exchange);
      if (resource) keyOfId.set(resource.slice(resource.indexOf('/') + 1), key);
      for (const name of runNames(exchange, prefix)) owner.set(name, key);
    } else if (isStateChange(exchange)) {
      const target = targetOf(exchange);
      if (target) for (const name of runNames(exchange, prefix)) owner.set(name, target);
    }
  }
  const judgedNames = runNames(judged, prefix);
  const concerned = new Set<string>();
  const target = targetOf(judged);
  if (target) concerned.add(target);
  for (const name of judgedNames) {
    const key = owner.get(name);
    if (key) concerned.add(key);
  }

  const chosen = new Set<Exchange>();
  for (const key of concerned) {
    const create = created.get(key);
    if (create) chosen.add(create);
    const changes = earlier.filter((x) => isStateChange(x) && !isCreate(x) && targetOf(x) === key);
    const last = changes.at(-1);
    if (last) chosen.add(last);
    // A refused change means the state is not what the scenario meant it to be: it belongs in the story.
    for (const change of changes) if ((isRefused(change) && !refusalExpected(change)) || overlaps(runNames(change, prefix), judgedNames)) chosen.add(change);
  }
  // Resources referenced by id (members, a manager) must exist for the requests to mean the same.
  for (let round = 0; round < 3; round++) {
    const before = chosen.size;
    for (const exchange of [...chosen, judged]) {
      const references = [...requestStrings(exchange), ...pathOf(exchange.request.url).split('/').map(safeDecode)];
      for (const text of references) {
        const key = keyOfId.get(text) ?? keyOfId.get(text.split('/').pop() ?? '');
        const create = key ? created.get(key) : undefined;
        if (create && create !== judged) chosen.add(create);
      }
    }
    if (chosen.size === before) break;
  }
  return [...earlier.filter((x) => chosen.has(x)), judged];
}
