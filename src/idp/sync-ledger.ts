// The cycle's bookkeeping: every object's outcome with its timestamps, the counts, escrow for
// failed objects (Entra: retried on a back-off; Okta: an admin task), and the quarantine check
// after each outcome that counts toward it.
import { impactOf, type DialectName, type LifecycleEvent } from '../dialects/index.ts';
import type { Exchange } from '../record/types.ts';
import { ENTRA_CODES } from './error-codes.ts';
import { nextRetry, type EscrowSchedule } from './escrow.ts';
import type { JobStop } from './events.ts';
import { escrowThresholdCrossed, type FailureTally, type QuarantineThresholds } from './quarantine.ts';
import type { EscrowEntry, StateStore } from './state.ts';
import type { Fingerprint } from './sync-context.ts';
import type { CycleCounts, ObjectResult, QuarantineInfo } from './types.ts';

/** An outcome as the phases report it: the exchanges themselves, the event a failure belongs to. */
export type OutcomeReport = Omit<ObjectResult, 'exchangeIds'> & { exchanges: Exchange[]; event?: LifecycleEvent; fingerprint?: Fingerprint };

export interface Stop {
  message: string;
  quarantine?: QuarantineInfo;
  /** The job was disabled (escrow older than 28 days). */
  disable?: string;
}

export type ResultListener = (result: ObjectResult, exchanges: readonly Exchange[]) => void;

/**
 * The ledger as a phase sees it while it works on one object: every result it logs carries when
 * that object was picked up. (Passed along explicitly rather than through AsyncLocalStorage, whose
 * promise hooks would tax every promise of every request.)
 */
export interface ObjectLedger {
  readonly counts: CycleCounts;
  readonly stop: Stop | undefined;
  result(r: OutcomeReport): void;
  record(result: ObjectResult, exchanges?: readonly Exchange[]): void;
}

export interface LedgerOptions {
  state: StateStore;
  dialect: DialectName;
  family: 'entra' | 'okta';
  thresholds: QuarantineThresholds;
  escrowSchedule: EscrowSchedule;
  now: () => Date;
  onResult?: ResultListener;
  /** Rewrites a result and its exchanges before anyone sees them (Entra's Redact()). */
  redact?: (result: ObjectResult, exchanges: readonly Exchange[]) => void;
  /** Keep every result in memory (tests, small runs); otherwise only notable ones, capped. */
  keepResults: boolean;
}

/** Failed, escrowed, stopped and skipped results kept in memory when `keepResults` is off. */
const NOTABLE_CAP = 1000;

export const emptyCounts = (): CycleCounts => ({ created: 0, linked: 0, updated: 0, disabled: 0, enabled: 0, deleted: 0, managers: 0, groups: 0, failed: 0, skipped: 0, escrowed: 0, unchanged: 0 });

export class CycleLedger {
  readonly results: ObjectResult[] = [];
  readonly counts = emptyCounts();
  private readonly tally: FailureTally = { events: 0, failures: 0, referenceFailures: 0 };
  private notable = 0;
  /** Set once the job stops or is quarantined; the phases send nothing more. */
  stop: Stop | undefined;

  constructor(private readonly o: LedgerOptions) {}

  /** The view one object's work logs through (`startedAt`: when the object was picked up). */
  forObject(startedAt: string): ObjectLedger {
    // A class instance of two fields: made for every object of a cycle, where a literal with an
    // accessor and two closures cost several times as much.
    return new ObjectView(this, startedAt);
  }

  /** Log an object's outcome: escrow it (or clear its escrow), count it, then check the thresholds. */
  result(r: OutcomeReport, startedAt?: string): void {
    const { exchanges, event, fingerprint } = r;
    // The report's fields but those three, in its order, then the exchange ids. A plain copy: a rest
    // pattern that leaves keys out is a runtime call of V8's (its slow path), made for every object.
    const result = {} as ObjectResult;
    for (const key in r) if (key !== 'exchanges' && key !== 'event' && key !== 'fingerprint') (result as unknown as Record<string, unknown>)[key] = r[key as keyof OutcomeReport];
    result.exchangeIds = exchanges.map((x) => x.id);
    if (result.error && !result.error.code && this.o.family === 'entra' && r.outcome === 'skipped') result.error.code = ENTRA_CODES.skipped;
    const key = `${r.objectType}:${r.id}`;
    // Before the escrow keeps the error: `idp tasks` shows it from the state.
    this.o.redact?.(result, exchanges);
    if (r.objectType !== 'job') {
      if (r.outcome === 'failed') this.escrow(key, result, event, fingerprint, exchanges);
      else if (r.outcome !== 'escrowed') this.o.state.setEscrow(key, null);
    }
    this.record(result, exchanges, startedAt);
    // Quarantine is Entra's (its escrow-proportion threshold); Okta has none: its failures are admin tasks.
    if (this.o.family === 'entra' && r.objectType !== 'job' && r.outcome !== 'skipped' && r.outcome !== 'escrowed' && !this.stop) {
      const why = escrowThresholdCrossed(this.tally, this.o.thresholds);
      if (why) this.stop = { message: `quarantined: ${why}`, quarantine: { reason: 'EncounteredEscrowProportionThreshold', message: why, since: this.o.now().toISOString() } };
    }
  }

