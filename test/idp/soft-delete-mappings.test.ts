// Attributes a customer maps from [IsSoftDeleted] besides active, e.g. a status the app keeps:
// Switch([IsSoftDeleted], , "False", "Active", "True", "Suspended"). Learn (how provisioning works,
// deprovisioning): "If a user is unassigned from an app, soft-deleted in Microsoft Entra ID, or
// blocked from sign-in, set a specific attribute to true / false: map isSoftDeleted to the
// attribute". So Entra's disable sets that attribute too; the mock sent `active` alone and the app
// kept "Active" for a disabled user. Real HTTP: the reference server and SCIMMY.
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { body, closeAfterEach, harness, usersByName, type Json } from './helpers.ts';

const closing = closeAfterEach();

const doc = (annEnabled: boolean, annAssigned = true, annSurname = 'Lee'): Json => ({
  source: 'entra',
  users: [
    { id: 'u1', userPrincipalName: 'ann@contoso.example', givenName: 'Ann', surname: annSurname, accountEnabled: annEnabled },
    { id: 'u2', userPrincipalName: 'bob@contoso.example', givenName: 'Bob', surname: 'Ray' },
  ],
  app: {
    scope: 'assigned',
    assignments: { users: annAssigned ? ['u1', 'u2'] : ['u2'] },
    provisionGroups: false,
    mappings: [
      { source: 'userPrincipalName', target: 'userName', matching: true },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
      { expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")', target: 'active' },
      { expression: 'Switch([IsSoftDeleted], , "False", "Active", "True", "Suspended")', target: 'userType' },
    ],
  },
});

// SCIMMY refuses Entra's default "False" string for active (as the IdP would meet it): the
// compliant dialect (aadOptscim062020) there.
const ENTRA_OPS = [{ op: 'Replace', path: 'active', value: 'False' }, { op: 'Replace', path: 'userType', value: 'Suspended' }];
const COMPLIANT_OPS = [{ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'userType', value: 'Suspended' }];
// The enable is the mirror image: Entra PATCHes every changed attribute of the user in one request
// (Learn E1 §1.4: "PATCH with only changed attributes"; active is one of them), not two PATCHes.
const ENTRA_ENABLE = [{ op: 'Replace', path: 'active', value: 'True' }, { op: 'Replace', path: 'userType', value: 'Active' }];
const COMPLIANT_ENABLE = [{ op: 'replace', path: 'active', value: true }, { op: 'replace', path: 'userType', value: 'Active' }];
const SERVERS = [
  ['the reference server', 'entra', ENTRA_OPS, ENTRA_ENABLE, async () => {
    const s = await startServer({ port: 0 });
    return { url: s.url, token: s.token, close: () => s.close() };
  }],
  ['SCIMMY', 'entra-compliant', COMPLIANT_OPS, COMPLIANT_ENABLE, async () => startScimmyServer()],
] as const;

describe.each(SERVERS)('a disable with another attribute mapped from [IsSoftDeleted], against %s (%s)', (_name, dialect, ops, enableOps, start) => {
  it('sends it with active in the disable PATCH, sends nothing more while disabled, and sets it back on enable', async () => {
    const server = closing(await start());
    const h = harness(server.url, server.token, dialect);
    const first = await h.cycle(doc(true));
    expect(first.exchanges.filter((x) => x.request.method === 'POST').map((x) => body(x).userType)).toEqual(['Active', 'Active']);

    const disabled = await h.cycle(doc(false));
    const patches = disabled.exchanges.filter((x) => x.request.method === 'PATCH').map(body);
    expect(patches).toEqual([{ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops }]);
    const ann = disabled.result.results.find((r) => r.id === 'u1')!;
    expect(ann).toMatchObject({ action: 'disable', outcome: 'success' });
    expect(ann.changes).toEqual([{ path: 'userType', old: 'Active', new: 'Suspended', sent: true, note: 'mapped from [IsSoftDeleted]: Entra sets it with the disable' }]);
    let users = await usersByName(server.url, server.token);
    expect(users.get('ann@contoso.example')).toMatchObject({ active: false, userType: 'Suspended' });

    const again = await h.cycle(doc(false));
    expect(again.exchanges.filter((x) => x.request.method !== 'GET')).toEqual([]);

    const enabled = await h.cycle(doc(true));
    expect(enabled.exchanges.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations)).toEqual([enableOps]);
    expect(enabled.result.results.find((r) => r.id === 'u1')).toMatchObject({ action: 'enable', outcome: 'success' });
    users = await usersByName(server.url, server.token);
    expect(users.get('ann@contoso.example')).toMatchObject({ active: true, userType: 'Active' });
    expect(users.get('bob@contoso.example')).toMatchObject({ active: true, userType: 'Active' });
  });

  it('unassigned: the same (Learn lists unassignment, soft delete and blocked sign-in alike)', async () => {
    const server = closing(await start());
    const h = harness(server.url, server.token, dialect);
    await h.cycle(doc(true));
    const out = await h.cycle(doc(true, false));
    expect(out.exchanges.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations)).toEqual([ops]);
    const back = await h.cycle(doc(true));
    expect(back.exchanges.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations)).toEqual([enableOps]);
  });

  it('disabled and renamed in the same cycle: one PATCH carries active, the [IsSoftDeleted] attribute and the new name', async () => {
    const server = closing(await start());
    const h = harness(server.url, server.token, dialect);
    await h.cycle(doc(true));
    const out = await h.cycle(doc(false, true, 'Ray-Lee'));
    const patches = out.exchanges.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations);
    expect(patches).toHaveLength(1);
    expect(patches[0]).toEqual(dialect === 'entra'
      ? [...ops, { op: 'Replace', path: 'name.familyName', value: 'Ray-Lee' }]
      : [ops[0], { op: 'replace', value: { userType: 'Suspended', 'name.familyName': 'Ray-Lee' } }]);
    expect((await usersByName(server.url, server.token)).get('ann@contoso.example')).toMatchObject({ active: false, userType: 'Suspended', name: { familyName: 'Ray-Lee' } });
    // Nothing left to send: the next cycle is quiet, and the enable sends only what the disable set.
    const again = await h.cycle(doc(false, true, 'Ray-Lee'));
    expect(again.exchanges.filter((x) => x.request.method !== 'GET')).toEqual([]);
    const back = await h.cycle(doc(true, true, 'Ray-Lee'));
    expect(back.exchanges.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations)).toEqual([enableOps]);
  });

  // On demand ignores the compliant flag (Learn), and SCIMMY refuses the default "False": reference server only.
  it.skipIf(dialect !== 'entra')('on demand: the disable carries it too', async () => {
    const server = closing(await start());
    const h = harness(server.url, server.token, dialect);
    await h.cycle(doc(true));
    const out = await h.onDemand(doc(false), 'u1');
    expect(out.result).toMatchObject({ action: 'disable', outcome: 'success' });
    expect(out.all.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations)).toEqual([ENTRA_OPS]);
    expect(out.result.changes).toEqual([{ path: 'userType', old: 'Active', new: 'Suspended', sent: true, note: 'mapped from [IsSoftDeleted]: Entra sets it with the disable' }]);
    const back = await h.onDemand(doc(true), 'u1');
    expect(back.result).toMatchObject({ action: 'enable', outcome: 'success' });
    expect(back.all.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations)).toEqual([ENTRA_ENABLE]);
  });
});
