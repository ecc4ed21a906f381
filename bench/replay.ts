// The yardstick of the overhead benches: the same recorded requests sent again with nothing but
// undici, in order, to a fresh reference server. Ids and RFC 9865 cursors the first server issued
// are mapped to the ones the fresh server issues, so later requests address the right resources and
// pages (a cursor is signed by the server that issued it: replayed as recorded, it is refused).
import diagnostics from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { startServer } from '../src/server/index.ts';
import type { Exchange } from '../src/record/types.ts';

const TOKEN = 'bench-token';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** An RFC 9865 cursor in a query string or a `.search` body (the reference server's are base64url with a dot). */
const CURSOR_IN_URL = /cursor=([A-Za-z0-9_.~%-]+)/g;
const CURSOR_IN_BODY = /"cursor":"([^"]+)"/g;

/** Wall and CPU time of one measured stretch, in ms. */
export interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** A bare loop's timing, and how many of its answers had another status than the run's. */
export interface BareTiming extends Timing {
  differentStatus: number;
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

/**
 * Runs `work` (a harness run) and keeps the body of every request it sent, in the order sent. A
 * record keeps bodies redacted and cut (the 200 kB robustness probe is recorded as its first
 * 64 KiB): the bare loop must send the bytes that were sent. They are read from undici's own
 * diagnostics channel, which costs the run one function call per request.
 */
export async function withSentBodies<T>(work: () => Promise<T>): Promise<{ value: T; sentBodies: (Buffer | undefined)[] }> {
  const sentBodies: (Buffer | undefined)[] = [];
  const onCreate = (message: unknown): void => {
    const body = (message as { request: { body?: unknown } }).request.body;
    sentBodies.push(Buffer.isBuffer(body) ? body : undefined);
  };
  diagnostics.subscribe('undici:request:create', onCreate);
  try {
    return { value: await work(), sentBodies };
  } finally {
    diagnostics.unsubscribe('undici:request:create', onCreate);
  }
}

/**
 * Timing of a bare undici loop replaying `exchanges` against a fresh in-process reference server
 * (or `target`, a server running elsewhere), with the bodies as sent (`sentBodies`, one per
 * exchange, from withSentBodies). Like the harness run, it includes closing its connection.
 */
export async function bareLoop(exchanges: readonly Exchange[], sentBodies: readonly (Buffer | undefined)[], target?: { url: string; token: string }): Promise<BareTiming> {
  if (sentBodies.length !== exchanges.length) throw new Error(`the run recorded ${exchanges.length} exchanges but sent ${sentBodies.length} requests: the bare loop would not send the same requests`);
  const server = target ? { ...target, close: async () => undefined } : await startServer({ port: 0, token: TOKEN });
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const oldBase = new URL(exchanges[0]!.request.url).origin;
  const newBase = new URL(server.url).origin;
  const ids = new Map<string, string>();
  const cursors = new Map<string, string>();
  const map = (text: string): string => {
    const withIds = text.replace(UUID, (id) => ids.get(id) ?? id);
    if (cursors.size === 0) return withIds;
    return withIds.replace(CURSOR_IN_URL, (whole, cursor: string) => (cursors.has(cursor) ? `cursor=${cursors.get(cursor)}` : whole)).replace(CURSOR_IN_BODY, (whole, cursor: string) => (cursors.has(cursor) ? `"cursor":"${cursors.get(cursor)}"` : whole));
  };
  const hasId = (text: string | undefined): boolean => text !== undefined && (new RegExp(UUID.source).test(text) || /cursor/.test(text));
  // Everything that does not depend on the fresh server's answers is prepared before the clock
  // starts: the loop itself does only what a bare client must (send, read, remember new ids).
  const prepared = exchanges.map((ex, i) => {
    const headers = { ...ex.request.headers };
    // Auth probes were sent without credentials or with wrong ones; keep them that way.
    if (headers.authorization === 'Bearer [redacted]') headers.authorization = `Bearer ${server.token}`;
    const url = ex.request.url.replace(oldBase, newBase);
    const body = sentBodies[i]?.toString('utf8');
    const answer = ex.response?.json as { id?: unknown; nextCursor?: unknown } | undefined;
    const oldId = answer?.id;
    const oldCursor = answer?.nextCursor;
    return { method: ex.request.method as 'GET', url, urlHasId: hasId(url), body, bodyHasId: hasId(body), headers, oldId: typeof oldId === 'string' ? oldId : undefined, oldCursor: typeof oldCursor === 'string' ? oldCursor : undefined, status: ex.response?.status };
  });
  let differentStatus = 0;
  const { timing } = await timed(async () => {
    for (const ex of prepared) {
      const url = ex.urlHasId ? map(ex.url) : ex.url;
      const body = ex.bodyHasId ? map(ex.body!) : ex.body;
      const res = await request(url, { method: ex.method, headers: ex.headers, body, dispatcher: agent });
      const text = await res.body.text();
      if (res.statusCode === 201 && ex.oldId !== undefined) ids.set(ex.oldId, (JSON.parse(text) as { id: string }).id);
      if (ex.oldCursor !== undefined && res.statusCode === 200) {
        const next = (JSON.parse(text) as { nextCursor?: unknown }).nextCursor;
        if (typeof next === 'string') cursors.set(ex.oldCursor, next);
      }
      if (res.statusCode !== ex.status) differentStatus++;
    }
    await agent.close();
  });
  await server.close();
  return { ...timing, differentStatus };
}

export const BENCH_TOKEN = TOKEN;

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Ratio of medians, wall and CPU, as one table value. */
export function ratioText(subject: Timing[], yardstick: Timing[]): string {
  const wall = median(subject.map((t) => t.wallMs)) / median(yardstick.map((t) => t.wallMs));
  const cpu = median(subject.map((t) => t.cpuMs)) / median(yardstick.map((t) => t.cpuMs));
  return `${wall.toFixed(2)}× wall, ${cpu.toFixed(2)}× CPU`;
}
