// A customer's Okta org as it exports itself: the app's profile mapping (GET /api/v1/mappings/
// {mappingId}, Okta user → app user) as the mapping, and Okta's GET /api/v1/users answer as the users
// (fixtures/directories/fabrikam-okta-exported/). Synced by `idp sync --dialect okta` into the
// reference server and SCIMMY: PUSH is kept in step, DONT_PUSH is sent on create only, a property with
// no expression is not mapped, a quoted expression is a constant, a custom profile attribute is read,
// Okta's status deactivates or holds; what the export holds that the IdP does not read is one line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DirectoryError, loadDirectory } from '../../src/idp/directory.ts';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { runIdpCliWithStderr } from './cli-in-process.ts';
import { closeAfterEach, fixtureFolderCopies, usersByName, type Json } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/directories/fabrikam-okta-exported/', import.meta.url));
const closing = closeAfterEach();
const copy = fixtureFolderCopies(FIXTURE);

const sync = runIdpCliWithStderr;

const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

describe.each(REFERENCE_AND_SCIMMY)('an exported Okta profile mapping and user list, against %s', (_name, start) => {
  it('provisions what the mapping pushes, with Okta\'s update modes, and says once what it left out', async () => {
    const app = closing(await start());
    const folder = copy();
    const args = ['idp', 'sync', '--directory', join(folder, 'directory.json'), '--url', app.url, '--token', app.token, '--dialect', 'okta', '--state', join(folder, 'state.json'), '--out', join(folder, 'out'), '--no-html'];
    const run = await sync(args);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.err).toContain('users.json#/6: user left out: no profile.login (id 00u1broken2record3)');
    expect(run.out).toMatch(/· skip user grady\.archie@fabrikam\.example: .*deactivated in Okta \(status DEPROVISIONED\)/);
    expect(run.out).toMatch(/patti\.fernandez@fabrikam\.example: .*suspended in Okta/);

    const users = await usersByName(app.url, app.token);
    expect([...users.keys()].sort()).toEqual(['adele.vance@fabrikam.example', 'alex.wilber@fabrikam.example', 'johanna.lorenz@fabrikam.example', 'megan.bowen@fabrikam.example']);
    const megan = users.get('megan.bowen@fabrikam.example')!;
    expect(megan).toMatchObject({ name: { givenName: 'Megan', familyName: 'Bowen' }, displayName: 'Megan Bowen', title: 'Chief Executive Officer', userType: 'Employee', nickName: 'B-0001', externalId: '00u1megan2bowen3x4' });
    expect((megan.emails as Json[]).map((e) => e.value)).toEqual(['megan.bowen@fabrikam.example']);
    expect((megan.phoneNumbers as Json[]).map((p) => `${p.type}:${p.value}`)).toEqual(['work:+1 425 555 0100']);
    // locale has no expression: not mapped; department is not in the mapping at all.
    expect(megan.locale).toBeUndefined();
    expect(megan['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']?.department).toBeUndefined();
    expect((users.get('alex.wilber@fabrikam.example')!.phoneNumbers as Json[]).map((p) => `${p.type}:${p.value}`)).toEqual(['mobile:+1 425 555 0112']);

    // PUSH (displayName) is kept in step; DONT_PUSH (title) was written on create only.
    const file = join(folder, 'users.json');
    const exported = readJson(file);
    exported[0].profile.displayName = 'Megan B.';
    exported[0].profile.title = 'Chair';
    writeFileSync(file, JSON.stringify(exported));
    const again = await sync(args);
    expect(again.code, again.out).toBe(0);
    const after = (await usersByName(app.url, app.token)).get('megan.bowen@fabrikam.example')!;
    expect(after.displayName).toBe('Megan B.');
    expect(after.title).toBe('Chief Executive Officer');
  }, 60_000);
});

