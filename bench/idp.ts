// Mock IdP throughput and memory. The reference server runs in its own process (on a 2-core
// machine the IdP gets one core and the app the other), fresh for every measurement.
//   1. an initial Entra cycle of 10,000 users (with managers) and 200 groups at the default
//      concurrency, with the full log (JSONL + HTML chunks) written, as `idp sync` does;
//   2. a bare undici loop sending the same requests (built by the same dialect builders) at the
//      same concurrency, phase by phase — the yardstick for the IdP's own overhead;
//   3. 100,000 users with the log, for peak memory (set IDP_BENCH_BIG=0 to skip it);
//   4. a paced cycle at --rate 25, to show the pacing holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { buildDialectRequest } from '../src/dialects/index.ts';
import { parseDirectory } from '../src/idp/directory.ts';
import { IdpEngine } from '../src/idp/engine.ts';
import { DEFAULT_CONCURRENCY } from '../src/idp/sync.ts';
import type { CycleResult } from '../src/idp/types.ts';
import type { BenchModule, BenchRow } from './types.ts';

interface ServerProcess {
  url: string;
  token: string;
  child: ChildProcess;
}

async function serverProcess(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./server-process.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  });
  return { ...(JSON.parse(first) as { url: string; token: string }), child };
}

function stop(p: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGTERM');
  });
}

function directory(users: number, groups: number, withManagers: boolean): string {
  const perGroup = Math.ceil(users / Math.max(groups, 1));
  const doc = {
    source: 'entra',
    users: Array.from({ length: users }, (_, i) => ({
      id: `u${i}`,
      userPrincipalName: `user${i}@bench.example`,
      mail: `user${i}@bench.example`,
      mailNickname: `user${i}`,
      displayName: `Bench User ${i}`,
      givenName: `Given${i}`,
      surname: `Family${i}`,
      jobTitle: 'Engineer',
      department: `Dept ${i % 20}`,
      employeeId: `E${i}`,
      ...(withManagers && i > 0 ? { manager: `u${Math.floor((i - 1) / 10)}` } : {}),
    })),
    groups: Array.from({ length: groups }, (_, g) => ({ id: `g${g}`, displayName: `Bench Group ${g}`, members: Array.from({ length: perGroup }, (_, k) => `u${g * perGroup + k}`).filter((id) => Number(id.slice(1)) < users) })),
    app: { scope: 'all', provisionGroups: groups > 0 },
  };
  return JSON.stringify(doc);
}

interface Timed {
  result: CycleResult;
  seconds: number;
  peakRssMiB: number;
  /** CPU time the IdP process spent (user + system): what the machine's load does not inflate much. */
  cpuSeconds: number;
}

export async function engineCycle(users: number, groups: number, options: { concurrency?: number; rate?: number; log: boolean }): Promise<Timed> {
  const server = await serverProcess();
  const logDir = options.log ? mkdtempSync(join(tmpdir(), 'scimproof-idp-bench-')) : null;
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 1000);
  try {
    const text = directory(users, groups, true);
    const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'entra', directory: parseDirectory(text, 'bench.json'), statePath: null, logDir, ...(options.concurrency ? { concurrency: options.concurrency } : {}), ...(options.rate ? { rate: options.rate } : {}) });
    try {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const result = await engine.runCycleNow('bench');
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      if (result.status !== 'ok') throw new Error(`bench cycle ended ${result.status}: ${result.stopReason ?? `${result.counts.failed} failed`}`);
      peak = Math.max(peak, process.memoryUsage.rss());
      return { result, seconds, peakRssMiB: peak / 1024 / 1024, cpuSeconds };
    } finally {
      await engine.close();
    }
  } finally {
    clearInterval(sampler);
    await stop(server);
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  }
}

