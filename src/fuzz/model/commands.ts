// Stateful model-based testing (fast-check commands): sequences of create, get, replace, patch,
// filter and delete on Users and Groups, each checked against an in-memory model right after it
// runs. Commands name resources by index into the model, so any generated sequence is meaningful
// and shrinking can drop commands freely.
import fc from 'fast-check';
import type { AsyncCommand } from 'fast-check';
import { isPlainObject } from '../../filter/index.ts';
import { patchOperations } from '../arbitraries/patch.ts';
import { bodyOf, scimGroup, scimUser, type Draft, type Json } from '../arbitraries/resource.ts';
import { caseFlips, recase } from '../arbitraries/values.ts';
import { defaultedOnReplace, diffResource, serverDerived } from '../compare.ts';
import { create, expectAccepted, expectOffered, expectStatus, ids, jsonOf, line, listAll } from '../properties/helpers.ts';
import { memberValues, membersQuery } from '../properties/member-add.ts';
import { patchAndCheck } from '../properties/patch-model.ts';
import { fail, type FuzzEnv } from '../types.ts';
import type { ModelOp } from './patch.ts';

export interface ModelUser {
  id: string;
  name: string;
  data: Json;
  defaults: Set<string>;
}

export interface ModelGroup {
  id: string;
  name: string;
  members: Set<string>;
}

export interface DirectoryModel {
  users: ModelUser[];
  groups: ModelGroup[];
  deleted: Set<string>;
}

export type DirectoryCommand = AsyncCommand<DirectoryModel, FuzzEnv, false>;
type Cmd = DirectoryCommand;

const userPath = (u: ModelUser) => `/Users/${encodeURIComponent(u.id)}`;
const groupPath = (g: ModelGroup) => `/Groups/${encodeURIComponent(g.id)}`;
const at = <T>(list: T[], pick: number): T => list[pick % list.length]!;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function checkUser(env: FuzzEnv, u: ModelUser, step: string): Promise<void> {
  const ex = await env.target.send({ method: 'GET', path: userPath(u) }, step);
  expectStatus(ex, [200], `reading User ${u.id}`);
  const diffs = diffResource(env.schemas.user, u.data, jsonOf(ex), { strict: true, serverDefaults: u.defaults });
  if (diffs.length > 0) fail(`User ${u.id} differs from the model: ${diffs.join('; ')} — ${line(ex)}`, ex, u.data, jsonOf(ex));
}

class CreateUser implements Cmd {
  constructor(readonly draft: Draft) {}
  check = () => true;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const c = await create(env, 'User', this.draft);
    m.users.push({ id: c.id, name: c.name, data: c.data, defaults: c.defaults });
    const diffs = diffResource(env.schemas.user, c.data, c.shown, { strict: false });
    if (diffs.length > 0) fail(`the 201 body differs from what was sent: ${diffs.join('; ')} — ${line(c.exchange)}`, c.exchange);
  }
  toString = () => `CreateUser(${JSON.stringify(this.draft.stem)}, ${Object.keys(this.draft.attrs).join('+') || 'bare'})`;
}

class GetUser implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<DirectoryModel>) => m.users.length > 0;
  async run(m: DirectoryModel, env: FuzzEnv) {
    await checkUser(env, at(m.users, this.pick), 'get User');
  }
  toString = () => `GetUser(#${this.pick})`;
}

/**
 * A replacement keeps the values of attributes the server declares immutable (RFC 7643 §2.2) that
 * are set: RFC 7644 §3.5.1 says such input "MUST match" the value set, or 400 mutability.
 */
function withImmutableKept(defs: readonly { name: string; mutability?: string }[], current: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const def of defs) {
    if (def.mutability !== 'immutable' || current[def.name] === undefined) continue;
    const sent = Object.keys(out).find((k) => k.toLowerCase() === def.name.toLowerCase());
    if (sent !== undefined) delete out[sent];
    out[def.name] = structuredClone(current[def.name]);
  }
  return out;
}

