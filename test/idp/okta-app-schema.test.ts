// Okta's app user schema (GET /api/v1/meta/schemas/apps/{appId}/default) as the customer exports it
// (fixtures/directories/fabrikam-okta-exported/app-user-schema.json): its externalName and
// externalNamespace give the SCIM attribute of each app profile variable the profile mapping pushes,
// so a custom variable needs no app.oktaExternalNames. Synced by `idp sync --dialect okta` into the
// reference server and SCIMMY; then what the schema cannot say is one line at its own pointer.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DirectoryError, loadDirectory } from '../../src/idp/directory.ts';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { runIdpCliWithStderr } from './cli-in-process.ts';
import { closeAfterEach, ENT, fixtureFolderCopies, usersByName, type Json } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/directories/fabrikam-okta-exported/', import.meta.url));
const closing = closeAfterEach();
const copy = fixtureFolderCopies(FIXTURE);
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;
const writeJson = (file: string, value: unknown): void => writeFileSync(file, JSON.stringify(value));

/** A copy of the fixture whose mapping pushes department and employeeNumber, with the app user schema named. */
function withSchema(change: (mapping: Json, schema: Json, directory: Json) => void = () => {}): string {
  const folder = copy();
  const mapping = readJson(join(folder, 'profile-mapping.json'));
  const schema = readJson(join(folder, 'app-user-schema.json'));
  const directory = readJson(join(folder, 'directory.json'));
  mapping.properties.department = { expression: 'user.department', pushStatus: 'PUSH' };
  mapping.properties.employeeNumber = { expression: 'user.employeeNumber', pushStatus: 'DONT_PUSH' };
  directory.app.oktaAppUserSchema = './app-user-schema.json';
  change(mapping, schema, directory);
  writeJson(join(folder, 'profile-mapping.json'), mapping);
  writeJson(join(folder, 'app-user-schema.json'), schema);
  writeJson(join(folder, 'directory.json'), directory);
  return folder;
}

function refusal(folder: string): string {
  try {
    loadDirectory(join(folder, 'directory.json'));
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    // Paths as written into the message (the fixture copy's folder) are cut out, to compare the rest.
    return message.slice(message.search(/[\w-]+\.json#/)).split(`${folder}/`).join('');
  }
  throw new Error('the directory loaded');
}

describe.each(REFERENCE_AND_SCIMMY)('an exported Okta app user schema, against %s', (_name, start) => {
  it('gives the custom variables their SCIM attributes: no app.oktaExternalNames needed', async () => {
    const app = closing(await start());
    const folder = withSchema();
    const run = await runIdpCliWithStderr(['idp', 'sync', '--directory', join(folder, 'directory.json'), '--url', app.url, '--token', app.token, '--dialect', 'okta', '--state', join(folder, 'state.json'), '--out', join(folder, 'out'), '--no-html']);
    expect(run.code, run.out + run.err).toBe(0);
    const megan = (await usersByName(app.url, app.token)).get('megan.bowen@fabrikam.example')!;
    // department and employeeNumber: the enterprise extension, as the schema's externalNamespace says.
    expect(megan[ENT]).toMatchObject({ department: 'Executive', employeeNumber: 'F2000' });
    // The template's variables keep their attributes (email's external name is Okta's own notation).
    expect((megan.emails as Json[]).map((e) => e.value)).toEqual(['megan.bowen@fabrikam.example']);
    expect(megan).toMatchObject({ name: { givenName: 'Megan', familyName: 'Bowen' }, title: 'Chief Executive Officer', nickName: 'B-0001' });
  }, 30_000);
});

describe('what the app user schema cannot say is one line at its own place', () => {
  it('the targets it gives, the pushStatus kept, and app.oktaExternalNames still first', () => {
    const folder = withSchema();
    const loaded = loadDirectory(join(folder, 'directory.json'));
    expect(loaded.app.mappings.find((m) => m.source === 'department')).toMatchObject({ target: `${ENT}:department`, apply: 'always' });
    expect(loaded.app.mappings.find((m) => m.source === 'employeeNumber')).toMatchObject({ target: `${ENT}:employeeNumber`, apply: 'on create only' });
    expect(loaded.exportFiles).toContain(join(folder, 'app-user-schema.json'));
    const named = withSchema((_m, _s, d) => (d.app.oktaExternalNames = { department: `${ENT}:division` }));
    expect(loadDirectory(join(named, 'directory.json')).app.mappings.find((m) => m.source === 'department')).toMatchObject({ target: `${ENT}:division` });
  });

  it("an external name in Okta's own notation, for a variable outside the template", () => {
    const folder = withSchema((m, s) => {
      m.properties.workEmail = { expression: 'user.secondEmail', pushStatus: 'PUSH' };
      s.definitions.custom.properties.workEmail = { title: 'Work email', type: 'string', scope: 'NONE', externalName: 'emails.[3].value', externalNamespace: 'urn:ietf:params:scim:schemas:core:2.0:User' };
    });
    expect(refusal(folder)).toBe('profile-mapping.json#/properties/workEmail: app profile variable "workEmail": app-user-schema.json#/definitions/custom/properties/workEmail/externalName is "emails.[3].value", Okta\'s own notation for an entry of a multi-valued attribute, which Okta\'s API reference does not define: give its SCIM path in app.oktaExternalNames ({"workEmail": "<SCIM path>"})');
  });

  it('a mapped variable the schema does not declare: the two exports are of different apps', () => {
    const folder = withSchema((_m, s) => delete s.definitions.custom.properties.department);
    expect(refusal(folder)).toMatch(/^profile-mapping\.json#\/properties\/department: app profile variable "department" is not in app\.oktaAppUserSchema \(.*app-user-schema\.json: its definitions\.base and definitions\.custom properties\): the profile mapping and the app user schema are not of the same app$/);
  });

  it('a scope or master type the API reference does not list, an external namespace that is no URN, no schema at all', () => {
    expect(refusal(withSchema((_m, s) => (s.definitions.custom.properties.department.scope = 'GROUP')))).toBe('app-user-schema.json#/definitions/custom/properties/department/scope: unknown scope "GROUP" (Okta\'s Schemas API lists SELF and NONE)');
    expect(refusal(withSchema((_m, s) => (s.definitions.base.properties.title.master = { type: 'APP' })))).toBe('app-user-schema.json#/definitions/base/properties/title/master: unknown master type "APP" (Okta\'s Schemas API lists OKTA, PROFILE_MASTER and OVERRIDE)');
    expect(refusal(withSchema((_m, s) => (s.definitions.custom.properties.department.externalNamespace = 'enterprise')))).toBe('app-user-schema.json#/definitions/custom/properties/department/externalNamespace: "enterprise" is not a SCIM schema URN');
    expect(refusal(withSchema((_m, s) => delete s.definitions))).toBe('app-user-schema.json#: not an Okta app user schema: it has no definitions.base.properties or definitions.custom.properties (export it with GET /api/v1/meta/schemas/apps/{appId}/default)');
    expect(refusal(withSchema((_m, _s, d) => delete d.app.oktaProfileMapping))).toMatch(/^directory\.json#\/app\/oktaAppUserSchema: gives the SCIM attributes of app\.oktaProfileMapping's variables: give app\.oktaProfileMapping too$/);
  });
});