  private escrow(key: string, result: ObjectResult, event: LifecycleEvent | undefined, print: Fingerprint | undefined, exchanges: readonly Exchange[]): void {
    const fingerprint = typeof print === 'function' ? print() : print;
    const { state, family } = this.o;
    const previous = state.escrow(key);
    const now = this.o.now();
    const at = now.toISOString();
    const attempts = (previous?.attempts ?? 0) + 1;
    const firstFailedAt = previous?.firstFailedAt ?? at;
    const entry: EscrowEntry = {
      objectType: result.objectType,
      id: result.id,
      display: result.display,
      action: result.action,
      attempts,
      firstFailedAt,
      lastFailedAt: at,
      lastError: result.error ?? { message: 'failed' },
      ...(fingerprint !== undefined ? { fingerprint } : {}),
    };
    if (family === 'okta') {
      entry.task = true;
      // Okta retries jobs the app rate-limited with a Retry-After itself (OKTA, §3 of idp-sequences:
      // the Okta KB on API rate limits); every other failure waits for the admin.
      const last = exchanges.at(-1)?.response;
      if (last?.status === 429 && last.headers['retry-after'] !== undefined) {
        entry.retryRequested = true;
        result.autoRetry = true;
      }
    } else {
      const next = nextRetry(this.o.escrowSchedule, new Date(firstFailedAt), now, attempts);
      if (next === null) {
        // 28 days of failures: Entra removes the escrow entry and disables the job.
        state.setEscrow(key, null);
        this.stop ??= { message: `the job is disabled: ${result.display} has failed for 28 days (escrow expired)`, disable: `${result.display} failed for 28 days; the escrow entry was removed` };
        result.attempts = attempts;
        return;
      }
      // A failure the directory causes is looked at every cycle; a retry time would read as a wait.
      if (!result.waitsForDirectory) {
        entry.nextRetryAt = next.toISOString();
        result.nextRetryAt = entry.nextRetryAt;
      }
    }
    state.setEscrow(key, entry);
    result.attempts = attempts;
    if (event) result.impact = impactOf(this.o.dialect, event);
  }

  /** Log a finished result as it is: counted and reported, no escrow and no threshold check. */
  record(result: ObjectResult, exchanges: readonly Exchange[] = [], startedAt?: string): void {
    const now = this.o.now().toISOString();
    result.startedAt ??= startedAt ?? now;
    result.finishedAt ??= now;
    this.o.redact?.(result, exchanges);
    this.count(result);
    if (this.o.keepResults) this.results.push(result);
    else if (result.outcome !== 'success' && this.notable < NOTABLE_CAP) {
      this.notable++;
      this.results.push(result);
    }
    this.o.onResult?.(result, exchanges);
  }

  /** The job stopped on a failure that is not one object's (credentials, unreachable, the probe). */
  jobStopped(error: JobStop, recorded: boolean): void {
    // Okta has no quarantine: a job-level failure stops the cycle, and the next one tries again on schedule.
    const quarantine: QuarantineInfo | undefined = error.quarantine && this.o.family === 'entra' ? { reason: 'EncounteredQuarantineException', message: error.message, since: this.o.now().toISOString() } : undefined;
    if (!recorded && error.exchange) {
      this.record({ objectType: 'job', id: 'job', display: 'provisioning job', action: 'skip', outcome: 'failed', reason: error.message, ...(error.error ? { error: error.error } : {}), exchangeIds: [error.exchange.id] }, [error.exchange]);
    }
    this.stop = { message: quarantine ? `quarantined: ${error.message}` : error.message, ...(quarantine ? { quarantine } : {}) };
  }

  private count(r: ObjectResult): void {
    addToCounts(this.counts, r);
    if (r.objectType === 'job' || r.outcome === 'skipped' || r.outcome === 'escrowed') return;
    // Manager links and memberships are references: Entra tallies their failures apart.
    const reference = r.objectType === 'manager' || r.action === 'update-members';
    if (!reference) this.tally.events++;
    if (r.outcome === 'failed' || r.outcome === 'stopped') {
      if (reference) this.tally.referenceFailures++;
      else this.tally.failures++;
    }
  }
}

/** One object's outcome in a cycle's counts (a cycle's ledger, and a provision-on-demand run's one object). */
export function addToCounts(c: CycleCounts, r: Pick<ObjectResult, 'objectType' | 'action' | 'outcome'>): void {
  if (r.objectType === 'job') {
    if (r.outcome === 'failed') c.failed++;
    return;
  }
  if (r.outcome === 'skipped') c.skipped++;
  else if (r.outcome === 'escrowed') c.escrowed++;
  else if (r.outcome === 'failed' || r.outcome === 'stopped') c.failed++;
  else if (r.objectType === 'manager') c.managers++;
  else if (r.objectType === 'group') c.groups++;
  else if (r.action === 'create') c.created++;
  else if (r.action === 'link') c.linked++;
  else if (r.action === 'update') c.updated++;
  else if (r.action === 'disable') c.disabled++;
  else if (r.action === 'enable') c.enabled++;
  else if (r.action === 'delete') c.deleted++;
}

class ObjectView implements ObjectLedger {
  constructor(
    private readonly ledger: CycleLedger,
    private readonly startedAt: string,
  ) {}

  get counts(): CycleCounts {
    return this.ledger.counts;
  }

  get stop(): Stop | undefined {
    return this.ledger.stop;
  }

  result(r: OutcomeReport): void {
    this.ledger.result(r, this.startedAt);
  }

  record(result: ObjectResult, exchanges: readonly Exchange[] = []): void {
    this.ledger.record(result, exchanges, this.startedAt);
  }
}

/** Is an escrowed object due for a retry now? Okta tasks wait for the admin. */
export function escrowDue(entry: EscrowEntry, now: Date): boolean {
  if (entry.task) return entry.retryRequested === true;
  return entry.nextRetryAt === undefined || Date.parse(entry.nextRetryAt) <= now.getTime();
}
