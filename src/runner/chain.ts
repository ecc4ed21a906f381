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
import { createdResource, isCreate, isRefused, isStateChange, requestFacts, safeDecode, targetOf } from '../record/requests.ts';

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
  for (const [, value] of requestFacts(exchange).query) {
    const literals = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    for (const literal of literals.length > 0 ? literals : [value]) if (literal.includes(prefix)) names.add(literal);
  }
  return names;
}

/**
 * The strings of a request that may name another resource by id (its body's strings and its path
 * segments), each with what follows its last `/` (a `$ref` or a Location names the id last).
 */
const referencesCache = new WeakMap<Exchange, readonly (readonly [string, string])[]>();

function referencesOf(exchange: Exchange): readonly (readonly [string, string])[] {
  let references = referencesCache.get(exchange);
  if (!references) {
    references = [...requestStrings(exchange), ...requestFacts(exchange).path.split('/').map(safeDecode)].map((text) => [text, text.slice(text.lastIndexOf('/') + 1)] as const);
    referencesCache.set(exchange, references);
  }
  return references;
}

const overlaps = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => [...a].some((x) => b.has(x));

/**
 * What a scenario sent so far, indexed as it goes: a scenario asks for a chain at every step, and
 * re-reading every earlier exchange each time made chains cost the square of a scenario's length.
 */
export class EvidenceIndex {
  private readonly position = new Map<Exchange, number>();
  /** The create of each resource (`Users/<id>`), or of a refused create (`refused:<exchange id>`). */
  private readonly created = new Map<string, Exchange>();
  /** Resource id → its key in `created`. */
  private readonly keyOfId = new Map<string, string>();
  /** A made-up name → the resource that last set it. */
  private readonly owner = new Map<string, string>();
  /** Target → the changes (not creates) sent to it, in order. */
  private readonly changes = new Map<string, Exchange[]>();

  constructor(private readonly prefix: string) {}

  /** Records the next exchange the scenario sent. */
  add(exchange: Exchange): void {
    this.position.set(exchange, this.position.size);
    if (isCreate(exchange)) {
      const resource = createdResource(exchange);
      // A refused create still owns the names it sent: a later lookup by that name depends on it.
      const key = resource ?? `refused:${exchange.id}`;
      this.created.set(key, exchange);
      if (resource) this.keyOfId.set(resource.slice(resource.indexOf('/') + 1), key);
      for (const name of runNames(exchange, this.prefix)) this.owner.set(name, key);
    } else if (isStateChange(exchange)) {
      const target = targetOf(exchange);
      if (target) {
        for (const name of runNames(exchange, this.prefix)) this.owner.set(name, target);
        const list = this.changes.get(target);
        if (list) list.push(exchange);
        else this.changes.set(target, [exchange]);
      }
    }
  }

  /** The exchanges, in the order sent, that led to the state `judged` saw; `judged` comes last. */
  chainOf(judged: Exchange, refusalExpected: (exchange: Exchange) => boolean = () => false): Exchange[] {
    const judgedNames = runNames(judged, this.prefix);
    const concerned = new Set<string>();
    const target = targetOf(judged);
    if (target) concerned.add(target);
    for (const name of judgedNames) {
      const key = this.owner.get(name);
      if (key) concerned.add(key);
    }

    const chosen = new Set<Exchange>();
    for (const key of concerned) {
      const create = this.created.get(key);
      if (create) chosen.add(create);
      const changes = this.changes.get(key) ?? [];
      const last = changes.at(-1);
      if (last) chosen.add(last);
      // A refused change means the state is not what the scenario meant it to be: it belongs in the story.
      for (const change of changes) if ((isRefused(change) && !refusalExpected(change)) || overlaps(runNames(change, this.prefix), judgedNames)) chosen.add(change);
    }
    // Resources referenced by id (members, a manager) must exist for the requests to mean the same;
    // three rounds deep. What an exchange references never changes, so each round looks only at
    // the exchanges the one before added.
    let frontier: Exchange[] = [...chosen, judged];
    for (let round = 0; round < 3 && frontier.length > 0; round++) {
      const added: Exchange[] = [];
      for (const exchange of frontier) {
        for (const [text, last] of referencesOf(exchange)) {
          const key = this.keyOfId.get(text) ?? this.keyOfId.get(last);
          const create = key ? this.created.get(key) : undefined;
          if (create && create !== judged && !chosen.has(create)) {
            chosen.add(create);
            added.push(create);
          }
        }
      }
      frontier = added;
    }
    const inOrder = [...chosen].filter((x) => this.position.has(x)).sort((a, b) => this.position.get(a)! - this.position.get(b)!);
    return [...inOrder, judged];
  }
}

/** The exchanges, in the order sent, that led to the state `judged` saw; `judged` comes last. */
export function evidenceChain(judged: Exchange, earlier: readonly Exchange[], prefix: string, refusalExpected: (exchange: Exchange) => boolean = () => false): Exchange[] {
  const index = new EvidenceIndex(prefix);
  for (const exchange of earlier) index.add(exchange);
  return index.chainOf(judged, refusalExpected);
}
