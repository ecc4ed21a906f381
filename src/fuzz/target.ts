// The fuzzer's side of the wire: a recording client, the cleanup journal, and the bookkeeping that
// keeps a long fuzz run's record small. Every property run gets its own name prefix (so populations
// of different runs never see each other) and ends by deleting what it created, pass or fail.
import { createClient, type ClientOptions, type OutgoingRequest, type ScimClient } from '../http/client.ts';
import type { CleanupEntry, Exchange, Leftover } from '../record/types.ts';
import { CleanupJournal, type CreateAttempt } from '../runner/cleanup.ts';

/** Exchanges kept from passing runs, so the report shows what was sent without holding every request. */
const RECENT_LIMIT = 200;
/**
 * A transport client is replaced (between runs) once it has sent this many requests: its record
 * budget (how much of each body the record keeps) starts afresh, so a long fuzz run's later
 * counterexamples are recorded as fully as its first ones.
 */
const ROTATE_AFTER = 4000;
/** Cleanup entries kept in the record (failures and kept resources first). */
const CLEANUP_LIMIT = 200;

export interface RunScope {
  /** `spf…-cg12-`: every name this run creates starts with it. */
  prefix: string;
  exchanges: Exchange[];
  counter: number;
}

export interface FuzzTargetOptions {
  client: Omit<ClientOptions, 'onExchange'>;
  /** The run prefix (`spf…-`). */
  prefix: string;
  /** Keep what the runs create (`--no-cleanup`). */
  keep: boolean;
  aborted?: () => boolean;
  onExchange?: (exchange: Exchange) => void;
  /** Epoch ms by which a run's cleanup must end, once the run is stopping (undefined: no limit). */
  cleanupDeadline?: () => number | undefined;
}

export class FuzzTarget {
  private client: ScimClient;
  private readonly journal: CleanupJournal;
  /** The last RECENT_LIMIT exchanges, as a ring (`recentAt` is the next slot). */
  private readonly recent: Exchange[] = [];
  private recentAt = 0;
  private readonly seq = new WeakMap<Exchange, number>();
  private nextSeq = 0;
  private scope: RunScope | undefined;
  private property = 'fuzz';
  private runCounter = 0;
  private sentByClient = 0;
  readonly cleanup: CleanupEntry[] = [];
  private cleanupCounts = { deleted: 0, gone: 0, failed: 0, kept: 0 };
  requests = 0;

  constructor(private readonly options: FuzzTargetOptions) {
    this.client = this.newClient();
    const self = this;
    // The journal deletes through whichever transport client is current.
    const facade: ScimClient = {
      get baseUrl() {
        return self.client.baseUrl;
      },
      get names() {
        return self.client.names;
      },
      get timeoutMs() {
        return self.client.timeoutMs;
      },
      get exchanges() {
        return self.recentExchanges();
      },
      send: (req) => self.client.send(req),
      resolve: (path) => self.client.resolve(path),
      redact: (text) => self.client.redact(text),
      close: async () => undefined,
    };
    this.journal = new CleanupJournal(facade, options.prefix);
  }

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  get prefix(): string {
    return this.options.prefix;
  }

  aborted(): boolean {
    return this.options.aborted?.() ?? false;
  }

  private newClient(): ScimClient {
    this.sentByClient = 0;
    // The target keeps what it needs (each run's exchanges, the recent ring, the counterexamples):
    // the client holding every request of a long run as well would only make the heap and its
    // garbage collection grow with the run.
    return createClient({ ...this.options.client, retainExchanges: false, onExchange: (ex, request) => this.capture(ex, request) });
  }

  private capture(exchange: Exchange, request: OutgoingRequest): void {
    this.requests++;
    this.sentByClient++;
    this.seq.set(exchange, this.nextSeq++);
    this.journal?.observe(exchange, request);
    this.scope?.exchanges.push(exchange);
    this.recent[this.recentAt] = exchange;
    this.recentAt = (this.recentAt + 1) % RECENT_LIMIT;
    this.options.onExchange?.(exchange);
  }

