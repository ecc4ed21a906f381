// Entra expressions as a customer writes them, over real HTTP: the values Microsoft's reference
// documents arrive at the app (the reference server and SCIMMY), and a mapping that cannot work is
// refused when the file loads, naming the mapping and the character, before any request.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScimClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { checkMappingsAgainstSchemas } from '../../src/idp/schemas.ts';
import type { Directory } from '../../src/idp/types.ts';
import { schemaExtensionFromJson } from '../../src/server/schema-extension.ts';
import { startServer } from '../../src/server/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { runIdpCli } from './cli-in-process.ts';
import { getAll, harness, usersByName, closeAfterEach, type Json } from './helpers.ts';

const closing = closeAfterEach();

const directory = (users: Json[], mappings: Json[]): Json => ({
  source: 'entra',
  users,
  app: { scope: 'all', provisionGroups: false, mappings: [{ source: 'userPrincipalName', target: 'userName', matching: true }, ...mappings] },
});

describe('BitAnd (Learn: BitAnd(&HF, &HF7) returns 7)', () => {
  it('is evaluated, with &H constants and a flag word read from an attribute (it was refused as "not used with SCIM apps")', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = directory(
      [
        { id: 'u1', userPrincipalName: 'ann@contoso.example', extensionAttribute3: '514' },
        { id: 'u2', userPrincipalName: 'bob@contoso.example', extensionAttribute3: '512' },
      ],
      [
        { expression: 'BitAnd(&HF, &HF7)', target: 'nickName' },
        { expression: 'IIF(BitAnd([extensionAttribute3], 2) = 2, "disabled in AD", "enabled in AD")', target: 'title' },
      ],
    );
    const { result } = await harness(server.url, server.token, 'entra').cycle(doc);
    for (const id of ['u1', 'u2']) expect(result.results.find((r) => r.id === id)).toMatchObject({ action: 'create', outcome: 'success' });
    const users = await usersByName(server.url, server.token);
    expect(users.get('ann@contoso.example')).toMatchObject({ nickName: '7', title: 'disabled in AD' });
    expect(users.get('bob@contoso.example')).toMatchObject({ nickName: '7', title: 'enabled in AD' });
  });
});

