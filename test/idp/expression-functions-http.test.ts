// Entra expressions as a customer writes them, over real HTTP: the values Microsoft's reference
// documents arrive at the app (the reference server and SCIMMY), and a mapping that cannot work is
// refused when the file loads, naming the mapping and the character, before any request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
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

  it('an unknown attribute is named with the character it starts at (a long expression reads many; the line said only which)', async () => {
    expect(await refusal('Join(" ", [givenName], [surnmae])')).toBe('#/app/mappings/1/expression: [surnmae]: unknown entra attribute "surnmae" (declare custom attributes in "attributes", or name a directory extension extension_<app id>_<name>) (at character 24)');
  });
});