/** The same requests as the engine's initial cycle, built by the same builders, sent with nothing but undici. */
async function bareCycle(users: number, groups: number, concurrency: number): Promise<{ seconds: number; requests: number }> {
  const server = await serverProcess();
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: concurrency });
  const base = server.url;
  let requests = 0;
  const send = async (req: { method: string; path: string; json?: unknown; headers?: Record<string, string> }): Promise<unknown> => {
    const res = await request(`${base}${req.path}`, {
      method: req.method as 'GET',
      headers: { authorization: `Bearer ${server.token}`, accept: 'application/scim+json', ...(req.json !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...(req.headers ?? {}) },
      ...(req.json !== undefined ? { body: JSON.stringify(req.json) } : {}),
      dispatcher: agent,
    });
    requests++;
    const text = await res.body.text();
    return text === '' ? undefined : JSON.parse(text);
  };
  const pool = async <T>(items: T[], work: (item: T) => Promise<void>): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }));
  };
  const doc = JSON.parse(directory(users, groups, true)) as { users: Record<string, string>[]; groups: { id: string; displayName: string; members: string[] }[] };
  const ids = new Map<string, string>();
  try {
    const started = performance.now();
    await send(buildDialectRequest('entra', 'testConnection', { value: '00000000-0000-4000-8000-000000000000' }));
    await pool(doc.users, async (u) => {
      await send(buildDialectRequest('entra', 'findUser', { value: u.userPrincipalName }));
      const attributes = { userName: u.userPrincipalName, displayName: u.displayName, 'name.formatted': `${u.givenName} ${u.surname}`, title: u.jobTitle, 'emails[type eq "work"].value': u.mail, externalId: u.mailNickname, 'name.givenName': u.givenName, 'name.familyName': u.surname, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': u.department, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': u.employeeId };
      const created = (await send(buildDialectRequest('entra', 'createUser', { attributes }))) as { id: string };
      ids.set(u.id!, created.id);
    });
    await pool(doc.users.filter((u) => u.manager), async (u) => {
      await send(buildDialectRequest('entra', 'setManager', { id: ids.get(u.id!)!, managerId: ids.get(u.manager!)! }));
    });
    await pool(doc.groups, async (g) => {
      await send(buildDialectRequest('entra', 'findGroup', { displayName: g.displayName }));
      const created = (await send(buildDialectRequest('entra', 'createGroup', { displayName: g.displayName, externalId: g.id }))) as { id: string };
      await send(buildDialectRequest('entra', 'addMembers', { id: created.id, memberIds: g.members.map((m) => ids.get(m)!) }));
    });
    return { seconds: (performance.now() - started) / 1000, requests };
  } finally {
    await agent.close();
    await stop(server);
  }
}

export const idpBench: BenchModule = {
  name: 'idp',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const c = DEFAULT_CONCURRENCY;
    await engineCycle(500, 10, { log: true }); // warm-up: module loading and JIT
    const engine = await engineCycle(10_000, 200, { log: true });
    const bare = await bareCycle(10_000, 200, c);
    rows.push(
      { metric: `initial cycle 10k users + 200 groups (managers, log on), concurrency ${c}`, value: `${engine.seconds.toFixed(1)} s, ${engine.result.requests} requests` },
      { metric: '  users/s', value: (10_000 / engine.seconds).toFixed(0) },
      { metric: '  requests/s', value: (engine.result.requests / engine.seconds).toFixed(0) },
      { metric: `bare undici loop, same requests, concurrency ${c}`, value: `${bare.seconds.toFixed(1)} s, ${bare.requests} requests` },
      { metric: '  mock IdP speed vs bare loop', value: `${((bare.seconds / engine.seconds) * 100).toFixed(0)}% (bare ${(bare.requests / bare.seconds).toFixed(0)} req/s)` },
      { metric: '  IdP CPU time (its own process)', value: `${engine.cpuSeconds.toFixed(1)} s, ${((engine.cpuSeconds / engine.result.requests) * 1e6).toFixed(0)} µs per request: one core could drive ${(engine.result.requests / engine.cpuSeconds).toFixed(0)} req/s, ${((10_000 / engine.cpuSeconds)).toFixed(0)} users/s` },
      { metric: '  peak rss (IdP process)', value: `${engine.peakRssMiB.toFixed(0)} MiB` },
    );
    if (process.env.IDP_BENCH_BIG !== '0') {
      const big = await engineCycle(100_000, 0, { log: true });
      rows.push({ metric: 'initial cycle 100k users (managers, log on)', value: `${big.seconds.toFixed(1)} s, ${(100_000 / big.seconds).toFixed(0)} users/s, IdP CPU ${big.cpuSeconds.toFixed(1)} s, peak rss ${big.peakRssMiB.toFixed(0)} MiB` });
    }
    // 1 probe + 50 × (match + create) + 49 manager links ≈ 150 requests at 25/s: about 6 s.
    const paced = await engineCycle(50, 0, { rate: 25, log: false });
    rows.push({ metric: '--rate 25: achieved requests/s', value: `${(paced.result.requests / paced.seconds).toFixed(1)} (${paced.result.requests} requests in ${paced.seconds.toFixed(1)} s)` });
    return rows;
  },
};
