// Access tokens the reference server issued: opaque random strings with an expiry, kept in memory.
// A token is valid until its expiry; `revokeAll` lets a test (or an admin) pull every token at once.
import { randomBytes } from 'node:crypto';

interface Issued {
  clientId: string;
  expiresAt: number;
}

export class TokenStore {
  private readonly tokens = new Map<string, Issued>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new token for `clientId`, valid for `lifetimeSeconds` (a negative lifetime gives an expired one). */
  issue(clientId: string, lifetimeSeconds: number): string {
    this.sweep();
    const token = `sp_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { clientId, expiresAt: this.now() + lifetimeSeconds * 1000 });
    return token;
  }

  /** True when the token was issued here and has not expired. */
  valid(token: string): boolean {
    const issued = this.tokens.get(token);
    return issued !== undefined && this.now() < issued.expiresAt;
  }

  revokeAll(): void {
    this.tokens.clear();
  }

  /** Drops tokens expired for more than an hour, so a long-running server does not grow without end. */
  private sweep(): void {
    const cutoff = this.now() - 3_600_000;
    for (const [token, issued] of this.tokens) if (issued.expiresAt < cutoff) this.tokens.delete(token);
  }
}
