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

/**
 * Why a result is a consequence of something that went wrong earlier, so a report can list it
 * under its root cause instead of as a finding of its own. Set on a skipped result (the check
 * could not be judged because its precondition failed) and on a failed one whose failure follows
 * from an earlier failure (a sibling check on the same response, or a refused request it reads
 * back). `checkId` is the display id of the failing check when one judged the cause; `exchangeId`
 * is the request that went wrong (refused, crashed, or never answered).
 */
export interface Cause {
  checkId?: string;
  exchangeId?: string;
  /** One line: what went wrong upstream (`POST /Users answered HTTP 400`). */
  summary: string;
}

export interface CheckResult {
  /**
   * Stable display id, used by --only/--skip, baselines and JUnit testcase names:
   * `baseId[variant][item]`, composed once by `displayId()` (src/record/display-id.ts) and never
   * parsed back (read `baseId`, `variant` and `item` instead).
   */
  checkId: string;
  /** The check id as the suite names it (`entra.disable.applied`); absent in run.json files written before it existed. */
  baseId?: string;
  /** The IdP dialect variant the check ran for (`entra-compliant`). */
  variant?: string;
  /** The foreach item the check ran for (`name.familyName`). */
  item?: string;
  title: string;
  area: string;
  suite: string;
  level: Level;
  refs: SpecRef[];
  /** For IdP-driven checks: what the IdP does when this fails. */
  impact?: string;
  /**
   * Whether a result that is not a pass blocks the IdP verdict, decided by what the IdP does, not
   * by the RFC level: true blocks on a warning too (the RFC says SHOULD, the IdP breaks), false
   * never blocks (the RFC says MUST, the IdP does not care). Absent: a failure blocks.
   */
  blocksIdp?: boolean;
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
  /** Set when this result follows from an earlier failure (see Cause). */
  causedBy?: Cause;
}

export interface IdpVerdict {
  dialect: string;
  label: string;
  works: boolean;
  blocking: { checkId: string; title: string; impact?: string }[];
  /**
   * Check ids this verdict relies on that the run did not judge (left out by --only/--skip, or
   * not run): when present, the verdict is partial and says so.
   */
  missing?: string[];
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

/** How one test of a certification programme came out (Microsoft's Logic App words, Okta's Runscope steps). */
export type ProgrammeTestStatus = 'passed' | 'failed' | 'warning' | 'skipped' | 'error';

export interface ProgrammeTestResult {
  /** The programme's own name: `Create_User_Test`, `Check status 401`. */
  name: string;
  /** What the programme checks, in a sentence. */
  title: string;
  category: 'mandatory' | 'optional';
  /** The programme's grouping: `User provisioning`, `SCIM 2.0 Spec Test`… */
  group: string;
  status: ProgrammeTestStatus;
  /** Why it failed, warned or was skipped; what passed otherwise. */
  reason: string;
  /** How the pre-flight mirrors it: what is replayed, what is simulated. */
  mirrors: string;
  /** The results (check ids as recorded) this test was judged from. */
  checkIds: string[];
  /** Those that failed (or warned, for the programme's optional tests). */
  failing: string[];
  /** Failing checks that go beyond what the programme itself tests (scimproof's stricter ones). */
  failingBeyond: string[];
}

export interface CertificationReport {
  programme: 'entra-gallery' | 'okta-oin';
  label: string;
  /** The programme's pass rule, in a sentence. */
  rule: string;
  /** Would the programme's own test run pass? */
  passes: boolean;
  /** … and do scimproof's stricter checks (beyond the programme) pass too? */
  passesStrict: boolean;
  headline: string;
  tests: ProgrammeTestResult[];
  /** What the pre-flight simulates or cannot see. */
  notes: string[];
  /** Only some tests ran (`--test`): no programme verdict is claimed. */
  partial?: boolean;
}

export interface RunRecord {
  meta: RunMeta;
  discovery?: Discovery;
  exchanges: Exchange[];
  results: CheckResult[];
  cleanup: CleanupEntry[];
  idpVerdicts?: IdpVerdict[];
  /** Set by `scimproof certify`: the programme's verdict, test by test. */
  certification?: CertificationReport;
  summary: Summary;
  /** Extra sections reporters may show (fuzz counterexamples, provisioning logs). */
  sections?: ReportSection[];
}

export interface ReportSection {
  kind: string;
  title: string;
  data: unknown;
}
