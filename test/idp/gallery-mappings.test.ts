// Gallery apps' default attribute mappings, as Microsoft Learn's provisioning tutorials and Okta's
// SCIM app profile show them, written into directory files the way a customer copies them, and
// provisioned over real HTTP into the reference server and SCIMMY (a third-party SCIM library).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScimClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { checkMappingsAgainstSchemas } from '../../src/idp/schemas.ts';
import type { Directory } from '../../src/idp/types.ts';
import { schemaExtensionFromJson } from '../../src/server/schema-extension.ts';
import { startServer } from '../../src/server/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { runIdpCli } from './cli-in-process.ts';
import { body, harness, usersByName, type Json, closeAfterEach, ENT } from './helpers.ts';

const SWITCH_ACTIVE = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")';

const closing = closeAfterEach();

const users = (): Json[] => [
  { id: '5f1c2b7e-0001-4c1e-9a51-3b7d0c5e2a01', userPrincipalName: 'megan.bowen@contoso.example', mail: 'megan.bowen@contoso.example', mailNickname: 'megan.bowen', displayName: 'Megan Bowen', givenName: 'Megan', surname: 'Bowen', jobTitle: 'CEO', department: 'Executive', companyName: 'Contoso', accountEnabled: true },
  { id: '5f1c2b7e-0002-4c1e-9a51-3b7d0c5e2a02', userPrincipalName: 'adele.vance@contoso.example', mail: 'adele.vance@contoso.example', mailNickname: 'adele.vance', displayName: 'Adele Vance', givenName: 'Adele', surname: 'Vance', jobTitle: 'Engineer', department: 'Engineering', companyName: 'Contoso', accountEnabled: true },
];

const entraApp = (mappings: Json[], extra: Json = {}): Json => ({
  source: 'entra',
  users: users(),
  groups: [],
  app: { scope: 'assigned', assignments: { users: users().map((u) => u.id) }, mappings, ...extra },
});

describe('objectId, the source attribute Entra maps to externalId (Atlassian Cloud, GitHub EMU, Figma)', () => {
  // Learn's tutorials map "objectId → externalId" (GitHub EMU matches on it); Entra's source list
  // names the user's id objectId. The loader knew it only inside expressions ([objectId]) and
  // refused the direct mapping: 'unknown entra attribute "objectId" (did you mean "id"? …)'.
  const atlassian = (): Json =>
    entraApp([
      { source: 'userPrincipalName', target: 'userName', matching: true, matchingPrecedence: 1 },
      { expression: SWITCH_ACTIVE, target: 'active' },
      { source: 'mail', target: 'emails[type eq "work"].value' },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
      { source: 'displayName', target: 'displayName' },
      { source: 'mailNickname', target: 'nickName' },
      { source: 'jobTitle', target: 'title' },
      { source: 'department', target: `${ENT}:department` },
      { source: 'companyName', target: `${ENT}:organization` },
      { source: 'objectId', target: 'externalId' },
    ]);

  it('loads, and the reference server receives the user id as externalId', async () => {
    expect(parseDirectory(JSON.stringify(atlassian()), 'atlassian.json').app.mappings.some((m) => m.source === 'objectId')).toBe(true);
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const { result, exchanges } = await h.cycle(atlassian());
    expect(result.status).toBe('ok');
    const posts = exchanges.filter((x) => x.request.method === 'POST').map(body);
    expect(posts.map((p) => p.externalId)).toEqual(users().map((u) => u.id));
    const stored = await usersByName(server.url, server.token);
    expect(stored.get('adele.vance@contoso.example')).toMatchObject({ externalId: users()[1]!.id, nickName: 'adele.vance', [ENT]: { organization: 'Contoso' } });
  });

  it('as the matching attribute (GitHub EMU matches on externalId first), against SCIMMY', async () => {
    const scimmy = closing(await startScimmyServer());
    const doc = entraApp([
      { source: 'objectId', target: 'externalId', matching: true, matchingPrecedence: 1 },
      { source: 'userPrincipalName', target: 'userName', matching: true, matchingPrecedence: 2 },
      { expression: SWITCH_ACTIVE, target: 'active' },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
      { source: 'mail', target: 'emails[type eq "work"].value' },
    ]);
    const h = harness(scimmy.url, scimmy.token, 'entra');
    const { result, exchanges } = await h.cycle(doc);
    expect(result.status).toBe('ok');
    // Test Connection queries the first matching attribute with a random GUID; then each user is matched on it.
    const gets = exchanges.filter((x) => x.request.method === 'GET').map((x) => decodeURIComponent(x.request.url.replace(/\+/g, ' ')));
    expect(gets[0]).toMatch(/filter=externalId eq "[0-9a-f-]{36}"$/);
    expect(gets[1]).toContain(`filter=externalId eq "${users()[0]!.id}"`);
    expect((await usersByName(scimmy.url, scimmy.token)).get('megan.bowen@contoso.example')).toMatchObject({ externalId: users()[0]!.id });
  });
});

