// The shape the templates iterate over. Every field is always present (null/false/[] when empty):
// the templates are compiled in strict mode, so a typo in a template fails loudly in tests.
import type { CheckStatus, Level } from '../../record/types.ts';
import type { RefLink } from '../refs.ts';
import type { VerdictKind } from '../summarize.ts';

export interface NameValue { name: string; value: string }

export interface BodyView { text: string; isJson: boolean; note: string | null }

export interface ExchangeView {
  id: string;
  origin: string | null;
  method: string;
  url: string;
  requestHeaders: NameValue[];
  requestBody: BodyView | null;
  response: { status: number; statusClass: string; headers: NameValue[]; body: BodyView | null } | null;
  transportError: string | null;
  ms: number;
  curl: string;
  /** The variables the curl line needs exported (`export SCIM_TOKEN first`). */
  curlHint: string;
  /** False in a card with a reproduction script: a lone curl line would name a resource cleanup deleted. */
  showCurl: boolean;
}

/** One request of a card's evidence chain, as a line of its timeline. */
export interface ChainStepView {
  exchangeId: string;
  method: string;
  path: string;
  status: string;
  statusClass: string;
  role: string;
  judged: boolean;
}

export interface CardView {
  anchor: string;
  status: CheckStatus;
  statusLabel: string;
  checkId: string;
  title: string;
  level: Level;
  where: string;
  refs: RefLink[];
  impact: string | null;
  message: string | null;
  pointer: string | null;
  expected: string | null;
  actual: string | null;
  hasExpectation: boolean;
  exchange: ExchangeView | null;
  collapsed: boolean;
  /** The request just before the judged one in the chain (the change a read-back reads), shown open. */
  previous: ExchangeView | null;
  earlier: ExchangeView[];
  earlierLabel: string;
  missing: string | null;
  /** The chain that led to the judged exchange, as a timeline; empty for a single exchange. */
  chain: ChainStepView[];
  /** For a consequence: what it follows from, and the card of that check. */
  because: string | null;
  causeAnchor: string | null;
  /** A bash script that recreates the state and reads it back; null when the curl line says it all. */
  script: string | null;
  scriptLabel: string;
  /** The variables the script needs exported. */
  scriptHint: string;
}

export interface FindingMemberView {
  role: 'Direct' | 'Consequence' | 'Skipped';
  roleClass: string;
  status: CheckStatus;
  statusLabel: string;
  checkId: string;
  title: string;
  note: string | null;
  cardAnchor: string | null;
}

export interface FindingView {
  id: string;
  anchor: string;
  /** `info` when the baseline waived every check the finding explains: it does not fail the run. */
  status: 'fail' | 'warn' | 'info';
  statusLabel: string;
  kindLabel: string;
  title: string;
  basis: string;
  members: FindingMemberView[];
  /** The card of the lead check, open. */
  lead: CardView | null;
  /** The cards of its other checks, behind one disclosure. */
  others: CardView[];
  othersLabel: string;
  /** For a finding no check judged directly (a refused set-up request, a slow endpoint): its evidence. */
  evidence: ExchangeView[];
}

export interface LatencyRowView {
  endpoint: string;
  count: number;
  failed: number;
  p50: string;
  p95: string;
  max: string;
  concurrency: number;
  flag: string | null;
  flagClass: string;
  findingAnchor: string | null;
}

export interface LatencyView {
  basis: string;
  rate: number;
  rows: LatencyRowView[];
}

export interface RowView {
  anchor: string;
  status: CheckStatus;
  statusLabel: string;
  checkId: string;
  title: string;
  level: Level;
  refs: RefLink[];
  note: string | null;
  cardAnchor: string | null;
}

export interface AreaView { name: string; anchor: string; levels: { level: Level; rows: RowView[] }[] }

export interface CountCell { status: CheckStatus; label: string; count: number; zero: boolean }

export interface IdpView {
  label: string;
  dialect: string;
  works: boolean;
  /** No failure seen, but not judged either (nothing passed, or the time budget cut it short). */
  notJudged: boolean;
  stateLabel: string;
  /** Relied-on checks that did not run: the verdict is partial. */
  missing: string[];
  blocking: { checkId: string; title: string; impact: string | null; cardAnchor: string | null }[];
  /** The blocking checks by root cause: one line per finding, its checks listed under it. */
  causes: IdpCauseView[];
}

export interface IdpCauseView {
  findingId: string | null;
  findingAnchor: string | null;
  title: string;
  impact: string | null;
  checks: { checkId: string; cardAnchor: string | null }[];
  checksLabel: string;
  /** Many checks hide behind a disclosure, so the verdict stays readable. */
  collapsed: boolean;
}

export interface ProfileView {
  title: string;
  version: string | null;
  met: boolean;
  stateLabel: string;
  stateClass: string;
  why: string;
  failing: { checkId: string; title: string; cardAnchor: string | null }[];
  warnings: { checkId: string; title: string; cardAnchor: string | null }[];
  notJudged: { what: string; reason: string }[];
  claim: { text: string; holds: boolean } | null;
}

export interface ConflictView {
  ref: string;
  requirementId: string;
  sideLabel: string;
  sideClass: string;
  idp: string;
  state: string;
  sentence: string;
}

export interface SectionView {
  kind: string;
  title: string;
  fields: NameValue[];
  json: string | null;
  exchanges: ExchangeView[];
}

export interface ReportView {
  pageTitle: string;
  /** What kind of page this is: a conformance report or a mock-IdP provisioning log. */
  kindLabel: string;
  verdict: { kind: VerdictKind; headline: string; detail: string };
  meta: NameValue[];
  totals: CountCell[];
  capabilities: { name: string; on: boolean }[];
  capabilitiesLabel: string;
  idp: IdpView[];
  /** The standard-profile verdict, shown beside the IdP verdicts, and where the two conflict. */
  profile: ProfileView | null;
  conflicts: ConflictView[];
  /** The programme verdict of `scimproof certify`, test by test. */
  certification: CertificationView | null;
  summary: { columns: { status: CheckStatus; label: string }[]; rows: { area: string; anchor: string; cells: CountCell[]; total: number }[]; totals: CountCell[]; total: number };
  filters: { status: string; label: string; count: number; disabled: boolean }[];
  nav: { anchor: string; label: string; count: number | null }[];
  areas: AreaView[];
  findings: FindingView[];
  findingsLead: string;
  errors: CardView[];
  /** Why they were not judged, by kind (error-kind.ts), in one sentence. */
  errorsLead: string;
  latency: LatencyView | null;
  skips: { checkId: string; title: string; reason: string; anchor: string }[];
  cleanup: { location: string; resourceType: string; status: string; message: string }[];
  leftovers: { resourceType: string; name: string; location: string; reason: string }[];
  /** The words before the clean command, as the console and JUnit print them. */
  cleanLead: string;
  cleanCommand: string;
  sections: (SectionView & { anchor: string })[];
  generator: string;
}

export interface CertificationView {
  label: string;
  headline: string;
  passes: boolean;
  /** No programme verdict is claimed: only some tests were selected, or the time budget ran out. */
  open: boolean;
  rule: string;
  groups: { name: string; tests: { name: string; optional: boolean; status: string; badge: string; reason: string; advice: string | null; mirrors: string; cardAnchor: string | null }[] }[];
  notes: string[];
}
