// How a server shows group members, learned once per run. RFC 7643 §4.2 members are returned
// "default" (§8.7.1) unless /Schemas declares otherwise (spec/returned.ts reads that), and every
// membership check reads a group back. A server may keep members it never shows (BoxyHQ Jackson's
// Directory Sync answers every group with `members: []` and keeps them for its webhooks), or show
// them only when `attributes=members` asks without declaring returned "request". Read-backs then
// list no member whatever the PATCH did: one failure per membership check, blamed on the writes.
//
// So when a read-back that should list members lists none, the run asks once: a user and a group
// created with that user as member, read back plainly, then with `attributes=members`, then (when
// PATCH is judged) after a PATCH add. Shown plainly: every failure stands (the server drops what the
// PATCH added). Shown only when asked: read-backs ask for them. Never shown: the membership checks
// are not judged, and `groups.get.members` alone says that the server does not show members
// (RFC 7643 §2.2). Neither Entra nor Okta reads members back (ENTRA-1.7: "returning members is not
// required", reads with excludedAttributes=members; OKTA-2.8: GET /Groups/{id} only checks the
// group exists), so their verdicts do not depend on it.
import type { ScimClient } from '../http/client.ts';
import type { Discovery, Exchange, GroupMembersShown } from '../record/types.ts';
import type { Expectation } from '../suite/types.ts';
import { advertisedUser, groupReadOnly } from '../spec/advertised.ts';
import { URN } from '../spec/json-schemas.ts';
import { getPointer } from '../util/pointer.ts';
import { withRequiredValues } from './required-fill.ts';
import { fitRequest } from './schema-fit.ts';

const origin = (step: string): Exchange['origin'] => ({ suite: 'core', scenario: 'groups.members-shown', step });

