// How to limit a query to the users one scenario created. `userName sw "<tag>."` is the natural
// scope, but RFC 7644 §3.4.2.2 lets a server support any subset of filter operators (Entra and
// Okta need only eq and and), so an eq-only server gets `displayName eq "<tag>"` instead: the
// scenarios that query a set of their own users give each of them that displayName. A server that
// answers neither has no scoped queries; the scenarios that need one are skipped with the reason.
import type { ScimClient } from '../http/client.ts';
import type { Discovery } from '../record/types.ts';
import { advertisedUser, notAdvertised } from '../spec/advertised.ts';

export type ScopeStrategy = 'userName sw' | 'displayName eq';

export function scopeFilter(strategy: ScopeStrategy, tag: string): string {
  return strategy === 'userName sw' ? `userName sw ${JSON.stringify(`${tag}.`)}` : `displayName eq ${JSON.stringify(tag)}`;
}

const isList = (json: unknown): boolean => !!json && typeof json === 'object' && Number.isInteger((json as { totalResults?: unknown }).totalResults);

export async function probeScope(client: ScimClient, prefix: string, discovery: Discovery): Promise<ScopeStrategy | undefined> {
  if (!discovery.capabilities.users) return undefined;
  const candidates: ScopeStrategy[] = ['userName sw'];
  if (!notAdvertised(advertisedUser(discovery), 'displayName')) candidates.push('displayName eq');
  for (const strategy of candidates) {
    const ex = await client.send({ method: 'GET', path: '/Users', query: { filter: scopeFilter(strategy, prefix), count: 1 }, origin: { suite: 'discovery', scenario: 'query-scope', step: strategy } });
    if (ex.response?.status === 200 && isList(ex.response.json)) return strategy;
  }
  return undefined;
}
