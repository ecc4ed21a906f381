// Entra's "Prevent accidental deletions" (Learn, accidental-deletions.md): with the box checked, a
// cycle in which more users are to be disabled or deleted (and groups deleted) than the threshold
// sends none of them: they are staged (the provisioning log's StagedAction / StagedDelete), the
// job goes into quarantine, and an admin either allows them ("Allow deletes": the next cycle
// processes them) or undoes what caused them and restarts. Evaluated per cycle: a cycle at or
// under the threshold is processed as usual. Creates and updates in a held cycle go out.
import type { CycleContext } from './sync-context.ts';
import { escrowDue } from './sync-ledger.ts';

/** Why this cycle's disables and deletes are held, or undefined when they go out. */
export interface DeletionHold {
  count: number;
  threshold: number;
}

/**
 * The disables and deletes this cycle would send (Entra only), counted before any is sent, as the
 * user and group phases decide them: a removed user Entra still manages and may delete, a user who
 * is provisioned and active but should no longer be, a provisioned group no longer provisioned.
 */
export function plannedDeletions(ctx: CycleContext): number {
  const { dir, state } = ctx;
  if (ctx.family !== 'entra') return 0;
  let n = 0;
  const actions = dir.app.actions;
  for (const [id, st] of Object.entries(state.state.users)) {
    if (st.stopped) continue;
    const u = ctx.users.get(id);
    if (!u) {
      // A failed delete waiting for its retry slot is not sent this cycle.
      if (actions.delete && st.disabledBecause !== 'out-of-scope' && !st.leftOutOfScope && !waiting(ctx, `user:${id}`)) n++;
      continue;
    }
    if (!st.active || !actions.disable) continue;
    const intent = ctx.ent.intent(u);
    if (intent.entitled && intent.enabled && !intent.hold) continue;
    if (intent.hold) continue;
    if (!intent.entitled && dir.app.skipOutOfScopeDeletions) continue;
    n++;
  }
  if (actions.delete) {
    const wanted = new Set(ctx.ent.provisionedGroups);
    for (const id of Object.keys(state.state.groups)) if (!wanted.has(id) && !waiting(ctx, `group:${id}`)) n++;
  }
  return n;
}

const waiting = (ctx: CycleContext, key: string): boolean => {
  const esc = ctx.state.escrow(key);
  return esc !== undefined && !escrowDue(esc, ctx.now());
};

/** The hold for this cycle: more planned than the threshold, and no "Allow deletes" pending. */
export function deletionHold(ctx: CycleContext): DeletionHold | undefined {
  const threshold = ctx.dir.app.accidentalDeletionThreshold;
  if (threshold === undefined || ctx.family !== 'entra') return undefined;
  if (ctx.state.state.allowDeletes) return undefined;
  const count = plannedDeletions(ctx);
  return count > threshold ? { count, threshold } : undefined;
}

/** The line of one held disable or delete (Entra's provisioning log shows it as StagedAction / StagedDelete). */
export function heldReason(hold: DeletionHold, why: string): string {
  return `${why}; staged, not sent (Entra's StagedDelete): Prevent accidental deletions holds this cycle's ${hold.count} disables and deletes, more than its threshold of ${hold.threshold}, and quarantines the job (TooManyDeletes). Allow them with \`scimproof idp allow-deletes\` (Entra's "Allow deletes": the next cycle sends them), or undo the change that caused them and restart provisioning`;
}

/** The quarantine a held cycle leaves. */
export function holdQuarantineMessage(hold: DeletionHold): string {
  return `Prevent accidental deletions: ${hold.count} disables and deletes in one cycle, more than the threshold of ${hold.threshold}; none was sent. Allow them with \`scimproof idp allow-deletes\`, or undo the change and restart provisioning`;
}
