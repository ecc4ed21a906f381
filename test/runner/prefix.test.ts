// Everything a run tries to create carries the run prefix where the final sweep looks for it
// (userName, displayName or externalId), and no two scenarios share a unique value (a server
// that derives ids from externalId must not give two scenarios one resource).
import { expect, it } from 'vitest';
import type { Exchange } from '../../src/record/types.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer } from '../../src/server/index.ts';

/** Create bodies that cannot carry a name at all: not an object, or not JSON. */
const NAMELESS = new Set(['[1,2,3]', 'null', '']);

it('every create of a full run (suites, IdP replays, fuzz) carries the prefix; externalIds are unique per scenario', async () => {
  const server = await startServer({ port: 0 });
  const creates: Exchange[] = [];
  try {
    const record = await runConformance({
      url: server.url,
      auth: { kind: 'bearer', token: server.token },
      suites: ['core', 'entra', 'okta', 'fuzz'],
      seed: 42,
      fuzz: { runs: 10 },
      events: { onExchange: (ex) => (ex.request.method === 'POST' && /\/(Users|Groups)$/.test(new URL(ex.request.url).pathname) ? creates.push(ex) : undefined) },
    });
    expect(record.summary.fail).toBe(0);
    const prefix = record.meta.prefix.toLowerCase();
    const unnamed: string[] = [];
    const owners = new Map<string, Set<string>>();
    for (const ex of creates) {
      const body = ex.request.body ?? '';
      if (NAMELESS.has(body.trim())) continue;
      // Malformed bodies: the prefix is in their text; object bodies: in a name attribute.
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(body) as Record<string, unknown>;
      } catch {
        if (!body.toLowerCase().includes(prefix) && /userName/i.test(body)) unnamed.push(body.slice(0, 120));
        continue;
      }
      const names = ['userName', 'displayName', 'externalId'].map((k) => parsed![k]).filter((v): v is string => typeof v === 'string');
      if (!names.some((n) => n.toLowerCase().includes(prefix))) unnamed.push(body.slice(0, 120));
      if (typeof parsed.externalId === 'string' && ex.response?.status === 201) {
        const scenario = `${ex.origin?.scenario}${/\[[^\]]+\]/.exec(ex.origin?.step ?? '')?.[0] ?? ''}`;
        owners.set(parsed.externalId, (owners.get(parsed.externalId) ?? new Set()).add(scenario));
      }
    }
    expect(creates.length).toBeGreaterThan(200);
    expect(unnamed).toEqual([]);
    expect([...owners].filter(([, scenarios]) => scenarios.size > 1)).toEqual([]);
    expect(server.store.count('User')).toBe(0);
    expect(server.store.count('Group')).toBe(0);
  } finally {
    await server.close();
  }
}, 120_000);
