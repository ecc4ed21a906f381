// `npm run bench`: runs every bench module in sequence and prints one table. Add new modules to BENCHES.
import { cpus, loadavg } from 'node:os';
import { runBench } from './run.ts';
import { serverBench } from './server.ts';
import { fuzzBench } from './fuzz.ts';
import { idpBench } from './idp.ts';
import { startupBench } from './startup.ts';
import { installSizeBench } from './install-size.ts';
import type { BenchModule, BenchRow } from './types.ts';

const BENCHES: BenchModule[] = [startupBench, runBench, fuzzBench, installSizeBench, serverBench, idpBench];
// `npm run bench -- startup run` runs only those.
const chosen = process.argv.slice(2);

/** The machine's load, printed with the numbers: ratios drift when other processes compete for the CPUs. */
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' / ');

async function main(): Promise<void> {
  process.stdout.write(`scimproof bench — node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), load average ${load()} (1/5/15 min)\n\n`);
  const all: Array<{ bench: string } & BenchRow> = [];
  for (const bench of BENCHES.filter((b) => chosen.length === 0 || chosen.includes(b.name))) {
    process.stdout.write(`running ${bench.name}…\n`);
    const started = performance.now();
    const rows = await bench.run();
    process.stdout.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    all.push(...rows.map((row) => ({ bench: bench.name, ...row })));
  }
  const w1 = Math.max(...all.map((r) => r.bench.length), 5);
  const w2 = Math.max(...all.map((r) => r.metric.length), 6);
  process.stdout.write(`\n${'bench'.padEnd(w1)}  ${'metric'.padEnd(w2)}  value\n${'-'.repeat(w1)}  ${'-'.repeat(w2)}  ${'-'.repeat(20)}\n`);
  for (const r of all) process.stdout.write(`${r.bench.padEnd(w1)}  ${r.metric.padEnd(w2)}  ${r.value}\n`);
  process.stdout.write(`\nload average at the end: ${load()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
