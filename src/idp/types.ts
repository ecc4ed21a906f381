// The mock IdP's data: a directory as loaded (defaults filled in), and what one cycle did.
import type { DialectName } from '../dialects/types.ts';

export type Source = 'entra' | 'okta';
export type Apply = 'always' | 'on create only' | 'never';

export interface Mapping {
  /** A user attribute of the directory's source; absent when `constant` is used. */
  source?: string;
  constant?: string;
  default?: string;
  /** SCIM attribute path (`name.familyName`, `emails[type eq "work"].value`, `urn:…:department`). */
  target: string;
  matching: boolean;
  apply: Apply;
}

export type ClauseOperator = 'EQUALS' | 'NOT EQUALS' | 'IS TRUE' | 'IS FALSE' | 'IS NULL' | 'IS NOT NULL' | 'REGEX MATCH' | 'NOT REGEX MATCH' | 'INCLUDES' | 'EXCLUDES';

export interface ScopingClause {
  attribute: string;
  operator: ClauseOperator;
  value?: string;
}

export interface ScopingFilter {
  name?: string;
  clauses: ScopingClause[];
}

/** A user as written in the directory file: the source's own attribute names. */
export type DirectoryUserRecord = { id: string } & Record<string, string | boolean | undefined>;

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description?: string;
  members: string[];
}

export interface AppActions {
  create: boolean;
  update: boolean;
  disable: boolean;
  delete: boolean;
}

export interface AppConfig {
  name: string;
  scope: 'assigned' | 'all';
  assignedUsers: string[];
  assignedGroups: string[];
  scopingFilters: ScopingFilter[];
  provisionGroups: boolean;
  /** Okta's pushed groups; undefined means "the assigned groups". */
  pushGroups?: string[];
  actions: AppActions;
  mappings: Mapping[];
}

export interface Directory {
  /** Path as given, for messages. */
  file: string;
  name: string;
  source: Source;
  users: DirectoryUserRecord[];
  groups: DirectoryGroup[];
  app: AppConfig;
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
  | 'skip'
  | 'test-connection';

export type Outcome = 'success' | 'failed' | 'skipped' | 'stopped';

export interface ObjectError {
  status?: number;
  scimType?: string;
  /** The server's own message (the Error body's `detail`), or what went wrong on the wire. */
  message: string;
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
  targetId?: string;
  exchangeIds: string[];
  impact?: string;
}

export interface QuarantineInfo {
  reason: 'EncounteredQuarantineException' | 'EncounteredEscrowProportionThreshold';
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
  results: ObjectResult[];
  requests: number;
}