describe('SingleAppRoleAssignment mapped to an attribute other than roles, as Docker documents it', () => {
  // docs.docker.com, "Provision users" (SCIM), Entra ID: the expression to the string attribute
  // urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole, bare or inside a Switch.
  const DOCKER = 'urn:ietf:params:scim:schemas:extension:docker:2.0:User';
  const docker = schemaExtensionFromJson({ id: DOCKER, name: 'DockerUser', attributes: [{ name: 'dockerRole', type: 'string' }, { name: 'dockerOrg', type: 'string' }] }, 'docker.json');
  const doc = (): Json => ({
    ...directory(
      [
        { id: 'u1', userPrincipalName: 'ann@contoso.example' },
        { id: 'u2', userPrincipalName: 'bob@contoso.example' },
        { id: 'u3', userPrincipalName: 'cy@contoso.example' },
      ],
      [
        { expression: 'SingleAppRoleAssignment([appRoleAssignments])', target: `${DOCKER}:dockerRole` },
        { expression: 'Switch(SingleAppRoleAssignment([appRoleAssignments]), "member", "My Corp Administrator", "owner", "My Corp Editor", "editor")', target: `${DOCKER}:dockerOrg` },
      ],
    ),
  });

  it('sends the role value as that string, and a changed role as an update (the file was refused: "only ever the whole expression … mapped to roles")', async () => {
    const server = closing(await startServer({ port: 0, userExtensions: [docker] }));
    const h = harness(server.url, server.token, 'entra');
    const d = doc();
    Object.assign(d.app, {
      scope: 'assigned',
      assignments: { users: ['u1', 'u2', 'u3'], groups: [] },
      appRoles: [
        { value: 'My Corp Administrator', displayName: 'My Corp Administrator' },
        { value: 'My Corp Editor', displayName: 'My Corp Editor' },
      ],
      appRoleAssignments: [
        { principal: 'u1', role: 'My Corp Administrator' },
        { principal: 'u2', role: 'My Corp Editor' },
      ],
    });
    const prepare = (dir: Directory, client: ScimClient) => checkMappingsAgainstSchemas(client, dir);
    const { result } = await h.cycle(d, { prepare });
    for (const id of ['u1', 'u2', 'u3']) expect(result.results.find((r) => r.id === id)).toMatchObject({ action: 'create', outcome: 'success' });
    let users = await usersByName(server.url, server.token);
    expect(users.get('ann@contoso.example')![DOCKER]).toEqual({ dockerRole: 'My Corp Administrator', dockerOrg: 'owner' });
    expect(users.get('bob@contoso.example')![DOCKER]).toEqual({ dockerRole: 'My Corp Editor', dockerOrg: 'editor' });
    // No role: SingleAppRoleAssignment is null, the Switch gives its default.
    expect(users.get('cy@contoso.example')![DOCKER]).toEqual({ dockerOrg: 'member' });

    d.app.appRoleAssignments[1].role = 'My Corp Administrator';
    const second = await h.cycle(d, { prepare });
    expect(second.result.results.filter((r) => r.action === 'update').map((r) => r.id)).toEqual(['u2']);
    users = await usersByName(server.url, server.token);
    expect(users.get('bob@contoso.example')![DOCKER]).toEqual({ dockerRole: 'My Corp Administrator', dockerOrg: 'owner' });
  });

  it('[appRoleAssignments] read by anything else is refused when the file loads, saying how to read it', () => {
    const d = doc();
    d.app.mappings.push({ expression: 'Join(",", [appRoleAssignments])', target: 'title' });
    expect(() => parseDirectory(JSON.stringify(d), 'dir.json')).toThrow('dir.json#/app/mappings/3/expression: [appRoleAssignments] is the user\'s app role assignments, an object: read it with SingleAppRoleAssignment([appRoleAssignments]) (or map AppRoleAssignmentsComplex([appRoleAssignments]) to roles) (at character 11)');
  });
});

describe('PCase over decomposed accents (HR exports in Unicode NFD)', () => {
  it('an accent written as a combining mark continues its word, as in .NET\'s ToTitleCase ("GARCI\u0301A" → "Garci\u0301a"; it gave "Garci\u0301A")', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = directory([{ id: 'u1', userPrincipalName: 'maria@contoso.example', givenName: 'MARI\u0301A JOSE\u0301', surname: 'GARCI\u0301A-LO\u0301PEZ' }], [
      { expression: 'PCase([givenName])', target: 'name.givenName' },
      { expression: 'PCase([surname])', target: 'name.familyName' },
    ]);
    const { result } = await harness(server.url, server.token, 'entra').cycle(doc);
    expect(result.results.find((r) => r.id === 'u1')).toMatchObject({ action: 'create', outcome: 'success' });
    expect((await usersByName(server.url, server.token)).get('maria@contoso.example')!.name).toEqual({ givenName: 'Mari\u0301a Jose\u0301', familyName: 'Garci\u0301a-Lo\u0301pez' });
  });
});

describe('ToUpper and ToLower change one character at a time, as .NET does (Learn: the invariant culture without one)', () => {
  it('"Weiß" upper-cases to "WEIß" and "İLKAY" lower-cases to "ilkay" (they gave "WEISS" and "i̇lkay", with a combining dot)', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = directory([{ id: 'u1', userPrincipalName: 'ilkay@contoso.example', givenName: 'İLKAY', surname: 'Weiß' }], [
      { expression: 'ToLower([givenName])', target: 'name.givenName' },
      { expression: 'ToUpper([surname])', target: 'name.familyName' },
      { expression: 'ToUpper(Join(" ", [givenName], [surname]), "de-DE")', target: 'displayName' },
    ]);
    const { result } = await harness(server.url, server.token, 'entra').cycle(doc);
    expect(result.results.find((r) => r.id === 'u1')).toMatchObject({ action: 'create', outcome: 'success' });
    expect((await usersByName(server.url, server.token)).get('ilkay@contoso.example')).toMatchObject({ name: { givenName: 'ilkay', familyName: 'WEIß' }, displayName: 'İLKAY WEIß' });
  });

  it('InStr with vbTextCompare counts positions in the text as written ("İstanbul", "S" → 2; it gave 3, "İ" having lowered to two characters)', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = directory([{ id: 'u1', userPrincipalName: 'ann@contoso.example', city: 'İstanbul' }], [{ expression: 'InStr([city], "S", , vbTextCompare)', target: 'nickName' }]);
    await harness(server.url, server.token, 'entra').cycle(doc);
    expect((await usersByName(server.url, server.token)).get('ann@contoso.example')).toMatchObject({ nickName: '2' });
  });
});

