// What the user, manager and group phases of a cycle share; the cycle builds it once.
import type { DialectName } from '../dialects/index.ts';
import type { EventSender } from './events.ts';
import { loginOf, type Entitlements } from './scope.ts';
import type { CycleLedger } from './sync-ledger.ts';
import type { StateStore } from './state.ts';
import type { Directory, DirectoryUserRecord } from './types.ts';

export interface CycleContext {
  readonly dir: Directory;
  readonly state: StateStore;
  readonly sender: EventSender;
  readonly dialect: DialectName;
  readonly family: 'entra' | 'okta';
  readonly ent: Entitlements;
  /** The paths kept in step on later cycles ("always" mappings). */
  readonly updatePaths: string[];
  readonly ledger: CycleLedger;
}

/** How a user appears in results. */
export interface UserRef {
  objectType: 'user';
  id: string;
  display: string;
}

export function userRef(ctx: CycleContext, u: DirectoryUserRecord): UserRef {
  return { objectType: 'user', id: u.id, display: displayOf(ctx, u) };
}

export function displayOf(ctx: CycleContext, u: DirectoryUserRecord): string {
  return loginOf(ctx.dir, u);
}
