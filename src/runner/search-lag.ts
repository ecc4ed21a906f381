// Servers that answer queries from a search index that catches up with writes a moment later
// (eventual consistency, which RFC 7644 does not forbid). A query sent right after a write misses
// what was just written, and every check of that query would blame the server for a lag Entra and
// Okta never see: they query before they write, and their next cycle is minutes away.
//
// So the run measures it before its first query after a write (search-lag-probe.ts: create a user,
// query it at once, then a little later each time): a server that finds it at once is taken at its word and never asked twice; a
// lag it shows becomes the wait after each write before a query (as `--settle` would). Where the
// probe could not tell, or the lag varies, a failing query step is asked again, a little later each
// time. If the answer then passes every check that failed, the first answer was the lag: the step
// is judged on the later answer (the missed one stays in its evidence), the wait grows to cover it,
// and the report says so. If the answer stays wrong, the failure stands as judged; after a few such
// tries the run stops asking, so a broken server costs a few seconds at most. `--settle 0` turns
// all of this off.
import type { SettleGate } from '../http/settle.ts';
import type { ReportSection } from '../record/types.ts';

/** Waits before each repeat of a query: about 3 s in all, past a typical 1 s index refresh. */
export const ASK_AGAIN_AFTER_MS: readonly number[] = [100, 200, 400, 800, 1600];
/** A query this long after the last write is not one a lag can explain. */
export const RECENT_WRITE_MS = 10_000;
/** Repeats that did not help before the run stops asking (more once a lag has been seen). */
const UNHELPFUL_LIMIT = 2;
const UNHELPFUL_LIMIT_AFTER_LAG = 4;
/** The longest wait the run adopts for itself. */
const MAX_SETTLE_MS = 10_000;

export interface LagSeen {
  /** The step, as its exchanges' origin names it. */
  step: string;
  /** The answer that missed the write, and the later one that passed. */
  missedExchangeId: string;
  passedExchangeId: string;
  /** How long after the last write the passing query was sent, in ms (an upper bound of the lag). */
  afterWriteMs: number;
}

/** What the probe found: `consistent` (found at once), `lagging`, or `unknown` (it could not tell). */
export type ProbeOutcome = 'consistent' | 'lagging' | 'unknown';

export class SearchLag {
  private readonly seen: LagSeen[] = [];
  private unhelpful = 0;
  private probed: ProbeOutcome | undefined;

  /** `enabled`: false with `--settle 0` (the user says the search never lags). `onWait`: told each time the wait grows. */
  constructor(
    private readonly gate: SettleGate,
    private readonly enabled: boolean,
    private readonly onWait?: (line: string) => void,
  ) {}

  /** Whether the run should measure the lag before its scenarios (not when the user said how long). */
  get wantsProbe(): boolean {
    return this.enabled && this.gate.settleMs === 0 && this.probed === undefined;
  }

  /** The probe's finding: a search that found a fresh write at once is never asked twice. */
  probe(outcome: ProbeOutcome): void {
    this.probed = outcome;
  }

  /** Whether a query step that failed is worth asking again now. */
  mayAskAgain(): boolean {
    if (!this.enabled || this.probed === 'consistent') return false;
    if (this.unhelpful >= (this.seen.length > 0 ? UNHELPFUL_LIMIT_AFTER_LAG : UNHELPFUL_LIMIT)) return false;
    return this.gate.sinceLastWrite() <= RECENT_WRITE_MS;
  }

  /** Milliseconds since the last successful write, when the query is sent again. */
  sinceLastWrite(): number {
    return this.gate.sinceLastWrite();
  }

  /** The repeats of one step did not pass: the failure was not the lag. */
  notHelped(): void {
    this.unhelpful++;
  }

  /** A repeat passed: later queries wait at least that long after a write. */
  lagged(seen: LagSeen): void {
    this.seen.push(seen);
    const before = this.gate.settleMs;
    this.gate.raiseTo(Math.min(MAX_SETTLE_MS, Math.ceil(seen.afterWriteMs / 100) * 100));
    if (this.gate.settleMs > before) this.onWait?.(`search lag: ${seen.step} missed a write and found it when asked again ${formatMs(seen.afterWriteMs)} after it (${seen.missedExchangeId}, ${seen.passedExchangeId}); from now on each query waits ${formatMs(this.gate.settleMs)} after a write, as --settle does`);
  }

  get detected(): boolean {
    return this.seen.length > 0;
  }

  /** The wait the run adopted, in ms. */
  get settleMs(): number {
    return this.gate.settleMs;
  }

  /** One line for the console, once the run is over. */
  summary(): string | undefined {
    if (this.seen.length === 0) return undefined;
    const longest = Math.max(...this.seen.map((s) => s.afterWriteMs));
    return `search lag: queries saw a write up to ${formatMs(longest)} after it was made (${this.seen.length === 1 ? 'once' : `${this.seen.length} times`}); every query after a write waited ${formatMs(this.settleMs)}, as --settle ${formatMs(this.settleMs)} does. Entra and Okta do not query right after a write, so this blocks neither.`;
  }

  sections(): ReportSection[] {
    if (this.seen.length === 0) return [];
    const first = this.seen[0]!;
    return [
      {
        kind: 'search-lag',
        title: "The server's search lags its writes",
        data: {
          note: 'A query sent right after a write missed what was written, and the same query sent again a moment later found it: the server answers queries from an index that catches up with writes (RFC 7644 does not require a query to see a write at once). From then on every query waited that long after a write, as --settle does; a check whose query still missed a write was asked again and judged on the answer that found it. Entra and Okta query before they write and come back minutes later, so neither is affected; a client that reads its own writes through a search would be.',
          'lags seen': String(this.seen.length),
          'longest wait that found the write': formatMs(Math.max(...this.seen.map((s) => s.afterWriteMs))),
          'wait adopted after each write': formatMs(this.settleMs),
          where: `${this.seen.slice(0, 5).map((s) => `${s.step}: ${s.missedExchangeId} missed the write, ${s.passedExchangeId} found it ${formatMs(s.afterWriteMs)} after it`).join('; ')}${this.seen.length > 5 ? `; and ${this.seen.length - 5} more` : ''}`,
          // The first lagging answer and the one that found the write, to compare.
          exchangeIds: [first.missedExchangeId, first.passedExchangeId],
        },
      },
    ];
  }
}

const formatMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
