// Tells credentials that stopped working (a token that expired or was revoked mid-run) from a
// server whose auth is broken on some endpoint. Both show as a 401 or 403 to a request sent with
// the run's credentials; only the first is the caller's problem. So on such an answer the run sends
// again a request that those same credentials got a 2xx for earlier (a GET on a resource endpoint,
// never a discovery one, which may need no credentials at all): if that is now refused too, the
// credentials are gone and the run stops with one clear reason; if it still works, the refusal
// was the endpoint's, and the check that sent it judges it as usual.
import type { OutgoingRequest, ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { requestFacts } from '../record/requests.ts';

/** Probes after every refusal up to this many; then only after a streak of refusals. */
const EAGER_PROBES = 20;
const STREAK_TO_PROBE = 3;
const PROBE_ORIGIN = { suite: 'run', scenario: 'credentials', step: 're-check the credentials' } as const;

const DISCOVERY_PATH = /\/(ServiceProviderConfig|Schemas|ResourceTypes)(\/|$)/i;

export class CredentialWatch {
  private lastGood: { request: Pick<OutgoingRequest, 'path' | 'query'>; exchangeId: string } | undefined;
  private probes = 0;
  private streak = 0;
  private lost: { exchangeId: string; status: number; where: string; probeOf: string } | undefined;

  /** The client's `afterExchange` hook. */
  readonly afterExchange = (exchange: Exchange, request: OutgoingRequest, client: ScimClient): Promise<void> | undefined => {
    if (this.lost || request.origin?.suite === 'cleanup' || request.origin?.scenario === PROBE_ORIGIN.scenario) return;
    // Deliberately wrong or missing credentials (the auth probes) are expected to be refused.
    if (request.auth !== undefined && request.auth !== 'default') return;
    const status = exchange.response?.status;
    if (status === undefined) return;
    if (status !== 401 && status !== 403) {
      this.streak = 0;
      // The recorded URL's path (parsed once per exchange) says which endpoint this was.
      if (request.method === 'GET' && status >= 200 && status < 300 && !DISCOVERY_PATH.test(requestFacts(exchange).path)) {
        this.lastGood = { request: { path: request.path, ...(request.query ? { query: request.query } : {}) }, exchangeId: exchange.id };
      }
      return;
    }
    this.streak += 1;
    if (!this.lastGood || (this.probes >= EAGER_PROBES && this.streak < STREAK_TO_PROBE)) return;
    this.probes += 1;
    return this.probe(exchange, request, status, client);
  };

  /** Sends again a request the credentials were accepted for, to tell lost credentials from an endpoint's refusal. */
  private async probe(exchange: Exchange, request: OutgoingRequest, status: number, client: ScimClient): Promise<void> {
    const lastGood = this.lastGood!;
    const probe = await client.send({ method: 'GET', ...lastGood.request, origin: PROBE_ORIGIN });
    const again = probe.response?.status;
    if (again === 401 || again === 403) {
      const path = new URL(client.resolve(request.path)).pathname;
      this.lost = { exchangeId: exchange.id, status, where: `${request.method} ${path}`, probeOf: lastGood.exchangeId };
    } else if (again !== undefined) {
      this.streak = 0;
    }
  }

  get tripped(): boolean {
    return this.lost !== undefined;
  }

  reason(): string | undefined {
    if (!this.lost) return undefined;
    const { exchangeId, status, where, probeOf } = this.lost;
    return `the credentials stopped working mid-run: ${where} got HTTP ${status} (exchange ${exchangeId}), and a request they were accepted for earlier (exchange ${probeOf}) is now refused too; the token may have expired or been revoked — the remaining checks were not run`;
  }
}
