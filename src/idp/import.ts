// Okta Import: read every user (and group) of the app page by page — `GET /Users?startIndex=1&count=100`,
// then 101, … until totalResults (OKTA-2.3) — and match each app user back to a directory user by
// the matching attribute, as Okta's import does before an admin confirms it. The report is Okta's:
// scanned, matched (exactly one directory user), unmatched (no directory user: Okta would offer to
// create one), conflicts (one app user fits several directory users, or several app users fit one),
// and app users that are inactive. Confirming only links matched users in the IdP's state; nothing
// is sent to the app (the capture in OKTA-2.3).
import type { ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { EventSender, JobStop, insteadOfList } from './events.ts';
import { mappedValue, MappingEvaluationError, mappingPlan, readPath } from './mapping.ts';
import { entitlements, loginOf } from './scope.ts';
import type { StateStore } from './state.ts';
import type { Directory, ObjectError } from './types.ts';
import type { DialectName } from '../dialects/index.ts';

export interface PageResult {
  resources: Record<string, unknown>[];
  exchanges: Exchange[];
  error?: ObjectError;
  /** Set when the read went by cursor, not the way the IdP pages: what happened, for the log. */
  paging?: string;
  /** The job itself stopped (credentials refused, the app unreachable): nothing else is read. */
  jobStopped?: boolean;
  /** How many the app counted (its last totalResults) that no page listed: never read, so in no count. */
  missed?: number;
}

/** Pages in a row with nothing new after which the read stops (see `stale` in readAllPages). */
const STALE_PAGES = 10;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The elements of a list page, or undefined when it is no ListResponse. A page with nothing on it
 * (totalResults 0, or a startIndex past it) may leave Resources out or say null: RFC 7644 §3.4.2
 * requires Resources only when totalResults is non-zero, and RFC 7643 §2.5 holds null, absent and
 * [] one state.
 */
function pageResources(body: unknown, startIndex: number): unknown[] | undefined {
  if (!isRecord(body)) return undefined;
  if (Array.isArray(body.Resources)) return body.Resources;
  if (body.Resources !== undefined && body.Resources !== null) return undefined;
  const total = Number(body.totalResults);
  return body.totalResults !== null && body.totalResults !== '' && Number.isInteger(total) && total <= startIndex - 1 ? [] : undefined;
}

/**
 * Every resource of a list endpoint, read the way the dialect pages (index paging: startIndex and
 * count). An app that pages only by cursor (RFC 9865 §2.3) answers the first page with a
 * nextCursor; the read then follows the cursors instead, and says so — the IdP itself would not.
 */
/**
 * Where Okta's import asks next after a page shorter than the count it asked for (RFC 7644
 * §3.4.2.4 lets an app answer fewer). Okta documents only full pages (startIndex=1, then 101:
 * OKTA-2.3), so this is a switch: `count` moves startIndex by the count asked, the fixed stride of
 * Okta's documented example and the likely one (the default); `listed` moves it by the resources
 * the page listed, as a client that reads on from what it got.
 */
export type ImportPaging = 'count' | 'listed';
export const IMPORT_PAGING: readonly ImportPaging[] = ['count', 'listed'];
export const DEFAULT_IMPORT_PAGING: ImportPaging = 'count';

export async function readAllPages(sender: EventSender, kind: 'Users' | 'Groups', options: { count?: number; maxPages?: number; paging?: ImportPaging } = {}): Promise<PageResult> {
  const count = options.count ?? 100;
  const paging = options.paging ?? DEFAULT_IMPORT_PAGING;
  // Short pages the stride stepped over (paging `count`): the positions never asked for.
  const gaps: { from: number; to: number }[] = [];
  const maxPages = options.maxPages ?? 10_000;
  const resources: Record<string, unknown>[] = [];
  const exchanges: Exchange[] = [];
  let startIndex = 1;
  let cursor: string | undefined;
  let cursorPages = 0;
  // Ids already read, and cursors already followed: a server whose paging is broken (startIndex
  // ignored, a cursor that never ends) would otherwise be read until maxPages, and every user it
  // repeats would be reported as a conflict with itself.
  const seen = new Set<string>();
  const cursors = new Set<string>();
  let repeated = 0;
  let twice = 0;
  let noTotal = false;
  let lastTotal: number | undefined;
  // Elements of Resources that are no resource with an id (a bare array an app stored as a user, as
  // BoxyHQ Jackson's Directory Sync stores any JSON a create carries): counted by totalResults, read,
  // but nothing can match or link them. One shown as an example.
  let unusable = 0;
  let unusableExample: string | undefined;
  // The first page's ids in order: a later page equal to it is an app that ignores startIndex; a
  // later page of other users read before is an order that changed between pages (legal: RFC 7644
  // §3.4.2.4 says clients "SHOULD never assume repeatable results"), and the read goes on.
  let firstPage: string[] | undefined;
  // The previous page's ids in order: the very same page again at a later startIndex is an app
  // that answers its last page for every index past it; with a totalResults too large the read
  // would otherwise go on to maxPages.
  let previousPage: string[] | undefined;
  let previousStart = 1;
  // totalResults that the list contradicts: an empty page before it (`endedAt`), or more users
  // listed than it counts (`overTotal`, read on to an empty page: the count is wrong, not the list).
  let endedAt: number | undefined;
  let overTotal: number | undefined;
  // Set when the read stopped before the end (a page of users read before, a cursor handed back
  // again): the users no page listed are then unread because of that stop, not an order change.
  let stopped = false;
  // Pages in a row that listed nothing new. An order that changes between pages repeats a page now
  // and then; this many in a row is an app that keeps answering pages it already gave (two pages in
  // turn, say) while its totalResults promises more: reading on would take one request per page.
  let stale = 0;
  const plural = kind === 'Users' ? 'user(s)' : 'group(s)';
  const missed = (): number => (endedAt === undefined && lastTotal !== undefined && seen.size + unusable < lastTotal ? lastTotal - seen.size - unusable : 0);
  const nouns = kind === 'Users' ? 'users' : 'groups';
  const notes = (): { paging?: string; missed?: number } => {
    const never = missed();
    const parts = [
      ...(cursorPages === 0 ? [] : [`the app pages by cursor (RFC 9865: its first page carried a nextCursor), so the mock IdP followed nextCursor for ${cursorPages} more page(s); Okta's own import pages by startIndex (OKTA-2.3) and may not get past the first page of this app`]),
      // Overlapping pages (an app counting startIndex from 0) repeat users without losing any; when
      // some were never read, the order changed between pages, which the note below says.
      ...(repeated === 0 ? [] : [`${repeated} ${kind === 'Users' ? 'user(s)' : 'group(s)'} came back on more than one page${never === 0 ? ' (the pages overlap: RFC 7644 §3.4.2.4 numbers results from startIndex 1)' : ''}; each is counted once`]),
      ...(unusable === 0 ? [] : [`${unusable} element(s) of the app's list are no ${kind === 'Users' ? 'user' : 'group'} with an id (${unusableExample}): read, but nothing can match or link them (RFC 7643 §3.1: every resource has an id)`]),
      ...(twice === 0 ? [] : [`${twice} ${kind === 'Users' ? 'user(s)' : 'group(s)'} were listed more than once on the same page (the same id twice); each is counted once`]),
      ...(gaps.length === 0 ? [] : [`the app answered fewer ${nouns} than the count asked (${count}) on ${gaps.length} page(s) before the last, which RFC 7644 §3.4.2.4 allows ("MAY return fewer results"); Okta's import moves startIndex by the count it asked (startIndex=1, then ${1 + count}: OKTA-2.3), so the positions ${gaps.slice(0, 3).map((g) => (g.from === g.to ? `${g.from}` : `${g.from}–${g.to}`)).join(', ')}${gaps.length > 3 ? ', …' : ''} were never asked for. Okta does not document where it asks next after a short page: this is the mock IdP's default (paging "count"); paging "listed" (idp import --import-paging listed) moves by the ${nouns} each page listed. Answering the count asked (up to 100, Okta's page) reads the same either way`]),
      ...(never === 0 ? [] : [`the app counts ${lastTotal} ${kind === 'Users' ? 'users' : 'groups'} (totalResults) but its pages listed ${seen.size} different ones: ${never} ${plural} were never read, so they are in none of the counts above (${stopped ? `the import stopped early: a later page listed only ${kind === 'Users' ? 'users' : 'groups'} it had already read, so it never reached them` : gaps.length > 0 ? `at the positions the count stride stepped over, above)` : `the order of the list changed between pages, which RFC 7644 §3.4.2.4 allows: "SHOULD never assume repeatable results"; Okta's import pages the same way and misses them too). Sorting the list by a stable key (or cursor paging, RFC 9865) makes an import complete`}${stopped ? ')' : ''}`]),
      ...(endedAt === undefined || lastTotal === undefined ? [] : [`the app's list ended at startIndex ${endedAt} (an empty page) though its totalResults counts ${lastTotal} ${nouns}: the pages listed ${seen.size + unusable}, so totalResults is wrong (RFC 7644 §3.4.2: the total number of results), or ${nouns} were deleted while the import read; the import stopped at the empty page`]),
      ...(overTotal === undefined ? [] : [`the app's totalResults counts ${overTotal} ${nouns} but its pages listed more (${seen.size + unusable}): totalResults is wrong (RFC 7644 §3.4.2: the total number of results), so the mock IdP read on to an empty page; Okta's import stops paging at totalResults (OKTA-2.3) and would have missed the rest`]),
      ...(!noTotal ? [] : [`the app's list answers have no totalResults (RFC 7644 §3.4.2: REQUIRED), so the end of the list is a guess: the mock IdP read on, the next startIndex moved by the ${nouns} each page listed (an app may page below the count asked, ${count}: RFC 7644 §3.4.2.4), and stopped at the first empty page; Okta's import pages by totalResults (OKTA-2.3) and may stop after the first page`]),
    ];
    return { ...(parts.length === 0 ? {} : { paging: parts.join('; ') }), ...(never === 0 ? {} : { missed: never }) };
  };
  for (let page = 0; page < maxPages; page++) {
    let out;
    try {
      out = await sender.send(kind === 'Users' ? 'importUsers' : 'importGroups', cursor !== undefined ? { cursor, count } : { startIndex, count });
    } catch (error) {
      // Credentials refused, the app unreachable: the import stops with the reason (exit 2), not a crash.
      if (!(error instanceof JobStop)) throw error;
      if (error.exchange) exchanges.push(error.exchange);
      return { resources, exchanges, error: error.error ?? { message: error.message }, jobStopped: true, ...notes() };
    }
    if (cursor !== undefined) cursorPages++;
    exchanges.push(...out.exchanges);
    if (!out.ok) {
      // A users-only app (no Group resource type) has no /Groups to import from: said, with the switch.
      const error = kind === 'Groups' && page === 0 && out.error?.status === 404 ? { ...out.error, message: `${out.error.message}; GET /Groups answered 404: if the app offers no Groups (a users-only app, no Group resource type), set app.provisionGroups to false and the import reads users only` } : out.error;
      return { resources, exchanges, ...(error ? { error } : {}), ...notes() };
    }
    const body = out.json;
    const last = out.exchanges.at(-1);
    const status = last?.response?.status;
    const listedHere = pageResources(body, startIndex);
    if (!isRecord(body) || !listedHere) return { resources, exchanges, error: { status, message: `GET /${kind} did not answer with a ListResponse (no Resources array)${last ? insteadOfList(last) : ''}` }, ...notes() };
    const items = listedHere.filter(isRecord);
    const odd = listedHere.filter((r) => !isRecord(r) || typeof r.id !== 'string');
    unusable += odd.length;
    if (odd.length > 0 && unusableExample === undefined) unusableExample = JSON.stringify(odd[0]).slice(0, 80);
    const fresh = items.filter((r) => typeof r.id !== 'string' || !seen.has(r.id));
    // The same id twice on one page is one app user listed twice, not two users (nor a conflict).
    const onPage = new Set<string>();
    const unique: Record<string, unknown>[] = [];
    for (const r of fresh) {
      if (typeof r.id === 'string') {
        if (onPage.has(r.id)) continue;
        onPage.add(r.id);
      }
      unique.push(r);
    }
    twice += fresh.length - unique.length;
    const ids = items.map((r) => (typeof r.id === 'string' ? r.id : ''));
    if (page === 0) firstPage = ids;
    const total = typeof body.totalResults === 'number' ? body.totalResults : Number(body.totalResults);
    const hasTotal = body.totalResults !== undefined && body.totalResults !== null && Number.isFinite(total);
    if (hasTotal) lastTotal = total;
    if (page > 0 && items.length > 0 && fresh.length === 0) {
      const where = cursor !== undefined ? `the page at cursor ${JSON.stringify(cursor)}` : `the page at startIndex ${startIndex}`;
      const sameAsFirst = cursor === undefined && firstPage !== undefined && ids.length === firstPage.length && ids.every((id, i) => id === firstPage![i]);
      const why = cursor !== undefined ? "the app's paging repeats itself" : sameAsFirst ? "the app's paging ignores startIndex" : "the list's order changed between pages, and without totalResults nothing says where it ends";
      // An order that changed, on an app that counts its list: read on to totalResults, as Okta does.
      if (cursor !== undefined || sameAsFirst || !hasTotal) {
        stopped = true;
        return { resources, exchanges, error: { status, message: `${where} listed only ${kind === 'Users' ? 'users' : 'groups'} an earlier page already had (${items.length}): ${why} (RFC 7644 §3.4.2.4), so the import stopped there` }, ...notes() };
      }
    }
    if (page > 0 && cursor === undefined && items.length > 0 && previousPage !== undefined && ids.length === previousPage.length && ids.every((id, i) => id === previousPage![i])) {
      stopped = true;
      return { resources, exchanges, error: { status, message: `the page at startIndex ${startIndex} listed the same ${nouns}, in the same order, as the page at startIndex ${previousStart} (${items.length}): the app answers that page for every later startIndex (RFC 7644 §3.4.2.4), so the import stopped there` }, ...notes() };
    }
    previousPage = ids;
    previousStart = startIndex;
    stale = items.length > 0 && fresh.length === 0 ? stale + 1 : 0;
    if (stale >= STALE_PAGES && cursor === undefined) {
      stopped = true;
      return { resources, exchanges, error: { status, message: `${STALE_PAGES} pages in a row (up to startIndex ${startIndex}) listed only ${nouns} earlier pages already had, while totalResults counts ${lastTotal ?? 'more'}: the app's paging goes round in circles (RFC 7644 §3.4.2.4), so the import stopped there` }, ...notes() };
    }
    repeated += items.length - fresh.length;
    for (const r of unique) if (typeof r.id === 'string') seen.add(r.id);
    resources.push(...unique);
    if (typeof body.nextCursor === 'string' && body.nextCursor !== '') {
      if (cursors.has(body.nextCursor)) {
        stopped = true;
        return { resources, exchanges, error: { status, message: `the app answered nextCursor ${JSON.stringify(body.nextCursor)} again: its cursor never reaches the end (RFC 9865: the last page has no nextCursor), so the import stopped there` }, ...notes() };
      }
      cursors.add(body.nextCursor);
      cursor = body.nextCursor;
      continue;
    }
    if (cursor !== undefined) break;
    // The page's own length moves the index: an element that is no resource still took a place.
    const listed = listedHere.length;
    if (listed === 0) {
      // Without totalResults, the short page before this empty one was the end of the list, not a stride past users.
      if (!hasTotal && gaps.at(-1)?.to === startIndex - 1) gaps.pop();
      if (hasTotal && startIndex <= total && overTotal === undefined) endedAt = startIndex;
      break;
    }
    const step = paging === 'count' ? count : listed;
    if (!hasTotal) {
      // Said, not silent. An app may answer fewer than the count asked on any page (RFC 7644
      // §3.4.2.4: "MAY return fewer results"), so a short page is no end: only an empty one is.
      noTotal = true;
    } else if (overTotal === undefined && startIndex - 1 + step >= total) {
      // More listed than counted: the count is wrong, so read on to an empty page.
      if (seen.size + unusable <= total) break;
      overTotal = total;
    }
    if (step > listed) gaps.push({ from: startIndex + listed, to: startIndex + step - 1 });
    startIndex += step;
  }
  return { resources, exchanges, ...notes() };
}

export interface ImportMatch {
  appId: string;
  appValue: string;
  active: boolean;
  directoryIds: string[];
  display?: string;
  /** With --confirm: why this match was not linked (the directory does not assign the user to the app). */
  notLinked?: string;
}

export interface ImportReport {
  kind: 'Users' | 'Groups';
  attribute: string;
  scanned: number;
  matched: ImportMatch[];
  unmatched: ImportMatch[];
  conflicts: (ImportMatch & { why: string })[];
  inactive: number;
  /** Matched users now linked in the state (with --confirm). */
  linked: number;
  /** Matched users --confirm left unlinked (not assigned to the app in the directory). */
  notLinked: number;
  exchanges: Exchange[];
  error?: ObjectError;
  /** How the read differed from the IdP's own paging (a cursor-only app), for the log. */
  paging?: string;
  /** App users (or groups) the app counted that no page listed: the import is incomplete. */
  missed?: number;
}

const norm = (v: unknown): string => String(v ?? '').toLowerCase();

export async function importFromApp(o: { directory: Directory; dialect: DialectName; client: ScimClient; state: StateStore; confirm?: boolean; count?: number; paging?: ImportPaging }): Promise<{ users: ImportReport; groups: ImportReport }> {
  const sender = new EventSender(o.client, o.dialect);
  const dir = o.directory;
  const match = mappingPlan(dir).matching[0]!;
  // Directory users by the value the matching mapping gives them (userName matches case-insensitively).
  const byValue = new Map<string, string[]>();
  for (const u of dir.users) {
    let v;
    try {
      v = mappedValue(match, u, { softDeleted: false }, mappingPlan(dir).schemaTypes);
    } catch (error) {
      // A user whose values break an expression has no matching value to compare.
      if (error instanceof MappingEvaluationError) continue;
      throw error;
    }
    if (v === undefined) continue;
    const key = norm(v);
    byValue.set(key, [...(byValue.get(key) ?? []), u.id]);
  }
  const pages = await readAllPages(sender, 'Users', { count: o.count ?? 100, ...(o.paging ? { paging: o.paging } : {}) });
  const emptyGroups: ImportReport = { kind: 'Groups', attribute: 'displayName', scanned: 0, matched: [], unmatched: [], conflicts: [], inactive: 0, linked: 0, notLinked: 0, exchanges: [] };
  const usersById = new Map(dir.users.map((u) => [u.id, u]));
  const users = classify('Users', match.path.text, pages, (r) => readPath(r, match.path.text), (value) => byValue.get(norm(value)) ?? [], (id) => loginOf(dir, usersById.get(id)!));
  if (o.confirm) {
    // Okta's confirm assigns the app to the user it links. The directory file holds the assignments
    // here, so a match it does not assign (or keeps out of scope) is left unlinked: linked, the next
    // cycle would read it as unassigned and deactivate an app account the IdP was never given.
    const { intent } = entitlements(dir, 'okta');
    for (const m of users.matched) {
      const id = m.directoryIds[0]!;
      if (o.state.user(id)?.targetId === m.appId) continue;
      const want = intent(usersById.get(id)!);
      if (!want.entitled) {
        m.notLinked = `${want.why}; Okta's confirm assigns the app to the user it links, which the directory file decides here: assign the user there (app.assignments) and confirm again`;
        users.notLinked++;
        continue;
      }
      o.state.setUser(id, { targetId: m.appId, active: m.active, values: {}, stale: true });
      users.linked++;
    }
  }
  const groupNames = new Map<string, string[]>();
  for (const g of dir.groups) groupNames.set(norm(g.displayName), [...(groupNames.get(norm(g.displayName)) ?? []), g.id]);
  // A refused token or an unreachable app stops the import at the Users page: Groups would only be
  // refused again. A job that provisions no groups (an app with users only) imports none.
  const groups = sender.has('importGroups') && !pages.jobStopped && dir.app.provisionGroups
    ? classify('Groups', 'displayName', await readAllPages(sender, 'Groups', { count: o.count ?? 100, ...(o.paging ? { paging: o.paging } : {}) }), (r) => (typeof r.displayName === 'string' ? r.displayName : undefined), (v) => groupNames.get(norm(v)) ?? [], (id) => dir.groups.find((g) => g.id === id)!.displayName)
    : emptyGroups;
  if (o.confirm) {
    // Okta keeps the app groups it imported in its list of the app's groups: a group pushed later
    // under one of their names is linked to it (Link Group), not created again. A name several app
    // groups share is left out: which of them to link is the admin's choice.
    const linked = new Set(Object.values(o.state.state.groups).map((g) => g.targetId));
    for (const m of [...groups.matched, ...groups.unmatched]) if (m.appId !== '' && m.appValue !== '' && !linked.has(m.appId)) o.state.setAppGroup(m.appId, { displayName: m.appValue });
    o.state.compact();
  }
  return { users, groups };
}

function classify(kind: 'Users' | 'Groups', attribute: string, pages: PageResult, read: (r: Record<string, unknown>) => unknown, lookup: (value: string) => string[], name: (id: string) => string): ImportReport {
  const report: ImportReport = { kind, attribute, scanned: pages.resources.length, matched: [], unmatched: [], conflicts: [], inactive: 0, linked: 0, notLinked: 0, exchanges: pages.exchanges, ...(pages.error ? { error: pages.error } : {}), ...(pages.paging ? { paging: pages.paging } : {}), ...(pages.missed ? { missed: pages.missed } : {}) };
  const claims = new Map<string, ImportMatch[]>();
  const entries: ImportMatch[] = [];
  for (const r of pages.resources) {
    const value = read(r);
    const active = !(r.active === false || norm(r.active) === 'false');
    if (!active) report.inactive++;
    const entry: ImportMatch = { appId: String(r.id ?? ''), appValue: value === undefined ? '' : String(value), active, directoryIds: value === undefined ? [] : lookup(String(value)) };
    if (entry.directoryIds.length === 1) entry.display = name(entry.directoryIds[0]!);
    entries.push(entry);
    for (const id of entry.directoryIds) claims.set(id, [...(claims.get(id) ?? []), entry]);
  }
  for (const e of entries) {
    if (e.directoryIds.length === 0) report.unmatched.push(e);
    else if (e.directoryIds.length > 1) report.conflicts.push({ ...e, why: `${attribute} "${e.appValue}" fits ${e.directoryIds.length} directory ${kind === 'Users' ? 'users' : 'groups'} (${e.directoryIds.map(name).join(', ')})` });
    else if (claims.get(e.directoryIds[0]!)!.length > 1) report.conflicts.push({ ...e, why: `${claims.get(e.directoryIds[0]!)!.length} app ${kind === 'Users' ? 'users' : 'groups'} have ${attribute} "${e.appValue}", all fitting ${name(e.directoryIds[0]!)}` });
    else report.matched.push(e);
  }
  return report;
}

export function importReportLines(r: ImportReport): string[] {
  const lines = [`${r.kind}: ${r.scanned} scanned · ${r.matched.length} matched · ${r.unmatched.length} unmatched · ${r.conflicts.length} conflict(s) · ${r.inactive} inactive in the app (by ${r.attribute})${r.linked ? ` · ${r.linked} linked` : ''}${r.notLinked ? ` · ${r.notLinked} not linked (not assigned to the app)` : ''}`];
  if (r.paging) lines.push(`  ~ ${r.paging}`);
  if (r.error) lines.push(`  ✗ the import stopped: ${r.error.status !== undefined ? `HTTP ${r.error.status}: ` : ''}${r.error.message}`);
  for (const m of r.matched) lines.push(`  ${m.notLinked ? '·' : '✓'} ${m.appValue} (app id ${m.appId}) → ${m.display ?? m.directoryIds[0]}${m.active ? '' : ' · inactive in the app'}${m.notLinked ? ` · not linked: ${m.notLinked}` : ''}`);
  for (const m of r.unmatched) {
    const one = r.kind === 'Users' ? 'user' : 'group';
    lines.push(m.appValue === '' ? `  ? (no ${r.attribute}) (app id ${m.appId}): the app ${one} has no ${r.attribute}, so it cannot be matched to a directory ${one}` : `  ? ${m.appValue} (app id ${m.appId}): no directory ${one} has this ${r.attribute}`);
  }
  for (const m of r.conflicts) lines.push(`  ✗ ${m.appValue} (app id ${m.appId}): ${m.why}`);
  return lines;
}
