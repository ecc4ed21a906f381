// The mock IdP's data: a directory as loaded (defaults filled in), and what one cycle did.
import type { DialectName } from '../dialects/types.ts';

export type Source = 'entra' | 'okta';
/**
 * When a mapping is sent: on create and on every change (always), on create only, never, or (Entra's
 * flowType AttributeAddOnly, Graph's attributeMapping: "Only propagates changes if no current value
 * exists at all") on create and on a change while the app holds no value for it.
 */
export type Apply = 'always' | 'on create only' | 'never' | 'when the app has no value';

export interface Mapping {
  /** A user attribute of the directory's source (Entra "Direct" mapping). */
  source?: string;
  /** A fixed value (Entra "Constant"). */
  constant?: string;
  /** An Entra expression (`Join(" ", [givenName], [surname])`); Entra sources only. */
  expression?: string;
  /** Used when the source attribute is empty (Entra "Default value if null"). */
  default?: string;
  /**
   * SCIM attribute path: core (`title`, `name.familyName`), a selected element of a multi-valued
   * attribute (`phoneNumbers[type eq "mobile"].value`, `addresses[type eq "work"].locality`) or an
   * extension (`urn:…:enterprise:2.0:User:department`, any URN the app's /Schemas advertises).
   */
  target: string;
  matching: boolean;
  /** Order in which matching attributes are tried (1 first); only for matching attributes. */
  matchingPrecedence?: number;
  apply: Apply;
}

/** Entra's scoping operators, as its scoping-filter editor lists them (plus EXCLUDES, kept for old files). */
export type ClauseOperator =
  | 'EQUALS'
  | 'NOT EQUALS'
  | 'IS TRUE'
  | 'IS FALSE'
  | 'IS NULL'
  | 'IS NOT NULL'
  | 'REGEX MATCH'
  | 'NOT REGEX MATCH'
  | 'Includes'
  | 'EXCLUDES'
  | 'ENDS_WITH'
  | '&'
  | '!&'
  | 'Greater_Than'
  | 'Greater_Than_OR_EQUALS';

export interface ScopingClause {
  attribute: string;
  operator: ClauseOperator;
  value?: string;
}

export interface ScopingFilter {
  name?: string;
  clauses: ScopingClause[];
}

/** A value of a directory user's attribute (multi-valued ones such as proxyAddresses are lists). */
export type SourceValue = string | boolean | number | string[];

/** A user as written in the directory file: the source's own attribute names. */
export type DirectoryUserRecord = { id: string } & Record<string, SourceValue | undefined>;

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description?: string;
  /** Member users (direct members only). */
  members: string[];
  /** Member groups: kept, never provisioned or assigned through (Entra: nested groups are not supported). */
  nestedGroups?: string[];
}

export interface AppActions {
  create: boolean;
  update: boolean;
  disable: boolean;
  delete: boolean;
}

/** An Entra app role: what SingleAppRoleAssignment and the complex role expressions send. */
export interface AppRole {
  id: string;
  value: string;
  displayName: string;
}

export interface AppConfig {
  name: string;
  scope: 'assigned' | 'all';
  assignedUsers: string[];
  assignedGroups: string[];
  /** Entra app roles (the app registration's appRoles). */
  appRoles: AppRole[];
  /** Which assigned user or group holds which app role (by role id). */
  appRoleAssignments: { principal: string; roleId: string }[];
  scopingFilters: ScopingFilter[];
  provisionGroups: boolean;
  /** Okta's pushed groups; undefined means "the assigned groups". */
  pushGroups?: string[];
  actions: AppActions;
  mappings: Mapping[];
  /** Entra's SkipOutOfScopeDeletions: users leaving scope are left as they are (not disabled). */
  skipOutOfScopeDeletions: boolean;
  /**
   * Entra's "Prevent accidental deletions" and its deletion threshold (undefined: the box is not
   * checked). A cycle with more disables and deletes than this holds them all (accidental-deletions.ts).
   */
  accidentalDeletionThreshold?: number;
}

export interface Directory {
  /** Path as given, for messages. */
  file: string;
  name: string;
  source: Source;
  /** Custom source attributes declared by the file (Entra directory extensions, Okta profile attributes). */
  customAttributes: string[];
  users: DirectoryUserRecord[];
  groups: DirectoryGroup[];
  app: AppConfig;
  /**
   * What the loader left out of the services' exports (app.synchronizationSchema,
   * app.oktaProfileMapping, Graph's or Okta's user list), one line each: users it could not read,
   * properties no mapping reads. Absent for a file in scimproof's own form.
   */
  warnings?: string[];
  /** The export files the directory file names (absolute paths): a change to one is a change to the directory. */
  exportFiles?: string[];
}

