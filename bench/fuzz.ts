// Fuzz throughput: requests per second of `scimproof fuzz` against the reference server, against a
// bare undici loop that sends exactly the same requests, in order, to a fresh server.
import type { Exchange } from '../src/record/types.ts';
import { runConformance } from '../src/runner/run.ts';
import { startServer } from '../src/server/index.ts';
import { bareLoop, median } from './replay.ts';
import type { BenchModule, BenchRow } from './types.ts';

const RUNS_PER_PROPERTY = 60;
const ROUNDS = 3;

async function fuzzRun(): Promise<{ ms: number; exchanges: Exchange[] }> {
  const server = await startServer({ port: 0, token: 'bench-token' });
  const exchanges: Exchange[] = [];
  const started = performance.now();
  const record = await runConformance({
    url: server.url,
    auth: { kind: 'bearer', token: server.token },
    suites: ['fuzz'],
    seed: 1,
    fuzz: { runs: RUNS_PER_PROPERTY },
    events: { onExchange: (ex) => exchanges.push(ex) },
  });
  const ms = performance.now() - started;
  await server.close();
  if (record.summary.fail > 0) throw new Error(`the fuzz run failed ${record.summary.fail} properties; the bench needs a clean run`);
  return { ms, exchanges };
}


export const fuzzBench: BenchModule = {
  name: 'fuzz',
  async run(): Promise<BenchRow[]> {
    await fuzzRun(); // warm-up: module loading and JIT
    const fuzz: number[] = [];
    const bare: number[] = [];
    let requests = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const { ms, exchanges } = await fuzzRun();
      fuzz.push(exchanges.length / (ms / 1000));
      requests = exchanges.length;
      bare.push(exchanges.length / ((await bareLoop(exchanges)) / 1000));
    }
    const f = median(fuzz);
    const b = median(bare);
    return [
      { metric: `fuzz requests/s (${RUNS_PER_PROPERTY} runs × 8 properties, ${requests} requests, median of ${ROUNDS})`, value: `${f.toFixed(0)} req/s` },
      { metric: 'bare undici loop, same requests', value: `${b.toFixed(0)} req/s` },
      { metric: 'fuzz throughput ratio', value: `${(f / b).toFixed(2)}× the bare loop` },
    ];
  },
};
