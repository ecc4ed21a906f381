// Findings: the failures and warnings of a run grouped by root cause, so a vendor reads one defect
// with its consequences instead of ten unrelated failures. A pure function of the run record
// (results + exchanges), computed once when the run ends and stored in run.json; reporters only
// render it. The counts and the exit code stay per check: a finding never hides a failure, and
// every failing (or warning, or waived) result is listed under exactly one finding.
//
// How results are joined (each rule says why in the finding's `basis`):
//   - consequences join the finding of what they follow from (./causes.ts);
//   - the other results join when they share a key (./signatures.ts): the same attribute in the
//     same wrong form, the same refusal, or the same assertion failing the same way.
import type { CheckResult, CheckStatus, Exchange, Finding, FindingKind, FindingMember, RunRecord } from '../record/types.ts';
import { endpointOf, isRefused } from '../record/requests.ts';
import { complaintOf } from '../record/offences.ts';
import { causeOf, explicitCause, failsOnRefusal, isAboutStatus, isAggregate, judgedExchangeId, type Cause, type CauseContext } from './causes.ts';
import { describeRefusal, formDefectOf, ignoredPaging, normalisePointer, normaliseText, refusalKey, statusKey, type FormDefect } from './signatures.ts';

type Input = Pick<RunRecord, 'results' | 'exchanges'> & { meta: Pick<RunRecord['meta'], 'target' | 'prefix'> };

const FAILING: ReadonlySet<CheckStatus> = new Set(['fail', 'warn']);
/** The status a result counts as here: a waived failure is still the failure it was. */
const effectiveStatus = (result: CheckResult): CheckStatus => result.waivedStatus ?? result.status;

/** Union-find over result nodes (`r12`) and set-up exchange nodes (`xx0042`). */
class Groups {
  private readonly parent = new Map<string, string>();
  find(node: string): string {
    let root = node;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(node, root);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The earlier node stays the root, so a group is named after what came first.
    if (ra !== rb) (order(ra) <= order(rb) ? this.parent.set(rb, ra) : this.parent.set(ra, rb));
  }
}
const order = (node: string): number => (node.startsWith('r') ? Number(node.slice(1)) : Number.MAX_SAFE_INTEGER);
const resultNode = (index: number): string => `r${index}`;
const setupNode = (exchangeId: string): string => `x${exchangeId}`;

interface Keyed {
  form?: FormDefect;
  refusal?: string;
  status?: string;
  message?: string;
  /** `paging|count`, `paging|startIndex`: the paging parameters the judged page did not follow. */
  paging?: string[];
}

export function computeFindings(record: Input): Finding[] {
  const { results } = record;
  const exchanges: ReadonlyMap<string, Exchange> = new Map(record.exchanges.map((x) => [x.id, x]));
  const prefix = record.meta.prefix ?? '';
  const baseUrl = record.meta.target;
  const failing = results.map((_, i) => i).filter((i) => FAILING.has(effectiveStatus(results[i]!)));
  const failingSet = new Set(failing);
  const judgedOn = new Map<string, number[]>();
  results.forEach((r, i) => {
    const id = judgedExchangeId(r);
    if (id !== undefined && !isAggregate(r)) judgedOn.set(id, [...(judgedOn.get(id) ?? []), i]);
  });
  const ctx: CauseContext = { results, exchanges, baseUrl, judgedOn, isFailing: (i) => failingSet.has(i) };

  const groups = new Groups();
  const causes = new Map<number, Cause>();
  const keyed = new Map<number, Keyed>();
  const firstWithKey = new Map<string, string>();
  const join = (key: string, node: string): void => {
    const first = firstWithKey.get(key);
    if (first === undefined) firstWithKey.set(key, node);
    else groups.union(first, node);
  };

  for (const index of failing) {
    const result = results[index]!;
    groups.find(resultNode(index));
    const keys = keysOf(result, exchanges, baseUrl, prefix);
    const cause = causeOf(index, ctx, keys.form !== undefined);
    if (cause) {
      causes.set(index, cause);
      groups.union(cause.result !== undefined ? resultNode(cause.result) : setupNode(cause.exchangeId!), resultNode(index));
      if (cause.result === undefined) {
        const refused = exchanges.get(cause.exchangeId!)!;
        const key = refusalKey(refused, baseUrl, prefix);
        if (key) join(key, setupNode(refused.id));
      }
      continue;
    }
    keyed.set(index, keys);
    if (keys.form) join(keys.form.key, resultNode(index));
    if (keys.refusal) join(keys.refusal, resultNode(index));
    if (keys.status) join(keys.status, resultNode(index));
    if (keys.message) join(keys.message, resultNode(index));
    for (const key of keys.paging ?? []) join(key, resultNode(index));
  }

  // Skipped results that name the failure they depend on are listed with it.
  const skippedBy = new Map<number, number>();
  results.forEach((r, i) => {
    if (r.status !== 'skip') return;
    const cause = explicitCause(r, i, ctx);
    if (cause?.result !== undefined) skippedBy.set(i, cause.result);
  });

  const members = new Map<string, { results: number[]; setups: string[] }>();
  const add = (root: string): { results: number[]; setups: string[] } => {
    const entry = members.get(root) ?? { results: [], setups: [] };
    members.set(root, entry);
    return entry;
  };
  for (const index of failing) add(groups.find(resultNode(index))).results.push(index);
  for (const cause of causes.values()) if (cause.result === undefined) {
    const entry = add(groups.find(setupNode(cause.exchangeId!)));
    if (!entry.setups.includes(cause.exchangeId!)) entry.setups.push(cause.exchangeId!);
  }

  const findings = [...members.values()].map((group) => buildFinding(group, { results, exchanges, baseUrl, causes, keyed, skippedBy, groups }));
  findings.sort((a, b) => rank(a) - rank(b) || firstIndex(a) - firstIndex(b));
  return findings.map((finding, i) => ({ ...finding, id: `F${i + 1}` }));
}