export type ObjectType = 'user' | 'group' | 'manager' | 'job';

export type ObjectAction =
  | 'create'
  | 'link'
  | 'update'
  | 'disable'
  | 'enable'
  | 'delete'
  | 'set-manager'
  | 'change-manager'
  | 'clear-manager'
  | 'create-group'
  | 'link-group'
  | 'rename-group'
  | 'update-members'
  | 'delete-group'
  | 'unlink'
  | 'forget'
  | 'skip'
  | 'test-connection'
  | 'read-schemas';

/**
 * success: done; failed: the app refused or the request failed (escrowed, or an Okta task);
 * skipped: nothing to send, with why; escrowed: held after an earlier failure, not yet due for a
 * retry (or waiting in Okta's task list); stopped: the IdP gave up on the object (Okta after a 404).
 */
export type Outcome = 'success' | 'failed' | 'skipped' | 'escrowed' | 'stopped';

export interface ObjectError {
  status?: number;
  scimType?: string;
  /** The server's own message (the Error body's `detail`), or what went wrong on the wire. */
  message: string;
  /** The error code Entra's provisioning logs show for this failure, where Entra documents one. */
  code?: string;
}

/** One mapped attribute of a provisioned object: what the app had, what the IdP wants, what was sent. */
export interface AttributeChange {
  path: string;
  /** The app's value before (absent: none, or not read). */
  old?: unknown;
  /** The value the mapping produces (absent: the source is empty). */
  new?: unknown;
  /** False when the IdP leaves the app's value as it is (Entra never sends a null). */
  sent: boolean;
  note?: string;
}

/** One step of provisioning on demand, as Entra's portal shows it. */
export interface OnDemandStep {
  name: 'Test connection' | 'Import user' | 'Determine if user is in scope' | 'Match user between source and target' | 'Import group' | 'Determine if group is in scope' | 'Match group between source and target' | 'Perform action';
  outcome: 'success' | 'failed' | 'skipped';
  reason: string;
  /** What the portal's "View details" shows for the step. */
  details?: Record<string, unknown>;
  exchangeIds: string[];
}

/** One line of the provisioning log: one thing the IdP did (or decided not to do) to one object. */
export interface ObjectResult {
  objectType: ObjectType;
  /** Directory id. */
  id: string;
  /** userPrincipalName / login / group displayName. */
  display: string;
  action: ObjectAction;
  outcome: Outcome;
  /** Why: the change that triggered the action, or why it was skipped or stopped. */
  reason: string;
  error?: ObjectError;
  /** How many times this object has now failed in a row (escrow). */
  attempts?: number;
  /** When the IdP tries it again (Entra's escrow back-off), ISO time. */
  nextRetryAt?: string;
  /** Okta: the failure is retried at the next cycle without the admin (a 429 with Retry-After). */
  autoRetry?: boolean;
  /**
   * Failed in the directory, before any request (a matching value two users share, an expression
   * the user's values break): looked at again every cycle, without a request, until the directory
   * changes; no back-off time applies to it.
   */
  waitsForDirectory?: boolean;
  targetId?: string;
  exchangeIds: string[];
  impact?: string;
  /** When the IdP started and finished this object (the cycle clock, ISO). */
  startedAt?: string;
  finishedAt?: string;
  /** Attribute by attribute: old → new, and whether it was sent. */
  changes?: AttributeChange[];
  /** Provision on demand only: the five steps. */
  steps?: OnDemandStep[];
}

export interface QuarantineInfo {
  reason: 'EncounteredQuarantineException' | 'EncounteredEscrowProportionThreshold' | 'TooManyDeletes';
  message: string;
  since: string;
}

export interface CycleCounts {
  created: number;
  linked: number;
  updated: number;
  disabled: number;
  enabled: number;
  deleted: number;
  managers: number;
  groups: number;
  failed: number;
  skipped: number;
  escrowed: number;
  unchanged: number;
}

export interface CycleResult {
  cycle: number;
  dialect: DialectName;
  directory: string;
  target: string;
  startedAt: string;
  finishedAt: string;
  /** ok: everything provisioned; failed: some objects escrowed; stopped: the cycle could not run or was quarantined. */
  status: 'ok' | 'failed' | 'stopped';
  /** Why the cycle stopped (status stopped). */
  stopReason?: string;
  quarantine?: QuarantineInfo;
  counts: CycleCounts;
  /** Every object's result, unless the cycle ran with `keepResults: false` (then only the notable ones, capped). */
  results: ObjectResult[];
  requests: number;
  /** How long the cycle really took; startedAt/finishedAt are on the job's clock, which `--at` or a simulated clock holds still. */
  wallMs?: number;
  /** Why this cycle ran as an initial cycle (restart, changed mappings), when it did. */
  restartReason?: string;
}
