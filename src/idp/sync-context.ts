// What the user, manager and group phases of a cycle share; the cycle builds it once.
import { createHash } from 'node:crypto';
import type { DialectName } from '../dialects/index.ts';
import type { DeletionHold } from './accidental-deletions.ts';
import type { EscrowSchedule } from './escrow.ts';
import type { EventSender } from './events.ts';
import type { DuplicateFinder } from './sync-duplicates.ts';
import type { LogRedactor } from './log-redact.ts';
import type { MappingPlan } from './mapping.ts';
import { loginOf, type Entitlements } from './scope.ts';
import type { ObjectLedger } from './sync-ledger.ts';
import type { StateStore } from './state.ts';
import type { Directory, DirectoryUserRecord } from './types.ts';

/** Where the services differ from each other or the documents leave room: switches, each with its default. */
export interface CycleBehaviour {
  /** When an Entra escrow entry is retried (default `documented`: 6 h, 12 h, 24 h, then daily). */
  escrowSchedule: EscrowSchedule;
  /**
   * Entra writes a manager link, or adds a group member, that was out of scope when the user or
   * group was provisioned only after a restart or a change to that user or group (known issues
   * "Manager isn't provisioned", "Member of group not provisioned"). `at-once` links them as soon
   * as they exist.
   */
  relinkReferences: 'on-restart' | 'at-once';
}

export const DEFAULT_BEHAVIOUR: CycleBehaviour = { escrowSchedule: 'documented', relinkReferences: 'on-restart' };

export interface CycleContext {
  readonly dir: Directory;
  /** The directory's users by id. */
  readonly users: ReadonlyMap<string, DirectoryUserRecord>;
  readonly state: StateStore;
  readonly sender: EventSender;
  readonly dialect: DialectName;
  readonly family: 'entra' | 'okta';
  readonly ent: Entitlements;
  readonly plan: MappingPlan;
  /** The paths kept in step on later cycles ("always" mappings). */
  readonly updatePaths: string[];
  /** The ledger of the object being worked on (its results carry when it was picked up). */
  readonly ledger: ObjectLedger;
  readonly behaviour: CycleBehaviour;
  now(): Date;
  /** App ids deleted this cycle: the app dropped their memberships itself. */
  readonly deletedTargets: Set<string>;
  /** Users created, linked or updated this cycle: Entra re-evaluates their references. */
  readonly touched: Set<string>;
  /** The other users to be provisioned that share a user's matching value (the match query cannot tell them apart). */
  readonly duplicates: DuplicateFinder;
  /** The values Redact() produced this cycle, replaced in everything the IdP shows. */
  readonly redactor: LogRedactor;
  /** Entra's Prevent accidental deletions holds this cycle's disables and deletes (accidental-deletions.ts). */
  hold?: DeletionHold;
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

/**
 * Why an entitled user has no app object yet, for the lines of the users that reference it (a
 * manager, a group member): its create failed this cycle or an earlier one, with the server's
 * answer (the user's own line has the rest), or it was not reached yet.
 */
export function notCreatedWhy(ctx: CycleContext, uid: string): string {
  const esc = ctx.state.escrow(`user:${uid}`);
  if (!esc) return 'not created yet';
  const e = esc.lastError;
  const answer = `${e.status !== undefined ? `HTTP ${e.status}${e.scimType ? ` ${e.scimType}` : ''}: ` : ''}${e.message.length > 160 ? `${e.message.slice(0, 160)}…` : e.message}`;
  return `its ${esc.action} failed (${answer}) and waits ${esc.task ? "in Okta's admin task list" : "in Entra's escrow"}`;
}

/** Okta's names for the 'To App' provisioning features that `app.actions` switches. */
const OKTA_FEATURES = { create: 'Create Users', update: 'Update User Attributes', disable: 'Deactivate Users' } as const;

/** That an action the app's settings turn off was not taken, in the IdP's own words (Entra's target object actions, Okta's To App features). */
export function actionOff(family: 'entra' | 'okta', action: keyof typeof OKTA_FEATURES): string {
  return family === 'entra' ? `${action} is turned off in the app's actions` : `"${OKTA_FEATURES[action]}" is turned off in the app's provisioning settings (To App)`;
}

/** A short digest of what the directory says about an object (an escrowed object that changes is retried at once). */
export function fingerprint(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}

/** A fingerprint, or how to compute it: most objects succeed and never need theirs. */
export type Fingerprint = string | (() => string);

/** The fingerprint of `value()`, computed on first use. */
export function lazyFingerprint(value: () => unknown): () => string {
  let print: string | undefined;
  return () => (print ??= fingerprint(value()));
}