class ReplaceUser implements Cmd {
  constructor(readonly pick: number, readonly draft: Draft) {}
  check = (m: Readonly<DirectoryModel>) => m.users.length > 0;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const u = at(m.users, this.pick);
    const body = withImmutableKept(env.schemas.user.core.attributes, u.data, bodyOf(env.schemas.user, 'userName', this.draft, u.name));
    const { schemas: _s, ...data } = body;
    // The id goes in the body as Okta sends it: readOnly, so ignored by the RFC (§3.5.1), and some servers insist on it.
    const ex = await env.target.send({ method: 'PUT', path: userPath(u), json: { ...body, id: u.id } }, 'replace User');
    expectOffered(ex, 'replacing a User with PUT');
    expectAccepted(ex, [200], 'replacing a User with PUT');
    for (const path of serverDerived(env.schemas.user, u.data, data, jsonOf(ex))) u.defaults.add(path);
    u.data = data;
    let diffs = diffResource(env.schemas.user, u.data, jsonOf(ex), { strict: true, serverDefaults: u.defaults });
    if (diffs.length > 0) {
      // Attributes the replacement left out may carry the server's defaults: learnt from a bare create.
      for (const path of defaultedOnReplace(env.schemas.user, data, jsonOf(ex), await bareUserShown(env))) u.defaults.add(path);
      diffs = diffResource(env.schemas.user, u.data, jsonOf(ex), { strict: true, serverDefaults: u.defaults });
    }
    if (diffs.length > 0) fail(`the PUT response differs from the replacement: ${diffs.join('; ')} — ${line(ex)}`, ex, u.data, jsonOf(ex));
    await checkUser(env, u, 'get User');
  }
  toString = () => `ReplaceUser(#${this.pick}, ${Object.keys(this.draft.attrs).join('+') || 'bare'})`;
}

/**
 * The user the server makes from a create with only a userName: its defaults. (Asked each time it
 * is needed, not once per run, so a replay sends the same requests as the case it replays.) A
 * server that refuses such a create (a required attribute of its own) has none to learn here.
 */
function bareUserShown(env: FuzzEnv): Promise<unknown> {
  return create(env, 'User', { stem: 'bare', attrs: {} }, 'create a bare User (the server defaults)').then(
    (created) => created.shown,
    () => undefined,
  );
}

class PatchUser implements Cmd {
  constructor(readonly pick: number, readonly ops: ModelOp[]) {}
  check = (m: Readonly<DirectoryModel>) => m.users.length > 0;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const u = at(m.users, this.pick);
    u.data = await patchAndCheck(env, u, this.ops);
  }
  toString = () => `PatchUser(#${this.pick}, ${JSON.stringify(this.ops).slice(0, 200)})`;
}

class FindUser implements Cmd {
  constructor(readonly pick: number, readonly flips: boolean[]) {}
  check = (m: Readonly<DirectoryModel>) => m.users.length > 0;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const u = at(m.users, this.pick);
    const asked = recase(u.name, this.flips);
    const ex = await env.target.send({ method: 'GET', path: '/Users', query: { filter: `userName eq ${JSON.stringify(asked)}` } }, 'filter userName eq');
    expectStatus(ex, [200], 'filtering by userName');
    const found = ids(jsonOf(ex));
    if (found.length !== 1 || found[0] !== u.id) fail(`userName eq ${JSON.stringify(asked)} returned [${found.join(', ')}] instead of [${u.id}] — ${line(ex)}`, ex, [u.id], found);
  }
  toString = () => `FindUser(#${this.pick})`;
}

class ListRun implements Cmd {
  check = () => true;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const { ids: listed, exchange: ex } = await listAll(env, { filter: `userName sw ${JSON.stringify(env.target.runPrefix)}`, count: 200 }, 'list run Users', (page) => expectStatus(page, [200], 'listing this run\'s Users'));
    const got = listed.sort();
    const expected = m.users.map((u) => u.id).sort();
    if (JSON.stringify(got) !== JSON.stringify(expected)) fail(`listing this run's Users returned [${got.join(', ')}], the model holds [${expected.join(', ')}] — ${line(ex)}`, ex, expected, got);
  }
  toString = () => 'ListRunUsers()';
}

