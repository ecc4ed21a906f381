// A user export as a customer saves it when the list is long or the envelope is dropped: Microsoft
// Graph's `value` list alone (what a script that pages GET /users keeps), and Graph's or Okta's answer
// saved page by page, `users` listing the files in order. Each loads as the one-file export does,
// a page that still links to a page not given is one warning line, and a list that mixes exports
// (or the directory's own users split into files) is refused in one line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DirectoryError, loadDirectory } from '../../src/idp/directory.ts';
import { startServer } from '../../src/server/index.ts';
import { runIdpCliWithStderr } from './cli-in-process.ts';
import { closeAfterEach, fixtureFolderCopies, usersByName, type Json } from './helpers.ts';

const ENTRA = fileURLToPath(new URL('../../fixtures/directories/contoso-entra-exported/', import.meta.url));
const OKTA = fileURLToPath(new URL('../../fixtures/directories/fabrikam-okta-exported/', import.meta.url));
const closing = closeAfterEach();
const entraCopy = fixtureFolderCopies(ENTRA);
const oktaCopy = fixtureFolderCopies(OKTA);

const read = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;
const write = (file: string, value: unknown): void => writeFileSync(file, JSON.stringify(value));
const setUsers = (folder: string, users: unknown): void => {
  const doc = read(join(folder, 'directory.json'));
  doc.users = users;
  write(join(folder, 'directory.json'), doc);
};
const ids = (folder: string): string[] => loadDirectory(join(folder, 'directory.json')).users.map((u) => u.id);
const refusal = (folder: string): string => {
  try {
    loadDirectory(join(folder, 'directory.json'));
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('the directory loaded');
};

describe('Graph users saved without their envelope, or page by page', () => {
  it('Graph\'s "value" list alone, inline or as a file, is read as Graph\'s answer', () => {
    const folder = entraCopy();
    const whole = ids(folder);
    expect(whole).toHaveLength(5);
    const value = read(join(folder, 'users.json')).value as Json[];
    write(join(folder, 'value.json'), value);
    setUsers(folder, './value.json');
    expect(ids(folder)).toEqual(whole);
    setUsers(folder, value);
    const inline = loadDirectory(join(folder, 'directory.json'));
    expect(inline.users.map((u) => u.id)).toEqual(whole);
    // Read as Graph's: businessPhones is telephoneNumber, and the left-out user names its place in the list.
    expect(inline.users[0]).toMatchObject({ telephoneNumber: '+1 425 555 0100', mobile: '+1 425 555 0110' });
    expect(inline.warnings).toContain(`${join(folder, 'directory.json')}#/users/5: user left out: no "userPrincipalName" (id 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b06): Entra provisions users by their sign-in name`);
  });

  it('two pages listed in order load as one list; only a last page that links on is said, in one line', async () => {
    const folder = entraCopy();
    const doc = read(join(folder, 'users.json'));
    const value = doc.value as Json[];
    const next = 'https://graph.microsoft.com/v1.0/users?$skiptoken=RFNwdAIAAQAAAD8';
    write(join(folder, 'page-1.json'), { '@odata.context': doc['@odata.context'], '@odata.nextLink': next, value: value.slice(0, 3) });
    write(join(folder, 'page-2.json'), value.slice(3));
    setUsers(folder, ['./page-1.json', './page-2.json']);
    const loaded = loadDirectory(join(folder, 'directory.json'));
    expect(loaded.users).toHaveLength(5);
    expect(loaded.exportFiles).toEqual(expect.arrayContaining([join(folder, 'page-1.json'), join(folder, 'page-2.json')]));
    expect(loaded.warnings!.filter((w) => w.includes('nextLink'))).toEqual([]);
    // A user left out names its own page; what no mapping reads is one line for both pages.
    expect(loaded.warnings).toContain(`${join(folder, 'page-2.json')}#/2: user left out: no "userPrincipalName" (id 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b06): Entra provisions users by their sign-in name`);
    expect(loaded.warnings!.filter((w) => w.includes('Graph properties'))).toEqual([`${join(folder, 'page-1.json')} (and 1 more page): Graph properties that are not Entra provisioning source attributes, left out: officeLocation (1 user), createdDateTime (5 users)`]);

    // The pages sync as the one-file export does.
    const server = closing(await startServer({ port: 0 }));
    const run = await runIdpCliWithStderr(['idp', 'sync', '--directory', join(folder, 'directory.json'), '--url', server.url, '--token', server.token, '--dialect', 'entra', '--state', join(folder, 'state.json'), '--out', join(folder, 'out'), '--no-html']);
    expect(run.code, run.out + run.err).toBe(0);
    expect([...(await usersByName(server.url, server.token)).keys()].sort()).toEqual(['adele.vance@contoso.example', 'alex.wilber@contoso.example', 'megan.bowen@contoso.example']);

    // A last page that still links on: users on later pages are not given.
    write(join(folder, 'page-2.json'), { '@odata.nextLink': `${next}2`, value: value.slice(3) });
    const cut = loadDirectory(join(folder, 'directory.json'));
    expect(cut.users).toHaveLength(5);
    expect(cut.warnings!.filter((w) => w.includes('nextLink'))).toEqual([`${join(folder, 'page-2.json')}#/@odata.nextLink: the export is 2 pages of Graph's list, and this page links to another: users on later pages are not in the files (follow @odata.nextLink and save each page; list the files in "users", in order)`]);
  });

  it('a list that mixes exports, the directory\'s own users in files, or a page that is no list, is refused in one line', () => {
    const folder = entraCopy();
    const value = read(join(folder, 'users.json')).value as Json[];
    write(join(folder, 'okta.json'), read(join(OKTA, 'users.json')));
    write(join(folder, 'own.json'), [{ id: 'u1', userPrincipalName: 'own@contoso.example' }]);
    write(join(folder, 'value.json'), value);
    write(join(folder, 'odd.json'), { users: [] });
    setUsers(folder, ['./value.json', './okta.json']);
    expect(refusal(folder)).toMatch(/directory\.json#\/users\/1: this page is Okta's but "\.\/value\.json" is Microsoft Graph's: the files listed in "users" are the pages of one export$/);
    setUsers(folder, ['./own.json', './own.json']);
    expect(refusal(folder)).toMatch(/directory\.json#\/users: a list of files is read as the pages of Microsoft Graph's or Okta's user export; the directory's own users go in one list \(or one file\)$/);
    setUsers(folder, ['./value.json', './odd.json']);
    expect(refusal(folder)).toMatch(/odd\.json#: not a list of users: .*an export saved in pages is a list of its file names$/);
    setUsers(folder, ['./value.json', './missing.json']);
    expect(refusal(folder)).toMatch(/directory\.json#\/users\/1: cannot read "\.\/missing\.json" \(ENOENT/);
  });
});

describe("an Okta directory's own users with Graph's property names", () => {
  it('are the directory\'s own (mobilePhone is an Okta attribute too)', () => {
    const folder = oktaCopy();
    setUsers(folder, [{ id: 'u1', login: 'a@fabrikam.example', mobilePhone: '+1 425 555 0100' }]);
    const doc = read(join(folder, 'directory.json'));
    doc.groups = [];
    doc.app.assignments = { users: ['u1'] };
    doc.app.pushGroups = [];
    doc.attributes = ['badge'];
    write(join(folder, 'directory.json'), doc);
    expect(loadDirectory(join(folder, 'directory.json')).users).toEqual([{ id: 'u1', login: 'a@fabrikam.example', mobilePhone: '+1 425 555 0100' }]);
  });
});

describe('Okta users saved page by page', () => {
  it('the pages of GET /api/v1/users listed in order load as one list', () => {
    const folder = oktaCopy();
    const whole = ids(folder);
    const list = read(join(folder, 'users.json')) as unknown as Json[];
    write(join(folder, 'page-1.json'), list.slice(0, 4));
    write(join(folder, 'page-2.json'), list.slice(4));
    setUsers(folder, ['./page-1.json', './page-2.json']);
    expect(ids(folder)).toEqual(whole);
  });
});
