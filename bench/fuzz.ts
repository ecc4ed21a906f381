// Fuzz throughput: requests per second of the fuzz suite against the reference server, against a
// bare undici loop that sends exactly the same requests, in order, to a fresh server. Rounds
// alternate so both see the same machine load.
import type { Exchange } from '../src/record/types.ts';
import { runConformance } from '../src/runner/run.ts';
import { startServer } from '../src/server/index.ts';
import { bareLoop, BENCH_TOKEN, median, timed, withSentBodies, type BareTiming, type Timing } from './replay.ts';
import type { BenchModule, BenchRow } from './types.ts';

const RUNS_PER_PROPERTY = 60;
const ROUNDS = 5;
/** Rounds of both before the measured ones: module loading and JIT. */
const WARM_UP = 2;

async function fuzzRun(): Promise<{ timing: Timing; exchanges: Exchange[]; sentBodies: (Buffer | undefined)[] }> {
  const server = await startServer({ port: 0, token: BENCH_TOKEN });
  const exchanges: Exchange[] = [];
  const {
    value: { value: record, timing },
    sentBodies,
  } = await withSentBodies(() =>
    timed(() =>
      runConformance({
        url: server.url,
        auth: { kind: 'bearer', token: BENCH_TOKEN },
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

export const fuzzBench: BenchModule = {
  name: 'fuzz',
  async run(): Promise<BenchRow[]> {
    for (let i = 0; i < WARM_UP; i++) {
      const { exchanges, sentBodies } = await fuzzRun();
      await bareLoop(exchanges, sentBodies);
    }
    const fuzz: { timing: Timing; requests: number }[] = [];
    const bare: { timing: BareTiming; requests: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const { timing, exchanges, sentBodies } = await fuzzRun();
      fuzz.push({ timing, requests: exchanges.length });
      bare.push({ timing: await bareLoop(exchanges, sentBodies), requests: exchanges.length });
    }
    const differentStatus = Math.max(...bare.map((b) => b.timing.differentStatus));
    const rate = (xs: typeof fuzz, key: keyof Timing): number => median(xs.map((x) => x.requests / (x.timing[key] / 1000)));
    return [
      ...(differentStatus > 0 ? [{ metric: 'bare loop answers with another status than the run got (should be 0)', value: String(differentStatus) }] : []),
      { metric: `fuzz requests/s (${RUNS_PER_PROPERTY} runs × 8 properties, ${fuzz[0]!.requests} requests, median of ${ROUNDS})`, value: `${rate(fuzz, 'wallMs').toFixed(0)} req/s` },
      { metric: 'bare undici loop, same requests', value: `${rate(bare, 'wallMs').toFixed(0)} req/s` },
      { metric: 'fuzz throughput ratio (goal ≥ 0.85)', value: `${(rate(fuzz, 'wallMs') / rate(bare, 'wallMs')).toFixed(2)}× wall, ${(rate(fuzz, 'cpuMs') / rate(bare, 'cpuMs')).toFixed(2)}× CPU` },
    ];
  },
};