class DeleteUser implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<DirectoryModel>) => m.users.length > 0;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const u = at(m.users, this.pick);
    const ex = await env.target.send({ method: 'DELETE', path: userPath(u) }, 'delete User');
    expectOffered(ex, 'deleting a User');
    // RFC 7644 §3.6 asks for 204; a 200 is judged by users.delete.status, not by the model, which
    // would otherwise stop at a server's first DELETE (BoxyHQ Jackson answers 200 with the user).
    expectStatus(ex, [204, 200], 'deleting a User');
    m.users.splice(m.users.indexOf(u), 1);
    m.deleted.add(u.id);
    for (const g of m.groups) g.members.delete(u.id);
    const gone = await env.target.send({ method: 'GET', path: userPath(u) }, 'get deleted User');
    expectStatus(gone, [404], 'reading a deleted User');
  }
  toString = () => `DeleteUser(#${this.pick})`;
}

class CreateGroup implements Cmd {
  constructor(readonly draft: Draft) {}
  check = () => true;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const c = await create(env, 'Group', this.draft);
    m.groups.push({ id: c.id, name: c.name, members: new Set() });
  }
  toString = () => `CreateGroup(${JSON.stringify(this.draft.stem)})`;
}

class AddMember implements Cmd {
  constructor(readonly group: number, readonly user: number) {}
  check = (m: Readonly<DirectoryModel>) => m.groups.length > 0 && m.users.length > 0;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const g = at(m.groups, this.group);
    const u = at(m.users, this.user);
    const ex = await env.target.send({ method: 'PATCH', path: groupPath(g), json: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }] } }, 'add member');
    expectStatus(ex, [200, 204], 'adding a member');
    g.members.add(u.id);
    await checkGroup(env, m, g);
  }
  toString = () => `AddMember(group #${this.group}, user #${this.user})`;
}

class RemoveMember implements Cmd {
  constructor(readonly group: number, readonly member: number) {}
  check = (m: Readonly<DirectoryModel>) => m.groups.some((g) => g.members.size > 0);
  async run(m: DirectoryModel, env: FuzzEnv) {
    const withMembers = m.groups.filter((g) => g.members.size > 0);
    const g = at(withMembers, this.group);
    const id = at([...g.members], this.member);
    const ex = await env.target.send({ method: 'PATCH', path: groupPath(g), json: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` }] } }, 'remove member');
    expectStatus(ex, [200, 204], 'removing a member');
    g.members.delete(id);
    await checkGroup(env, m, g);
  }
  toString = () => `RemoveMember(group #${this.group}, member #${this.member})`;
}

async function checkGroup(env: FuzzEnv, m: DirectoryModel, g: ModelGroup): Promise<void> {
  const ex = await env.target.send({ method: 'GET', path: groupPath(g), ...membersQuery(env, 'displayName,members') }, 'get Group');
  expectStatus(ex, [200], 'reading a Group');
  const body = jsonOf(ex);
  const name = isPlainObject(body) ? body.displayName : undefined;
  // A displayName the server declares readOnly (RFC 7643 §2.2) is its own: what was sent is ignored (RFC 7644 §3.5.1).
  const nameReadOnly = env.schemas.group?.core.attributes.some((a) => a.name.toLowerCase() === 'displayname' && a.mutability === 'readOnly') === true;
  if (!nameReadOnly && (typeof name !== 'string' || name.toLowerCase() !== g.name.toLowerCase())) fail(`Group displayName is ${JSON.stringify(name)}, expected ${JSON.stringify(g.name)} — ${line(ex)}`, ex, g.name, name);
  // A server the run saw never show members says nothing of them (src/runner/members-shown.ts).
  if (env.groupMembers === 'never') return;
  // Whether deleting a User removes it from Groups is left open by the RFC: deleted ids are ignored.
  const got = memberValues(body).filter((id) => !m.deleted.has(id)).sort();
  const expected = [...g.members].sort();
  if (JSON.stringify(got) !== JSON.stringify(expected)) fail(`Group members are [${got.join(', ')}], the model holds [${expected.join(', ')}] — ${line(ex)}`, ex, expected, got);
}

class GetGroup implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<DirectoryModel>) => m.groups.length > 0;
  async run(m: DirectoryModel, env: FuzzEnv) {
    await checkGroup(env, m, at(m.groups, this.pick));
  }
  toString = () => `GetGroup(#${this.pick})`;
}

class DeleteGroup implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<DirectoryModel>) => m.groups.length > 0;
  async run(m: DirectoryModel, env: FuzzEnv) {
    const g = at(m.groups, this.pick);
    const ex = await env.target.send({ method: 'DELETE', path: groupPath(g) }, 'delete Group');
    expectOffered(ex, 'deleting a Group');
    expectStatus(ex, [204, 200], 'deleting a Group');
    m.groups.splice(m.groups.indexOf(g), 1);
    const gone = await env.target.send({ method: 'GET', path: groupPath(g) }, 'get deleted Group');
    expectStatus(gone, [404], 'reading a deleted Group');
  }
  toString = () => `DeleteGroup(#${this.pick})`;
}

