// The mock IdP's read of every user or group of the app (Okta's import, OKTA-2.3): by startIndex,
// as Okta sends it, or — when the target offers only cursor paging (RFC 9865, `pagination.index`
// false) — by following nextCursor, so the mock IdP still works against a cursor-only app. The read
// says which way it went, for the provisioning log, and what that means for the real IdP.
import type { ScimClient } from '../http/client.ts';
import { pagingMethodOf, readAllPages, type PagedRead } from '../http/paged-read.ts';
import type { IdpFamily } from '../dialects/index.ts';

export interface ImportRead extends PagedRead {
  /** One line for the provisioning log when the read differs from what the IdP itself sends. */
  logNote?: string;
}

export async function readLikeImport(client: ScimClient, serviceProviderConfig: unknown, path: '/Users' | '/Groups', family: IdpFamily, count = 100): Promise<ImportRead> {
  const method = pagingMethodOf(serviceProviderConfig);
  const read = await readAllPages(client, { path, count, method, origin: { suite: 'idp', scenario: 'import', step: `read ${path}` } });
  if (method === 'index') return read;
  const real = family === 'okta' ? "Okta's own import pages by startIndex (OKTA-2.3) and gets no further than the first page from this app" : 'Entra does not import; its provisioning reads users by filter, which a cursor-only app answers alike';
  return { ...read, logNote: `the app offers only cursor paging (RFC 9865: pagination.index false), so the mock IdP read ${path} by following nextCursor (${read.exchanges.length} page(s), ${read.resources.length} resource(s)); ${real}` };
}
