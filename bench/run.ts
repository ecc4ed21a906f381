// The harness's own overhead: a full core run against the reference server, against a bare undici
// loop that sends exactly the same requests to a fresh server. Rounds alternate (harness, bare,
// harness, …) so both see the same machine load; the ratio is of the medians. Both sides start
// warm (two rounds first), open one keep-alive connection and close it inside the timing; the bare
// loop sends the bodies as they went out (bench/replay.ts), not the record's redacted, cut copies.
// Measured twice: with the server in the bench's own process (its CPU, heap and event loop shared
// with the side measured: the goal's yardstick), and with the server in a process of its own, as
// a vendor's server always is (each side's CPU is then its own work only), and once more with that
// server answering each request 2 ms after it came (a server that reads a database; an in-memory
// server answers in a tenth of that): what a vendor's run against a real server pays.
import { runConformance } from '../src/runner/run.ts';
import { startServer } from '../src/server/index.ts';
import type { Exchange } from '../src/record/types.ts';
import { bareLoop, BENCH_TOKEN, median, ratioText, timed, withSentBodies, type BareTiming, type Timing } from './replay.ts';
import type { BenchModule, BenchRow } from './types.ts';
import { serverProcess, stop, type ServerProcess } from './spawn-server.ts';

const ROUNDS = 9;
/** Rounds of both before the measured ones: module loading, JIT, suites read once per process. */
const WARM_UP = 2;
/** The answer time of the slow server (bench/server-process.ts). */
const LATENCY_MS = 2;

async function harnessRun(remote?: ServerProcess): Promise<{ timing: Timing; exchanges: Exchange[]; sentBodies: (Buffer | undefined)[] }> {
  const server = remote ? { ...remote, close: async () => undefined } : await startServer({ port: 0, token: BENCH_TOKEN });
  const { value: { value: record, timing }, sentBodies } = await withSentBodies(() => timed(() => runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 1 })));
  await server.close();
  if (record.summary.fail > 0) throw new Error(`the core run failed ${record.summary.fail} checks; the bench needs a clean run`);
  return { timing, exchanges: record.exchanges, sentBodies };
}

/** Alternating rounds of the harness and the bare loop; `remote`: both against servers in processes of their own. */
async function rounds(remote?: { harness: ServerProcess; bare: ServerProcess }): Promise<{ harness: Timing[]; bare: BareTiming[]; requests: number }> {
  for (let i = 0; i < WARM_UP; i++) {
    const { exchanges, sentBodies } = await harnessRun(remote?.harness);
    await bareLoop(exchanges, sentBodies, remote?.bare);
  }
  const harness: Timing[] = [];
  const bare: BareTiming[] = [];
  let requests = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const { timing, exchanges, sentBodies } = await harnessRun(remote?.harness);
    harness.push(timing);
    requests = exchanges.length;
    bare.push(await bareLoop(exchanges, sentBodies, remote?.bare));
  }
  return { harness, bare, requests };
}

export const runBench: BenchModule = {
  name: 'run',
  async run(): Promise<BenchRow[]> {
    const local = await rounds();
    const servers = { harness: await serverProcess(), bare: await serverProcess() };
    const apart = await rounds(servers).finally(() => Promise.all([stop(servers.harness), stop(servers.bare)]));
    const slowServers = { harness: await serverProcess({ latencyMs: LATENCY_MS }), bare: await serverProcess({ latencyMs: LATENCY_MS }) };
    const slow = await rounds(slowServers).finally(() => Promise.all([stop(slowServers.harness), stop(slowServers.bare)]));
    const differentStatus = Math.max(...[...local.bare, ...apart.bare, ...slow.bare].map((b) => b.differentStatus));
    return [
      ...(differentStatus > 0 ? [{ metric: 'bare loop answers with another status than the run got (should be 0)', value: String(differentStatus) }] : []),
      { metric: `full core run, ${local.requests} requests (median of ${ROUNDS})`, value: `${median(local.harness.map((t) => t.wallMs)).toFixed(0)} ms` },
      { metric: 'bare undici loop, same requests', value: `${median(local.bare.map((t) => t.wallMs)).toFixed(0)} ms` },
      { metric: 'harness overhead ratio (goal ≤ 1.20)', value: ratioText(local.harness, local.bare) },
      { metric: 'same, the server in a process of its own: full core run', value: `${median(apart.harness.map((t) => t.wallMs)).toFixed(0)} ms` },
      { metric: 'same, the server in a process of its own: bare undici loop', value: `${median(apart.bare.map((t) => t.wallMs)).toFixed(0)} ms` },
      { metric: 'harness overhead ratio, server apart (CPU: the client side only)', value: ratioText(apart.harness, apart.bare) },
      { metric: `same, the server apart answering after ${LATENCY_MS} ms: full core run`, value: `${median(slow.harness.map((t) => t.wallMs)).toFixed(0)} ms` },
      { metric: `same, the server apart answering after ${LATENCY_MS} ms: bare undici loop`, value: `${median(slow.bare.map((t) => t.wallMs)).toFixed(0)} ms (${(median(slow.bare.map((t) => t.wallMs)) / slow.requests).toFixed(1)} ms per request)` },
      { metric: `harness overhead ratio, server apart answering after ${LATENCY_MS} ms`, value: ratioText(slow.harness, slow.bare) },
    ];
  },
};
