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
  /** `burst`: one of many copies of a request sent to find a rate limit (judged as a whole). */
  probe?: 'burst';
}

export interface RecordedRequest {
  method: string;
  /** Absolute URL, as sent. */
  url: string;
  /** Header names lower-cased; secrets already replaced by `[redacted]`. */
  headers: Record<string, string>;
  /** Body text as sent (secrets redacted), cut at the record limit (see `truncated`). */
  body?: string;
  /** The body is longer than what `body` keeps; `bodySize` says how long (the curl line still sends all of it). */
  truncated?: boolean;
  /** Characters of the whole body, when `truncated`. */
  bodySize?: number;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** Body text, cut at the record limit (see `truncated`). */
  body: string;
  /** `body` is only the beginning of what the server sent; `sizeNote` says how much there was. */
  truncated?: boolean;
  /** How large the body was and how much of it was read or kept, for a reader ("2,097,152 bytes read of 209,715,200 announced"). */
  sizeNote?: string;
  /** The Content-Encoding the body was decoded from (`gzip`, `deflate`, `br`). */
  encoding?: string;
  /**
   * The body parsed as JSON when it is JSON; absent when it is not (see `jsonError`). Attribute
   * names are case-insensitive (RFC 7643 §2.1), so keys naming a SCIM attribute in another case
   * are spelled here as the RFCs spell them, and `renamedAttributes` lists the renames.
   */
  json?: unknown;
  /** Keys of `json` respelled from the body (`"UserName → userName"`); `body` keeps the server's spelling. */
  renamedAttributes?: string[];
  jsonError?: string;
  /**
   * The body began with a byte order mark (U+FEFF), which RFC 8259 §8.1 forbids a sender to add
   * and lets a parser ignore: `json` is parsed without it, as Entra's and Okta's parsers read it.
   */
  byteOrderMark?: boolean;
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
  /**
   * An IdP replay skipped because the server does not offer what the IdP sends (a PATCH answered
   * 501 by a server whose ServiceProviderConfig says patch.supported false): the sentence the IdP
   * verdict blocks on, once. Not a failure of the check: the server said so.
   */
  idpNeeds?: string;
  status: CheckStatus;
  message?: string;
  /** Why the check was skipped (required when status is skip). */
  reason?: string;
  expected?: unknown;
  actual?: unknown;
  /** JSON pointer into the response body that the message is about. */
  pointer?: string;
  /** The check kind that judged (`status`, `body`, `schema` …); absent for run-wide audits and fuzz. */
  kind?: string;
  /**
   * The exchanges this verdict was made from, in the order they were sent; the last one is the one
   * judged. For a scenario step, the ones before it are the chain that led to the judged state:
   * the create of the resource, the request that last changed it, then the judged read-back.
   */
  exchangeIds: string[];
  ms?: number;
  /** Set when a baseline waived this result: the status it had (fail or warn). */
  waivedStatus?: CheckStatus;
  /** Set when a standard profile re-levelled this result: what it was before (IdP verdicts judge that). */
  before?: { level: Level; status: CheckStatus };
  /** Set when this result follows from an earlier failure (see Cause). */
  causedBy?: Cause;
}

export interface IdpVerdict {
  dialect: string;
  label: string;
  works: boolean;
  /**
   * Nothing the run saw blocks this IdP, yet the run could not judge it: none of its replay checks
   * passed, or some were not reached before the time budget ran out. `works` is false and
   * `blocking` holds the reasons (`<dialect>.not-judged`, `<dialect>.not-reached`); it reads
   * "not judged", never "would fail": no failure of the server was seen.
   */
  notJudged?: boolean;
  blocking: { checkId: string; title: string; impact?: string }[];
  /**
   * Check ids this verdict relies on that the run did not judge (left out by --only/--skip, or
   * not run): when present, the verdict is partial and says so.
   */
  missing?: string[];
}

/** One check of a profile verdict. */
export interface VerdictItem {
  checkId: string;
  title: string;
  refs: SpecRef[];
  message?: string;
}

/** How a strict profile rule plays out against one IdP behaviour in this run. */
export interface ConflictEffect {
  dialect: string;
  label: string;
  behaviour: string;
  /** `breaks`: the IdP's replay checks for this behaviour failed; `works`: they passed. */
  state: 'breaks' | 'works' | 'not-run';
  /** The failing replay checks (when it breaks). */
  checkIds: string[];
  /** The conflict named in one sentence, as reports print it. */
  sentence: string;
}

export interface ConflictReport {
  id: string;
  /** The profile check that enforces the strict behaviour. */
  requirement: { checkId: string; title: string; status: CheckStatus | 'not-run'; ref: string };
  /** `strict`: the server meets the profile rule; `tolerant`: it does what the IdPs send instead. */
  side: 'strict' | 'tolerant' | 'unknown';
  effects: ConflictEffect[];
}

