// Microsoft's gallery requirement of 25 requests per second per tenant
// (app-gallery-user-provisioning-requirements.md), measured: a bounded burst of what Entra's
// provisioning engine sends for new users (match, create, read back, update), from several
// workers at once, paced to at most twice the requirement so the target is never hammered. The
// sustained rate is the requests completed after the burst's first second (its ramp) over the time
// from there to the last answer; a 429 or a server error in the
// burst is a failure of its own, since Entra would retry those users in a later cycle.
//
// A server that answers 429 to what goes beyond its own limit is not failed for it while that
// limit is at or above the requirement: Entra sends a gallery app no more than the rate its vendor
// declared (Q&A 1233453), and the OpenID IPSIE SCIM profile makes 429 + Retry-After a MUST. The
// burst's pace (twice the requirement) is ours, not Entra's.
//
// What is measured is the server's capacity, not the distance to it: a few requests one at a time
// first give the round trip from here with no load, and the burst keeps enough requests in flight
// that this round trip alone cannot hold the rate under the pace (a correct endpoint 200 ms away
// is not "too slow"). A server that is slow queues them, its answers slow down, and it fails.
//
// Nor is it this machine's speed: on a busy machine the client itself falls behind its pace (its
// timers and answers wait for a CPU), offers fewer requests, or offers them in bursts that a
// rolling-window limiter of exactly 25/s turns into 429s (a CI machine at load 11 read 23.2/s from
// such a limiter). The burst records what it offered: when it went out, against the slot it was
// paced for, and how late this process's event loop ran. A short rate is the server's only when
// the client kept its pace, or when the answers prove it whatever the client did (429s while
// fewer than half the requirement was served in the second before, or answers so slow that the
// requests in flight could not carry the requirement even without the client's own delay);
// otherwise it is not judged, and the result says the client fell behind.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Exchange } from '../../record/types.ts';
import type { CertifyEnv } from '../env.ts';
import { created } from '../env.ts';
import { NOT_MEASURABLE } from '../programme.ts';
import { entraUser } from './direct.ts';

export const REQUIRED_RATE = 25;
const PACE = REQUIRED_RATE * 2;
/** Requests in flight at least, and at most (enough for the pace up to a 500 ms round trip). */
const MIN_WORKERS = 4;
const MAX_WORKERS = 32;
/** Sequential requests before the burst, for the round trip with no load. */
const WARM_UP = 3;
/**
 * A burst of a few seconds can undercount a server held to exactly the required rate (24.8/s was
 * read from a limit of 25/s): a rate within this share of the requirement is not failed.
 */
const MEASUREMENT_TOLERANCE = 0.95;
/** The start of the burst left out of the rate (at most a third of a short burst). */
const RAMP_MS = 1000;
/** How often the event loop's delay is sampled during the burst. */
const LOOP_SAMPLE_MS = 5;
/**
 * The client fell behind its pace when its event loop ran, on average, more than half a slot late
 * (10 ms at 50/s), or its requests left, at the median, more than a slot after the time they were
 * paced for. An idle machine reads well under a millisecond of either.
 */
