// Fuzz throughput: requests per second of the fuzz suite against the reference server, against a
// bare undici loop that sends exactly the same requests, in order, to a fresh server. Rounds
// alternate so both see the same machine load. Measured twice: with a fresh in-process server (the
// goal's yardstick), and against servers in processes of their own that answer each request 2 ms
// after it came (a server that reads a database), as a vendor's fuzz run meets them.
import type { Exchange } from '../src/record/types.ts';
import { runConformance } from '../src/runner/run.ts';
import { startServer } from '../src/server/index.ts';
import { bareLoop, BENCH_TOKEN, median, timed, withSentBodies, type BareTiming, type Timing } from './replay.ts';
import type { BenchModule, BenchRow } from './types.ts';
import { serverProcess, stop, type ServerProcess } from './spawn-server.ts';

const RUNS_PER_PROPERTY = 60;
const ROUNDS = 5;
/** Rounds of both before the measured ones: module loading and JIT. */
const WARM_UP = 2;
/** The answer time of the slow servers (bench/server-process.ts). */
const LATENCY_MS = 2;

async function fuzzRun(remote?: ServerProcess): Promise<{ timing: Timing; exchanges: Exchange[]; sentBodies: (Buffer | undefined)[] }> {
  const server = remote ? { ...remote, close: async () => undefined } : await startServer({ port: 0, token: BENCH_TOKEN });
  const exchanges: Exchange[] = [];
  const {
    value: { value: record, timing },
    sentBodies,
  } = await withSentBodies(() =>
    timed(() =>
      runConformance({
        url: server.url,
        auth: { kind: 'bearer', token: server.token },
        suites: ['fuzz'],
        seed: 1,
        fuzz: { runs: RUNS_PER_PROPERTY },
        events: { onExchange: (ex) => exchanges.push(ex) },
      }),
    ),
  );
  await server.close();
  if (record.summary.fail > 0) throw new Error(`the fuzz run failed ${record.summary.fail} properties; the bench needs a clean run`);
  return { timing, exchanges, sentBodies };
}

type Measured = { timing: Timing; requests: number }[];

/** Alternating rounds of the fuzzer and the bare loop; `remote`: both against servers in processes of their own. */
async function rounds(remote?: { fuzz: ServerProcess; bare: ServerProcess }): Promise<{ fuzz: Measured; bare: { timing: BareTiming; requests: number }[] }> {
  for (let i = 0; i < WARM_UP; i++) {
    const { exchanges, sentBodies } = await fuzzRun(remote?.fuzz);
    await bareLoop(exchanges, sentBodies, remote?.bare);
  }
  const fuzz: Measured = [];
  const bare: { timing: BareTiming; requests: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const { timing, exchanges, sentBodies } = await fuzzRun(remote?.fuzz);
    fuzz.push({ timing, requests: exchanges.length });
    bare.push({ timing: await bareLoop(exchanges, sentBodies, remote?.bare), requests: exchanges.length });
  }
  return { fuzz, bare };
}

const rate = (xs: Measured, key: keyof Timing): number => median(xs.map((x) => x.requests / (x.timing[key] / 1000)));

export const fuzzBench: BenchModule = {
  name: 'fuzz',
  async run(): Promise<BenchRow[]> {
    const { fuzz, bare } = await rounds();
    const servers = { fuzz: await serverProcess({ latencyMs: LATENCY_MS }), bare: await serverProcess({ latencyMs: LATENCY_MS }) };
    const slow = await rounds(servers).finally(() => Promise.all([stop(servers.fuzz), stop(servers.bare)]));
    const differentStatus = Math.max(...[...bare, ...slow.bare].map((b) => b.timing.differentStatus));
    return [
      ...(differentStatus > 0 ? [{ metric: 'bare loop answers with another status than the run got (should be 0)', value: String(differentStatus) }] : []),
      { metric: `fuzz requests/s (${RUNS_PER_PROPERTY} runs × 8 properties, ${fuzz[0]!.requests} requests, median of ${ROUNDS})`, value: `${rate(fuzz, 'wallMs').toFixed(0)} req/s` },
      { metric: 'bare undici loop, same requests', value: `${rate(bare, 'wallMs').toFixed(0)} req/s` },
      { metric: 'fuzz throughput ratio (goal ≥ 0.85)', value: `${(rate(fuzz, 'wallMs') / rate(bare, 'wallMs')).toFixed(2)}× wall, ${(rate(fuzz, 'cpuMs') / rate(bare, 'cpuMs')).toFixed(2)}× CPU` },
      { metric: `same, the server apart answering after ${LATENCY_MS} ms: fuzz requests/s`, value: `${rate(slow.fuzz, 'wallMs').toFixed(0)} req/s` },
      { metric: `same, the server apart answering after ${LATENCY_MS} ms: bare undici loop`, value: `${rate(slow.bare, 'wallMs').toFixed(0)} req/s (${(1000 / rate(slow.bare, 'wallMs')).toFixed(1)} ms per request)` },
      { metric: `fuzz throughput ratio, server apart answering after ${LATENCY_MS} ms`, value: `${(rate(slow.fuzz, 'wallMs') / rate(slow.bare, 'wallMs')).toFixed(2)}× wall` },
    ];
  },
};