const rank = (finding: Omit<Finding, 'id'>): number => (finding.status === 'fail' ? 0 : 1);
const firstIndex = (finding: Omit<Finding, 'id'>): number => Math.min(...[...finding.symptoms, ...finding.consequences].map((m) => m.result), Number.MAX_SAFE_INTEGER);

/** The one complaint every listed offence of an audit makes (src/record/offences.ts), if they agree. */
function sameOffence(actual: unknown): string | undefined {
  if (!Array.isArray(actual) || actual.length === 0) return undefined;
  const complaints = new Set(actual.map(complaintOf));
  const [only] = complaints;
  return complaints.size === 1 && only !== undefined ? only : undefined;
}

/** What a result judged when it judged a page: how many it holds, where it starts. */
const PAGE_POINTERS: ReadonlySet<string> = new Set(['/Resources', '/startIndex', '/itemsPerPage']);

function keysOf(result: CheckResult, exchanges: ReadonlyMap<string, Exchange>, baseUrl: string, prefix: string): Keyed {
  const keys: Keyed = {};
  const form = formDefectOf(result, exchanges);
  if (form) keys.form = form;
  const judged = exchanges.get(judgedExchangeId(result) ?? '');
  // A crash (5xx, no answer) is never what a check expects, whatever it judged; another refusal
  // is the defect only for a check of the status (an error check may expect exactly that 400).
  const crashed = judged !== undefined && (judged.response === undefined || judged.response.status >= 500);
  if (judged && (crashed || (!isAggregate(result) && isRefused(judged) && failsOnRefusal(result)))) keys.refusal = refusalKey(judged, baseUrl, prefix);
  if (judged && !isAggregate(result) && !isRefused(judged) && isAboutStatus(result)) keys.status = statusKey(judged, baseUrl);
  if (result.message) keys.message = `message|${normalisePointer(result.pointer ?? '')}|${normaliseText(result.message, prefix)}`;
  // An audit over many responses whose offences all say the same thing says what a single check says.
  const offence = isAggregate(result) ? sameOffence(result.actual) : undefined;
  if (offence) keys.message = `message|${normalisePointer(result.pointer ?? '')}|${normaliseText(offence, prefix)}`;
  // Only a result that judged the page itself (its size, its startIndex, the pages together): a
  // check of a user's fields on an oversized page is not about paging.
  const aboutPage = PAGE_POINTERS.has(result.pointer ?? '') || result.kind === 'partition';
  const paging = judged && aboutPage ? ignoredPaging(judged) : [];
  if (paging.length > 0) keys.paging = paging.map((p) => `paging|${p}`);
  return keys;
}

interface BuildContext {
  results: readonly CheckResult[];
  exchanges: ReadonlyMap<string, Exchange>;
  baseUrl: string;
  causes: ReadonlyMap<number, Cause>;
  keyed: ReadonlyMap<number, Keyed>;
  skippedBy: ReadonlyMap<number, number>;
  groups: Groups;
}