const SLOT_MS = 1000 / PACE;

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function sustainedRate(env: CertifyEnv): Promise<void> {
  const test = 'Rate_Requirement';
  const rec = env.recorder(test);
  const p = 'gallery.rate.';
  const refs = ['ENTRA-GALLERY-Rate_Requirement', 'ENTRA-3'];
  const rateSpec = { id: `${p}sustained`, title: `The endpoint sustains ${REQUIRED_RATE} requests per second of Entra's read and write mix`, refs, impact: `Microsoft requires ${REQUIRED_RATE} requests/s per tenant for gallery apps; a slower endpoint makes initial cycles of large tenants take hours and is not accepted.` };
  const errorSpec = { id: `${p}no-throttling`, title: `The burst gets no server error, and no 429 below ${REQUIRED_RATE} requests per second`, refs: [...refs, 'RFC6585-4'], impact: 'Entra retries throttled or failed users only in a later cycle (40 minutes on), so provisioning stalls.' };
  // The round trip with no load: matches of users that do not exist (nothing is created).
  const warmUp: Exchange[] = [];
  for (let i = 0; i < WARM_UP && !env.ctx.aborted(); i++) warmUp.push(await rec.sendAs('entra', 'findUser', entraUser(env.name('rate-warm-up')), 'warm-up'));
  const roundTripMs = percentile(warmUp.filter((x) => x.response).map((x) => x.ms), 50);
  const workers = Math.min(MAX_WORKERS, Math.max(MIN_WORKERS, Math.ceil((PACE * roundTripMs * 1.25) / 1000)));
  const ceiling = roundTripMs > 0 ? (workers * 1000) / roundTripMs : Number.POSITIVE_INFINITY;
  if (!env.ctx.aborted() && ceiling < REQUIRED_RATE) {
    // Not a verdict on the server's capacity: from here even the most requests kept in flight cannot carry the rate.
    const why = `${NOT_MEASURABLE}: a request takes ${Math.round(roundTripMs)} ms with no load (network and server together), so ${workers} in flight carry at most ${ceiling.toFixed(1)} requests/s; run the pre-flight closer to the endpoint (or make single requests faster)`;
    rec.skip(rateSpec, why);
    rec.skip(errorSpec, why);
    return;
  }
  const burst: Exchange[] = [];
  /** For each request of the burst: when its slot was due and when it went out (performance.now()). */
  const offered = new Map<Exchange, { due: number; sent: number }>();
  const seconds = env.settings.rateSeconds;
  const started = performance.now();
  const startedEpoch = Date.now();
  const deadline = started + seconds * 1000;
  let nextSlot = started;
  // One shared pace for all workers: at most PACE requests a second.
  const slot = async (): Promise<number | undefined> => {
    const now = performance.now();
    const at = Math.max(now, nextSlot);
    if (at >= deadline) return undefined;
    nextSlot = at + 1000 / PACE;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    return at;
  };
  const send = async (step: string, request: string, args: Record<string, unknown>): Promise<Exchange | undefined> => {
    const due = await slot();
    if (due === undefined) return undefined;
    const sent = performance.now();
    // Each 429 is kept as answered: waiting out its Retry-After would measure our pause, not the server.
    const x = await rec.sendAs('entra', request, args, step, { retries429: 0 });
    burst.push(x);
    offered.set(x, { due, sent });
    return x;
  };
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  loop.enable();
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && !env.ctx.aborted()) {
      const user = entraUser(env.name('rate'));
      if (!(await send('match', 'findUser', user))) return;
      const create = await send('create', 'createUser', user);
      if (!create || !created(create)) continue;
      const id = env.noteCreated(create, '/Users')!;
      if (!(await send('read', 'getUser', { id }))) return;
      if (!(await send('update', 'updateUser', { id, changes: { title: 'Senior Analyst' } }))) return;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker)).finally(() => loop.disable());
  // A burst the run's stop cut short measured too little to judge, and its last requests were
  // aborted by us, not refused by the server.
  if (env.ctx.aborted() && (performance.now() < deadline || burst.some((x) => x.transportError?.code === 'aborted'))) {
    const reason = env.ctx.stopReason() ?? 'the run was stopped during the burst';
    rec.skip(rateSpec, reason);
    rec.skip(errorSpec, reason);
    return;
  }
  const endOf = (x: Exchange): number => Date.parse(x.startedAt) + x.ms;
  const lastEnd = burst.length === 0 ? startedEpoch : Math.max(...burst.map(endOf));
  const wall = Math.max(lastEnd - startedEpoch, performance.now() - started) / 1000;
  // The ramp is not the sustained rate: the first round trips, the workers reaching full pace, a
  // token bucket's initial allowance, or a rolling-window limiter still counting the warm-up
  // (a server held to exactly 25/s read 22.8 over the whole burst).
  const rampMs = Math.min(RAMP_MS, (seconds * 1000) / 3);
  const completed = burst.filter((x) => x.response && x.response.status < 500 && x.response.status !== 429);
  const steady = completed.filter((x) => endOf(x) > startedEpoch + rampMs);
  const span = wall - rampMs / 1000;
  const rate = span > 0 ? steady.length / span : 0;
  const p95 = percentile(burst.map((x) => x.ms), 95);
  const writes = burst.filter((x) => x.request.method !== 'GET').length;
  const throttled = burst.filter((x) => x.response?.status === 429);
  const client = clientPace(burst, offered, { steadyFrom: started + rampMs, span, loopLagMs: Math.max(0, loop.mean / 1e6 - LOOP_SAMPLE_MS) });
  const summary = `${rate.toFixed(1)} requests/s sustained over ${span.toFixed(1)} s after a ${(rampMs / 1000).toFixed(1)} s ramp (${burst.length} requests: ${burst.length - writes} reads, ${writes} writes, ${throttled.length} throttled with 429; ${client.offeredRate.toFixed(1)}/s offered, ${workers} at a time, paced at ≤ ${PACE}/s), p95 latency ${Math.round(p95)} ms (${Math.round(roundTripMs)} ms with no load)`;
  const slowest = [...burst].sort((a, b) => b.ms - a.ms).slice(0, 3);
  const meetsRate = rate >= REQUIRED_RATE * MEASUREMENT_TOLERANCE;
  const nearMiss = meetsRate && rate < REQUIRED_RATE ? `; within the ${Math.round((1 - MEASUREMENT_TOLERANCE) * 100)}% a burst of ${seconds} s can undercount a server held to exactly ${REQUIRED_RATE}/s` : '';
  // What the answers prove whatever this client did: 429s while fewer than half the requirement was
  // served in the second before, or answers so slow that the requests in flight could not carry it.
  const provenShort = throttledBelow(burst, offered, REQUIRED_RATE / 2) ?? serverBound(burst, workers, Math.max(0, loop.percentile(90) / 1e6 - LOOP_SAMPLE_MS));
  const behind = !meetsRate && client.fellBehind && provenShort === undefined;
  const notJudged = `${NOT_MEASURABLE}: this machine fell behind the pace it meant to keep (${client.why}), so the ${rate.toFixed(1)}/s answered measure this machine as much as the server (${summary}); run the pre-flight again on a machine that is less busy`;
  if (meetsRate) rec.pass(rateSpec, slowest, `${summary}${nearMiss}`);
  else if (behind) rec.skip(rateSpec, notJudged);
  else rec.fail(rateSpec, slowest, `${summary}; Microsoft requires at least ${REQUIRED_RATE}/s${provenShort ? ` (${provenShort})` : ''}`, { expected: `≥ ${REQUIRED_RATE} requests/s`, actual: { rate: Number(rate.toFixed(1)), offered: Number(client.offeredRate.toFixed(1)), p95Ms: Math.round(p95), requests: burst.length, seconds: Number(span.toFixed(2)) } });
  const failed = burst.filter((x) => !x.response || x.response.status >= 500);
  const statuses = (xs: Exchange[]): string => [...new Set(xs.map((x) => x.response?.status ?? x.transportError?.code))].join(', ');
  if (burst.length === 0) rec.skip(errorSpec, 'no request of the burst was sent');
  else if (failed.length > 0) rec.fail(errorSpec, failed.slice(0, 3), `${failed.length} of ${burst.length} burst requests were refused: ${statuses(failed)}${throttled.length > 0 ? ` (and ${throttled.length} throttled with 429)` : ''}`, { expected: 'no 5xx and no request without an answer', actual: failed.length });
  else if (throttled.length === 0) rec.pass(errorSpec, [], `${burst.length} requests, none refused`);
  else if (meetsRate) rec.pass(errorSpec, throttled.slice(0, 1), `${throttled.length} of ${burst.length} requests were throttled with 429 while the server sustained ${rate.toFixed(1)}/s: its limit is at or above the ${REQUIRED_RATE}/s required, and Entra sends a gallery app no more than the rate its vendor declares (this burst is paced at up to ${PACE}/s)`);
  else if (behind) rec.skip(errorSpec, notJudged);
  else rec.fail(errorSpec, throttled.slice(0, 3), `${throttled.length} of ${burst.length} burst requests were throttled with 429 while the server sustained only ${rate.toFixed(1)}/s: its limit is below the ${REQUIRED_RATE}/s Microsoft requires`, { expected: `no 429 below ${REQUIRED_RATE} requests/s`, actual: throttled.length });
}

