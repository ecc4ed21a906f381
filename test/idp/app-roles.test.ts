// Entra app roles over real HTTP: the three role expressions a customer maps (Learn, "Provisioning
// a role to a SCIM app") send the roles a user holds directly and through its assigned groups, in
// the documented POST and PATCH forms, cycle after cycle; against the reference server and SCIMMY.
import { describe, expect, it } from 'vitest';
import { applyEdit } from '../../src/console/directory-edits.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { startServer } from '../../src/server/index.ts';
import type { Exchange } from '../../src/record/types.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { body, harness, usersByName, type Json, closeAfterEach } from './helpers.ts';

const EDITOR_ID = '7c1d3c3e-0000-4000-8000-000000000001';
const ROLE_TYPE = 'WindowsAzureActiveDirectoryRole';

/** Ann holds Editor directly; Bob Editor directly and Admin through the assigned group Admins; Cy no role (Default Access). */
function directory(expression: string, target: string): Json {
  return {
    source: 'entra',
    users: [
      { id: 'u1', userPrincipalName: 'ann@contoso.example', displayName: 'Ann Lee', givenName: 'Ann', surname: 'Lee' },
      { id: 'u2', userPrincipalName: 'bob@contoso.example', displayName: 'Bob Ray', givenName: 'Bob', surname: 'Ray' },
      { id: 'u3', userPrincipalName: 'cy@contoso.example', displayName: 'Cy Dee', givenName: 'Cy', surname: 'Dee' },
    ],
    groups: [{ id: 'g1', displayName: 'Admins', members: ['u2'] }],
    app: {
      assignments: { users: ['u1', 'u2', 'u3'], groups: ['g1'] },
      appRoles: [
        { value: 'Admin', displayName: 'Administrator' },
        { id: EDITOR_ID, value: 'Editor', displayName: 'Editor' },
      ],
      appRoleAssignments: [
        { principal: 'u1', role: 'Editor' },
        { principal: 'u2', role: EDITOR_ID },
        { principal: 'g1', role: 'Admin' },
      ],
      provisionGroups: false,
      mappings: [
        { source: 'userPrincipalName', target: 'userName', matching: true },
        { source: 'displayName', target: 'displayName' },
        { source: 'givenName', target: 'name.givenName' },
        { source: 'surname', target: 'name.familyName' },
        { expression, target },
      ],
    },
  };
}

/** Ann moves to Admin; Bob's group loses its role; Cy gets Editor. */
function reassigned(doc: Json): Json {
  return { ...doc, app: { ...doc.app, appRoleAssignments: [{ principal: 'u1', role: 'Admin' }, { principal: 'u2', role: 'Editor' }, { principal: 'u3', role: 'Editor' }] } };
}

const posted = (xs: Exchange[], login: string): Json => body(xs.find((x) => x.request.method === 'POST' && body(x).userName === login)!);
const patches = (xs: Exchange[]): Json[] => xs.filter((x) => x.request.method === 'PATCH').map((x) => body(x));
const roleValues = (user: Json | undefined): string[] => ((user?.roles ?? []) as Json[]).map((r) => String(r.value)).sort();

const closing = closeAfterEach();

describe('AssertiveAppRoleAssignmentsComplex → roles', () => {
  it('creates with every role (direct and through a group), replaces the list when it changes, and is quiet when nothing did', async () => {
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = directory('AssertiveAppRoleAssignmentsComplex([appRoleAssignments])', 'roles');
    const first = await h.cycle(doc);
    expect(first.result.status).toBe('ok');
    expect(posted(first.exchanges, 'ann@contoso.example').roles).toEqual([{ primary: false, type: ROLE_TYPE, display: 'Editor', value: 'Editor' }]);
    expect(posted(first.exchanges, 'bob@contoso.example').roles).toEqual([
      { primary: false, type: ROLE_TYPE, display: 'Editor', value: 'Editor' },
      { primary: false, type: ROLE_TYPE, display: 'Administrator', value: 'Admin' },
    ]);
    // Default Access: no role, and Entra's POST carries its empty roles list as always.
    expect(posted(first.exchanges, 'cy@contoso.example').roles).toEqual([]);

    const second = await h.cycle(reassigned(doc));
    expect(second.result.status).toBe('ok');
    const ops = patches(second.exchanges).map((p) => p.Operations);
    expect(ops).toHaveLength(3);
    expect(ops).toContainEqual([{ op: 'replace', path: 'roles', value: [{ primary: false, type: ROLE_TYPE, display: 'Administrator', value: 'Admin' }] }]);
    expect(ops).toContainEqual([{ op: 'replace', path: 'roles', value: [{ primary: false, type: ROLE_TYPE, display: 'Editor', value: 'Editor' }] }]);
    const bob = second.result.results.find((r) => r.id === 'u2')!;
    expect(bob.changes).toEqual([{ path: 'roles', old: ['Admin', 'Editor'], new: ['Editor'], sent: true }]);

    const users = await usersByName(server.url, server.token);
    expect(roleValues(users.get('ann@contoso.example'))).toEqual(['Admin']);
    expect(roleValues(users.get('bob@contoso.example'))).toEqual(['Editor']);
    expect(roleValues(users.get('cy@contoso.example'))).toEqual(['Editor']);

    const third = await h.cycle(reassigned(doc));
    expect(patches(third.exchanges)).toEqual([]);
    expect(third.result.results.filter((r) => r.action === 'update')).toEqual([]);
  });
});