/** Does the server meet a standard profile (interop, IPSIE)? Reported beside the IdP verdicts. */
export interface ProfileVerdict {
  profile: string;
  title: string;
  version?: string;
  /** `option`: asked for with --profile; `claim`: the server declares conformance, so the claim was checked. */
  trigger: 'option' | 'claim';
  state: 'meets' | 'fails' | 'not-judged';
  counts: { pass: number; fail: number; warn: number; skip: number; total: number };
  failing: VerdictItem[];
  warnings: VerdictItem[];
  /** What the verdict does not cover: skipped checks (with the reason) and requirements no check judges. */
  notJudged: { what: string; reason: string }[];
  /** The server's own claim (`interopProfileConformant`), when the profile has one. */
  claim?: { attribute: string; value: unknown; holds: boolean | null; message: string };
  conflicts: ConflictReport[];
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
  /** The signal that stopped the run (SIGINT, SIGTERM, SIGHUP). */
  interrupted?: string;
  /** Set when the run was one shard of several (`--shard 2/3`). */
  shard?: { index: number; total: number };
  /** What the run was narrowed to (`--only`, `--skip`, `--dialect`), when it was: shards of one run share it. */
  selection?: { only?: string[]; skip?: string[]; dialects?: string[] };
  /** Set on a record joined from shard records (`scimproof report --merge`): their run ids. */
  mergedFrom?: string[];
  /**
   * Set on a merged record when shards of the run were not given (`["3/3"]`): the checks they ran
   * are missing, so the joined run is INCOMPLETE (exit 3), as a run cut short by its budget is.
   */
  missingShards?: string[];
  /** The whole-run time budget (`--max-time`), and whether it ran out before every check was reached. */
  budget?: RunBudget;
  /** How the run authenticated, without a secret: what a printed command (clean, a fuzz replay) passes to do the same. */
  credentials?: RunCredentials;
}

/**
 * The run's credentials as a printed command reproduces them: the kind (each secret is read from
 * a variable: $SCIM_TOKEN, $SCIM_BASIC, $SCIM_CLIENT_SECRET), OAuth's public settings, and the
 * extra headers (`--header`), a header whose value is a secret without its value.
 */
export interface RunCredentials {
  kind: 'none' | 'bearer' | 'basic' | 'oauth';
  oauth?: { tokenUrl: string; clientId: string; clientAuth?: 'basic' | 'post'; scope?: string };
  /** In the order given; `value` absent: a secret, read from its own variable (SCIM_SECRET_<NAME>). */
  headers?: { name: string; value?: string }[];
}

export interface RunBudget {
  /** The budget in milliseconds; 0 means no limit. */
  maxTimeMs: number;
  /**
   * True when the budget ran out before every check was reached: the run stopped sending, cleaned
   * up and reported what it reached (`notReached` > 0). A budget that ran out only after the last
   * check was judged leaves this false.
   */
  ranOut: boolean;
  /** Checks skipped because the budget ran out before they were reached. */
  notReached: number;
}

export interface Discovery {
  serviceProviderConfig?: unknown;
  schemas?: unknown[];
  resourceTypes?: unknown[];
  /** Capability name → advertised (true/false), derived once from /ServiceProviderConfig. */
  capabilities: Record<string, boolean>;
  /**
   * How the server shows group members, learned once in the run (src/runner/members-shown.ts) when
   * a read-back that should list members listed none: by default, only when `attributes=members`
   * asks (though /Schemas does not declare returned "request"), or never.
   */
  groupMembers?: GroupMembersShown;
}

/** What the run learned of how a server shows group members (RFC 7643 §2.2 "returned", §4.2). */
export interface GroupMembersShown {
  shown: 'default' | 'on-request' | 'never';
  /** What the probe saw, in a sentence a person can check. */
  evidence: string;
  /** The probe's exchanges. */
  exchangeIds: string[];
}

export interface CleanupEntry {
  location: string;
  resourceType: string;
  status: 'deleted' | 'kept' | 'failed' | 'gone';
  message?: string;
  /** The prefixed name the run gave it (userName, displayName or externalId), when known. */
  name?: string;
  /** How the run knew of it: the id in its create response, the Location header, a lookup by the name it was sent, or the final sweep by prefix. */
  foundBy?: 'response' | 'location' | 'lookup' | 'sweep';
}