interface ClientPace {
  /** Requests this client sent per second after the ramp. */
  offeredRate: number;
  /** How late this process's event loop ran on average during the burst, beyond its sampling. */
  loopLagMs: number;
  fellBehind: boolean;
  /** The numbers that say so, for a person. */
  why: string;
}

/** What this client offered, and whether it kept the pace it meant to (see SLOT_MS). */
function clientPace(burst: readonly Exchange[], offered: ReadonlyMap<Exchange, { due: number; sent: number }>, o: { steadyFrom: number; span: number; loopLagMs: number }): ClientPace {
  const times = burst.map((x) => offered.get(x)!);
  const steady = times.filter((t) => t.sent >= o.steadyFrom).length;
  const offeredRate = o.span > 0 ? steady / o.span : 0;
  const lateMs = percentile(times.map((t) => t.sent - t.due), 50);
  const fellBehind = o.loopLagMs > SLOT_MS / 2 || lateMs > SLOT_MS;
  const why = `it offered ${offeredRate.toFixed(1)} requests/s where it meant up to ${PACE}/s; its event loop ran ${o.loopLagMs.toFixed(1)} ms late on average and its requests left ${lateMs.toFixed(1)} ms after their paced time at the median, where a slot is ${SLOT_MS} ms`;
  return { offeredRate, loopLagMs: o.loopLagMs, fellBehind, why };
}

