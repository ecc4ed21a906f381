// IIF(IsPresent([mobile]), [mobile], [telephoneNumber]): one mapping, two source attributes. A
// change to either updates the app when the mapped value changes (Entra compares the evaluated
// value with the app's); "Default value if null" goes out on create only; "only during object
// creation" never updates; and a second mapping of the same source attribute (mobile →
// phoneNumbers[type eq "mobile"].value) goes its own way without clashing. Real HTTP: the
// reference server and SCIMMY.
import { describe, expect, it } from 'vitest';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { body, closeAfterEach, harness, usersByName, type Json } from './helpers.ts';

const closing = closeAfterEach();

const WORK = 'phoneNumbers[type eq "work"].value';
const MOBILE = 'phoneNumbers[type eq "mobile"].value';
type People = Record<string, { mobile?: string; telephoneNumber?: string }>;
const doc = (people: People, apply: 'always' | 'on create only' = 'always'): Json => ({
  source: 'entra',
  users: Object.entries(people).map(([name, phones]) => ({ id: name, userPrincipalName: `${name}@contoso.example`, givenName: name, surname: 'Test', ...phones })),
  app: {
    scope: 'all',
    provisionGroups: false,
    mappings: [
      { source: 'userPrincipalName', target: 'userName', matching: true },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
      { expression: 'IIF(IsPresent([mobile]), [mobile], [telephoneNumber])', target: WORK, default: '+1 000', apply },
      { source: 'mobile', target: MOBILE },
    ],
  },
});

const phones = (u: Json | undefined): Record<string, string> => Object.fromEntries(((u?.phoneNumbers ?? []) as Json[]).map((p) => [p.type, p.value]));

const SERVERS = REFERENCE_AND_SCIMMY;

describe.each(SERVERS)('IIF over two source attributes, against %s', (_name, start) => {
  it('a change to either source updates when the value changes; the default only on create; the shared source apart', async () => {
    const server = closing(await start());
    const h = harness(server.url, server.token, 'entra-compliant');
    const people: People = {
      both: { mobile: '+1 111', telephoneNumber: '+1 222' },
      desk: { telephoneNumber: '+1 333' },
      cell: { mobile: '+1 444' },
      none: {},
    };
    const first = await h.cycle(doc(people));
    expect(first.result.counts.created).toBe(4);
    let users = await usersByName(server.url, server.token);
    expect(phones(users.get('both@contoso.example'))).toEqual({ work: '+1 111', mobile: '+1 111' });
    expect(phones(users.get('desk@contoso.example'))).toEqual({ work: '+1 333' });
    expect(phones(users.get('cell@contoso.example'))).toEqual({ work: '+1 444', mobile: '+1 444' });
    expect(phones(users.get('none@contoso.example'))).toEqual({ work: '+1 000' });

    // The second source changes under a present mobile: the mapped value is the same, nothing goes out.
    const second = await h.cycle(doc({ ...people, both: { mobile: '+1 111', telephoneNumber: '+1 999' } }));
    expect(second.exchanges.filter((x) => x.request.method === 'PATCH')).toEqual([]);

    // desk's telephone changes (the IIF's second source), both loses its mobile (the IIF falls back
    // to the telephone, and the mobile mapping's source is emptied: never sent as a null), none
    // gets a telephone (the default it was created with gives way). (A mobile added to a user the
    // app holds no mobile for is Entra's Add on phoneNumbers[type eq "mobile"].value, which SCIMMY
    // refuses with noTarget: the app's answer, not the mapping's.)
    const next: People = { both: { telephoneNumber: '+1 999' }, desk: { telephoneNumber: '+1 555' }, cell: { mobile: '+1 444' }, none: { telephoneNumber: '+1 666' } };
    const third = await h.cycle(doc(next));
    const patches = third.exchanges.filter((x) => x.request.method === 'PATCH').map((x) => body(x).Operations as Json[]);
    expect(patches).toHaveLength(3);
    // Each PATCH sends the work number; the emptied mobile is never sent (Entra sends no nulls).
    for (const ops of patches) expect(ops.map((o) => o.path)).toEqual([WORK]);
    users = await usersByName(server.url, server.token);
    expect(phones(users.get('both@contoso.example')).work).toBe('+1 999');
    expect(phones(users.get('desk@contoso.example'))).toEqual({ work: '+1 555' });
    expect(phones(users.get('none@contoso.example'))).toEqual({ work: '+1 666' });
    expect(phones(users.get('cell@contoso.example'))).toEqual({ work: '+1 444', mobile: '+1 444' });

    // Both sources emptied: the value is null; the default is not sent again (create only), nothing is.
    const fourth = await h.cycle(doc({ ...next, desk: {} }));
    expect(fourth.exchanges.filter((x) => x.request.method === 'PATCH')).toEqual([]);
  });

  it('"only during object creation": a change to either source sends nothing', async () => {
    const server = closing(await start());
    const h = harness(server.url, server.token, 'entra-compliant');
    await h.cycle(doc({ desk: { telephoneNumber: '+1 333' } }, 'on create only'));
    const out = await h.cycle(doc({ desk: { telephoneNumber: '+1 555' } }, 'on create only'));
    expect(out.exchanges.filter((x) => x.request.method !== 'GET')).toEqual([]);
    expect(phones((await usersByName(server.url, server.token)).get('desk@contoso.example'))).toEqual({ work: '+1 333' });
  });
});