describe('SingleAppRoleAssignment → roles[primary eq "True"].value', () => {
  it('creates with one primary role and updates it with the documented Add of a JSON-string role', async () => {
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = directory('SingleAppRoleAssignment([appRoleAssignments])', 'roles[primary eq "True"].value');
    const first = await h.cycle(doc);
    expect(first.result.status).toBe('ok');
    // The type comes with every role Entra sends (MicrosoftDocs/entra-docs#391); primary is the boolean.
    expect(posted(first.exchanges, 'ann@contoso.example').roles).toEqual([{ primary: true, type: ROLE_TYPE, value: 'Editor' }]);
    // Two roles: one is sent (Learn: "no guarantee which role is provisioned"; here the direct one).
    expect(posted(first.exchanges, 'bob@contoso.example').roles).toEqual([{ primary: true, type: ROLE_TYPE, value: 'Editor' }]);

    const second = await h.cycle(reassigned(doc));
    const ann = second.exchanges.find((x) => x.request.method === 'PATCH' && x.request.url.endsWith(h.state.user('u1')!.targetId))!;
    const adminId = parseDirectory(JSON.stringify(doc), 'd.json').app.appRoles.find((r) => r.value === 'Admin')!.id;
    expect(body(ann).Operations).toEqual([{ op: 'Add', path: 'roles', value: [{ value: JSON.stringify({ id: adminId, value: 'Admin', displayName: 'Administrator' }) }] }]);
    expect(second.result.results.find((r) => r.id === 'u1')!.changes).toEqual([{ path: 'roles[primary eq "True"].value', old: 'Editor', new: 'Admin', sent: true }]);
  });

  it('maps to .display: the role object carries the display name, and the type as always', async () => {
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const { result, exchanges } = await h.cycle(directory('SingleAppRoleAssignment([appRoleAssignments])', 'roles[primary eq "True"].display'));
    expect(result.status).toBe('ok');
    expect(posted(exchanges, 'ann@contoso.example').roles).toEqual([{ primary: true, type: ROLE_TYPE, display: 'Editor' }]);
  });
});

describe('AppRoleAssignmentsComplex → roles', () => {
  it('adds the roles the app lacks with one Add of JSON-string roles, and never removes one', async () => {
    // An app that ignores the sub-attributes it does not define: three strict
    // servers (the reference server, SCIMMY, the independent one by default) refuse the documented `displayName`.
    const independent = closing(await startIndependentServer({ unknownAttributes: 'ignore' }));
    const h = harness(independent.url, independent.token, 'entra');
    const doc = directory('AppRoleAssignmentsComplex([appRoleAssignments])', 'roles');
    const first = await h.cycle(doc);
    // Learn's example spells the label displayName for this expression (display for the assertive one).
    expect(posted(first.exchanges, 'bob@contoso.example').roles).toEqual([
      { primary: false, type: ROLE_TYPE, displayName: 'Editor', value: 'Editor' },
      { primary: false, type: ROLE_TYPE, displayName: 'Administrator', value: 'Admin' },
    ]);
    expect(first.result.results.filter((r) => r.outcome === 'failed')).toEqual([]);

    const second = await h.cycle(reassigned(doc));
    const byUser = (id: string): Json[] => second.exchanges.filter((x) => x.request.method === 'PATCH' && x.request.url.endsWith(h.state.user(id)!.targetId)).map((x) => body(x).Operations);
    const adminId = parseDirectory(JSON.stringify(doc), 'd.json').app.appRoles.find((r) => r.value === 'Admin')!.id;
    expect(byUser('u1')).toEqual([[{ op: 'Add', path: 'roles', value: [{ value: JSON.stringify({ id: adminId, value: 'Admin', displayName: 'Administrator' }) }] }]]);
    expect(byUser('u3')).toEqual([[{ op: 'Add', path: 'roles', value: [{ value: JSON.stringify({ id: EDITOR_ID, value: 'Editor', displayName: 'Editor' }) }] }]]);
    // Bob lost Admin: nothing to add, so nothing is sent, and the report says why.
    expect(byUser('u2')).toEqual([]);
    expect(second.result.results.find((r) => r.id === 'u2')!.changes).toEqual([expect.objectContaining({ path: 'roles', old: ['Admin', 'Editor'], new: ['Editor'], sent: false, note: expect.stringMatching(/only ever adds roles/) })]);
  });
});