describe('AppRoleAssignments([appRoleAssignments]), the role expression of older tutorials (Sumo Logic\'s Entra guide)', () => {
  // It was refused as an "unknown function" whose list of supported functions left out the three
  // role expressions scimproof does send, so a customer could not tell that roles work at all.
  it('is refused when the file loads with what to map instead, and the list of functions names the role expressions', async () => {
    const server = closing(await startServer({ port: 0 }));
    const dir = mkdtempSync(join(tmpdir(), 'scimproof-gallery-'));
    const file = join(dir, 'sumo.json');
    const doc = entraApp(
      [
        { source: 'userPrincipalName', target: 'userName', matching: true },
        { source: 'mail', target: 'emails[type eq "work"].value' },
        { expression: 'AppRoleAssignments([appRoleAssignments])', target: 'roles[primary eq "True"].value' },
      ],
      { appRoles: [{ value: 'Analyst', displayName: 'Analyst' }], appRoleAssignments: [{ principal: users()[0]!.id, role: 'Analyst' }] },
    );
    writeFileSync(file, JSON.stringify(doc));
    const run = runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--no-log']);
    await expect(run).rejects.toThrow(/sumo\.json#\/app\/mappings\/2\/expression: AppRoleAssignments is an Entra function scimproof does not evaluate: .*map AppRoleAssignmentsComplex\(\[appRoleAssignments\]\) to roles .*SingleAppRoleAssignment\(\[appRoleAssignments\]\) to roles\[primary eq "True"\]\.value/);
    await expect(runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--no-log'])).rejects.toThrow(/, SingleAppRoleAssignment, .*; and as a whole expression mapped to roles, AppRoleAssignmentsComplex and AssertiveAppRoleAssignmentsComplex\(\[appRoleAssignments\]\)\)/);
    // Nothing was sent: the file is refused before the first request.
    expect((await usersByName(server.url, server.token)).size).toBe(0);
  });
});

describe("Okta's attribute mappings as its mapping editor shows them (user.firstName → givenName)", () => {
  // Okta's "Okta User to App" page writes each source as an expression, user.login, user.firstName.
  // The loader took only the bare attribute name: 'unknown okta attribute "user.login" (did you mean "login"?)'.
  const okta = (mappings: Json[]): Json => ({
    source: 'okta',
    users: [
      { id: '00u1', login: 'megan.bowen@fabrikam.example', email: 'megan.bowen@fabrikam.example', firstName: 'Megan', lastName: 'Bowen', title: 'CEO', mobilePhone: '+1 425 555 0100', status: 'ACTIVE' },
      { id: '00u2', login: 'adele.vance@fabrikam.example', email: 'adele.vance@fabrikam.example', firstName: 'Adele', lastName: 'Vance', status: 'ACTIVE' },
    ],
    groups: [],
    app: { scope: 'assigned', assignments: { users: ['00u1', '00u2'] }, mappings },
  });

  it('user.<attribute> maps that attribute, against the reference server', async () => {
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'okta');
    const { result, exchanges } = await h.cycle(
      okta([
        { source: 'user.login', target: 'userName', matching: true, apply: 'overwrite on update' },
        { source: 'user.firstName', target: 'name.givenName', apply: 'overwrite on update' },
        { source: 'user.lastName', target: 'name.familyName', apply: 'overwrite on update' },
        { source: 'user.email', target: 'emails[type eq "work"].value', apply: 'overwrite on update' },
        { source: 'user.title', target: 'title', apply: 'overwrite on update' },
        { source: 'user.mobilePhone', target: 'phoneNumbers[type eq "mobile"].value', apply: 'write on user create only' },
      ]),
    );
    expect(result.status).toBe('ok');
    const megan = body(exchanges.find((x) => x.request.method === 'POST' && body(x).userName === 'megan.bowen@fabrikam.example')!);
    expect(megan).toMatchObject({ name: { givenName: 'Megan', familyName: 'Bowen' }, title: 'CEO', emails: [expect.objectContaining({ type: 'work', value: 'megan.bowen@fabrikam.example' })], phoneNumbers: [expect.objectContaining({ type: 'mobile', value: '+1 425 555 0100' })] });
    expect((await usersByName(server.url, server.token)).get('adele.vance@fabrikam.example')).toMatchObject({ name: { givenName: 'Adele', familyName: 'Vance' } });
  });

  it('an Okta Expression Language function is refused as one, not as an unknown attribute', () => {
    const doc = okta([
      { source: 'user.login', target: 'userName', matching: true },
      { source: 'String.substringBefore(user.email, "@")', target: 'displayName' },
    ]);
    expect(() => parseDirectory(JSON.stringify(doc), 'okta.json')).toThrow('okta.json#/app/mappings/1/source: "String.substringBefore(user.email, "@")" is an Okta Expression Language expression; scimproof maps a profile attribute as it is (user.firstName, or just firstName) or a constant');
    // An attribute Okta's profile does not have stays an unknown attribute, with its suggestion.
    expect(() => parseDirectory(JSON.stringify(okta([{ source: 'user.frstName', target: 'userName' }])), 'okta.json')).toThrow('okta.json#/app/mappings/0/source: unknown okta attribute "frstName" (');
  });
});

describe('a multi-valued source mapped to one element\'s value (otherMails → emails[type eq "other"].value, the pair Entra\'s SCIM schema page lists)', () => {
  // The list was sent as the element's value, {"type": "other", "value": ["a", "b"]}: every server
  // refused the user ("emails.value must be a string"), a failure that blamed the app for the mapping.
  const doc = (): Json => {
    const d = entraApp([
      { source: 'userPrincipalName', target: 'userName', matching: true },
      { source: 'mail', target: 'emails[type eq "work"].value' },
      { source: 'otherMails', target: 'emails[type eq "other"].value' },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
    ]);
    d.users[0].otherMails = ['megan.private@example.org', 'megan@example.net'];
    d.users[1].otherMails = ['adele.private@example.org'];
    return d;
  };

  for (const kind of ['reference', 'scimmy'] as const) {
    it(`a single value is sent as that value; several fail that user alone, naming the mapping, with nothing sent (${kind} server)`, async () => {
      const target = kind === 'reference' ? closing(await startServer({ port: 0 })) : closing(await startScimmyServer());
      const h = harness(target.url, target.token, 'entra');
      const { result, exchanges } = await h.cycle(doc());
      const adele = body(exchanges.find((x) => x.request.method === 'POST' && body(x).userName === 'adele.vance@contoso.example')!);
      expect(adele.emails).toEqual([expect.objectContaining({ type: 'work', value: 'adele.vance@contoso.example' }), { type: 'other', value: 'adele.private@example.org' }]);
      expect(result.results.find((r) => r.id === users()[1]!.id)).toMatchObject({ action: 'create', outcome: 'success' });
      const megan = result.results.find((r) => r.id === users()[0]!.id)!;
      expect(megan.outcome).toBe('failed');
      expect(megan.error!.message).toBe('the mapping to emails[type eq "other"].value gives 2 values for this user (otherMails: "megan.private@example.org", "megan@example.net"), but the target is one value of one element; nothing was sent: map one of them (Item([otherMails], 1)) or join them (Join(",", [otherMails])) (Entra\'s documentation does not say which it sends)');
      expect(exchanges.some((x) => x.request.method === 'POST' && body(x).userName === 'megan.bowen@contoso.example')).toBe(false);
      expect((await usersByName(target.url, target.token)).get('adele.vance@contoso.example')!.emails).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'other', value: 'adele.private@example.org' })]));
    });
  }
});

