// Measures, before the scenarios, whether the server's search sees a write at once: one user is
// created the way Entra creates one, queried by userName at once, and again a little later each
// time until it is found; then it is deleted. Found at once: the search is consistent and the run
// never asks a query twice. Found later: that lag becomes the wait after each write (search-lag.ts).
// Not found, or the query refused: the probe cannot tell (a broken filter looks the same).
import type { ScimClient } from '../http/client.ts';
import type { Discovery, Exchange } from '../record/types.ts';
import { advertisedUser } from '../spec/advertised.ts';
import { getPointer } from '../util/pointer.ts';
import { ASK_AGAIN_AFTER_MS, type SearchLag } from './search-lag.ts';
import { fitRequest } from './schema-fit.ts';
import { withRequiredValues } from './required-fill.ts';
import { sleep } from '../util/sleep.ts';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const origin = (step: string): Exchange['origin'] => ({ suite: 'discovery', scenario: 'search-lag', step });

export async function probeSearchLag(client: ScimClient, discovery: Discovery, prefix: string, lag: SearchLag, signal?: AbortSignal): Promise<void> {
  const userName = `${prefix}search-probe@example.com`;
  const body = { schemas: [CORE_USER], userName, active: true, displayName: 'Search Probe', name: { givenName: 'Search', familyName: 'Probe', formatted: 'Search Probe' }, emails: [{ value: userName, type: 'work', primary: true }] };
  // What the product requires besides (its own extension's costCenter) is made up, as for every create of the run.
  const fitted = fitRequest({ method: 'POST', path: '/Users', json: withRequiredValues('POST', '/Users', body, discovery) }, advertisedUser(discovery), []);
  if ('skip' in fitted) return lag.probe('unknown');
  const created = await client.send({ ...fitted.request, origin: origin('create a user'), ...(signal ? { signal } : {}) });
  const status = created.response?.status;
  if (status !== 201 && status !== 200) return lag.probe('unknown');
  try {
    const filter = `userName eq ${JSON.stringify(userName)}`;
    let first: Exchange | undefined;
    for (const waitMs of [0, ...ASK_AGAIN_AFTER_MS]) {
      if (waitMs > 0) await sleep(waitMs, signal);
      if (signal?.aborted) return lag.probe('unknown');
      const sinceWrite = lag.sinceLastWrite();
      const query = await client.send({ method: 'GET', path: '/Users', query: { filter }, origin: origin(first ? 'query it again' : 'query it by userName'), ...(signal ? { signal } : {}) });
      if (query.response?.status !== 200) return lag.probe('unknown');
      if (lists(query.response.json, userName, getPointer(created.response?.json, '/id'))) {
        if (!first) return lag.probe('consistent');
        lag.probe('lagging');
        lag.lagged({ step: 'the search-lag probe', missedExchangeId: first.id, passedExchangeId: query.id, afterWriteMs: sinceWrite });
        return;
      }
      first ??= query;
    }
    lag.probe('unknown');
  } finally {
    await deleteCreated(client, created, signal);
  }
}

/**
 * Whether a ListResponse holds the user (RFC 7643 §4.1.1: userName matches case-insensitively), or
 * the id it was created with: a list that leaves userName out of its resources found the user all
 * the same, and asking again would only wait (the missing attribute is judged by the checks).
 */
function lists(json: unknown, userName: string, id: unknown): boolean {
  const resources = getPointer(json, '/Resources');
  if (!Array.isArray(resources)) return false;
  return resources.some((r) => {
    const name = getPointer(r, '/userName');
    if (typeof name === 'string') return name.toLowerCase() === userName.toLowerCase();
    return typeof id === 'string' && getPointer(r, '/id') === id;
  });
}

/** Deletes the probe's user at once (the run's cleanup would too, at its end, by its prefix). */
async function deleteCreated(client: ScimClient, created: Exchange, signal: AbortSignal | undefined): Promise<void> {
  const id = getPointer(created.response?.json, '/id');
  // Without an id in the body (a 201 with only a Location), the cleanup finds it by its Location.
  if (typeof id !== 'string' || id === '') return;
  await client.send({ method: 'DELETE', path: `/Users/${encodeURIComponent(id)}`, origin: origin('delete it'), ...(signal ? { signal } : {}) });
}