const member = (results: readonly CheckResult[], index: number, cause?: Cause): FindingMember => ({
  result: index,
  checkId: results[index]!.checkId,
  status: results[index]!.status,
  ...(cause ? { because: cause.because } : {}),
  ...(cause?.result !== undefined ? { causeResult: cause.result } : {}),
});

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const listed = (items: readonly string[], max = 4): string => (items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`);

function buildFinding(group: { results: number[]; setups: string[] }, ctx: BuildContext): Omit<Finding, 'id'> {
  const { results } = ctx;
  const indices = [...group.results].sort((a, b) => a - b);
  const symptoms = indices.filter((i) => !ctx.causes.has(i));
  const consequences = indices.filter((i) => ctx.causes.has(i));
  const inGroup = new Set(indices);
  const skipped = [...ctx.skippedBy].filter(([, cause]) => inGroup.has(cause)).map(([i]) => i).sort((a, b) => a - b);
  const status: 'fail' | 'warn' = indices.some((i) => effectiveStatus(results[i]!) === 'fail') ? 'fail' : 'warn';
  // The lead is the first symptom that fails (a MUST), else the first symptom.
  const lead = symptoms.find((i) => effectiveStatus(results[i]!) === 'fail') ?? symptoms[0];
  const described = lead === undefined ? describeSetup(group.setups, consequences.length, ctx) : describeSymptoms(lead, symptoms, ctx);
  const tail = consequences.length > 0 ? ` ${plural(consequences.length, 'more check')} failed only because of it; each says how.` : '';
  const skippedTail = skipped.length > 0 ? ` ${plural(skipped.length, 'check')} could not run because of it.` : '';
  return {
    kind: described.kind,
    status,
    title: described.title,
    basis: `${described.basis}${tail}${skippedTail}`,
    symptoms: symptoms.map((i) => member(results, i)),
    consequences: consequences.map((i) => member(results, i, ctx.causes.get(i))),
    skipped: skipped.map((i) => member(results, i, { result: ctx.skippedBy.get(i)!, because: `skipped: ${results[i]!.reason ?? 'its precondition failed'}` })),
    exchangeIds: lead !== undefined ? results[lead]!.exchangeIds : group.setups,
  };
}

function describeSetup(setups: string[], consequences: number, ctx: BuildContext): { kind: FindingKind; title: string; basis: string } {
  const refused = setups.map((id) => ctx.exchanges.get(id)!).filter(Boolean);
  const first = refused[0]!;
  return {
    kind: 'setup',
    title: `${endpointOf(first, ctx.baseUrl)} was refused with ${describeRefusal(first)}`,
    basis: `A request ${refused.length === 1 ? 'a scenario' : `${refused.length} scenarios`} needed before ${consequences === 1 ? 'its check' : 'their checks'} was refused (no check judges that request itself).`,
  };
}

function describeSymptoms(lead: number, symptoms: number[], ctx: BuildContext): { kind: FindingKind; title: string; basis: string } {
  const { results } = ctx;
  const leadResult = results[lead]!;
  const checkIds = symptoms.map((i) => results[i]!.checkId);
  if (symptoms.length === 1) {
    return { kind: 'check', title: titleOf(leadResult), basis: `One check: ${leadResult.checkId}.` };
  }
  const shared = (pick: (k: Keyed) => string | undefined): boolean => {
    const key = pick(ctx.keyed.get(lead) ?? {});
    return key !== undefined && symptoms.filter((i) => pick(ctx.keyed.get(i) ?? {}) === key).length >= 2;
  };
  const leadKeys = ctx.keyed.get(lead) ?? {};
  const form = leadKeys.form ?? symptoms.map((i) => ctx.keyed.get(i)?.form).find((f) => f !== undefined);
  if (form && symptoms.filter((i) => ctx.keyed.get(i)?.form?.key === form.key).length >= 2) {
    const endpoints = [...new Set(symptoms.map((i) => endpointOfResult(results[i]!, ctx)).filter((e): e is string => e !== undefined))];
    return {
      kind: 'attribute-form',
      title: `${form.attribute} ${form.phrase}${form.example === undefined ? '' : ` (${JSON.stringify(form.example)})`}`,
      basis: `${symptoms.length} checks fail on one attribute: ${form.attribute} ${form.phrase}, in the responses they judged (${listed(endpoints)}).`,
    };
  }
  if (shared((k) => k.refusal)) {
    const judged = ctx.exchanges.get(judgedExchangeId(leadResult) ?? '')!;
    const endpoints = [...new Set(symptoms.map((i) => endpointOfResult(results[i]!, ctx)).filter((e): e is string => e !== undefined))];
    return {
      kind: 'refusal',
      title: `The server refuses ${listed(endpoints, 3)} with ${describeRefusal(judged)}`,
      basis: `${symptoms.length} requests were refused with the same complaint (the same status and error detail, names and quoted words aside): ${listed(checkIds)}.`,
    };
  }
  if (shared((k) => k.status)) {
    const expected = [...new Set(symptoms.flatMap((i) => [results[i]!.expected].flat()).filter((e): e is number => typeof e === 'number'))].sort();
    // Named after every endpoint it holds: the same wrong status of POST /Groups joins POST /Users'
    // finding through the same message, and a title naming only the lead's endpoint hid it.
    const answers = answersOf(lead, symptoms, ctx);
    return {
      kind: 'unexpected-status',
      title: `${answers('answers', 'answer')}${expected.length > 0 ? ` where ${expected.join(' or ')} is expected` : ''}`,
      basis: `${symptoms.length} checks fail on the same answer: ${answers('answered', 'answered')} each time (${listed(checkIds)}).`,
    };
  }
  const pagingOf = (i: number): string[] => ctx.keyed.get(i)?.paging ?? [];
  if (pagingOf(lead).length > 0 && symptoms.filter((i) => pagingOf(i).length > 0).length >= 2) {
    const ignored = new Set(symptoms.flatMap(pagingOf));
    const names = [...(ignored.has('paging|count') ? ['count'] : []), ...(ignored.has('paging|startIndex') ? ['startIndex'] : [])];
    const judged = ctx.exchanges.get(judgedExchangeId(leadResult) ?? '');
    return {
      kind: 'paging-ignored',
      title: `The server ignores ${andList(names)} in list requests (RFC 7644 §3.4.2.4)${judged ? `: ${pageExample(judged, ctx.baseUrl)}` : ''}`,
      basis: `${symptoms.length} checks fail on pages that do not follow the ${andList(names)} they asked for (more resources than count, or a page that starts elsewhere than startIndex): ${listed(checkIds)}.`,
    };
  }
  return {
    kind: 'same-assertion',
    title: titleOf(leadResult),
    basis: `The same assertion fails the same way in ${symptoms.length} checks (across scenarios, IdP variants or items; names and ids aside): ${listed(checkIds)}.`,
  };
}

/** `GET /Users?startIndex=3&count=2 answered 5 resources starting at 1`: the page a paging finding is named after. */
function pageExample(exchange: Exchange, baseUrl: string): string {
  const url = new URL(exchange.request.url);
  const base = new URL(baseUrl).pathname.replace(/\/$/, '');
  const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : url.pathname;
  const asked = ['startIndex', 'count'].filter((p) => url.searchParams.has(p)).map((p) => `${p}=${url.searchParams.get(p)}`).join('&');
  const body = exchange.response?.json as { Resources?: unknown; startIndex?: unknown } | undefined;
  const held = Array.isArray(body?.Resources) ? body.Resources.length : 0;
  return `GET ${path}?${asked} answered ${held} resource${held === 1 ? '' : 's'}${typeof body?.startIndex === 'number' ? ` starting at ${body.startIndex}` : ''}`;
}

/** `a`, `a and b`, `a, b and c`. */
const andList = (items: readonly string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`);

