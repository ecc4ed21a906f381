// Entra expressions as a customer writes them, over real HTTP: the values Microsoft's reference
// documents arrive at the app (the reference server and SCIMMY), and a mapping that cannot work is
// refused when the file loads, naming the mapping and the character, before any request.
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
import { harness, usersByName, closeAfterEach, type Json } from './helpers.ts';

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