describe("Workplace from Meta's start date, NumFromDate over FormatDateTime (Learn's own NumFromDate example)", () => {
  const START = 'urn:ietf:params:scim:schemas:extension:facebook:starttermdates:1.0:User';
  const startDates = schemaExtensionFromJson({ id: START, name: 'StartTermDates', attributes: [{ name: 'startDate', type: 'integer' }, { name: 'termDate', type: 'integer' }] }, 'starttermdates.json');
  const workplace = (): Json => {
    const d = entraApp([
      { source: 'userPrincipalName', target: 'userName', matching: true },
      { expression: SWITCH_ACTIVE, target: 'active' },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
      { source: 'mail', target: 'emails[type eq "work"].value' },
      { expression: 'NumFromDate(Join("", FormatDateTime([employeeHireDate], , "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-dd"), "T23:59:59-08:00"))', target: `${START}:startDate` },
    ]);
    d.users[0].employeeHireDate = '2019-09-02T00:00:00Z';
    // Disabled, and no hire date: the expression cannot be evaluated for her, and Entra sends her nothing.
    d.users[1].accountEnabled = false;
    return d;
  };

  it('is sent as the number; a user it breaks for who is not provisioned is skipped for her own reason, and one being disabled is disabled', async () => {
    const server = closing(await startServer({ port: 0, userExtensions: [startDates] }));
    const h = harness(server.url, server.token, 'entra');
    const doc = workplace();
    // Saving the configuration reads /Schemas, which types startDate as an integer.
    const prepare = (d: Directory, client: ScimClient) => checkMappingsAgainstSchemas(client, d);
    const first = await h.cycle(doc, { prepare });
    // NumFromDate gives Active Directory's date (100 ns ticks since 1601): 2019-09-02T23:59:59-08:00.
    expect(body(first.exchanges.find((x) => x.request.method === 'POST')!)[START]).toEqual({ startDate: 132119711990000000 });
    // Before: "✗ create user adele.vance@…: the expression mapped to …startDate cannot be evaluated … — accountEnabled is false".
    expect(first.result.results.find((r) => r.id === users()[1]!.id)).toMatchObject({ action: 'skip', outcome: 'skipped', reason: 'not provisioned: accountEnabled is false' });
    expect(first.result.status).toBe('ok');

    // Megan leaves: disabled, and her hire date is cleared in the same edit. Entra disables her (active alone).
    doc.users[0].accountEnabled = false;
    delete doc.users[0].employeeHireDate;
    const second = await h.cycle(doc, { prepare });
    expect(second.result.results.find((r) => r.id === users()[0]!.id)).toMatchObject({ action: 'disable', outcome: 'success' });
    expect((await usersByName(server.url, server.token)).get('megan.bowen@contoso.example')).toMatchObject({ active: false });
  });
});