describe("Entra's source attributes with a dot in their name, and userType", () => {
  it('employeeOrgData.costCenter and .division map and read in expressions, userType too (the file was refused: unknown entra attribute)', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = directory(
      [{ id: 'u1', userPrincipalName: 'ann@contoso.example', 'employeeOrgData.costCenter': 'CC-410', 'employeeOrgData.division': 'Platform', userType: 'Guest' }],
      [
        { source: 'employeeOrgData.costCenter', target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter' },
        { expression: 'ToUpper([employeeOrgData.division])', target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division' },
        { expression: 'Switch([userType], "Employee", "Guest", "External")', target: 'userType' },
      ],
    );
    const { result } = await harness(server.url, server.token, 'entra').cycle(doc);
    expect(result.results.find((r) => r.id === 'u1')).toMatchObject({ action: 'create', outcome: 'success' });
    expect((await usersByName(server.url, server.token)).get('ann@contoso.example')).toMatchObject({
      userType: 'External',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { costCenter: 'CC-410', division: 'PLATFORM' },
    });
  });
});

describe('"Default value if null" is sent on create only (Learn: "isn\'t provisioned when updating an existing user")', () => {
  it('a title emptied in the directory does not become the default in the app (it was PATCHed to "Employee")', async () => {
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = directory(
      [
        { id: 'u1', userPrincipalName: 'ann@contoso.example', jobTitle: 'Engineer' },
        { id: 'u2', userPrincipalName: 'bob@contoso.example' },
      ],
      [{ source: 'jobTitle', target: 'title', default: 'Employee' }, { expression: 'Append([jobTitle], " (IT)")', target: 'nickName', default: 'Staff' }],
    );
    await h.cycle(doc);
    let users = await usersByName(server.url, server.token);
    expect(users.get('ann@contoso.example')).toMatchObject({ title: 'Engineer', nickName: 'Engineer (IT)' });
    expect(users.get('bob@contoso.example')).toMatchObject({ title: 'Employee', nickName: 'Staff' });

    delete doc.users[0].jobTitle;
    const { exchanges } = await h.cycle(doc);
    expect(exchanges.filter((x) => x.request.method === 'PATCH')).toEqual([]);
    users = await usersByName(server.url, server.token);
    expect(users.get('ann@contoso.example')).toMatchObject({ title: 'Engineer', nickName: 'Engineer (IT)' });
    expect(users.get('bob@contoso.example')).toMatchObject({ title: 'Employee', nickName: 'Staff' });

    // Provision on demand updates as the cycle does.
    const onDemand = await h.onDemand(doc, 'u1');
    expect(onDemand.all.filter((x) => x.request.method === 'PATCH')).toEqual([]);
    expect((await usersByName(server.url, server.token)).get('ann@contoso.example')).toMatchObject({ title: 'Engineer' });

    // A value again is an ordinary update.
    doc.users[0].jobTitle = 'Architect';
    await h.cycle(doc);
    expect((await usersByName(server.url, server.token)).get('ann@contoso.example')).toMatchObject({ title: 'Architect', nickName: 'Architect (IT)' });
  });
});

describe('Guid() (Learn: "generates a new random GUID")', () => {
  it('gives each user a GUID of its own that stays the same: a later cycle sends nothing (every cycle sent every user a new one)', async () => {
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = directory(
      [
        { id: 'u1', userPrincipalName: 'ann@contoso.example' },
        { id: 'u2', userPrincipalName: 'bob@contoso.example' },
      ],
      [{ expression: 'Guid()', target: 'externalId' }, { expression: 'Append("id-", Guid())', target: 'nickName' }],
    );
    await h.cycle(doc);
    const first = await usersByName(server.url, server.token);
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const [ann, bob] = [first.get('ann@contoso.example')!, first.get('bob@contoso.example')!];
    for (const u of [ann, bob]) {
      expect(u.externalId).toMatch(guid);
      expect(u.nickName.slice(3)).toMatch(guid);
    }
    expect(new Set([ann.externalId, bob.externalId, ann.nickName.slice(3), bob.nickName.slice(3)]).size).toBe(4);

    const { result, exchanges } = await h.cycle(doc);
    expect(exchanges.filter((x) => x.request.method !== 'GET')).toEqual([]);
    expect(result.counts).toMatchObject({ updated: 0 });
    expect((await usersByName(server.url, server.token)).get('ann@contoso.example')).toMatchObject({ externalId: ann.externalId, nickName: ann.nickName });
  });
});

describe("Replace's regexPattern is read as .NET reads it, as scoping clauses are", () => {
  it('a Unicode category keeps the letters it names and (?i) ignores case (the first removed every letter and sent nothing; the second refused the file)', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = directory(
      [{ id: 'u1', userPrincipalName: 'zoe@contoso.example', givenName: "Zoë-Anne O'Brien 2", mail: 'Zoe.Anne@CONTOSO.example' }],
      [
        { expression: 'Replace([givenName], , "[^\\\\p{L}]", , "", , )', target: 'nickName' },
        { expression: 'Replace([mail], , "(?i)@contoso\\\\.example$", , "", , )', target: 'title' },
      ],
    );
    const { result } = await harness(server.url, server.token, 'entra').cycle(doc);
    expect(result.results.find((r) => r.id === 'u1')).toMatchObject({ action: 'create', outcome: 'success' });
    expect((await usersByName(server.url, server.token)).get('zoe@contoso.example')).toMatchObject({ nickName: 'ZoëAnneOBrien', title: 'Zoe.Anne' });
  });
});

