// The yardstick of the overhead benches: the same recorded requests sent again with nothing but
// undici, in order, to a fresh reference server. Ids the first server assigned are mapped to the
// ones the fresh server assigns, so later requests address the right resources.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { startServer } from '../src/server/index.ts';
import type { Exchange } from '../src/record/types.ts';

const TOKEN = 'bench-token';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Wall and CPU time of one measured stretch, in ms. */
export interface Timing {
  wallMs: number;
  cpuMs: number;
}

/**
 * CPU time of the main (event-loop) thread in ms: on Linux from its schedstat, in nanoseconds;
 * elsewhere the whole process's CPU time. V8 compiles and collects garbage on other threads, which
 * on an idle machine run beside the event loop, so the main thread's time is what a run waits for.
 */
function mainThreadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  }
}

/** Times `work`: wall clock, and main-thread CPU, which the machine's other load disturbs much less. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; timing: Timing }> {
  const cpu = mainThreadCpuMs();
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  return { value, timing: { wallMs, cpuMs: mainThreadCpuMs() - cpu } };
}

/** Timing of a bare undici loop replaying `exchanges` against a fresh reference server. */
export async function bareLoop(exchanges: readonly Exchange[]): Promise<Timing> {
  const server = await startServer({ port: 0, token: TOKEN });
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const oldBase = new URL(exchanges[0]!.request.url).origin;
  const newBase = new URL(server.url).origin;
  const ids = new Map<string, string>();
  const map = (text: string): string => text.replace(UUID, (id) => ids.get(id) ?? id);
  const { timing } = await timed(async () => {
    for (const ex of exchanges) {
      const url = map(ex.request.url.replace(oldBase, newBase));
      const body = ex.request.body === undefined ? undefined : map(ex.request.body);
      const headers = { ...ex.request.headers };
      // Auth probes were sent without credentials or with wrong ones; keep them that way.
      if (headers.authorization === 'Bearer [redacted]') headers.authorization = `Bearer ${TOKEN}`;
      const res = await request(url, { method: ex.request.method as 'GET', headers, body, dispatcher: agent });
      const text = await res.body.text();
      const oldId = (ex.response?.json as { id?: unknown } | undefined)?.id;
      if (res.statusCode === 201 && typeof oldId === 'string') ids.set(oldId, (JSON.parse(text) as { id: string }).id);
    }
  });
  await agent.close();
  await server.close();
  return timing;
}

export const BENCH_TOKEN = TOKEN;

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Ratio of medians, wall and CPU, as one table value. */
export function ratioText(subject: Timing[], yardstick: Timing[]): string {
  const wall = median(subject.map((t) => t.wallMs)) / median(yardstick.map((t) => t.wallMs));
  const cpu = median(subject.map((t) => t.cpuMs)) / median(yardstick.map((t) => t.cpuMs));
  return `${wall.toFixed(2)}× wall, ${cpu.toFixed(2)}× CPU`;
}
