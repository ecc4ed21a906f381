// The harness's own overhead: the wall time of a full core run against the reference server,
// against a bare undici loop that sends exactly the same requests to a fresh server.
import { runConformance } from '../src/runner/run.ts';
import { startServer } from '../src/server/index.ts';
import type { Exchange } from '../src/record/types.ts';
import { bareLoop, median } from './replay.ts';
import type { BenchModule, BenchRow } from './types.ts';

const ROUNDS = 5;

async function harnessRun(): Promise<{ ms: number; exchanges: Exchange[]; prefix: string }> {
  const server = await startServer({ port: 0, token: 'bench-token' });
  const started = performance.now();
  const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 1 });
  const ms = performance.now() - started;
  await server.close();
  if (record.summary.fail > 0) throw new Error(`the core run failed ${record.summary.fail} checks; the bench needs a clean run`);
  return { ms, exchanges: record.exchanges, prefix: record.meta.prefix };
}


export const runBench: BenchModule = {
  name: 'run',
  async run(): Promise<BenchRow[]> {
    await harnessRun(); // warm-up: module loading and JIT
    const harness: number[] = [];
    const bare: number[] = [];
    let requests = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const { ms, exchanges } = await harnessRun();
      harness.push(ms);
      requests = exchanges.length;
      bare.push(await bareLoop(exchanges));
    }
    const h = median(harness);
    const b = median(bare);
    return [
      { metric: 'full core run, wall time (median of 5)', value: `${h.toFixed(0)} ms for ${requests} requests` },
      { metric: 'bare undici loop, same requests', value: `${b.toFixed(0)} ms` },
      { metric: 'harness overhead ratio', value: `${(h / b).toFixed(2)}× the bare loop` },
    ];
  },
};
