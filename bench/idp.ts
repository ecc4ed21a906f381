// Mock IdP throughput and memory. Every measured side runs in a process of its own, fresh each
// time (bench/idp-worker.mjs), and so does the reference server (bench/server-process.ts): on a
// 2-core machine the IdP gets one core and the app the other, and each process's CPU time and
// peak RSS are its own. The bench process only writes the directory file and prints the table.
//   1. an initial Entra cycle of 10,000 users (with managers) and 200 groups at the default
//      concurrency, with the full log (JSONL + HTML chunks) written, as `idp sync` does;
//   2. a bare undici loop sending the same requests (built by the same dialect builders) at the
//      same concurrency, phase by phase — the yardstick for the IdP's own overhead; 1 and 2
//      alternate for five rounds, and the goal is judged on the median of the rounds' ratios;
//   3. 100,000 users with the log, for peak memory (set IDP_BENCH_BIG=0 to skip it);
//   4. a paced cycle at --rate 25, to show the pacing holds;
//   5. one more pair of 1 and 2 against a server that answers each request 2 ms after it came (a
//      server that reads a database), as a developer's own server meets the IdP.
// Memory is the IdP process's kernel high-water mark (getrusage maxrss): the loaded directory,
// the state, the log writer and the client, plus node itself (the worker is plain JavaScript)
// (shown apart as "at start"); neither the directory's JSON text the bench generates nor the bare
// loop's data is in it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serverProcess, stop } from './spawn-server.ts';
import { DEFAULT_CONCURRENCY } from '../src/idp/sync.ts';
import type { BenchModule, BenchRow, WorkerJob, WorkerResult } from './types.ts';


/** CPU seconds a process has used so far (Linux /proc; undefined elsewhere). */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function directory(users: number, groups: number): string {
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
      ...(i > 0 ? { manager: `u${Math.floor((i - 1) / 10)}` } : {}),
    })),
    groups: Array.from({ length: groups }, (_, g) => ({ id: `g${g}`, displayName: `Bench Group ${g}`, members: Array.from({ length: perGroup }, (_, k) => `u${g * perGroup + k}`).filter((id) => Number(id.slice(1)) < users) })),
    app: { scope: 'all', provisionGroups: groups > 0 },
  };
  return JSON.stringify(doc);
}

interface Measured extends WorkerResult {
  /** CPU seconds the reference server used while this side ran. */
  serverCpuSeconds?: number;
}