describe('provision on demand of a user the mapping cannot be evaluated for', () => {
  it('an unassigned user is "not assigned" at the scope step, not a failed import', async () => {
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = entraApp([
      { source: 'userPrincipalName', target: 'userName', matching: true },
      { source: 'givenName', target: 'name.givenName' },
      { expression: 'NumFromDate([employeeHireDate])', target: 'title' },
    ]);
    doc.users[0].employeeHireDate = '2019-09-02T00:00:00Z';
    doc.users.push({ id: 'u-visitor', userPrincipalName: 'visitor@contoso.example', givenName: 'Vi', employeeHireDate: 'soon', accountEnabled: true });
    const out = await h.onDemand(doc, 'visitor@contoso.example');
    // Before: "Import user: FAILED — the expression mapped to title cannot be evaluated …".
    const steps = out.result.steps!;
    expect(steps.map((s) => [s.name, s.outcome])).toEqual([
      ['Test connection', 'success'],
      ['Import user', 'success'],
      ['Determine if user is in scope', 'skipped'],
      ['Match user between source and target', 'skipped'],
      ['Perform action', 'skipped'],
    ]);
    expect(steps[2]!.reason).toBe('not assigned to the app (neither directly nor through an assigned group)');
    expect(out.all.some((x) => x.request.method === 'POST')).toBe(false);
  });
});

describe("Slack's gallery mapping (made for Slack's SCIM 1.1 server): matched by work email, active from Not([IsSoftDeleted])", () => {
  const slack = (department: string): Json =>
    entraApp([
      { source: 'mail', target: 'emails[type eq "work"].value', matching: true },
      { source: 'userPrincipalName', target: 'userName' },
      { expression: 'Not([IsSoftDeleted])', target: 'active' },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
      { source: 'department', target: department },
    ]);

  it('its SCIM 1.1 extension names are refused with their SCIM 2.0 name; written so, the mapping runs against the reference server', async () => {
    // Before: '"urn:scim:schemas:extension:enterprise:1.0.department" is not a SCIM attribute path (… is not an attribute path)'.
    expect(() => parseDirectory(JSON.stringify(slack('urn:scim:schemas:extension:enterprise:1.0.department')), 'slack.json')).toThrow(
      'slack.json#/app/mappings/5/target: "urn:scim:schemas:extension:enterprise:1.0.department" is SCIM 1.1\'s enterprise extension; scimproof plays the IdP\'s SCIM 2.0 client: write urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
    );
    const server = closing(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const { result, exchanges } = await h.cycle(slack(`${ENT}:department`));
    expect(result.status).toBe('ok');
    const match = decodeURIComponent(exchanges.filter((x) => x.request.method === 'GET')[1]!.request.url.replace(/\+/g, ' '));
    expect(match).toContain('filter=emails[type eq "work"].value eq "megan.bowen@contoso.example"');
    expect((await usersByName(server.url, server.token)).get('megan.bowen@contoso.example')).toMatchObject({ active: true, [ENT]: { department: 'Executive' } });
  });
});
