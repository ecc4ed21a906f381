// The cleanup journal: every resource the run creates is written down when its 201 arrives and
// deleted at the end, newest first, even after failures or Ctrl-C. Nothing else is ever deleted.
import type { CleanupEntry, Exchange } from '../record/types.ts';
import type { ScimClient } from '../http/client.ts';

interface Created {
  location: string;
  resourceType: string;
  gone: boolean;
}

export class CleanupJournal {
  /** By location, in creation order (a Map keeps insertion order; lookups stay O(1) over long fuzz runs). */
  private readonly created = new Map<string, Created>();
  private open = 0;

  constructor(private readonly client: ScimClient) {}

  /** Watches every exchange: creations are journaled, successful deletes are crossed out. */
  observe(exchange: Exchange): void {
    const { request, response } = exchange;
    if (!response) return;
    if (request.method === 'POST' && response.status === 201) {
      const body = response.json as { id?: unknown; meta?: { location?: unknown; resourceType?: unknown } } | undefined;
      if (typeof body?.id !== 'string' || body.id === '') return;
      const url = baseOf(request.url);
      // Our own URL, not the server's Location: a wrong Location must not make us delete elsewhere.
      const location = `${url}/${encodeURIComponent(body.id)}`;
      const resourceType = typeof body.meta?.resourceType === 'string' ? body.meta.resourceType : (url.split('/').pop() ?? 'resource');
      if (!this.created.has(location)) {
        this.created.set(location, { location, resourceType, gone: false });
        this.open++;
      }
    } else if (request.method === 'DELETE' && (response.status === 204 || response.status === 200 || response.status === 404)) {
      this.markGone(this.created.get(baseOf(request.url)));
    }
  }

  private markGone(c: Created | undefined): void {
    if (!c || c.gone) return;
    c.gone = true;
    this.open--;
  }

  get pending(): number {
    return this.open;
  }

  /**
   * Deletes what is left, newest first (groups before the users in them). Against a target that
   * stopped answering, `giveUpAfterTimeouts` ends the attempt and lists what is left behind.
   * `forgetSettled` (the fuzzer cleans after every property run) reports only what this call
   * attempted and then forgets what is gone or kept, so each call costs what the run created.
   */
  async clean(keep: boolean, limits: { timeoutMs?: number; giveUpAfterTimeouts?: number } = {}, options: { forgetSettled?: boolean } = {}): Promise<CleanupEntry[]> {
    const entries: CleanupEntry[] = [];
    let timeouts = 0;
    for (const c of [...this.created.values()].reverse()) {
      if (!c.gone && !keep && limits.giveUpAfterTimeouts !== undefined && timeouts >= limits.giveUpAfterTimeouts) {
        entries.push({ location: c.location, resourceType: c.resourceType, status: 'failed', message: 'not attempted: the target stopped answering; delete it by hand' });
        continue;
      }
      if (c.gone) {
        if (!options.forgetSettled) entries.push({ location: c.location, resourceType: c.resourceType, status: 'gone' });
        continue;
      }
      if (keep) {
        entries.push({ location: c.location, resourceType: c.resourceType, status: 'kept', message: '--no-cleanup' });
        if (options.forgetSettled) this.forget(c);
        continue;
      }
      const ex = await this.client.send({ method: 'DELETE', path: c.location, origin: { suite: 'cleanup', scenario: 'cleanup', step: 'delete' }, ...(limits.timeoutMs ? { timeoutMs: limits.timeoutMs } : {}) });
      if (ex.transportError?.code === 'timeout') timeouts += 1;
      const status = ex.response?.status;
      if (status === 204 || status === 200 || status === 404) {
        this.markGone(c);
        entries.push({ location: c.location, resourceType: c.resourceType, status: status === 404 ? 'gone' : 'deleted' });
      } else {
        entries.push({ location: c.location, resourceType: c.resourceType, status: 'failed', message: ex.transportError?.message ?? `HTTP ${status}` });
      }
    }
    if (options.forgetSettled) for (const c of [...this.created.values()]) if (c.gone) this.forget(c);
    return entries;
  }

  private forget(c: Created): void {
    this.created.delete(c.location);
    if (!c.gone) this.open--;
  }
}

/** The resource URL a request addressed: no query, no trailing slash. */
function baseOf(url: string): string {
  const query = url.indexOf('?');
  return (query === -1 ? url : url.slice(0, query)).replace(/\/+$/, '');
}
