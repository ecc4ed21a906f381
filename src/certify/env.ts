// What every certification test is given: the run's phase context, the pre-flight settings, a
// recorder per programme test, unique names under the run prefix, and the list of resources a
// server created with 200 instead of 201 (the cleanup journal only sees 201s) to delete at the end.
import type { FederationIdentity } from '../federation/identity.ts';
import type { OAuthConfig } from '../http/oauth.ts';
import type { Exchange } from '../record/types.ts';
import type { PhaseContext } from '../runner/run.ts';
import { TestRecorder } from './judge.ts';

export interface FederationSettings {
  tokenUrl: string;
  clientId: string;
  scope?: string;
  identity: FederationIdentity;
  /** The issuer URL the assertions name (and whose JWKS the token endpoint trusts). */
  issuer: string;
}

export interface CertifySettings {
  /** The OAuth client the run uses, when it authenticates with client credentials. */
  oauth?: OAuthConfig;
  /** A token the server issued that has expired since (for the expired-token check). */
  expiredToken?: string;
  /** Wait at most this long for a fresh token to expire (short-lived test tokens). */
  expiryWaitSeconds: number;
  federation?: FederationSettings;
  /** Attributes the vendor's Entra mapping targets (Schema_Discoverability_Test). */
  mappedAttributes?: string[];
  /** Length of the throughput burst. */
  rateSeconds: number;
  /** Require Okta entitlements (fail when none are published). */
  entitlements?: boolean;
  matchingAttribute: string;
  /** Run only these programme tests (`--test`); the verdict is then partial. */
  tests?: string[];
}

export class CertifyEnv {
  private counter = 0;
  /** Locations created with a 200 (not journaled): deleted when the phase ends. */
  readonly createdWith200: string[] = [];

  constructor(
    readonly ctx: PhaseContext,
    readonly settings: CertifySettings,
    private readonly area: string,
  ) {}

  /** Is this programme test selected (all are, without --test)? */
  wants(test: string): boolean {
    return !this.settings.tests || this.settings.tests.includes(test);
  }

  recorder(test: string): TestRecorder {
    this.ctx.announce(test);
    return new TestRecorder(this.ctx, test, this.area);
  }

  /** A unique name under the run prefix: `spf1a2b3c4-pod-3`. */
  name(part: string): string {
    return `${this.ctx.prefix}${part}-${++this.counter}`;
  }

  /** Remembers a resource a server created with 200, which the cleanup journal does not see. */
  noteCreated(exchange: Exchange, collection: '/Users' | '/Groups'): string | undefined {
    const id = idOf(exchange);
    if (id && exchange.response?.status === 200) this.createdWith200.push(`${collection}/${encodeURIComponent(id)}`);
    return id;
  }

  async cleanUp(): Promise<void> {
    for (const path of this.createdWith200.reverse()) await this.ctx.client.send({ method: 'DELETE', path, origin: { suite: 'cleanup', scenario: 'cleanup', step: 'delete' } });
  }
}

/** The `id` of the resource a response carries, when it is a 2xx with one. */
export function idOf(exchange: Exchange): string | undefined {
  const status = exchange.response?.status ?? 0;
  const id = (exchange.response?.json as { id?: unknown } | undefined)?.id;
  return status >= 200 && status < 300 && typeof id === 'string' && id !== '' ? id : undefined;
}

export const created = (exchange: Exchange): boolean => idOf(exchange) !== undefined && [200, 201].includes(exchange.response!.status);