describe('an app that refuses what Entra sends', () => {
  it('SCIMMY refuses Entra\'s role type: the user fails with the app\'s own message, the others arrive', async () => {
    const scimmy = closing(await startScimmyServer());
    const h = harness(scimmy.url, scimmy.token, 'entra');
    const { result } = await h.cycle(directory('AssertiveAppRoleAssignmentsComplex([appRoleAssignments])', 'roles'));
    const failed = result.results.filter((r) => r.outcome === 'failed');
    expect(failed.map((r) => r.id).sort()).toEqual(['u1', 'u2']);
    expect(failed[0]!.error!.message).toMatch(/roles/);
    expect(result.results.find((r) => r.id === 'u3')).toMatchObject({ action: 'create', outcome: 'success' });
  });
});

describe('a plain mapping to a primary role', () => {
  it('is sent (Entra\'s empty roles list no longer overwrites it) with primary as the boolean', async () => {
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = directory('SingleAppRoleAssignment([appRoleAssignments])', 'roles[primary eq "True"].value');
    doc.app.mappings[4] = { constant: 'Member', target: 'roles[primary eq "True"].value' };
    const { result, exchanges } = await h.cycle(doc);
    expect(result.status).toBe('ok');
    expect(posted(exchanges, 'cy@contoso.example').roles).toEqual([{ primary: true, value: 'Member' }]);
  });
});

describe('the directory file', () => {
  const load = (doc: Json): void => void parseDirectory(JSON.stringify(doc), 'roles.json');
  const single = (): Json => directory('SingleAppRoleAssignment([appRoleAssignments])', 'roles[primary eq "True"].value');

  it('refuses role mappings Entra does not offer, with the pointer and the target to use', () => {
    expect(() => load(directory('SingleAppRoleAssignment([appRoleAssignments])', 'roles'))).toThrow(/roles\.json#\/app\/mappings\/4\/target: SingleAppRoleAssignment gives one role: map it to roles\[primary eq "True"\]\.value/);
    expect(() => load(directory('AppRoleAssignmentsComplex([appRoleAssignments])', 'title'))).toThrow(/#\/app\/mappings\/4\/target: AppRoleAssignmentsComplex gives every role as a list: map it to roles/);
    // Nested, or mapped to another attribute, SingleAppRoleAssignment is a string (Docker's documented
    // mapping; test/idp/expression-functions-http.test.ts); it reads only [appRoleAssignments].
    expect(() => load(directory('SingleAppRoleAssignment([displayName])', 'title'))).toThrow(/#\/app\/mappings\/4\/expression: SingleAppRoleAssignment reads the user's app roles: write SingleAppRoleAssignment\(\[appRoleAssignments\]\) \(at character 25\)/);
    const both = single();
    both.app.mappings.push({ expression: 'AppRoleAssignmentsComplex([appRoleAssignments])', target: 'roles' });
    expect(() => load(both)).toThrow(/#\/app\/mappings: SingleAppRoleAssignment and a complex role expression both write roles/);
  });

  it('refuses role assignments that name nothing, an unassigned principal, or roles in an Okta directory', () => {
    const unknownRole = single();
    unknownRole.app.appRoleAssignments[0].role = 'Owner';
    expect(() => load(unknownRole)).toThrow(/#\/app\/appRoleAssignments\/0\/role: no app role has the value or id "Owner" \(app.appRoles: "Admin", "Editor"\)/);
    const unassigned = single();
    unassigned.app.assignments.groups = [];
    expect(() => load(unassigned)).toThrow(/#\/app\/appRoleAssignments\/2\/principal: "g1" holds an app role but is not assigned to the app: .* app\.assignments\.groups/);
    const nobody = single();
    nobody.app.appRoleAssignments.push({ principal: 'u9', role: 'Admin' });
    expect(() => load(nobody)).toThrow(/#\/app\/appRoleAssignments\/3\/principal: no user or group has id "u9"/);
    const twice = single();
    twice.app.appRoles.push({ value: 'Admin' });
    expect(() => load(twice)).toThrow(/#\/app\/appRoles\/2: another app role has the value "Admin" \(\/app\/appRoles\/0\)/);
    const okta = { source: 'okta', users: [{ id: 'o1', login: 'a@x.example' }], app: { assignments: { users: ['o1'] }, appRoles: [{ value: 'Admin' }] } };
    expect(() => load(okta)).toThrow(/#\/app\/appRoles: app roles are Entra's/);
  });

  it('the console drops a principal\'s roles when it unassigns it, so the file still loads', () => {
    const doc = single();
    applyEdit(doc, { op: 'unassign-group', group: 'g1' });
    applyEdit(doc, { op: 'unassign-user', user: 'u1' });
    expect(doc.app.appRoleAssignments).toEqual([{ principal: 'u2', role: EDITOR_ID }]);
    expect(() => load(doc)).not.toThrow();
  });
});