/**
 * The endpoints and statuses of a status finding's symptoms, lead first, as a sentence with the
 * verb given (for one endpoint, for several): `POST /Users and POST /Groups answer 200`, or
 * `POST /Users answers 200 and PUT /Users/{id} answers 204` when the statuses differ.
 */
function answersOf(lead: number, symptoms: readonly number[], ctx: BuildContext): (one: string, many: string) => string {
  const byStatus = new Map<number, string[]>();
  for (const i of [lead, ...symptoms]) {
    const judged = ctx.exchanges.get(judgedExchangeId(ctx.results[i]!) ?? '');
    if (!judged?.response || ctx.keyed.get(i)?.status === undefined) continue;
    const endpoint = endpointOf(judged, ctx.baseUrl);
    const endpoints = byStatus.get(judged.response.status) ?? [];
    if (!endpoints.includes(endpoint)) byStatus.set(judged.response.status, [...endpoints, endpoint]);
  }
  return (one, many) => andList([...byStatus].map(([status, endpoints]) => `${andList(endpoints)} ${endpoints.length > 1 ? many : one} ${status}`));
}

function endpointOfResult(result: CheckResult, ctx: BuildContext): string | undefined {
  const judged = ctx.exchanges.get(judgedExchangeId(result) ?? '');
  return judged ? endpointOf(judged, ctx.baseUrl) : undefined;
}

function titleOf(result: CheckResult): string {
  const message = (result.message ?? '').split('\n', 1)[0]!;
  if (!message) return result.title;
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
