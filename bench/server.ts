// Reference server throughput and memory. In-process: the server and an undici pool share one Node
// process, so the figures are a floor for what a separate client would see.
import { Pool } from 'undici';
import { startServer, type RunningServer } from '../src/server/index.ts';
import type { BenchModule, BenchRow } from './types.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CONNECTIONS = 24;

function userBody(i: number): Record<string, unknown> {
  return {
    schemas: [USER],
    userName: `bench.user${i}@example.com`,
    externalId: `ext-${i}`,
    name: { givenName: `Given${i}`, familyName: `Family${i}` },
    displayName: `Bench User ${i}`,
    active: true,
    emails: [{ value: `bench.user${i}@example.com`, type: 'work', primary: true }],
  };
}

/** Runs `total` requests with CONNECTIONS in flight; returns requests per second. */
async function measure(total: number, send: (i: number) => Promise<number>): Promise<number> {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < total) {
        const status = await send(next++);
        if (status >= 400) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (failures > 0) throw new Error(`${failures} requests failed`);
  return total / seconds;
}

function client(server: RunningServer) {
  const origin = new URL(server.url).origin;
  const base = new URL(server.url).pathname;
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
  const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' };
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await pool.request({ method, path: `${base}${path}`, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  };
  return { pool, call };
}

const filterPath = (i: number) => `/Users?filter=${encodeURIComponent(`userName eq "bench.user${i}@example.com"`)}`;

/** Fills the store directly (not over HTTP) for the scaling comparison. */
function preload(server: RunningServer, count: number): void {
  for (let i = 0; i < count; i++) {
    server.store.create('User', { userName: `bench.user${i}@example.com`, externalId: `ext-${i}`, name: { givenName: `G${i}`, familyName: `F${i}` }, active: true });
  }
}

async function filterRate(size: number, requests: number): Promise<number> {
  const server = await startServer({ port: 0 });
  const { pool, call } = client(server);
  try {
    preload(server, size);
    await measure(3_000, async (i) => (await call('GET', filterPath((i * 7919) % size))).status); // warm-up
    return await measure(requests, async (i) => {
      const reply = await call('GET', filterPath((i * 7919) % size));
      if (!reply.text.includes('"totalResults":1')) throw new Error('filter missed');
      return reply.status;
    });
  } finally {
    await pool.close();
    await server.close();
  }
}

export const serverBench: BenchModule = {
  name: 'reference server',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const rps = (n: number) => `${Math.round(n).toLocaleString('en-US')} req/s`;
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

    const server = await startServer({ port: 0 });
    const { pool, call } = client(server);
    const ids: string[] = [];
    try {
      const LOAD = 10_000;
      const createRate = await measure(LOAD, async (i) => {
        const reply = await call('POST', '/Users', userBody(i));
        ids[i] = (JSON.parse(reply.text) as { id: string }).id;
        return reply.status;
      });
      rows.push({ metric: `create (POST /Users, ${LOAD.toLocaleString('en-US')} users)`, value: rps(createRate) });
      global.gc?.();
      const memory = process.memoryUsage();
      rows.push({ metric: 'memory with 10,000 users (rss / heapUsed)', value: `${mib(memory.rss)} / ${mib(memory.heapUsed)}` });

      rows.push({ metric: 'get by id (10k users)', value: rps(await measure(10_000, async (i) => (await call('GET', `/Users/${ids[(i * 7919) % LOAD]}`)).status)) });
      rows.push({ metric: 'filter userName eq (10k users)', value: rps(await measure(10_000, async (i) => (await call('GET', filterPath((i * 7919) % LOAD))).status)) });
      rows.push({
        metric: 'paged list count=100 (10k users)',
        value: rps(await measure(1_000, async (i) => (await call('GET', `/Users?startIndex=${((i * 7919) % 99) * 100 + 1}&count=100`)).status)),
      });
    } finally {
      await pool.close();
      await server.close();
    }

    // Warm the JIT on a throwaway run so the first measured store is not penalised.
    await filterRate(1_000, 5_000);
    const small = await filterRate(1_000, 15_000);
    const large = await filterRate(100_000, 15_000);
    rows.push({ metric: 'filter userName eq, 1,000-user store', value: rps(small) });
    rows.push({ metric: 'filter userName eq, 100,000-user store', value: rps(large) });
    rows.push({ metric: 'ratio 100k / 1k (1.00 = no scan)', value: (large / small).toFixed(2) });
    return rows;
  },
};
