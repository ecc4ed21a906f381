// Directory edits on the file's own JSON: each says what it did, refuses what cannot be done with
// the status the admin API answers, and leaves a file the directory loader accepts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectorySource } from '../../src/console/directory-source.ts';
import { loadDirectory, parseDirectory } from '../../src/idp/directory.ts';
import { applyEdit, type RawDirectory } from '../../src/console/directory-edits.ts';
import { ConsoleError } from '../../src/console/errors.ts';
import { ENTRA_FIXTURE, fixture, OKTA_FIXTURE } from '../idp/helpers.ts';

const entra = (): RawDirectory => fixture(ENTRA_FIXTURE) as RawDirectory;
const valid = (doc: RawDirectory): void => void parseDirectory(JSON.stringify(doc), 'edited.json');
const refused = (doc: RawDirectory, edit: Parameters<typeof applyEdit>[1]): { status: number; message: string } => {
  try {
    applyEdit(doc, edit);
  } catch (error) {
    if (error instanceof ConsoleError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('the edit was made');
};

describe('directory edits', () => {
  it('deleting a user removes it from groups and assignments and clears the manager of its reports', () => {
    const doc = entra();
    expect(applyEdit(doc, { op: 'delete-user', user: 'u-megan' })).toBe(
      'deleted megan.bowen@contoso.example from the directory (a hard delete); removed from Leadership, All Staff; adele.vance@contoso.example, isaiah.langer@contoso.example, patti.fernandez@contoso.example, prince@contoso.example no longer have a manager',
    );
    expect(doc.users!.some((u) => u.id === 'u-megan')).toBe(false);
    expect(doc.users!.find((u) => u.id === 'u-adele')!.manager).toBeUndefined();
    valid(doc);
  });

  it('assigns and unassigns groups; an app section is created when the file has none', () => {
    const doc = entra();
    expect(applyEdit(doc, { op: 'assign-group', group: 'g-all-staff' })).toBe('assigned the group All Staff (12 member(s)) to the app');
    expect(refused(doc, { op: 'assign-group', group: 'g-all-staff' })).toEqual({ status: 409, message: 'the group All Staff is already assigned to the app' });
    expect(applyEdit(doc, { op: 'unassign-group', group: 'g-sales' })).toBe('unassigned the group Sales');
    valid(doc);
    const bare: RawDirectory = { source: 'entra', users: [{ id: 'u-1', userPrincipalName: 'one@example.com' }] };
    applyEdit(bare, { op: 'assign-user', user: 'u-1' });
    expect(bare.app).toEqual({ assignments: { users: ['u-1'] } });
    valid(bare);
  });

  it('users from a service\'s export are not edited: the edit would not mean what the page says', () => {
    const okta: RawDirectory = { source: 'okta', users: [{ id: '00u1', status: 'ACTIVE', profile: { login: 'one@example.com' } }] as unknown as RawDirectory['users'] };
    expect(refused(okta, { op: 'disable-user', user: '00u1' })).toEqual({ status: 400, message: "the users are Okta's export: the console edits users written in the directory file's own form; change the export instead (nothing was changed)" });
    expect((okta.users![0] as Record<string, unknown>).status).toBe('ACTIVE');
    const graph = { source: 'entra', users: { value: [{ id: 'a1', userPrincipalName: 'one@example.com' }] } } as unknown as RawDirectory;
    expect(refused(graph, { op: 'set-attributes', user: 'a1', attributes: { jobTitle: 'X' } }).message).toMatch(/^the users are Microsoft Graph's export: /);
    const file = { source: 'entra', users: './users.json' } as unknown as RawDirectory;
    expect(refused(file, { op: 'assign-user', user: 'a1' }).message).toMatch(/^the users are read from "\.\/users\.json": /);
  });

  it('Okta: disable is DEPROVISIONED, enable is ACTIVE; the manager lives in managerId', () => {
    const doc = fixture(OKTA_FIXTURE) as RawDirectory;
    const id = doc.users![1]!.id;
    const other = doc.users![0]!.id;
    expect(applyEdit(doc, { op: 'disable-user', user: id })).toMatch(/^disabled .* \(status DEPROVISIONED\)$/);
    expect(doc.users![1]!.status).toBe('DEPROVISIONED');
    applyEdit(doc, { op: 'enable-user', user: id });
    expect(doc.users![1]!.status).toBe('ACTIVE');
    applyEdit(doc, { op: 'set-manager', user: id, manager: other });
    expect(doc.users![1]!.managerId).toBe(other);
    valid(doc);
  });

  it('types attribute values as the directory does, and refuses what it cannot type', () => {
    const doc = entra();
    applyEdit(doc, { op: 'set-attributes', user: 'u-alex', attributes: { proxyAddresses: 'SMTP:alex@contoso.example, smtp:aw@contoso.example', accountEnabled: 'false', employeeId: 1002 as unknown as string } });
    expect(doc.users!.find((u) => u.id === 'u-alex')).toMatchObject({ proxyAddresses: ['SMTP:alex@contoso.example', 'smtp:aw@contoso.example'], accountEnabled: false, employeeId: '1002' });
    valid(doc);
    expect(refused(doc, { op: 'set-attributes', user: 'u-alex', attributes: { id: 'u-other' } }).status).toBe(400);
    expect(refused(doc, { op: 'set-attributes', user: 'u-alex', attributes: {} })).toEqual({ status: 400, message: 'no attribute to change' });
    expect(refused(doc, { op: 'set-attributes', user: 'u-alex', attributes: { jobTitle: { nested: true } as unknown as string } })).toEqual({ status: 400, message: 'jobTitle is a string, got {"nested":true}' });
  });

  it('member changes are made together or not at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimproof-edits-'));
    try {
      const file = join(dir, 'directory.json');
      writeFileSync(file, JSON.stringify(entra(), null, 2));
      const source = new DirectorySource({ path: file, directory: loadDirectory(file), write: true });
      const before = readFileSync(file, 'utf8');
      // Removing Isaiah would work, adding Lee cannot: neither happens.
      await expect(source.edit({ op: 'members', group: 'g-sales', remove: ['u-isaiah'], add: ['u-lee'] })).rejects.toThrow('lee.gu@contoso.example is already a member of Sales');
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(source.directory.groups.find((g) => g.id === 'g-sales')!.members).toContain('u-isaiah');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const doc = entra();
    expect(applyEdit(doc, { op: 'members', group: 'g-sales', add: ['u-alex', 'u-diego'] })).toBe('added alex.wilber@contoso.example, diego.siciliani@contoso.example to Sales');
    expect(refused(doc, { op: 'move-member', user: 'u-alex', from: 'g-sales', to: 'g-sales' })).toEqual({ status: 400, message: 'the groups to move between are the same' });
    expect(refused(doc, { op: 'members', group: 'g-nothing', add: ['u-alex'] })).toEqual({ status: 404, message: 'no group has id "g-nothing"' });
  });
});