/** A value of `record` by attribute name, case-insensitively (RFC 7643 §2.1). */
function valueOf(record: unknown, name: string): unknown {
  if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
  return Object.entries(record as Record<string, unknown>).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/** Whether a resource's members list is empty: absent, null or `[]`. */
export function noMembersIn(resource: unknown): boolean {
  const members = valueOf(resource, 'members');
  return members === undefined || members === null || (Array.isArray(members) && members.length === 0);
}

/** Whether a resource lists `id` among its members. */
function lists(resource: unknown, id: string): boolean {
  const members = valueOf(resource, 'members');
  return Array.isArray(members) && members.some((m) => String(valueOf(m, 'value')) === id);
}

/**
 * Whether a step's answer is the case to learn from: a read of one group that lists no member,
 * while a body check asserting on its members did not pass.
 */
export function membersUnseen(exchange: Exchange, expectations: readonly Expectation[], passed: readonly boolean[]): boolean {
  const res = exchange.response;
  if (exchange.request.method !== 'GET' || !res || res.status < 200 || res.status >= 300) return false;
  if (!/\/Groups\/[^/?]+(?:\?|$)/i.test(new URL(exchange.request.url).pathname) || Array.isArray(res.json) || !noMembersIn(res.json)) return false;
  return expectations.some((e, i) => !passed[i] && e.check === 'body' && Array.isArray(e.with?.assert) && (e.with.assert as { pointer?: unknown }[]).some((a) => typeof a?.pointer === 'string' && /^\/members(?:\/|$)/i.test(a.pointer)));
}

/**
 * Whether a read of one group in `exchanges` listed a member: the server shows members by default,
 * and nothing needs learning. A run whose suites read no group back (a fuzz pass alone) has none.
 */
export function membersListedIn(exchanges: readonly Exchange[]): boolean {
  return exchanges.some((x) => {
    const res = x.response;
    if (x.request.method !== 'GET' || !res || res.status < 200 || res.status >= 300 || Array.isArray(res.json)) return false;
    return /\/Groups\/[^/?]+$/i.test(new URL(x.request.url).pathname) && !new URL(x.request.url).searchParams.has('attributes') && !noMembersIn(res.json);
  });
}

/** Learns once per run; concurrent and later callers share the first answer. */
export class MembersShown {
  private learning: Promise<GroupMembersShown | undefined> | undefined;

  constructor(private readonly probe: () => Promise<GroupMembersShown | undefined>) {}

  learn(): Promise<GroupMembersShown | undefined> {
    this.learning ??= this.probe();
    return this.learning;
  }
}

/**
 * The probe. Undefined when it cannot tell (a create refused, no answer): nothing is excused then.
 * What it creates carries the run prefix, and the run's cleanup deletes it.
 */
export async function probeMembersShown(client: ScimClient, discovery: Discovery, prefix: string, signal?: AbortSignal): Promise<GroupMembersShown | undefined> {
  // Members the server declares readOnly (RFC 7643 §2.2) are ignored when sent (RFC 7644 §3.5.1):
  // a group created with one shows none whatever the server shows, and the body checks say so.
  if (groupReadOnly(discovery).has('members')) return undefined;
  const exchangeIds: string[] = [];
  const send = async (request: Parameters<ScimClient['send']>[0]): Promise<Exchange> => {
    const x = await client.send({ ...request, ...(signal ? { signal } : {}) });
    exchangeIds.push(x.id);
    return x;
  };
  const ok = (x: Exchange): boolean => x.response !== undefined && x.response.status >= 200 && x.response.status < 300;
  const userName = `${prefix}members-probe@example.com`;
  const userBody = withRequiredValues('POST', '/Users', { schemas: [URN.user], userName, active: true, displayName: 'Members Probe', name: { givenName: 'Members', familyName: 'Probe' }, emails: [{ value: userName, type: 'work', primary: true }] }, discovery);
  const fitted = fitRequest({ method: 'POST', path: '/Users', json: userBody }, advertisedUser(discovery), []);
  if ('skip' in fitted) return undefined;
  const user = await send({ ...fitted.request, origin: origin('create a user') });
  const userId = getPointer(user.response?.json, '/id');
  if (!ok(user) || (typeof userId !== 'string' && typeof userId !== 'number')) return undefined;
  const member = String(userId);
  const group = await send({ method: 'POST', path: '/Groups', json: { schemas: [URN.group], displayName: `${prefix}members-probe`, members: [{ value: member }] }, origin: origin('create a group with that user as member') });
  const groupId = getPointer(group.response?.json, '/id');
  if (!ok(group) || (typeof groupId !== 'string' && typeof groupId !== 'number')) return undefined;
  const path = `/Groups/${encodeURIComponent(String(groupId))}`;
  const createShowed = lists(group.response?.json, member);
  /** The exchange ids of the reads, in order: plain, then with attributes=members (per round). */
  const reads: string[][] = [];
  const read = async (step: string): Promise<GroupMembersShown['shown'] | undefined> => {
    const plain = await send({ method: 'GET', path, origin: origin(`read it${step}`) });
    const round = [plain.id];
    reads.push(round);
    if (!ok(plain)) return undefined;
    if (lists(plain.response?.json, member)) return 'default';
    const asked = await send({ method: 'GET', path, query: { attributes: 'displayName,members' }, origin: origin(`read it with attributes=members${step}`) });
    round.push(asked.id);
    if (ok(asked) && lists(asked.response?.json, member)) return 'on-request';
    return 'never';
  };
  let shown = await read('');
  if (shown === undefined) return undefined;
  let patched: string | undefined;
  // A server that takes members only by PATCH (Entra creates groups empty, then adds members) is
  // asked that way too before it is said to show none.
  if (shown === 'never' && discovery.capabilities.patch !== false) {
    const add = await send({ method: 'PATCH', path, json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: member }] }] }, origin: origin('add the user by PATCH') });
    if (ok(add)) {
      patched = add.id;
      shown = (await read(' after the PATCH')) ?? 'never';
    }
  }
  // Every request is named by its exchange id, so the sentence stands on its own whichever suites
  // ran (a fuzz pass alone has no groups.get.members to point at): the reader opens those exchanges.
  const made = `a group created with one member (POST /Groups, ${group.id})`;
  const [first, afterPatch] = reads;
  const evidence =
    shown === 'default'
      ? `${made} lists it in GET ${path.replace(String(groupId), '{id}')}`
      : shown === 'on-request'
        ? `${made} lists it only when attributes=members asks (a plain GET /Groups/{id}, ${reads[reads.length - 1]![0]}, lists none; with attributes=displayName,members, ${reads[reads.length - 1]![1]}, it does), though /Schemas does not declare members returned "request" (RFC 7643 §2.2)`
        : `${made} lists no member in GET /Groups/{id} (${first![0]}), nor with attributes=members (${first![1]})${patched ? `, nor after a PATCH add answered with success (${patched}; read again ${afterPatch!.join(', ')})` : ''}${createShowed ? '; its create answer listed the member, so the server keeps members it does not show' : ': the server keeps no members, or keeps them without showing them'}`;
  return { shown, evidence, exchangeIds };
}
