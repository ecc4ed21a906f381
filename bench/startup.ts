// Start-up of the compiled CLI (dist/, as installed) against a bare `node -e 0`, interleaved so
// both see the same machine load: `--version`, `--help`, and the time until `run` prints its
// first line. Wall times, the minimum of each series (start-up has no useful upper spread).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModule, BenchRow } from './types.ts';

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const ROUNDS = 15;

/** Milliseconds from spawn to the first stdout byte (or to exit when nothing is printed). */
function firstOutput(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_OPTIONS: '' } });
    let first: number | undefined;
    child.stdout.once('data', () => {
      first = performance.now() - started;
      if (args.includes('run')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', () => resolve(first ?? performance.now() - started));
  });
}

const min = (xs: number[]): number => Math.min(...xs);

export const startupBench: BenchModule = {
  name: 'startup',
  async run(): Promise<BenchRow[]> {
    if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
    const cwd = mkdtempSync(join(tmpdir(), 'scimproof-bench-startup-'));
    const series: Record<'node' | 'version' | 'help' | 'run', number[]> = { node: [], version: [], help: [], run: [] };
    try {
      for (let i = 0; i < ROUNDS; i++) {
        series.node.push(await firstOutput(['-e', 'process.stdout.write("0")'], cwd));
        series.version.push(await firstOutput([BIN, '--version'], cwd));
        series.help.push(await firstOutput([BIN, '--help'], cwd));
        series.run.push(await firstOutput([BIN, 'run', '--suite', 'core', '--only', 'users.create'], cwd));
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    const node = min(series.node);
    return [
      { metric: `bare \`node -e 0\` start (min of ${ROUNDS})`, value: `${node.toFixed(0)} ms` },
      { metric: '`scimproof --version` start-up ratio', value: `${(min(series.version) / node).toFixed(2)}× node (${min(series.version).toFixed(0)} ms; goal ≤ 4×)` },
      { metric: '`scimproof --help` start-up ratio', value: `${(min(series.help) / node).toFixed(2)}× node (${min(series.help).toFixed(0)} ms; goal ≤ 4×)` },
      { metric: '`scimproof run`: first line after', value: `${min(series.run).toFixed(0)} ms, ${(min(series.run) / node).toFixed(2)}× node (goal ≤ 500 ms)` },
    ];
  },
};