describe("a date outside .NET's DateTime fails that user alone, as in Entra", () => {
  it('Active Directory\'s "never expires" through DateFromNum, and a date moved past 9999 (it sent "9/14/30828 2:48:05 AM" and "1/1/10000 12:00:00 AM"; further out, "NaN/NaN/NaN NaN:NaN:NaN PM")', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = directory(
      [
        { id: 'u1', userPrincipalName: 'ann@contoso.example', extensionAttribute4: '129699324000000000', employeeHireDate: '2019-09-02T08:00:00Z' },
        { id: 'u2', userPrincipalName: 'bob@contoso.example', extensionAttribute4: '9223372036854775807', employeeHireDate: '2019-09-02T08:00:00Z' },
        { id: 'u3', userPrincipalName: 'cy@contoso.example', extensionAttribute4: '129699324000000000', employeeHireDate: '9999-12-31T00:00:00Z' },
      ],
      [
        { expression: 'DateFromNum([extensionAttribute4])', target: 'nickName' },
        { expression: 'DateAdd("d", 1, CDate([employeeHireDate]))', target: 'title' },
      ],
    );
    const { result } = await harness(server.url, server.token, 'entra').cycle(doc);
    expect(result.results.find((r) => r.id === 'u1')).toMatchObject({ action: 'create', outcome: 'success' });
    expect(result.results.find((r) => r.id === 'u2')).toMatchObject({ action: 'create', outcome: 'failed', error: { message: "the expression mapped to nickName cannot be evaluated for this user: DateFromNum: the date is outside the years 1 to 9999 that Entra's dates (.NET DateTime) can hold (expression: DateFromNum([extensionAttribute4]))" } });
    expect(result.results.find((r) => r.id === 'u3')).toMatchObject({ action: 'create', outcome: 'failed', error: { message: "the expression mapped to title cannot be evaluated for this user: DateAdd: the date is outside the years 1 to 9999 that Entra's dates (.NET DateTime) can hold (expression: DateAdd(\"d\", 1, CDate([employeeHireDate])))" } });
    const users = await usersByName(server.url, server.token);
    expect(users.get('ann@contoso.example')).toMatchObject({ nickName: '1/1/2012 11:00:00 PM', title: '9/3/2019 8:00:00 AM' });
    expect([...users.keys()]).toEqual(['ann@contoso.example']);
  });
});

