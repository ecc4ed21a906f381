// The cleanup journal: every create the run attempts is written down, not only those answered with
// an id, and at the end what the run made is deleted, newest first (groups before the users in
// them), even after failures or an interrupt. What a server kept without saying where is looked
// for: its Location header, then a filter for the unique name the run sent, then the final sweep by
// run prefix (sweep.ts). Nothing is deleted that the run did not make: a resource is deleted only
// when its own create response named it, or when reading it shows the run's prefix.
import type { OutgoingRequest, ScimClient } from '../http/client.ts';
import type { CleanupEntry, Exchange, Leftover } from '../record/types.ts';
import { DELETE_REFUSED } from '../record/leftover-reasons.ts';
import { locationOf, NAME_ATTRIBUTES, prefixedName, resourceTypeOf, Sweeper, sweepAttribute, underCollection, type FoundResource, type SweepResult } from './sweep.ts';

interface SentName {
  attribute: string;
  value: string;
}

/** One POST to a collection and what became of it. */
export interface CreateAttempt {
  /** Absolute collection URL as sent to (secrets included: it is only used to send). */
  collection: string;
  resourceType: string;
  names: SentName[];
  exchangeId: string;
  /** `created`: the response named it; `unknown`: a 2xx without a usable id, a 5xx or no answer; `refused`: a 4xx. */
  outcome: 'created' | 'unknown' | 'refused';
  status?: number;
  location?: string;
  locationHeader?: string;
  settled: boolean;
  gone: boolean;
}

export interface CleanLimits {
  /** `--no-cleanup`: nothing is deleted; what was made is listed as kept. */
  keep?: boolean;
  /** Epoch ms: nothing new starts after it; what is left is listed. */
  deadline?: number;
  timeoutMs?: number;
  /** Stop after this many timeouts (a target that stopped answering). */
  giveUpAfterTimeouts?: number;
  /** Sweep these collections (and every collection created in) by prefix once the journal is done. */
  sweep?: { collections: string[] };
  /** Say what would be deleted, delete nothing (`scimproof clean --dry-run`). */
  dryRun?: boolean;
  /** Told about each entry as it is settled (live output). */
  onEntry?: (entry: CleanupEntry) => void;
}

export interface CleanOutcome {
  entries: CleanupEntry[];
  leftovers: Leftover[];
  /** Creates that could be neither found nor ruled out without a sweep (handed to the run's final sweep). */
  unresolved: CreateAttempt[];
}

