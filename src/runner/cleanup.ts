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
  private readonly created: Created[] = [];

  constructor(private readonly client: ScimClient) {}

  /** Watches every exchange: creations are journaled, successful deletes are crossed out. */
  observe(exchange: Exchange): void {
    const { request, response } = exchange;
    if (!response) return;
    const url = request.url.split('?')[0]!.replace(/\/+$/, '');
    if (request.method === 'POST' && response.status === 201) {
      const body = response.json as { id?: unknown; meta?: { location?: unknown; resourceType?: unknown } } | undefined;
      if (typeof body?.id !== 'string' || body.id === '') return;
      // Our own URL, not the server's Location: a wrong Location must not make us delete elsewhere.
      const location = `${url}/${encodeURIComponent(body.id)}`;
      const resourceType = typeof body.meta?.resourceType === 'string' ? body.meta.resourceType : (url.split('/').pop() ?? 'resource');
      if (!this.created.some((c) => c.location === location)) this.created.push({ location, resourceType, gone: false });
    } else if (request.method === 'DELETE' && (response.status === 204 || response.status === 200 || response.status === 404)) {
      for (const c of this.created) if (c.location === url) c.gone = true;
    }
  }

  get pending(): number {
    return this.created.filter((c) => !c.gone).length;
  }

  /**
   * Deletes what is left, newest first (groups before the users in them). Against a target that
   * stopped answering, `giveUpAfterTimeouts` ends the attempt and lists what is left behind.
   */
  async clean(keep: boolean, limits: { timeoutMs?: number; giveUpAfterTimeouts?: number } = {}): Promise<CleanupEntry[]> {
    const entries: CleanupEntry[] = [];
    let timeouts = 0;
    for (const c of [...this.created].reverse()) {
      if (!c.gone && !keep && limits.giveUpAfterTimeouts !== undefined && timeouts >= limits.giveUpAfterTimeouts) {
        entries.push({ location: c.location, resourceType: c.resourceType, status: 'failed', message: 'not attempted: the target stopped answering; delete it by hand' });
        continue;
      }
      if (c.gone) {
        entries.push({ location: c.location, resourceType: c.resourceType, status: 'gone' });
        continue;
      }
      if (keep) {
        entries.push({ location: c.location, resourceType: c.resourceType, status: 'kept', message: '--no-cleanup' });
        continue;
      }
      const ex = await this.client.send({ method: 'DELETE', path: c.location, origin: { suite: 'cleanup', scenario: 'cleanup', step: 'delete' }, ...(limits.timeoutMs ? { timeoutMs: limits.timeoutMs } : {}) });
      if (ex.transportError?.code === 'timeout') timeouts += 1;
      const status = ex.response?.status;
      if (status === 204 || status === 200 || status === 404) {
        c.gone = true;
        entries.push({ location: c.location, resourceType: c.resourceType, status: status === 404 ? 'gone' : 'deleted' });
      } else {
        entries.push({ location: c.location, resourceType: c.resourceType, status: 'failed', message: ex.transportError?.message ?? `HTTP ${status}` });
      }
    }
    return entries;
  }
}