describe('a mapping that can never work is refused when the file loads, with the character, before any request', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function refusal(expression: string): Promise<string> {
    const server = closing(await startServer({ port: 0 }));
    dir = mkdtempSync(join(tmpdir(), 'scimproof-expr-'));
    const file = join(dir, 'dir.json');
    writeFileSync(file, JSON.stringify(directory([{ id: 'u1', userPrincipalName: 'ann@contoso.example', givenName: 'Ann', surname: 'Lee' }], [{ expression, target: 'displayName' }])));
    const run = runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--no-log', '--state', join(dir, 's.json')]);
    const error = (await run.then(
      () => undefined,
      (e: unknown) => e,
    )) as { name?: string; exitCode?: number; message?: string } | undefined;
    expect(error).toMatchObject({ name: 'RunError', exitCode: 2 });
    expect(await getAll(server.url, server.token, 'Users')).toEqual([]);
    return error!.message!.slice(file.length);
  }

  it('an attribute name that runs into the next one is said so, at its "[" (it read as one attribute named "givenName, [surname")', async () => {
    expect(await refusal('Join(" ", [givenName, [surname])')).toBe('#/app/mappings/1/expression: the attribute name [givenName is never closed with "]" (it runs into "," at character 21) (at character 11)');
  });

  it('text joined with & or + (VBA, Excel) is said to need Join or Append (it said only "unexpected \"&\"")', async () => {
    expect(await refusal('[givenName] & " " & [surname]')).toBe('#/app/mappings/1/expression: unexpected "&" after the end of the expression: Entra\'s expressions have no & operator; join values with Join("", …) or Append(…) (at character 13)');
    expect(await refusal('ToLower([givenName] + "." + [surname])')).toBe('#/app/mappings/1/expression: expected "," or ")" in the arguments of ToLower, found "+": Entra\'s expressions have no + operator; join values with Join("", …) or Append(…) (at character 21)');
  });

  it('an unknown attribute is named with the character it starts at (a long expression reads many; the line said only which)', async () => {
    expect(await refusal('Join(" ", [givenName], [surnmae])')).toBe('#/app/mappings/1/expression: [surnmae]: unknown entra attribute "surnmae" (declare custom attributes in "attributes", or name a directory extension extension_<app id>_<name>) (at character 24)');
  });
});