/**
 * A 429 answered while fewer than `below` requests had been served in the second before it was
 * sent (by this client's clock): the server's limit is below the requirement whatever the pace.
 */
function throttledBelow(burst: readonly Exchange[], offered: ReadonlyMap<Exchange, { due: number; sent: number }>, below: number): string | undefined {
  const served = burst.filter((x) => x.response && x.response.status !== 429 && x.response.status < 500).map((x) => offered.get(x)!.sent);
  for (const x of burst) {
    if (x.response?.status !== 429) continue;
    const at = offered.get(x)!.sent;
    const before = served.filter((t) => t < at && t >= at - 1000).length;
    if (before < below) return `a 429 came when ${before} request(s) had been served in the second before, under half the ${REQUIRED_RATE}/s required`;
  }
  return undefined;
}

/** Turns of this client's event loop a request waits for (connect and write, headers, body, the worker going on). */
const LOOP_TURNS_PER_REQUEST = 4;

/**
 * Answers so slow that the requests kept in flight could not carry the requirement, even with this
 * client's own delay (its event loop's lag, `loopLagMs` as it was at worst but for one sample in
 * ten, at every turn a request waits for) taken off each of them: the server is the bottleneck
 * whatever the client did (one that serves a request at a time).
 */
function serverBound(burst: readonly Exchange[], workers: number, loopLagMs: number): string | undefined {
  const answered = burst.filter((x) => x.response);
  if (answered.length === 0) return undefined;
  const medianMs = percentile(answered.map((x) => x.ms), 50);
  const serverMs = medianMs - LOOP_TURNS_PER_REQUEST * loopLagMs;
  const carried = serverMs > 0 ? (workers * 1000) / serverMs : Number.POSITIVE_INFINITY;
  return carried < REQUIRED_RATE * MEASUREMENT_TOLERANCE ? `a request took ${Math.round(medianMs)} ms at the median under the burst, so ${workers} in flight carry at most ${carried.toFixed(1)}/s even without this client's own delay` : undefined;
}