describe('an Okta profile mapping the mock IdP cannot follow is one line at its own pointer', () => {
  const load = (change: (mapping: Json, directory: Json) => void): string => {
    const folder = copy();
    const mapping = readJson(join(folder, 'profile-mapping.json'));
    const directory = readJson(join(folder, 'directory.json'));
    change(mapping, directory);
    writeFileSync(join(folder, 'profile-mapping.json'), JSON.stringify(mapping));
    writeFileSync(join(folder, 'directory.json'), JSON.stringify(directory));
    try {
      loadDirectory(join(folder, 'directory.json'));
    } catch (error) {
      expect(error).toBeInstanceOf(DirectoryError);
      expect((error as Error).message).not.toContain('\n');
      return (error as Error).message.split(`${folder}/`).join('');
    }
    throw new Error('the directory loaded');
  };

  it('Okta Expression Language, an unknown profile attribute, a pushStatus it does not know', () => {
    expect(load((m) => (m.properties.title.expression = 'String.substringBefore(user.email, "@")'))).toMatch(/^profile-mapping\.json#\/properties\/title\/expression: "String\.substringBefore\(user\.email, "@"\)" is an Okta Expression Language expression/);
    expect(load((m) => (m.properties.title.expression = 'user.titel'))).toMatch(/^profile-mapping\.json#\/properties\/title\/expression: unknown okta attribute "titel"/);
    expect(load((m) => (m.properties.title.pushStatus = 'SOMETIMES'))).toMatch(/^profile-mapping\.json#\/properties\/title\/pushStatus: unknown pushStatus "SOMETIMES"/);
  });
  it('a variable named like an Object property is an unknown variable, said as one', () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      // defineProperty: an assignment to __proto__ would set the prototype, not a key JSON writes.
      expect(load((m) => Object.defineProperty(m.properties, name, { value: { expression: 'user.title', pushStatus: 'PUSH' }, enumerable: true }))).toMatch(new RegExp(`^profile-mapping\\.json#/properties/${name}: app profile variable "${name}" is not one whose SCIM attribute the mock IdP knows`));
    }
  });

  it('a variable whose SCIM attribute is unknown, unless the file names it', () => {
    expect(load((m) => (m.properties.department = { expression: 'user.department', pushStatus: 'PUSH' }))).toMatch(/^profile-mapping\.json#\/properties\/department: app profile variable "department" is not one whose SCIM attribute the mock IdP knows .*app\.oktaExternalNames/);
    const folder = copy();
    const mapping = readJson(join(folder, 'profile-mapping.json'));
    mapping.properties.department = { expression: 'user.department', pushStatus: 'PUSH' };
    writeFileSync(join(folder, 'profile-mapping.json'), JSON.stringify(mapping));
    const directory = readJson(join(folder, 'directory.json'));
    directory.app.oktaExternalNames = { department: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department' };
    writeFileSync(join(folder, 'directory.json'), JSON.stringify(directory));
    const loaded = loadDirectory(join(folder, 'directory.json'));
    expect(loaded.app.mappings.find((m) => m.source === 'department')).toMatchObject({ target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', apply: 'always' });
    // Okta's own pieces: userName from the Sign On settings' login, externalId the Okta id.
    expect(loaded.app.mappings.find((m) => m.target === 'userName')).toMatchObject({ source: 'login', matching: true });
    expect(loaded.app.mappings.find((m) => m.target === 'externalId')).toMatchObject({ source: 'id' });
    expect(loaded.app.mappings.find((m) => m.target === 'title')).toMatchObject({ apply: 'on create only' });
    expect(loaded.app.mappings.find((m) => m.target === 'locale')).toBeUndefined();
  });
  it("Okta's list is read as Okta's whatever its first entry is", () => {
    const folder = copy();
    const users = readJson(join(folder, 'users.json'));
    users.unshift({ id: '00u1broken', status: 'ACTIVE' });
    writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
    const loaded = loadDirectory(join(folder, 'directory.json'));
    expect(loaded.users).toHaveLength(6);
    expect(loaded.warnings).toContain(`${join(folder, 'users.json')}#/0: user left out: no "profile" (id 00u1broken)`);
  });

  it('the mapping to Okta (an import mapping), the wrong source, or the file\'s own mappings too', () => {
    expect(load((m) => (m.target.type = 'user'))).toMatch(/^profile-mapping\.json#\/target\/type: the mapping's target is "user"/);
    expect(load((_m, d) => (d.source = 'entra'))).toMatch(/^directory\.json#\/app\/oktaProfileMapping: an Okta profile mapping maps an Okta directory/);
    expect(load((_m, d) => (d.app.mappings = [{ source: 'login', target: 'userName' }]))).toMatch(/^directory\.json#\/app\/mappings: app\.oktaProfileMapping holds this already/);
  });
});
