// The harness's own overhead: a full core run against the reference server, against a bare undici
// loop that sends exactly the same requests to a fresh server. Rounds alternate (harness, bare,
// harness, …) so both see the same machine load; the ratio is of the medians. Both sides start
// warm (two rounds first), open one keep-alive connection and close it inside the timing; the bare
// loop sends the bodies as they went out (bench/replay.ts), not the record's redacted, cut copies.
import { runConformance } from '../src/runner/run.ts';
import { startServer } from '../src/server/index.ts';
import type { Exchange } from '../src/record/types.ts';
import { bareLoop, BENCH_TOKEN, median, ratioText, timed, withSentBodies, type BareTiming, type Timing } from './replay.ts';
import type { BenchModule, BenchRow } from './types.ts';

const ROUNDS = 9;
/** Rounds of both before the measured ones: module loading, JIT, suites read once per process. */
const WARM_UP = 2;

async function harnessRun(): Promise<{ timing: Timing; exchanges: Exchange[]; sentBodies: (Buffer | undefined)[] }> {
  const server = await startServer({ port: 0, token: BENCH_TOKEN });
  const { value: { value: record, timing }, sentBodies } = await withSentBodies(() => timed(() => runConformance({ url: server.url, auth: { kind: 'bearer', token: BENCH_TOKEN }, suites: ['core'], seed: 1 })));
  await server.close();
  if (record.summary.fail > 0) throw new Error(`the core run failed ${record.summary.fail} checks; the bench needs a clean run`);
  return { timing, exchanges: record.exchanges, sentBodies };
}

export const runBench: BenchModule = {
  name: 'run',
  async run(): Promise<BenchRow[]> {
    for (let i = 0; i < WARM_UP; i++) {
      const { exchanges, sentBodies } = await harnessRun();
      await bareLoop(exchanges, sentBodies);
    }
    const harness: Timing[] = [];
    const bare: BareTiming[] = [];
    let requests = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const { timing, exchanges, sentBodies } = await harnessRun();
      harness.push(timing);
      requests = exchanges.length;
      bare.push(await bareLoop(exchanges, sentBodies));
    }
    const differentStatus = Math.max(...bare.map((b) => b.differentStatus));
    return [
      ...(differentStatus > 0 ? [{ metric: 'bare loop answers with another status than the run got (should be 0)', value: String(differentStatus) }] : []),
      { metric: `full core run, ${requests} requests (median of ${ROUNDS})`, value: `${median(harness.map((t) => t.wallMs)).toFixed(0)} ms` },
      { metric: 'bare undici loop, same requests', value: `${median(bare.map((t) => t.wallMs)).toFixed(0)} ms` },
      { metric: 'harness overhead ratio (goal ≤ 1.20)', value: ratioText(harness, bare) },
    ];
  },
};