  /** Names the property whose runs follow (origin of their exchanges, part of their prefix). */
  beginProperty(tag: string, propertyId: string): void {
    this.property = propertyId;
    this.tag = tag;
    this.runCounter = 0;
  }
  private tag = 'p';

  send(request: OutgoingRequest, step: string): Promise<Exchange> {
    return this.client.send({ ...request, origin: { suite: 'fuzz', scenario: this.property, step } });
  }

  /** A fresh unique name prefix inside the current run: `spf…-cg3-u2.` */
  uniqueName(kind: string): string {
    const scope = this.requireScope();
    scope.counter++;
    return `${scope.prefix}${kind}${scope.counter}.`;
  }

  /** A number unique within the current run (values that must not repeat). */
  nextNumber(): number {
    return ++this.requireScope().counter;
  }

  get runPrefix(): string {
    return this.requireScope().prefix;
  }

  private requireScope(): RunScope {
    if (!this.scope) throw new Error('fuzz target used outside a run');
    return this.scope;
  }

  /**
   * The evaluation in progress. fast-check's time limit stops waiting for an evaluation, not the
   * evaluation itself: it goes on in the background, and the next one must not start (in the same
   * scope, or after the client closed) until it has finished and cleaned up (`settled()`).
   */
  private running: Promise<unknown> | undefined;

  /** Runs one property evaluation in its own scope, then deletes what it created. */
  async run<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; exchanges: Exchange[] }> {
    const evaluation = this.evaluate(fn);
    this.running = evaluation;
    try {
      return await evaluation;
    } finally {
      if (this.running === evaluation) this.running = undefined;
    }
  }

  /** Resolves once no evaluation is running (one a time limit abandoned included). */
  async settled(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private async evaluate<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; exchanges: Exchange[] }> {
    this.runCounter++;
    const scope: RunScope = { prefix: `${this.options.prefix}${this.tag}${this.runCounter}-`, exchanges: [], counter: 0 };
    this.scope = scope;
    let value: T | undefined;
    let error: unknown;
    let failed = false;
    try {
      value = await fn();
    } catch (e) {
      error = e;
      failed = true;
    } finally {
      this.scope = undefined;
      await this.clean();
      if (this.sentByClient > ROTATE_AFTER) {
        const old = this.client;
        this.client = this.newClient();
        await old.close();
      }
    }
    return failed ? { error, exchanges: scope.exchanges } : { value: value as T, exchanges: scope.exchanges };
  }

  private async clean(): Promise<void> {
    if (this.journal.pending === 0) return;
    const deadline = this.options.cleanupDeadline?.();
    const { entries, leftovers, unresolved } = await this.journal.clean({ keep: this.options.keep, ...(deadline !== undefined ? { deadline } : {}) });
    this.leftovers.push(...leftovers);
    this.unresolved.push(...unresolved);
    for (const entry of entries) {
      if (entry.status === 'gone') continue;
      if (this.reported.has(entry.location)) continue;
      this.reported.add(entry.location);
      this.cleanupCounts[entry.status]++;
      if (entry.status !== 'deleted' && this.cleanup.length < CLEANUP_LIMIT) this.cleanup.push(entry);
    }
  }
  private readonly reported = new Set<string>();
  /** What the runs' cleanups could not delete. */
  readonly leftovers: Leftover[] = [];
  /** Creates only a sweep by prefix can settle (left to the run's final sweep). */
  readonly unresolved: CreateAttempt[] = [];

  get cleanupSummary(): Readonly<{ deleted: number; gone: number; failed: number; kept: number }> {
    return this.cleanupCounts;
  }

  /** Exchanges worth keeping from passing runs. */
  recentExchanges(): Exchange[] {
    // Oldest first: the ring's tail, then its head.
    return [...this.recent.slice(this.recentAt), ...this.recent.slice(0, this.recentAt)];
  }

  order(exchange: Exchange): number {
    return this.seq.get(exchange) ?? Number.MAX_SAFE_INTEGER;
  }

  async close(): Promise<void> {
    await this.settled();
    await this.clean();
    await this.client.close();
  }
}
