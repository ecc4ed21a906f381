// Live updates for open pages, as server-sent events (`GET /api/events`): the job badge, the
// running cycle's progress, each new log entry (rendered with the page's own entry partial),
// cycle starts and ends, directory changes and problems. A large cycle logs thousands of objects
// a second: entries are sent in batches a few times a second, at most a screenful per batch (the
// rest are counted, and the page offers a reload), and progress at most a few times a second.
import type { ObjectEntry } from '../idp/log/entries.ts';
import { renderPartial } from './render.ts';
import type { ConsoleService } from './service.ts';
import { entryView, jobBadge, progressView, when } from './views.ts';

export interface LiveClient {
  send(event: string, data: unknown): void;
}

const BATCH_MS = 250;
const MAX_PER_BATCH = 50;
const PROGRESS_MS = 200;

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private pending: ObjectEntry[] = [];
  private dropped = 0;
  private batchTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private entryCount = 0;

  constructor(private readonly service: ConsoleService) {
    service.on('entry', (e) => this.entry(e));
    service.on('progress', () => this.progressSoon());
    service.on('cycle-start', (c) => {
      this.broadcast('cycle-start', { cycle: c.cycle, trigger: c.trigger, message: `cycle ${c.cycle} started (${c.trigger})` });
      this.status();
      this.progressNow();
    });
    service.on('cycle-end', (s) => {
      this.flush();
      const c = s.counts;
      const message = `cycle ${s.cycle} ${s.status === 'ok' ? 'finished' : s.status}: ${c.created} created, ${c.updated} updated, ${c.disabled} disabled, ${c.deleted} deleted, ${c.skipped} skipped, ${c.failed} failed${s.stopReason ? ` — ${s.stopReason}` : ''}`;
      this.broadcast('cycle-end', { cycle: s.cycle, status: s.status, counts: s.counts, quarantine: s.quarantine ?? null, message });
      this.progressNow();
    });
    service.on('status', () => this.status());
    service.on('directory', (change) => this.broadcast('directory', { message: change.message, origin: change.origin }));
    service.on('problem', (message) => this.broadcast('problem', { message }));
    service.on('failure', (message) => this.broadcast('failure', { message }));
    service.on('on-demand', (run) => this.broadcast('on-demand', { run: run.run, user: run.entry.display, provisioned: run.provisioned, message: `on-demand run for ${run.entry.display}: ${run.provisioned ? 'provisioned' : 'not provisioned'}` }));
  }

  get size(): number {
    return this.clients.size;
  }

  add(client: LiveClient): () => void {
    this.clients.add(client);
    client.send('hello', { job: this.jobHtml(), at: new Date().toISOString() });
    return () => this.clients.delete(client);
  }

  private broadcast(event: string, data: unknown): void {
    for (const client of this.clients) {
      try {
        client.send(event, data);
      } catch {
        this.clients.delete(client);
      }
    }
  }

  private jobHtml(): string {
    return renderPartial('job', { job: jobBadge(this.service.status(), this.service.running) });
  }

  private status(): void {
    if (this.clients.size === 0) return;
    const status = this.service.status();
    this.broadcast('status', { job: this.jobHtml(), on: status.running, cycleInProgress: status.cycleInProgress, quarantined: status.quarantine !== undefined, interval: status.intervalSeconds, next: when(status.nextCycleAt) ?? null });
  }

  private progressSoon(): void {
    this.progressTimer ??= setTimeout(() => this.progressNow(), PROGRESS_MS);
  }

  private progressNow(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    if (this.clients.size === 0) return;
    const status = this.service.status();
    const progress = progressView(this.service);
    this.broadcast('progress', { html: renderPartial('progress', { progress, on: status.running, next: when(status.nextCycleAt) }), progress: progress ?? null, job: this.jobHtml() });
  }

  private entry(e: ObjectEntry): void {
    this.entryCount++;
    if (this.clients.size === 0) return;
    if (this.pending.length >= MAX_PER_BATCH) this.dropped++;
    else this.pending.push(e);
    this.batchTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.pending.length === 0 && this.dropped === 0) return;
    const base = this.service.target.url;
    const entries = this.pending.map((e, i) => ({
      html: renderPartial('entry', { entry: entryView(e, base, this.entryCount * 1000 + i) }),
      id: e.id,
      display: e.display,
      targetId: e.targetId ?? '',
      action: e.action,
      outcome: e.outcome,
      type: e.objectType,
      cycle: e.cycle,
      onDemand: e.onDemand === true,
    }));
    const dropped = this.dropped;
    this.pending = [];
    this.dropped = 0;
    this.broadcast('entries', { entries, dropped });
  }

  close(): void {
    clearTimeout(this.batchTimer);
    clearTimeout(this.progressTimer);
    this.clients.clear();
  }
}