/** Runs one side (engine or bare) in a worker process against a fresh server process. */
async function measure(mode: WorkerJob['mode'], directoryFile: string, options: { concurrency: number; rate?: number; log: boolean; latencyMs?: number }): Promise<Measured> {
  const server = await serverProcess(options.latencyMs ? { latencyMs: options.latencyMs } : {});
  const logDir = options.log && mode === 'engine' ? mkdtempSync(join(tmpdir(), 'scimproof-idp-bench-')) : undefined;
  // The engine keeps a state file, as `idp sync` always does: its journal is part of the IdP's work.
  const stateDir = mode === 'engine' ? mkdtempSync(join(tmpdir(), 'scimproof-idp-bench-state-')) : undefined;
  try {
    const job: WorkerJob = { mode, directoryFile, url: server.url, token: server.token, concurrency: options.concurrency, ...(options.rate ? { rate: options.rate } : {}), ...(logDir ? { logDir } : {}), ...(stateDir ? { statePath: join(stateDir, 'state.json') } : {}) };
    const serverBefore = cpuSecondsOf(server.child.pid);
    const worker = spawn(process.execPath, [new URL('./idp-worker.mjs', import.meta.url).pathname, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    createInterface({ input: worker.stdout! }).on('line', (line) => lines.push(line));
    const code = await new Promise<number | null>((resolve) => worker.once('close', resolve));
    const serverAfter = cpuSecondsOf(server.child.pid);
    if (code !== 0 || lines.length === 0) throw new Error(`the ${mode} worker exited ${code}`);
    const result = JSON.parse(lines.at(-1)!) as WorkerResult;
    if (result.status !== 'ok') throw new Error(`bench cycle ended ${result.status}`);
    return { ...result, ...(serverBefore !== undefined && serverAfter !== undefined ? { serverCpuSeconds: serverAfter - serverBefore } : {}) };
  } finally {
    await stop(server);
    if (logDir) rmSync(logDir, { recursive: true, force: true });
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The answer time of the slow server (bench/server-process.ts). */
const LATENCY_MS = 2;

/** Rounds of the 10k cycle on each side. */
const ROUNDS = Number(process.env.IDP_BENCH_ROUNDS ?? 5);

/** The measurement whose `key` is the median. */
function medianBy<T>(items: T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)]!;
}

const perRequest = (seconds: number, requests: number): string => `${((seconds / requests) * 1e6).toFixed(0)} µs/request`;
const serverCpu = (m: Measured): string => (m.serverCpuSeconds === undefined ? '' : `; server CPU ${m.serverCpuSeconds.toFixed(1)} s (${perRequest(m.serverCpuSeconds, m.requests)})`);
const memory = (m: Measured): string => `peak rss ${m.peakRssMiB} MiB (at start ${m.startRssMiB} MiB: node alone; directory loaded ${m.loadedRssMiB} MiB)`;

export const idpBench: BenchModule = {
  name: 'idp',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    // IDP_BENCH_CONCURRENCY: the same bench at another concurrency (both sides), to see where the limit is.
    const c = Number(process.env.IDP_BENCH_CONCURRENCY ?? DEFAULT_CONCURRENCY);
    const files = mkdtempSync(join(tmpdir(), 'scimproof-idp-bench-dir-'));
    const file = (users: number, groups: number): string => {
      const path = join(files, `directory-${users}-${groups}.json`);
      writeFileSync(path, directory(users, groups));
      return path;
    };
    try {
      const tenK = file(10_000, 200);
      // Alternating rounds (IdP, bare, IdP, …): this machine's speed drifts by a quarter from one
      // minute to the next, and a lone pair can land on either side of the drift. Medians of each.
      const engines: Measured[] = [];
      const bares: Measured[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        engines.push(await measure('engine', tenK, { concurrency: c, log: true }));
        bares.push(await measure('bare', tenK, { concurrency: c, log: false }));
      }
      const engine = medianBy(engines, (m) => m.seconds);
      const bare = medianBy(bares, (m) => m.seconds);
      // Each round's two sides ran a few seconds apart, on the same machine speed: the goal is
      // judged on the median of the rounds' ratios, not on a ratio of medians from different minutes.
      const ratios = engines.map((e, i) => bares[i]!.seconds / e.seconds);
      const ratio = medianBy(ratios, (r) => r);
      rows.push(
        { metric: `initial cycle 10k users + 200 groups (managers, log on), concurrency ${c} (median of ${ROUNDS})`, value: `${engine.seconds.toFixed(1)} s, ${engine.requests} requests` },
        { metric: '  users/s (target ≥ 1000)', value: (10_000 / engine.seconds).toFixed(0) },
        { metric: '  requests/s', value: (engine.requests / engine.seconds).toFixed(0) },
        { metric: `bare undici loop, same requests, concurrency ${c}`, value: `${bare.seconds.toFixed(1)} s, ${bare.requests} requests, ${(10_000 / bare.seconds).toFixed(0)} users/s` },
        { metric: '  mock IdP speed vs bare loop (target ≥ 80%)', value: `${(ratio * 100).toFixed(0)}%, median of ${ROUNDS} alternating rounds (${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')}); bare ${(bare.requests / bare.seconds).toFixed(0)} req/s` },
        { metric: '  IdP CPU time (its own process)', value: `${engine.cpuSeconds.toFixed(1)} s, ${perRequest(engine.cpuSeconds, engine.requests)}: one core could drive ${(engine.requests / engine.cpuSeconds).toFixed(0)} req/s, ${(10_000 / engine.cpuSeconds).toFixed(0)} users/s${serverCpu(engine)}` },
        { metric: '  bare loop CPU time (its own process)', value: `${bare.cpuSeconds.toFixed(1)} s, ${perRequest(bare.cpuSeconds, bare.requests)}; IdP/bare CPU ${(engine.cpuSeconds / bare.cpuSeconds).toFixed(2)}×${serverCpu(bare)}` },
        { metric: '  IdP process memory', value: memory(engine) },
      );
      const slowEngine = await measure('engine', tenK, { concurrency: c, log: true, latencyMs: LATENCY_MS });
      const slowBare = await measure('bare', tenK, { concurrency: c, log: false, latencyMs: LATENCY_MS });
      rows.push(
        { metric: `same, the server answering after ${LATENCY_MS} ms: initial cycle (one round)`, value: `${slowEngine.seconds.toFixed(1)} s, ${(10_000 / slowEngine.seconds).toFixed(0)} users/s` },
        { metric: `same, the server answering after ${LATENCY_MS} ms: bare undici loop`, value: `${slowBare.seconds.toFixed(1)} s, ${(10_000 / slowBare.seconds).toFixed(0)} users/s (${((slowBare.seconds * c * 1000) / slowBare.requests).toFixed(1)} ms per request on each of ${c} connections)` },
        { metric: `  mock IdP speed vs bare loop, server answering after ${LATENCY_MS} ms`, value: `${((slowBare.seconds / slowEngine.seconds) * 100).toFixed(0)}%` },
      );
      if (process.env.IDP_BENCH_BIG !== '0') {
        const big = await measure('engine', file(100_000, 0), { concurrency: c, log: true });
        rows.push(
          { metric: 'initial cycle 100k users (managers, log on)', value: `${big.seconds.toFixed(1)} s, ${(100_000 / big.seconds).toFixed(0)} users/s, IdP CPU ${big.cpuSeconds.toFixed(1)} s (${perRequest(big.cpuSeconds, big.requests)})` },
          { metric: '  IdP process memory (target < 500 MiB)', value: memory(big) },
        );
      }
      // 1 probe + 50 × (match + create) + 49 manager links ≈ 150 requests at 25/s: about 6 s.
      const paced = await measure('engine', file(50, 0), { concurrency: c, rate: 25, log: false });
      rows.push({ metric: '--rate 25: achieved requests/s', value: `${(paced.requests / paced.seconds).toFixed(1)} (${paced.requests} requests in ${paced.seconds.toFixed(1)} s)` });
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
    return rows;
  },
};