/** The command arbitraries the target's capabilities allow. */
export function directoryCommands(env: FuzzEnv, options: { maxCommands?: number; replayPath?: string } = {}): fc.Arbitrary<Iterable<Cmd>> {
  const pick = fc.nat({ max: 7 });
  const user = scimUser(env.schemas.user);
  const arbs: Array<fc.Arbitrary<Cmd>> = [
    user.map((d) => new CreateUser(d)),
    pick.map((p) => new GetUser(p)),
    fc.tuple(pick, user).map(([p, d]) => new ReplaceUser(p, d)),
    pick.map((p) => new DeleteUser(p)),
  ];
  if (env.capabilities.patch) arbs.push(fc.tuple(pick, patchOperations(env.schemas.user, { maxLength: 3, ...(env.patchRules ? { rules: env.patchRules } : {}) })).map(([p, ops]) => new PatchUser(p, ops)));
  if (env.capabilities.filter) arbs.push(fc.tuple(pick, caseFlips()).map(([p, f]) => new FindUser(p, f)));
  // Listing the run's users needs `userName sw`; an eq-only server is checked user by user (FindUser),
  // and so is one the run found answering neither scope filter (scopedQueries false: RFC 7644
  // §3.4.2.2 lets it decline `sw`, so a 400 to the listing would blame it for nothing).
  if (env.capabilities.filter && env.scope !== 'displayName eq' && env.capabilities.scopedQueries !== false) arbs.push(fc.constant(new ListRun()));
  if (env.capabilities.groups && env.schemas.group) {
    arbs.push(scimGroup(env.schemas.group, { bare: true }).map((d) => new CreateGroup(d)), pick.map((p) => new GetGroup(p)), pick.map((p) => new DeleteGroup(p)));
    // Members the server declares readOnly (RFC 7643 §2.2) are not a client's to change: a PATCH of them is refused (RFC 7644 §3.5.2).
    const membersReadOnly = env.schemas.group.core.attributes.some((a) => a.name.toLowerCase() === 'members' && a.mutability === 'readOnly');
    if (env.capabilities.patch && !membersReadOnly) arbs.push(fc.tuple(pick, pick).map(([g, u]) => new AddMember(g, u)), fc.tuple(pick, pick).map(([g, u]) => new RemoveMember(g, u)));
  }
  return fc.commands(arbs, { maxCommands: options.maxCommands ?? 12, ...(options.replayPath ? { replayPath: options.replayPath } : {}) });
}

export function emptyModel(): DirectoryModel {
  return { users: [], groups: [], deleted: new Set() };
}