const COLLECTIONS = /^(users|groups)$/i;
const ORIGIN = (step: string): OutgoingRequest['origin'] => ({ suite: 'cleanup', scenario: 'cleanup', step });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The prefixed names a create body carries (userName, displayName, externalId), also in a body that is not valid JSON. */
function sentNames(request: OutgoingRequest, prefix: string): SentName[] {
  const needle = prefix.toLowerCase();
  let body: unknown = request.json;
  const raw = request.rawBody;
  if (body === undefined && raw !== undefined && raw.length <= 1024 * 1024) {
    try {
      body = JSON.parse(raw);
    } catch {
      // A malformed body a lenient server might still accept: its names as they appear in the text.
      const names: SentName[] = [];
      for (const attribute of NAME_ATTRIBUTES) {
        const match = new RegExp(`"${attribute}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(raw);
        if (match && match[1]!.toLowerCase().includes(needle)) names.push({ attribute, value: match[1]! });
      }
      return names;
    }
  }
  if (!isObject(body)) return [];
  const names: SentName[] = [];
  for (const attribute of NAME_ATTRIBUTES) {
    const key = Object.keys(body).find((k) => k.toLowerCase() === attribute.toLowerCase());
    const value = key === undefined ? undefined : body[key];
    if (typeof value === 'string' && (value.includes(prefix) || value.toLowerCase().includes(needle))) names.push({ attribute, value });
  }
  return names;
}

const usableId = (id: unknown): id is string | number => (typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id));

export class CleanupJournal {
  private attempts: CreateAttempt[] = [];
  private readonly sweeper: Sweeper;
  /** Every POST to a collection seen, whatever its answer. */
  attempted = 0;

  constructor(
    private readonly client: ScimClient,
    private readonly prefix: string,
  ) {
    this.sweeper = new Sweeper(client, prefix, (what) => ORIGIN(what));
  }

  /** Watches every exchange: create attempts are journaled, successful deletes are crossed out. */
  observe(exchange: Exchange, request: OutgoingRequest): void {
    // Only creates and deletes concern the journal (most exchanges are neither).
    if (request.method !== 'POST' && request.method !== 'DELETE') return;
    const target = this.client.resolve(request.path).split('?')[0]!.replace(/\/+$/, '');
    const status = exchange.response?.status;
    if (request.method === 'POST' && COLLECTIONS.test(target.split('/').pop() ?? '')) {
      this.record(exchange, request, target, status);
    } else if (request.method === 'DELETE' && (status === 204 || status === 200 || status === 404)) {
      for (const a of this.attempts) if (a.location === target) a.gone = true;
    }
  }

  private record(exchange: Exchange, request: OutgoingRequest, collection: string, status: number | undefined): void {
    this.attempted += 1;
    const body = exchange.response?.json;
    const id = isObject(body) ? body.id : undefined;
    const ok = status !== undefined && status >= 200 && status < 300;
    const attempt: CreateAttempt = {
      collection,
      resourceType: isObject(body) && isObject(body.meta) && typeof body.meta.resourceType === 'string' ? body.meta.resourceType : resourceTypeOf(collection),
      names: sentNames(request, this.prefix),
      exchangeId: exchange.id,
      outcome: ok && usableId(id) ? 'created' : ok || status === undefined || status >= 500 ? 'unknown' : 'refused',
      ...(status !== undefined ? { status } : {}),
      ...(exchange.response?.headers.location ? { locationHeader: exchange.response.headers.location } : {}),
      settled: false,
      gone: false,
    };
    if (attempt.outcome === 'created') {
      // Our own URL, not the server's Location: a wrong Location must not make us delete elsewhere.
      attempt.location = `${collection}/${encodeURIComponent(String(id))}`;
      // A server that derives ids (from externalId, say) may name one resource twice: one entry,
      // to be deleted again if an earlier step had deleted it.
      const same = this.attempts.find((a) => a.location === attempt.location && !a.settled);
      if (same) {
        same.gone = false;
        return;
      }
    }
    // A refusal that carries its name where the sweep looks needs no lookup of its own.
    if (attempt.outcome === 'refused' && attempt.names.some((n) => n.attribute === sweepAttribute(collection))) return;
    this.attempts.push(attempt);
  }

  /** Creates still to be deleted or looked for. */
  get pending(): number {
    return this.attempts.filter((a) => !a.settled).length;
  }

  /** What may still be on the target if the cleanup never ran (a second signal cut it short). */
  outstanding(): Leftover[] {
    const out: Leftover[] = [];
    for (const a of this.attempts) {
      if (a.settled || a.gone || a.outcome === 'refused') continue;
      const name = a.names[0]?.value;
      if (a.outcome === 'created') out.push({ resourceType: a.resourceType, location: this.client.redact(a.location!), ...(name ? { name } : {}), reason: 'the run was stopped before its cleanup deleted it' });
      else if (name) out.push({ resourceType: a.resourceType, name, reason: `the create (exchange ${a.exchangeId}) was answered ${a.status ?? 'with nothing'} and the run was stopped before it could look for it` });
    }
    return out;
  }

  /** Takes over creates another journal could not settle (the fuzz phase's), for the final sweep. */
  adopt(attempts: readonly CreateAttempt[]): void {
    for (const a of attempts) this.attempts.push({ ...a, settled: false });
  }

  /**
   * Deletes what is left and looks for what was made without a usable id. Against a target that
   * stopped answering, `giveUpAfterTimeouts` ends the attempt; `deadline` bounds it in time; either
   * way what is left is listed.
   */
  async clean(limits: CleanLimits = {}): Promise<CleanOutcome> {
    const run = new CleanPass(this.client, this.sweeper, limits);
    const open = this.attempts.filter((a) => !a.settled);
    for (const a of [...open].reverse()) if (a.outcome === 'created') await run.deleteCreated(a);
    const unresolved: CreateAttempt[] = [];
    for (const a of open) if (a.outcome !== 'created' && (await run.findAttempt(a)) === 'unresolved') unresolved.push(a);
    if (limits.sweep && !limits.keep) {
      const collections = new Set([...limits.sweep.collections, ...open.map((a) => a.collection)]);
      for (const collection of collections) await run.sweepCollection(collection, unresolved.filter((a) => a.collection === collection));
      unresolved.length = 0;
    }
    // Settled here, or handed to the caller (`unresolved`) for a sweep of its own.
    for (const a of open) a.settled = true;
    // Settled attempts are never looked at again; dropping them keeps every later call (the fuzzer
    // cleans after each property run) proportional to what that run created, not to the whole run.
    this.attempts = this.attempts.filter((a) => !a.settled);
    return { entries: run.entries, leftovers: run.leftovers, unresolved };
  }
}

/** One pass of cleaning, with its limits, its list of what was done and of what is left. */
export class CleanPass {
  readonly entries: CleanupEntry[] = [];
  /** How the sweeps went, when one could not look at everything. */
  readonly notes: string[] = [];
  readonly leftovers: Leftover[] = [];
  /** Locations this pass deleted, with the status the DELETE got. */
  private readonly deleted = new Map<string, number>();
  /** Names of resources found without a location to delete them at. */
  private readonly undeletable = new Set<string>();
  private timeouts = 0;

  constructor(
    private readonly client: ScimClient,
    private readonly sweeper: Sweeper,
    private readonly limits: CleanLimits,
  ) {}

  private settle(entry: CleanupEntry): void {
    this.entries.push(entry);
    this.limits.onEntry?.(entry);
  }

  private stopped(): string | undefined {
    if (this.limits.deadline !== undefined && Date.now() >= this.limits.deadline) return 'not attempted: the cleanup time limit was reached';
    if (this.limits.giveUpAfterTimeouts !== undefined && this.timeouts >= this.limits.giveUpAfterTimeouts) return 'not attempted: the target stopped answering';
    return undefined;
  }

  private requestLimits(): { timeoutMs?: number; deadline?: number } {
    const remaining = this.limits.deadline !== undefined ? Math.max(1, this.limits.deadline - Date.now()) : undefined;
    // Never longer than the client's own wait (--timeout): the time left for the whole cleanup
    // (minutes) became each request's timeout, so `clean --timeout 300` against a hung target
    // waited 300 s for its first listing, and a run's hung DELETE up to two minutes.
    const bounds = [this.limits.timeoutMs, this.client.timeoutMs, remaining].filter((ms): ms is number => ms !== undefined);
    const timeoutMs = bounds.length > 0 ? Math.min(...bounds) : undefined;
    return { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(this.limits.deadline !== undefined ? { deadline: this.limits.deadline } : {}) };
  }

  private shown(location: string): string {
    return this.client.redact(location);
  }

  private left(resourceType: string, reason: string, location?: string, name?: string): void {
    const leftover: Leftover = { resourceType, reason, ...(location ? { location: this.shown(location) } : {}), ...(name ? { name } : {}) };
    // The final sweep tries again what a DELETE failed on: one resource is one leftover, with the last reason.
    const same = location === undefined ? -1 : this.leftovers.findIndex((l) => l.location === leftover.location);
    if (same >= 0) this.leftovers[same] = leftover;
    else this.leftovers.push(leftover);
  }

  /** DELETE; the outcome as an entry (and a leftover when it stays). */
  private async delete(location: string, resourceType: string, name: string | undefined, foundBy: CleanupEntry['foundBy']): Promise<void> {
    const base = { location: this.shown(location), resourceType, ...(name ? { name } : {}), ...(foundBy ? { foundBy } : {}) };
    const stop = this.stopped();
    if (stop) {
      this.settle({ ...base, status: 'failed', message: stop });
      this.left(resourceType, stop, location, name);
      return;
    }
    if (this.limits.dryRun) {
      this.settle({ ...base, status: 'kept', message: 'dry run: would be deleted' });
      return;
    }
    const ex = await this.client.send({ method: 'DELETE', path: location, origin: ORIGIN('delete'), ...this.requestLimits() });
    if (ex.transportError?.code === 'timeout') this.timeouts += 1;
    const status = ex.response?.status;
    if (status === 204 || status === 200 || status === 404) {
      this.deleted.set(location, status);
      this.settle({ ...base, status: status === 404 ? 'gone' : 'deleted' });
    } else {
      const why = ex.transportError?.message ?? `HTTP ${status}`;
      this.settle({ ...base, status: 'failed', message: why });
      // 405/501: the product offers no DELETE (RFC 7644 §3.12); a later clean would be refused too.
      if (status === 405 || status === 501) this.left(resourceType, `${DELETE_REFUSED}: HTTP ${status}; deactivate it (active false) or remove it in the product`, location, name);
      else this.left(resourceType, `DELETE failed: ${why}`, location, name);
    }
  }

  async deleteCreated(a: CreateAttempt): Promise<void> {
    const name = a.names[0]?.value;
    const base = { location: this.shown(a.location!), resourceType: a.resourceType, ...(name ? { name } : {}), foundBy: 'response' as const };
    if (a.gone) {
      this.settle({ ...base, status: 'gone' });
      return;
    }
    if (this.limits.keep) {
      this.settle({ ...base, status: 'kept', message: '--no-cleanup' });
      return;
    }
    await this.delete(a.location!, a.resourceType, name, 'response');
    if (this.deleted.has(a.location!)) a.gone = true;
  }

  /**
   * Looks for what a create without a usable id may have made: its Location header, then a filter
   * for each name it was sent. `unresolved` when only a listing could tell (the final sweep's job).
   */
  async findAttempt(a: CreateAttempt): Promise<'settled' | 'unresolved'> {
    const answered = a.status !== undefined && a.status >= 200 && a.status < 300;
    const name = a.names[0]?.value;
    const where = `(no usable id; POST ${this.shown(a.collection)} → ${a.status ?? 'no answer'}, exchange ${a.exchangeId})`;
    if (this.limits.keep) {
      if (answered) this.settle({ location: where, resourceType: a.resourceType, status: 'kept', message: '--no-cleanup', ...(name ? { name } : {}) });
      return 'settled';
    }
    if (answered && a.locationHeader && !this.stopped()) {
      const header = underCollection(a.locationHeader, a.collection);
      const read = header ? await this.sweeper.read(header, this.requestLimits()) : undefined;
      if (header && read?.name !== undefined) {
        await this.delete(header, a.resourceType, read.name, 'location');
        return 'settled';
      }
    }
    const first = sweepAttribute(a.collection);
    for (const sent of [...a.names].sort((x, y) => Number(y.attribute === first) - Number(x.attribute === first))) {
      if (this.stopped()) break;
      const found = await this.sweeper.lookup(a.collection, sent.attribute, sent.value, this.requestLimits());
      if (found === undefined) continue;
      if (found.length === 0 && answered) this.settle({ location: where, resourceType: a.resourceType, status: 'gone', name: sent.value, foundBy: 'lookup', message: `nothing named ${sent.value} exists` });
      for (const f of found) await this.removeFound(f, 'lookup');
      return 'settled';
    }
    // A 4xx says nothing was made, and a request with no name cannot be looked for: only a create
    // the server said it made (or did not answer) and that carries a name is left to the sweep.
    if (a.outcome === 'refused') return 'settled';
    if (a.names.length === 0) {
      if (answered) this.unresolvedLeftover(a, 'its request carries no userName, displayName or externalId the run can look for');
      return 'settled';
    }
    return 'unresolved';
  }

  private async removeFound(f: FoundResource, foundBy: 'lookup' | 'sweep'): Promise<void> {
    if (!f.location) {
      // Found again by the sweep after a lookup found it: listed once.
      if (this.undeletable.has(f.name)) return;
      this.undeletable.add(f.name);
      this.settle({ location: '(no usable id or meta.location)', resourceType: f.resourceType, status: 'failed', name: f.name, foundBy, message: 'the server shows it without an id that can be deleted' });
      this.left(f.resourceType, 'listed without a usable id or meta.location; delete it by hand', undefined, f.name);
      return;
    }
    if (this.deleted.has(f.location)) return;
    await this.delete(f.location, f.resourceType, f.name, foundBy);
  }

  /**
   * The final sweep of one collection: whatever still carries the prefix is deleted, and what is
   * still there afterwards is a leftover. `unresolved` creates make the sweep read the listing.
   */
  async sweepCollection(collection: string, unresolved: readonly CreateAttempt[], forceListing = false): Promise<void> {
    const resourceType = resourceTypeOf(collection);
    if (this.stopped()) {
      for (const a of unresolved) this.unresolvedLeftover(a, 'the cleanup stopped before the final sweep');
      return;
    }
    const first = await this.sweeper.sweep(collection, { listing: forceListing || unresolved.length > 0, ...this.requestLimits() });
    let deletedNow = 0;
    for (const f of first.found) {
      if (f.location && this.deleted.has(f.location)) {
        await this.stillThere(f, resourceType);
        continue;
      }
      const before = this.deleted.size;
      await this.removeFound(f, 'sweep');
      deletedNow += this.deleted.size - before;
    }
    if (!first.complete) {
      const why = `the sweep of ${this.shown(collection)} was incomplete (${first.note ?? 'unknown reason'})`;
      this.notes.push(why);
      for (const a of unresolved) this.unresolvedLeftover(a, why);
    }
    if (deletedNow > 0 && !this.stopped()) {
      const again: SweepResult = await this.sweeper.sweep(collection, { listing: first.method === 'listing', ...this.requestLimits() });
      for (const f of again.found) if (f.location && this.deleted.has(f.location)) await this.stillThere(f, resourceType);
    }
  }

  /**
   * A location an earlier run recorded (`scimproof clean --run`): deleted only when reading it
   * shows the prefix, so a stale or wrong location never removes someone else's resource.
   */
  async removeAt(location: string, resourceType: string): Promise<void> {
    const stop = this.stopped();
    if (stop) {
      this.settle({ location: this.shown(location), resourceType, status: 'failed', message: stop });
      this.left(resourceType, stop, location);
      return;
    }
    const read = await this.sweeper.read(location, this.requestLimits());
    if (read.status === 404) {
      this.settle({ location: this.shown(location), resourceType, status: 'gone' });
      this.deleted.set(location, 404);
    } else if (read.name !== undefined) {
      await this.delete(location, resourceType, read.name, 'response');
    } else {
      const why = read.status === undefined ? 'no answer to a GET' : read.status >= 300 ? `GET answered ${read.status}` : 'it does not carry the run prefix';
      this.settle({ location: this.shown(location), resourceType, status: 'kept', message: why });
      if (read.status === undefined || read.status >= 300) this.left(resourceType, `could not be read to confirm it is the run's (${why})`, location);
    }
  }

  /** Listed after its DELETE succeeded: a stale listing when a GET says 404, a leftover otherwise. */
  private async stillThere(f: FoundResource, resourceType: string): Promise<void> {
    if (this.leftovers.some((l) => l.location === this.shown(f.location!))) return;
    const read = this.stopped() ? {} : await this.sweeper.read(f.location!, this.requestLimits());
    if (read.status === 404) return;
    this.left(resourceType, `still there after DELETE answered ${this.deleted.get(f.location!)}`, f.location, f.name);
    const entry = this.entries.find((e) => e.location === this.shown(f.location!));
    if (entry) Object.assign(entry, { status: 'failed', message: `DELETE answered ${this.deleted.get(f.location!)} but the resource is still there` });
  }

  private unresolvedLeftover(a: CreateAttempt, why: string): void {
    const what = a.status !== undefined ? `POST ${this.shown(a.collection)} answered ${a.status}` : `POST ${this.shown(a.collection)} got no answer`;
    const made = a.names[0] ? `what it made, named ${a.names[0].value},` : 'what it made';
    this.left(a.resourceType, `${what} (exchange ${a.exchangeId}) without a usable id; ${made} may remain: ${why}`, undefined, a.names[0]?.value);
  }
}

export { locationOf, prefixedName };

/** A cleaning pass of its own, for `scimproof clean`: removes what carries `prefix`, nothing else. */
export function startCleanPass(client: ScimClient, prefix: string, limits: CleanLimits): CleanPass {
  return new CleanPass(client, new Sweeper(client, prefix, (what) => ORIGIN(what)), limits);
}
