// Time as the mock IdP sees it. Escrow back-off (hours to days) and quarantine slow-down (to once a
// day) are tested and tried out by moving a simulated clock, never by waiting.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved (tests, `--at`, the console's "advance time"). */
export class SimulatedClock implements Clock {
  private at: number;

  constructor(start: Date | string | number = Date.now()) {
    this.at = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  set(to: Date | string | number): void {
    this.at = new Date(to).getTime();
  }

  advance(ms: number): Date {
    this.at += ms;
    return this.now();
  }
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `30m`, `6h`, `1d`, `2w` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)$/i.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

/**
 * The time a CLI cycle runs at: never before the previous cycle (a simulated clock only moves
 * forward), `+6h` later than that, or an absolute ISO time.
 */
export function cycleTime(at: string | undefined, lastCycleStartedAt: string | undefined, real = new Date()): Date {
  const floor = lastCycleStartedAt ? Math.max(real.getTime(), Date.parse(lastCycleStartedAt) + 1) : real.getTime();
  if (at === undefined) return new Date(floor);
  if (at.startsWith('+')) {
    const ms = parseDuration(at.slice(1));
    if (ms === undefined) throw new Error(`--at "${at}": expected +<n>s|m|h|d|w (e.g. +6h) or an ISO date`);
    return new Date(floor + ms);
  }
  const abs = Date.parse(at);
  if (Number.isNaN(abs)) throw new Error(`--at "${at}": expected +<n>s|m|h|d|w (e.g. +6h) or an ISO date`);
  return new Date(abs);
}
