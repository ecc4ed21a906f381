// The run record: the one data structure every part of the harness shares.
// The transport writes Exchanges; checks write CheckResults; reporters only read a RunRecord.
// Everything here must survive JSON.stringify/parse unchanged (run.json is the source of truth).

/** A reference into RFC 7643/7644 ("RFC7644-3.4.2") or an IdP behaviour ("ENTRA-1.9", "OKTA-2.4"). */
export type SpecRef = string;

export type Level = 'MUST' | 'SHOULD' | 'MAY';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info' | 'skip' | 'error';

/** Where in a suite a request came from, so a report can point at the data that sent it. */
export interface ExchangeOrigin {
  suite: string;
  scenario: string;
  step: string;
  /** `suites/core/users.json#/scenarios/3/steps/1` */
  pointer?: string;
}

export interface RecordedRequest {
  method: string;
  /** Absolute URL, as sent. */
  url: string;
  /** Header names lower-cased; secrets already replaced by `[redacted]`. */
  headers: Record<string, string>;
  /** Body text as sent (secrets redacted). */
  body?: string;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** Body text, cut at the transport's capture limit (see `truncated`). */
  body: string;
  truncated?: boolean;
  /** The body parsed as JSON when it is JSON; absent when it is not (see `jsonError`). */
  json?: unknown;
  jsonError?: string;
}

export interface TransportFailure {
  /** `timeout`, `refused`, `dns`, `tls`, `reset`, `aborted`, `too-large`, `other` */
  code: string;
  message: string;
}

export interface Exchange {
  /** Sequential, `x0001`, so snapshots and links are stable. */
  id: string;
  origin?: ExchangeOrigin;
  request: RecordedRequest;
  response?: RecordedResponse;
  transportError?: TransportFailure;
  startedAt: string;
  /** Wall time from send to the last body byte. */
  ms: number;
  /** A ready-to-paste curl line; the token appears as `$SCIM_TOKEN`. */
  curl: string;
}

export interface CheckResult {
  /** Stable id, used by --only/--skip and JUnit testcase names. */
  checkId: string;
  title: string;
  area: string;
  suite: string;
  level: Level;
  refs: SpecRef[];
  /** For IdP-driven checks: what the IdP does when this fails. */
  impact?: string;
  status: CheckStatus;
  message?: string;
  /** Why the check was skipped (required when status is skip). */
  reason?: string;
  expected?: unknown;
  actual?: unknown;
  /** JSON pointer into the response body that the message is about. */
  pointer?: string;
  /** The exchanges this verdict was made from; the last one is the one that failed. */
  exchangeIds: string[];
  ms?: number;
  /** Set when a baseline waived this result: the status it had (fail or warn). */
  waivedStatus?: CheckStatus;
}

export interface IdpVerdict {
  dialect: string;
  label: string;
  works: boolean;
  blocking: { checkId: string; title: string; impact?: string }[];
}

export interface RunMeta {
  runId: string;
  tool: string;
  version: string;
  node: string;
  target: string;
  /** True when the target was the embedded reference server. */
  embedded: boolean;
  suites: string[];
  profile?: string;
  seed: number;
  prefix: string;
  startedAt: string;
  finishedAt: string;
  /** Set when the run could not be made (exit code 2). */
  runError?: string;
  /** Set when the run was one shard of several (`--shard 2/3`). */
  shard?: { index: number; total: number };
  /** Set on a record joined from shard records (`scimproof report --merge`): their run ids. */
  mergedFrom?: string[];
}

export interface Discovery {
  serviceProviderConfig?: unknown;
  schemas?: unknown[];
  resourceTypes?: unknown[];
  /** Capability name → advertised (true/false), derived once from /ServiceProviderConfig. */
  capabilities: Record<string, boolean>;
}

export interface CleanupEntry {
  location: string;
  resourceType: string;
  status: 'deleted' | 'kept' | 'failed' | 'gone';
  message?: string;
}

export interface Summary {
  total: number;
  pass: number;
  fail: number;
  warn: number;
  info: number;
  skip: number;
  error: number;
}

export interface RunRecord {
  meta: RunMeta;
  discovery?: Discovery;
  exchanges: Exchange[];
  results: CheckResult[];
  cleanup: CleanupEntry[];
  idpVerdicts?: IdpVerdict[];
  summary: Summary;
  /** Extra sections reporters may show (fuzz counterexamples, provisioning logs). */
  sections?: ReportSection[];
}

export interface ReportSection {
  kind: string;
  title: string;
  data: unknown;
}
