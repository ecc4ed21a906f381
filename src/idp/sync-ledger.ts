// The cycle's bookkeeping: every object's outcome in order, the counts, escrow for failed objects
// (retried next cycle), and the quarantine check after each outcome that counts toward it.
import { impactOf, type DialectName, type LifecycleEvent } from '../dialects/index.ts';
import type { Exchange } from '../record/types.ts';
import type { JobStop } from './events.ts';
import { escrowThresholdCrossed, type FailureTally, type QuarantineThresholds } from './quarantine.ts';
import type { StateStore } from './state.ts';
import type { CycleCounts, ObjectResult, QuarantineInfo } from './types.ts';

/** An outcome as the phases report it: the exchanges themselves, and the event a failure belongs to. */
export type OutcomeReport = Omit<ObjectResult, 'exchangeIds'> & { exchanges: Exchange[]; event?: LifecycleEvent };

export interface Stop {
  message: string;
  quarantine?: QuarantineInfo;
}

export interface LedgerOptions {
  state: StateStore;
  dialect: DialectName;
  thresholds: QuarantineThresholds;
  now: () => Date;
  onResult?: (result: ObjectResult) => void;
}

const emptyCounts = (): CycleCounts => ({ created: 0, linked: 0, updated: 0, disabled: 0, enabled: 0, deleted: 0, managers: 0, groups: 0, failed: 0, skipped: 0, unchanged: 0 });

export class CycleLedger {
  readonly results: ObjectResult[] = [];
  readonly counts = emptyCounts();
  private readonly tally: FailureTally = { events: 0, failures: 0, referenceFailures: 0 };
  /** Set once the job stops or is quarantined; the phases send nothing more. */
  stop: Stop | undefined;

  constructor(private readonly o: LedgerOptions) {}

  /** Log an object's outcome: escrow it (or clear its escrow), count it, then check the thresholds. */
  result(r: OutcomeReport): void {
    const { exchanges, event, ...rest } = r;
    const result: ObjectResult = { ...rest, exchangeIds: exchanges.map((x) => x.id) };
    const key = `${r.objectType}:${r.id}`;
    if (r.objectType !== 'job') {
      if (r.outcome === 'failed') {
        const previous = this.o.state.escrow(key);
        const at = this.o.now().toISOString();
        const attempts = (previous?.attempts ?? 0) + 1;
        this.o.state.setEscrow(key, { objectType: r.objectType, id: r.id, action: r.action, attempts, firstFailedAt: previous?.firstFailedAt ?? at, lastFailedAt: at, lastError: r.error ?? { message: 'failed' } });
        result.attempts = attempts;
        if (event) result.impact = impactOf(this.o.dialect, event);
      } else {
        this.o.state.setEscrow(key, null);
      }
    }
    this.record(result);
    if (r.objectType !== 'job' && r.outcome !== 'skipped' && !this.stop) {
      const why = escrowThresholdCrossed(this.tally, this.o.thresholds);
      if (why) this.stop = { message: `quarantined: ${why}`, quarantine: { reason: 'EncounteredEscrowProportionThreshold', message: why, since: this.o.now().toISOString() } };
    }
  }

  /** Log a finished result as it is: counted and reported, no escrow and no threshold check. */
  record(result: ObjectResult): void {
    this.count(result);
    this.results.push(result);
    this.o.onResult?.(result);
  }

  /** The job stopped on a failure that is not one object's (credentials, unreachable, the probe). */
  jobStopped(error: JobStop): void {
    const quarantine: QuarantineInfo | undefined = error.quarantine ? { reason: 'EncounteredQuarantineException', message: error.message, since: this.o.now().toISOString() } : undefined;
    const last = this.results.at(-1);
    // The object whose request hit the job-level failure is logged with that exchange.
    if (error.exchange && !(last && last.exchangeIds.includes(error.exchange.id))) {
      this.record({ objectType: 'job', id: 'job', display: 'provisioning job', action: 'skip', outcome: 'failed', reason: error.message, ...(error.error ? { error: error.error } : {}), exchangeIds: [error.exchange.id] });
    }
    this.stop = { message: quarantine ? `quarantined: ${error.message}` : error.message, ...(quarantine ? { quarantine } : {}) };
  }

  private count(r: ObjectResult): void {
    const c = this.counts;
    if (r.objectType === 'job') {
      if (r.outcome === 'failed') c.failed++;
      return;
    }
    // Manager links and memberships are references: Entra tallies their failures apart.
    const reference = r.objectType === 'manager' || r.action === 'update-members';
    if (r.outcome === 'skipped') {
      c.skipped++;
      return;
    }
    if (!reference) this.tally.events++;
    if (r.outcome === 'failed' || r.outcome === 'stopped') {
      c.failed++;
      if (reference) this.tally.referenceFailures++;
      else this.tally.failures++;
      return;
    }
    if (r.objectType === 'manager') c.managers++;
    else if (r.objectType === 'group') c.groups++;
    else if (r.action === 'create') c.created++;
    else if (r.action === 'link') c.linked++;
    else if (r.action === 'update') c.updated++;
    else if (r.action === 'disable') c.disabled++;
    else if (r.action === 'enable') c.enabled++;
    else if (r.action === 'delete') c.deleted++;
  }
}