// A gallery tutorial's mapping, as a customer copies it: a dozen of Learn's functions, each value
// as Microsoft documents it, against the reference server (with a vendor extension) and SCIMMY.
const ACME_URN = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function gallery(): Json {
  return {
    source: 'entra',
    users: [
      {
        id: 'u-zoe',
        userPrincipalName: 'zoe.lefevre@contoso.example',
        mailNickname: 'zlefevre',
        givenName: 'Zoë',
        surname: 'LEFÈVRE MARTIN',
        jobTitle: 'SENIOR PRODUCT DEVELOPER',
        department: 'Engineering Platform',
        telephoneNumber: '+33 (1) 555-0100',
        city: 'paris',
        country: 'FR',
        employeeId: '1042',
        employeeHireDate: '2019-09-02T08:00:00Z',
        extension_8f2b7c1d_costCenter: 'CC-410',
        proxyAddresses: ['SMTP:zoe.lefevre@contoso.example', 'smtp:zl@contoso.example'],
        accountEnabled: true,
      },
      {
        id: 'u-bjorn',
        userPrincipalName: 'bjorn.olsen@contoso.example',
        mail: 'Bjorn.Olsen@contoso.example',
        givenName: 'Björn',
        surname: 'Ølsen',
        jobTitle: 'PRODUCT DEVELOPER',
        department: 'Sales',
        city: 'STOCKHOLM',
        country: 'SE',
        accountEnabled: true,
      },
    ],
    app: {
      scope: 'assigned',
      provisionGroups: false,
      assignments: { users: ['u-zoe', 'u-bjorn'], groups: [] },
      appRoles: [
        { id: '2f1c7a3e-5b1d-4e1a-9c3b-7d9e0a1b2c01', value: 'developer', displayName: 'Developer' },
        { id: '2f1c7a3e-5b1d-4e1a-9c3b-7d9e0a1b2c02', value: 'approver', displayName: 'Approver' },
      ],
      appRoleAssignments: [
        { principal: 'u-zoe', role: 'developer' },
        { principal: 'u-bjorn', role: 'approver' },
      ],
      mappings: [
        { expression: 'ToLower(NormalizeDiacritics(StripSpaces(Join("@", Join(".", [givenName], [surname]), "contoso.example"))))', target: 'userName', matching: true },
        { source: 'objectId', target: 'externalId' },
        { expression: 'Join(" ", [givenName], PCase([surname]))', target: 'displayName' },
        { source: 'givenName', target: 'name.givenName' },
        { expression: 'PCase([surname])', target: 'name.familyName' },
        { expression: 'Replace(PCase([jobTitle]), "Product Developer", , , "Software Engineer", , )', target: 'title' },
        { expression: 'IIF([department]="Sales", Left([givenName], 3), [mailNickname])', target: 'nickName' },
        { expression: 'Coalesce([mail], [userPrincipalName])', target: 'emails[type eq "work"].value' },
        { expression: 'Replace(Item([proxyAddresses], 1), "SMTP:", , , "", , )', target: 'emails[type eq "other"].value' },
        { expression: 'Replace([telephoneNumber], , "[()\\\\s-]+", , "", , )', target: 'phoneNumbers[type eq "work"].value' },
        { expression: 'PCase([city])', target: 'addresses[type eq "work"].locality' },
        { expression: 'Switch([country], "en-US", "FR", "fr-FR", "SE", "sv-SE")', target: 'preferredLanguage' },
        { expression: 'Switch([IsSoftDeleted], , "False", "Employee", "True", "Leaver")', target: 'userType' },
        { expression: 'Word([department], 1, " ")', target: `${ENTERPRISE}:department` },
        { expression: 'IgnoreFlowIfNullOrEmpty([employeeId])', target: `${ENTERPRISE}:employeeNumber` },
        { expression: 'Mid([extension_8f2b7c1d_costCenter], 4, 3)', target: `${ENTERPRISE}:costCenter` },
        { expression: 'FormatDateTime([employeeHireDate], , "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-dd")', target: `${ENTERPRISE}:division` },
        { expression: 'FormatDateTime([employeeHireDate], , "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-dd\'T\'00:00:00\'Z\'")', target: `${ACME_URN}:startDate` },
        { expression: 'SingleAppRoleAssignment([appRoleAssignments])', target: 'roles[primary eq "True"].value' },
        { expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")', target: 'active' },
      ],
    },
  };
}

// What Learn's definitions give for each user.
const ZOE = {
  userName: 'zoe.lefevremartin@contoso.example',
  externalId: 'u-zoe',
  displayName: 'Zoë Lefèvre Martin',
  name: { givenName: 'Zoë', familyName: 'Lefèvre Martin' },
  title: 'Senior Software Engineer',
  nickName: 'zlefevre',
  emails: expect.arrayContaining([expect.objectContaining({ type: 'work', value: 'zoe.lefevre@contoso.example' }), expect.objectContaining({ type: 'other', value: 'zoe.lefevre@contoso.example' })]),
  phoneNumbers: [expect.objectContaining({ type: 'work', value: '+3315550100' })],
  addresses: [expect.objectContaining({ type: 'work', locality: 'Paris' })],
  preferredLanguage: 'fr-FR',
  userType: 'Employee',
  active: true,
  [ENTERPRISE]: expect.objectContaining({ department: 'Engineering', employeeNumber: '1042', costCenter: '410', division: '2019-09-02' }),
};
const BJORN = {
  userName: 'bjorn.oelsen@contoso.example',
  displayName: 'Björn Ølsen',
  title: 'Software Engineer',
  nickName: 'Bjö',
  emails: [expect.objectContaining({ type: 'work', value: 'Bjorn.Olsen@contoso.example' })],
  addresses: [expect.objectContaining({ type: 'work', locality: 'Stockholm' })],
  preferredLanguage: 'sv-SE',
  userType: 'Employee',
  active: true,
  [ENTERPRISE]: { department: 'Sales' },
};

describe("a gallery tutorial's mapping with a dozen of Learn's functions", () => {
  it('arrives at the reference server as Microsoft documents each function; disabling a user sets active false', async () => {
    const acme = schemaExtensionFromJson(JSON.parse(readFileSync(new URL('../../fixtures/schemas/acme-user-extension.json', import.meta.url), 'utf8')), 'acme.json');
    const server = closing(await startServer({ port: 0, userExtensions: [acme] }));
    const h = harness(server.url, server.token, 'entra');
    const doc = gallery();
    const prepare = (d: Directory, client: ScimClient) => checkMappingsAgainstSchemas(client, d);
    const { result } = await h.cycle(doc, { prepare });
    for (const id of ['u-zoe', 'u-bjorn']) expect(result.results.find((r) => r.id === id)).toMatchObject({ action: 'create', outcome: 'success' });
    let users = await usersByName(server.url, server.token);
    const zoe = users.get('zoe.lefevremartin@contoso.example')!;
    expect(zoe).toMatchObject({ ...ZOE, [ACME_URN]: { startDate: '2019-09-02T00:00:00Z' } });
    expect(zoe.roles).toEqual([expect.objectContaining({ primary: true, value: 'developer' })]);
    const bjorn = users.get('bjorn.oelsen@contoso.example')!;
    expect(bjorn).toMatchObject(BJORN);
    expect(bjorn.roles).toEqual([expect.objectContaining({ primary: true, value: 'approver' })]);
    // Nothing is sent for what is empty: no phone, no other email, no employee number, no date.
    expect(bjorn.phoneNumbers).toBeUndefined();
    expect(bjorn[ACME_URN]).toBeUndefined();

    // Switch([IsSoftDeleted], …) → active: a disabled user is disabled (Entra's disable sends active alone).
    doc.users[1].accountEnabled = false;
    await h.cycle(doc, { prepare });
    users = await usersByName(server.url, server.token);
    expect(users.get('bjorn.oelsen@contoso.example')).toMatchObject({ active: false });
    expect(users.get('zoe.lefevremartin@contoso.example')).toMatchObject({ active: true, userType: 'Employee' });
  });

  it('arrives at SCIMMY (a third-party server) the same way, without the vendor extension and the role SCIMMY refuses', async () => {
    const scimmy = closing(await startScimmyServer());
    const doc = gallery();
    // SCIMMY refuses Entra's role type (test/idp/app-roles.test.ts) and serves no acme extension.
    doc.app.mappings = doc.app.mappings.filter((m: Json) => !m.target.startsWith(ACME_URN) && !m.target.startsWith('roles'));
    const { result } = await harness(scimmy.url, scimmy.token, 'entra-compliant').cycle(doc);
    for (const id of ['u-zoe', 'u-bjorn']) expect(result.results.find((r) => r.id === id)).toMatchObject({ action: 'create', outcome: 'success' });
    const users = await usersByName(scimmy.url, scimmy.token);
    expect(users.get('zoe.lefevremartin@contoso.example')).toMatchObject(ZOE);
    expect(users.get('bjorn.oelsen@contoso.example')).toMatchObject(BJORN);
  });
});
