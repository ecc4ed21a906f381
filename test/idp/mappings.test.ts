// A customer's real mapping over real HTTP: expressions, phone numbers, addresses, the enterprise
// extension and a vendor extension advertised in /Schemas arrive as configured, typed as the
// app's schema says; a target the app does not advertise is refused before any cycle. Also
// against SCIMMY (a third-party server), and the Entra expression language on its own.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClient, type ScimClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { compileExpression, evaluateExpression } from '../../src/idp/expression.ts';
import { objectLine } from '../../src/idp/log/console.ts';
import { checkMappingsAgainstSchemas } from '../../src/idp/schemas.ts';
import { clauseHolds, clauseProblem } from '../../src/idp/scope.ts';
import type { Directory, ScopingClause } from '../../src/idp/types.ts';
import { schemaExtensionFromJson } from '../../src/server/schema-extension.ts';
import { startServer } from '../../src/server/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { body, ENT, harness, lines, usersByName, type Json, closeAfterEach } from './helpers.ts';

const NORTHWIND = new URL('../../fixtures/directories/northwind-entra-mappings.json', import.meta.url);
const ACME_URN = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const acme = schemaExtensionFromJson(JSON.parse(readFileSync(new URL('../../fixtures/schemas/acme-user-extension.json', import.meta.url), 'utf8')), 'acme.json');
const northwind = (): Json => JSON.parse(readFileSync(NORTHWIND, 'utf8')) as Json;

const closing = closeAfterEach();

async function schemaChecked(url: string, token: string, doc: Json) {
  const directory = parseDirectory(JSON.stringify(doc), 'northwind.json');
  const client = createClient({ baseUrl: url, auth: { kind: 'bearer', token } });
  try {
    return { directory, check: await checkMappingsAgainstSchemas(client, directory) };
  } finally {
    await client.close();
  }
}