/** Something the run created that may still be on the target, with what a person can do about it. */
export interface Leftover {
  resourceType: string;
  /** Where it is, when known. */
  location?: string;
  /** The prefixed name it carries, when known. */
  name?: string;
  /** Why it is still there (or why it could not be ruled out). */
  reason: string;
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
  /** Why it failed, warned or was skipped (or, as an error, why it was not judged); what passed otherwise. */
  reason: string;
  /** How the pre-flight mirrors it: what is replayed, what is simulated. */
  mirrors: string;
  /** The results (check ids as recorded) this test was judged from. */
  checkIds: string[];
  /** Those that failed (or warned, for the programme's optional tests). */
  failing: string[];
  /** Failing checks that go beyond what the programme itself tests (scimproof's stricter ones). */
  failingBeyond: string[];
  /** The run's time budget ran out before this test was done (status `error`): not judged. */
  notReached?: true;
  /** Where the real test would differ on this server (Okta's fixed Spec Test body lacks an attribute the server requires), whatever the status. */
  advice?: string;
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
  /** The run's time budget ran out before some tests were reached: no programme verdict is claimed. */
  incomplete?: boolean;
}

export interface RunRecord {
  meta: RunMeta;
  discovery?: Discovery;
  exchanges: Exchange[];
  results: CheckResult[];
  cleanup: CleanupEntry[];
  /** What the run created and could not delete (or could not rule out); `scimproof clean` removes it. */
  leftovers?: Leftover[];
  idpVerdicts?: IdpVerdict[];
  /** The standard profile verdict (interop, IPSIE), when a profile was asked for or claimed. */
  profileVerdict?: ProfileVerdict;
  /** Set by `scimproof certify`: the programme's verdict, test by test. */
  certification?: CertificationReport;
  summary: Summary;
  /** Extra sections reporters may show (fuzz counterexamples, provisioning logs). */
  sections?: ReportSection[];
  /** The failures and warnings grouped by root cause (src/analysis/findings.ts); how a person reads them. */
  findings?: Finding[];
  /** Latency per endpoint, measured from the recorded exchanges (src/analysis/latency.ts). */
  latency?: LatencyReport;
}

/** One result as a finding lists it; `result` is its index in `RunRecord.results`. */
export interface FindingMember {
  result: number;
  checkId: string;
  status: CheckStatus;
  /** For a consequence: what earlier failure it follows from, in words. */
  because?: string;
  /** For a consequence: the index of the result it follows from (absent when a setup request, not a check, failed). */
  causeResult?: number;
}

export type FindingKind =
  /** One check, nothing else shares its cause. */
  | 'check'
  /** An attribute written in the wrong form (a relative URL, a boolean as text …) wherever it appears. */
  | 'attribute-form'
  /** The server refuses a request shape with the same complaint, wherever it is sent (or crashes on it). */
  | 'refusal'
  /** An endpoint answers with the same unexpected success status (200 where 201 is required …). */
  | 'unexpected-status'
  /** The same assertion fails the same way across scenarios, variants or items. */
  | 'same-assertion'
  /** List answers that do not follow `count` or `startIndex` (RFC 7644 §3.4.2.4), whichever check asked. */
  | 'paging-ignored'
  /** A request a scenario needed (not itself a check) was refused; the checks after it failed. */
  | 'setup'
  /** An endpoint too slow for what an IdP expects (measured, not a check). */
  | 'latency';

export interface Finding {
  /** `F1`, `F2` … in the order the first of its results appears. */
  id: string;
  kind: FindingKind;
  /** The worst status among its results (a waived failure counts as the failure it was). */
  status: 'fail' | 'warn';
  /** The root cause, in words. */
  title: string;
  /** Why these results are one finding (the grouping rule that joined them). */
  basis: string;
  /** Results that show the defect directly. */
  symptoms: FindingMember[];
  /** Results that failed only because an earlier request of their scenario was refused. */
  consequences: FindingMember[];
  /** Results skipped because of it (from a result's `causedBy`). */
  skipped: FindingMember[];
  /** The exchanges that show it best, in the order they were sent. */
  exchangeIds: string[];
  /** For a latency finding: the endpoint (`GET /Users?filter`). */
  endpoint?: string;
}

export interface EndpointLatency {
  /** Method and path template, `PATCH /Users/{id}`, `GET /Users?filter`. */
  endpoint: string;
  /** Requests that got an answer (their times make the percentiles). */
  count: number;
  /** Requests that got no answer (timeout, reset …). */
  failed: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The slowest exchange, as evidence. */
  slowestExchangeId?: string;
  /** Requests that must be in flight at once to sustain an IdP's rate at this p50 (Little's law). */
  concurrencyForRate: number;
  flag?: { level: 'slow' | 'breaks'; reason: string };
}

export interface LatencyReport {
  endpoints: EndpointLatency[];
  /** The request rate the concurrency column is computed for, and where it comes from. */
  rate: { perSecond: number; source: string };
  /** What the flags mean and where their thresholds come from. */
  basis: string;
}

export interface ReportSection {
  kind: string;
  title: string;
  data: unknown;
}
