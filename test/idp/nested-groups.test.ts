// Nested groups, as Entra's directories have them: the file loads, the nested group's members are
// not assigned through the outer group (Entra: "Group-based assignment doesn't support nested
// groups") and say so, and the outer group is pushed with its direct members only. Over real HTTP.
import { afterEach, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { body, groupsByName, harness, type Json } from './helpers.ts';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const doc = (): Json => ({
  source: 'entra',
  users: [
    { id: 'u1', userPrincipalName: 'ann@contoso.example', givenName: 'Ann', surname: 'Lee' },
    { id: 'u2', userPrincipalName: 'bob@contoso.example', givenName: 'Bob', surname: 'Ray' },
  ],
  groups: [
    { id: 'g-outer', displayName: 'Engineering', members: ['u1', 'g-inner'] },
    { id: 'g-inner', displayName: 'Platform', members: ['u2'] },
  ],
  app: { assignments: { groups: ['g-outer'] } },
});

it('a nested group loads; its members are not assigned through the outer group, and the outer group is pushed with its direct members', async () => {
  server = await startServer({ port: 0 });
  const h = harness(server.url, server.token, 'entra');
  const { result, exchanges } = await h.cycle(doc());
  expect(result.results.find((r) => r.id === 'u1')).toMatchObject({ action: 'create', outcome: 'success' });
  expect(result.results.find((r) => r.id === 'u2')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('only a member of Platform, which is nested in the assigned group Engineering: Entra does not assign through nested groups') });
  const memberAdds = exchanges.filter((x) => x.request.method === 'PATCH' && x.request.url.includes('/Groups/')).map((x) => body(x).Operations);
  expect(memberAdds).toEqual([[{ op: 'Add', path: 'members', value: [{ $ref: null, value: h.state.user('u1')!.targetId }] }]]);
  const groups = await groupsByName(server.url, server.token);
  expect([...groups.keys()]).toEqual(['Engineering']);
});

it('a group listed as its own member, or a member id nothing has, is still refused with the pointer', () => {
  const self = doc();
  self.groups[1].members.push('g-inner');
  expect(() => parseDirectory(JSON.stringify(self), 'nested.json')).toThrow('nested.json#/groups/1/members/1: a group cannot be a member of itself');
  const unknown = doc();
  unknown.groups[0].members.push('g-missing');
  expect(() => parseDirectory(JSON.stringify(unknown), 'nested.json')).toThrow('nested.json#/groups/0/members/2: no user or group has id "g-missing"');
});
