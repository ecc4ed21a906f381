// The yardstick of the overhead benches: the same recorded requests sent again with nothing but
// undici, in order, to a fresh reference server. Ids the first server assigned are mapped to the
// ones the fresh server assigns, so later requests address the right resources.
import { Agent, request } from 'undici';
import { startServer } from '../src/server/index.ts';
import type { Exchange } from '../src/record/types.ts';

const TOKEN = 'bench-token';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Wall time in ms of a bare undici loop replaying `exchanges`. */
export async function bareLoop(exchanges: readonly Exchange[]): Promise<number> {
  const server = await startServer({ port: 0, token: TOKEN });
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const oldBase = new URL(exchanges[0]!.request.url).origin;
  const newBase = new URL(server.url).origin;
  const ids = new Map<string, string>();
  const map = (text: string): string => text.replace(UUID, (id) => ids.get(id) ?? id);
  const started = performance.now();
  for (const ex of exchanges) {
    const url = map(ex.request.url.replace(oldBase, newBase));
    const body = ex.request.body === undefined ? undefined : map(ex.request.body);
    const headers = { ...ex.request.headers };
    // Auth probes were sent without credentials or with wrong ones; keep them that way.
    if (headers.authorization === 'Bearer [redacted]') headers.authorization = `Bearer ${TOKEN}`;
    const res = await request(url, { method: ex.request.method as 'GET', headers, body, dispatcher: agent });
    const text = await res.body.text();
    const oldId = (ex.response?.json as { id?: unknown } | undefined)?.id;
    if (res.statusCode === 201 && typeof oldId === 'string') ids.set(oldId, (JSON.parse(text) as { id: string }).id);
  }
  const ms = performance.now() - started;
  await agent.close();
  await server.close();
  return ms;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
