// Starts the reference server in a process of its own (bench/server-process.ts) for benches whose
// client must not share a CPU, a heap or an event loop with the server it measures against.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  url: string;
  token: string;
  child: ChildProcess;
}

/** `latencyMs`: each answer leaves that long after its request came (bench/server-process.ts). */
export async function serverProcess(options: { latencyMs?: number } = {}): Promise<ServerProcess> {
  const env = options.latencyMs ? { ...process.env, BENCH_SERVER_LATENCY_MS: String(options.latencyMs) } : process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./server-process.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  });
  return { ...(JSON.parse(first) as { url: string; token: string }), child };
}

export function stop(p: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGTERM');
  });
}