describe('a customer mapping against the reference server with a vendor extension', () => {
  it('sends exactly the mapped attributes, typed by /Schemas, and they arrive as configured', async () => {
    const server = closing(await startServer({ port: 0, userExtensions: [acme] }));
    const doc = northwind();
    const { directory, check } = await schemaChecked(server.url, server.token, doc);
    expect(check).toMatchObject({ read: true, problems: [] });
    expect(check.extensions).toContain(ACME_URN);

    const h = harness(server.url, server.token, 'entra');
    // Saving the configuration reads /Schemas: the mapping learns the attribute types from it.
    const prepare = (d: Directory, client: ScimClient) => checkMappingsAgainstSchemas(client, d);
    const { result, exchanges } = await h.cycle(doc, { prepare });
    expect(directory.app.mappings).toHaveLength(27);
    expect(result.status).toBe('ok');
    // Tempo is a contractor on another domain: the scoping filter says which clause failed.
    expect(result.results.find((r) => r.id === 'n-tempo')!.reason).toMatch(/Staff on northwind.example: userPrincipalName ENDS_WITH "@northwind.example" is false/);

    const zoePost = body(exchanges.find((x) => x.request.method === 'POST' && body(x).userName === 'zoe.lefevre@northwind.example')!);
    expect(zoePost.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENT, ACME_URN]);
    expect(zoePost.name).toEqual({ givenName: 'Zoe', familyName: 'Lefevre', formatted: 'Zoë Lefèvre' });
    expect(zoePost.emails).toEqual([{ primary: true, type: 'work', value: 'zoe.lefevre@northwind.example' }]);
    expect(zoePost.phoneNumbers).toEqual([
      { type: 'work', value: '+14255550100' },
      { type: 'mobile', value: '+1 425 555 0101' },
    ]);
    expect(zoePost.addresses).toEqual([
      { type: 'work', streetAddress: '1 Harbour Way', locality: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' },
      { type: 'other', formatted: 'SEA-3' },
    ]);
    expect(zoePost.userType).toBe('Active');
    // Engineering holds the app role Developer: its members get it (AssertiveAppRoleAssignmentsComplex).
    expect(zoePost.roles).toEqual([{ primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Developer', value: 'developer' }]);
    // Entra's default active mapping is the IdP's own rule: an active user is created active, as without it.
    expect(zoePost.active).toBe(true);
    expect(zoePost[ENT]).toEqual({ department: 'Engineering', employeeNumber: '1042' });
    // /Schemas says remote is a boolean and seniority an integer: sent as such.
    expect(zoePost[ACME_URN]).toEqual({ costCenter: 'CC-410', remote: true, skills: ['go', 'rust', 'kubernetes'], seniority: 10, startDate: '2019-09-02T08:00:00Z' });

    const users = await usersByName(server.url, server.token);
    expect(users.get('zoe.lefevre@northwind.example')![ACME_URN]).toMatchObject({ costCenter: 'CC-410', remote: true, seniority: 10 });
    expect(users.get('ana.souza@northwind.example')![ENT].manager.value).toBe(users.get('bjorn.nilsson@northwind.example')!.id);
    // Björn has no mail: Coalesce falls back to Append(mailNickname, domain).
    expect(users.get('bjorn.nilsson@northwind.example')!.emails[0].value).toBe('bjorn.nilsson@northwind.example');

    // Two matching attributes: userName first, then externalId.
    const anaSeq = lines(exchanges, server.url).filter((l) => l.includes('ana.souza'));
    expect(anaSeq).toEqual(['GET /Users?filter=userName eq "ana.souza@northwind.example"', 'GET /Users?filter=externalId eq "ana.souza"']);

    // A phone change is a PATCH of the filtered path; a new mobile is an Add.
    doc.users[0].telephoneNumber = '+1 (425) 555-0199';
    doc.users[2].mobile = '+55 11 5555 0100';
    const next = await h.cycle(doc, { prepare });
    const patches = next.exchanges.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations);
    expect(patches).toEqual([[{ op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '+14255550199' }], [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+55 11 5555 0100' }]]);
  });

  it('a target the app does not advertise is refused before any request, with what it does advertise', async () => {
    const server = closing(await startServer({ port: 0 }));
    const { check } = await schemaChecked(server.url, server.token, northwind());
    expect(check.read).toBe(true);
    // The five acme targets, served without the acme extension.
    expect(check.problems).toHaveLength(5);
    expect(check.problems[0]).toMatch(/northwind\.json#\/app\/mappings\/20\/target: "urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter" is in urn:ietf:params:scim:schemas:extension:acme:2.0:User, a schema the app's \/Schemas does not advertise .*\[SchemaAttributeNotFound\]/);
    // The schemas it does advertise, as the app spells them (it read "…:core:2.0:user", lower-cased).
    expect(check.problems[0]).toContain('(it advertises urn:ietf:params:scim:schemas:core:2.0:User, urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    const doc = northwind();
    doc.app.mappings = doc.app.mappings.filter((m: Json) => !m.target.startsWith(ACME_URN));
    doc.app.mappings.push({ source: 'city', target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:building' });
    expect((await schemaChecked(server.url, server.token, doc)).check.problems).toEqual([expect.stringMatching(/has no attribute "building" in urn:ietf:params:scim:schemas:extension:enterprise:2.0:User \(it has: employeeNumber, costCenter, organization, division, department, manager\)/)]);
  });
});

describe('an Okta mapping the app does not advertise', () => {
  // It carried Entra's error code (SchemaAttributeNotFound), which Okta never shows.
  it('is refused with what the app advertises, without an Entra error code', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = JSON.parse(readFileSync(new URL('../../fixtures/directories/fabrikam-okta.json', import.meta.url), 'utf8')) as Json;
    doc.app.mappings.push({ source: 'department', target: `${ACME_URN}:costCenter`, apply: 'always' });
    const { check } = await schemaChecked(server.url, server.token, doc);
    expect(check.problems).toEqual([expect.stringMatching(/"urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter" is in urn:ietf:params:scim:schemas:extension:acme:2.0:User, a schema the app's \/Schemas does not advertise \(it advertises [^)]*\)$/)]);
  });
});

describe('against SCIMMY (a third-party SCIM library)', () => {
  it('the same mapping without the vendor extension arrives, and a refused manager link says why', async () => {
    const scimmy = closing(await startScimmyServer());
    const doc = northwind();
    // SCIMMY refuses Entra's role type (test/idp/app-roles.test.ts), so the roles mapping goes too.
    doc.app.mappings = doc.app.mappings.filter((m: Json) => !m.target.startsWith(ACME_URN) && m.target !== 'roles');
    const { check } = await schemaChecked(scimmy.url, scimmy.token, doc);
    expect(check.problems).toEqual([]);
    const h = harness(scimmy.url, scimmy.token, 'entra-compliant');
    const { result } = await h.cycle(doc);
    expect(result.counts.created).toBe(3);
    const users = await usersByName(scimmy.url, scimmy.token);
    expect(users.get('zoe.lefevre@northwind.example')).toMatchObject({ name: { givenName: 'Zoe', familyName: 'Lefevre', formatted: 'Zoë Lefèvre' }, phoneNumbers: expect.arrayContaining([{ type: 'work', value: '+14255550100' }]) });
    // SCIMMY rejects the bare manager id Entra sends (docs/notes/scimmy-deviations.md): one line with its message.
    const manager = result.results.find((r) => r.objectType === 'manager')!;
    expect(manager).toMatchObject({ outcome: 'failed', error: { status: 400 } });
    expect(manager.error!.message.length).toBeGreaterThan(0);
  });
});

describe('an expression that fails on one user\'s values', () => {
  it('fails that user with one line naming the mapping, and the cycle provisions the others (it ended the run as "internal error")', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = JSON.parse(readFileSync(new URL('../../fixtures/directories/contoso-entra.json', import.meta.url), 'utf8')) as Json;
    Object.assign(doc.app, { assignments: { users: ['u-megan', 'u-patti'], groups: [] }, scopingFilters: [] });
    doc.users.find((u: Json) => u.id === 'u-megan').extensionAttribute1 = '2';
    doc.users.find((u: Json) => u.id === 'u-patti').extensionAttribute1 = 'two';
    doc.app.mappings.push({ expression: 'Mid([givenName], [extensionAttribute1], 3)', target: 'nickName' });
    const h = harness(server.url, server.token, 'entra');
    const { result } = await h.cycle(doc);
    expect(result.results.find((r) => r.id === 'u-megan')).toMatchObject({ action: 'create', outcome: 'success' });
    const patti = result.results.find((r) => r.id === 'u-patti')!;
    expect(patti).toMatchObject({ action: 'create', outcome: 'failed' });
    expect(objectLine(patti)).toBe('  ✗ create user patti.fernandez@contoso.example: the expression mapped to nickName cannot be evaluated for this user: Mid: start must be a whole number, got "two" (expression: Mid([givenName], [extensionAttribute1], 3)) (attempt 1; looked at again every cycle, without a request, until the directory changes) — assigned and in scope');
    const users = await usersByName(server.url, server.token);
    expect(users.get('megan.bowen@contoso.example')!.nickName).toBe('ega');
    expect(users.has('patti.fernandez@contoso.example')).toBe(false);
  });
});

describe("expressions whose arguments JavaScript reads differently from Entra's .NET", () => {
  it('ToLower with a culture lowers by its rules ("İLKAY", "tr-TR" → "ilkay"), and a Mid start of 0 fails that user instead of sending the last character', async () => {
    const server = closing(await startServer({ port: 0 }));
    const doc = JSON.parse(readFileSync(new URL('../../fixtures/directories/contoso-entra.json', import.meta.url), 'utf8')) as Json;
    Object.assign(doc.app, { assignments: { users: ['u-megan', 'u-patti'], groups: [] }, scopingFilters: [] });
    Object.assign(doc.users.find((u: Json) => u.id === 'u-megan'), { extensionAttribute1: '1', extensionAttribute2: 'İLKAY' });
    Object.assign(doc.users.find((u: Json) => u.id === 'u-patti'), { extensionAttribute1: '0', extensionAttribute2: 'IŞIK' });
    doc.app.mappings.push({ expression: 'ToLower([extensionAttribute2], "tr-TR")', target: 'nickName' }, { expression: 'Mid([givenName], [extensionAttribute1], 3)', target: 'profileUrl' });
    const h = harness(server.url, server.token, 'entra');
    const { result } = await h.cycle(doc);
    const patti = result.results.find((r) => r.id === 'u-patti')!;
    expect(patti).toMatchObject({ action: 'create', outcome: 'failed' });
    expect(objectLine(patti)).toContain('the expression mapped to profileUrl cannot be evaluated for this user: Mid: start counts from 1 (the first character), got 0');
    const megan = (await usersByName(server.url, server.token)).get('megan.bowen@contoso.example')!;
    expect(megan).toMatchObject({ nickName: 'ilkay', profileUrl: 'Meg' });
  });

  it('a constant Mid start below 1 or a culture that is no culture name is refused when the file loads', () => {
    expect(() => compileExpression('Mid([givenName], 0, 2)')).toThrow('Mid: start counts from 1 (the first character), got 0 (at character 18)');
    expect(() => compileExpression('ToUpper([givenName], "not a culture")')).toThrow('ToUpper: culture "not a culture" is not a culture name (RFC 4646: "tr-TR", "en-US") (at character 22)');
  });
});

describe('Entra expressions', () => {
  const user: Record<string, string | string[]> = { givenName: 'Zoë', surname: 'Lefèvre', mail: '', upn: 'Zoe.Lefevre@Contoso.com', dept: 'Sales', phone: '+1 (999) 888-7777', proxies: ['smtp:a@x', 'smtp:a@x', 'SMTP:b@x'] };
  const run = (text: string, extra: Record<string, string> = {}) => evaluateExpression(compileExpression(text), (n) => ({ ...user, ...extra })[n]);
  it.each([
    ['Join(" ", [givenName], [surname])', 'Zoë Lefèvre'],
    ['Join(", ", "", [surname], [givenName])', 'Lefèvre, Zoë'],
    ['Join(" ", [givenName], [missing])', 'Zoë'],
    ['ToLower([upn])', 'zoe.lefevre@contoso.com'],
    ['ToUpper(Left([dept], 2))', 'SA'],
    ['Append([upn], ".test")', 'Zoe.Lefevre@Contoso.com.test'],
    ['Coalesce([mail], [upn])', 'Zoe.Lefevre@Contoso.com'],
    ['NormalizeDiacritics(Join(".", [givenName], [surname]))', 'Zoe.Lefevre'],
    ['Switch([dept], "Other", "Sales", "S", "Eng", "E")', 'S'],
    ['Switch([missing], "Default", "", "Empty")', 'Empty'],
    ['Switch([IsSoftDeleted], , "False", "True", "True", "False")', 'True'],
    ['IIF([dept]="Sales", "yes", "no")', 'yes'],
    ['IIF([dept]<>"Sales", "yes", "no")', 'no'],
    ['Replace([phone], , "[()\\\\s-]+", , "", , )', '+19998887777'],
    ['Replace([upn], "@Contoso.com", , , "", , )', 'Zoe.Lefevre'],
    ['Replace([givenName], "<u>", , , , , "<u>@contoso.com")', 'Zoë@contoso.com'],
    ['Mid([dept], 2, 3)', 'ale'],
    ['Word("The quick brown fox", 3, " ")', 'brown'],
    ['PCase("PINTO-DE\'SILVA", " \'-")', "Pinto-De'Silva"],
    ['StripSpaces("a b c")', 'abc'],
    ['Item([proxies], 2)', 'smtp:a@x'],
    ['Count(RemoveDuplicates([proxies]))', '2'],
    ['InStr("The quick brown fox", "quick")', '5'],
    ['Not(IsPresent([mail]))', 'True'],
    ['ConvertToUTF8Hex("Hello world!")', '48656C6C6F20776F726C6421'],
    ['ConvertToBase64("Hello world!")', 'SABlAGwAbABvACAAdwBvAHIAbABkACEA'],
    ['IgnoreFlowIfNullOrEmpty([mail])', null],
  ])('%s → %s', (text, expected) => {
    expect(run(text, { IsSoftDeleted: 'False' })).toEqual(expected);
  });

  it('Split gives a list (a multi-valued target)', () => {
    expect(run('Split("a, b,c", ",")')).toEqual(['a', 'b', 'c']);
  });
});

describe("Entra's scoping operators", () => {
  const u = { id: 'u', employeeId: '1500', userPrincipalName: 'a@northwind.example', department: 'Sales' };
  const holds = (c: ScopingClause) => clauseHolds(u, c);
  it.each([
    [{ attribute: 'employeeId', operator: 'Greater_Than', value: '1000' }, true],
    [{ attribute: 'employeeId', operator: 'Greater_Than_OR_EQUALS', value: '1500' }, true],
    [{ attribute: 'employeeId', operator: 'Greater_Than', value: '1500' }, false],
    [{ attribute: 'userPrincipalName', operator: 'ENDS_WITH', value: '@northwind.example' }, true],
    [{ attribute: 'department', operator: 'Includes', value: 'ale' }, true],
    [{ attribute: 'department', operator: 'Includes', value: 'ALE' }, false],
    [{ attribute: 'department', operator: '&', value: 'Sales,Support' }, true],
    [{ attribute: 'department', operator: '!&', value: 'Sales,Support' }, false],
    [{ attribute: 'department', operator: 'EQUALS', value: 'sales' }, false],
    // A comparison with an empty attribute is false, IS NULL aside.
    [{ attribute: 'jobTitle', operator: 'NOT EQUALS', value: 'x' }, false],
    [{ attribute: 'jobTitle', operator: 'NOT REGEX MATCH', value: 'x' }, false],
    [{ attribute: 'jobTitle', operator: 'IS NULL' }, true],
    // Patterns are .NET's: Unicode categories, and leading inline options, read as Entra reads them.
    [{ attribute: 'department', operator: 'REGEX MATCH', value: '^\\p{Lu}\\p{Ll}+$' }, true],
    [{ attribute: 'department', operator: 'REGEX MATCH', value: '(?i)^SALES$' }, true],
    [{ attribute: 'department', operator: 'REGEX MATCH', value: '^SALES$' }, false],
    [{ attribute: 'department', operator: 'NOT REGEX MATCH', value: '^\\P{Lu}' }, true],
    [{ attribute: 'employeeId', operator: 'REGEX MATCH', value: '^\\d\\-?\\d' }, true],
  ] as [ScopingClause, boolean][])('%o → %s', (clause, expected) => {
    expect(holds(clause)).toBe(expected);
  });

  it('a pattern with an option JavaScript cannot read is refused when the file loads, saying which', () => {
    expect(clauseProblem({ attribute: 'department', operator: 'REGEX MATCH', value: '(?x)^a b$' }, 'entra')).toMatchObject({ message: 'not a valid regular expression (the inline option (?x) has no equivalent here (only i, m and s are read))', value: true });
  });
});
