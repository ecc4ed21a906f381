// Entra's flowType AttributeAddOnly, from an exported synchronization schema (Graph's
// attributeMapping: "Only propagates changes if no current value exists at all"): the attribute goes
// out on create, a later change is not sent while the app holds a value (the user's line says so),
// and is sent once the app holds none. Against the reference server and SCIMMY.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/idp/directory.ts';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { runIdpCliWithStderr } from './cli-in-process.ts';
import { closeAfterEach, fixtureFolderCopies, usersByName, type Json } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/directories/contoso-entra-exported/', import.meta.url));
const closing = closeAfterEach();
const copy = fixtureFolderCopies(FIXTURE);
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;
const TITLE = 3;

function withTitleAddOnly(): string {
  const folder = copy();
  const file = join(folder, 'synchronization-schema.json');
  const schema = readJson(file);
  const title = schema.synchronizationRules[0].objectMappings[1].attributeMappings[TITLE];
  expect(title.targetAttributeName).toBe('title');
  title.flowType = 'AttributeAddOnly';
  writeFileSync(file, JSON.stringify(schema));
  return folder;
}

describe.each(REFERENCE_AND_SCIMMY)('a mapping with flowType AttributeAddOnly, against %s', (_name, start) => {
  it('is sent on create, not while the app holds a value, and again once it holds none', async () => {
    const app = closing(await start());
    const folder = withTitleAddOnly();
    const args = ['idp', 'sync', '--directory', join(folder, 'directory.json'), '--url', app.url, '--token', app.token, '--dialect', 'entra-compliant', '--state', join(folder, 'state.json'), '--out', join(folder, 'out'), '--no-html'];
    const setTitle = (title: string): void => {
      const users = readJson(join(folder, 'users.json'));
      users.value[0].jobTitle = title;
      writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
    };
    const megan = async (): Promise<Json> => (await usersByName(app.url, app.token)).get('megan.bowen@contoso.example')!;

    await runIdpCliWithStderr(args);
    expect((await megan()).title).toBe('Chief Executive Officer');

    setTitle('Chair');
    const held = await runIdpCliWithStderr(args);
    expect(held.out).toMatch(/· update user megan\.bowen@contoso\.example: .*nothing sent: title: the mapping's flowType is AttributeAddOnly \(Graph: "Only propagates changes if no current value exists at all"\), and the app holds a value \("Chief Executive Officer"\)/);
    expect((await megan()).title).toBe('Chief Executive Officer');

    // The app's value is removed (by hand, in the app); the next change goes out, as an Add.
    const id = (await megan()).id as string;
    const removed = await fetch(`${app.url}/Users/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: 'title' }] }) });
    expect(removed.status).toBeLessThan(300);
    setTitle('Chair of the Board');
    const sent = await runIdpCliWithStderr(args);
    expect(sent.out).toMatch(/✓ update user megan\.bowen@contoso\.example \(changed in the directory: title\)/);
    expect((await megan()).title).toBe('Chair of the Board');
  }, 30_000);
});

describe('what the schema says is read as it says', () => {
  it('AttributeAddOnly is read; ValueAddOnly (what a changed value does is not documented) is refused in one line', () => {
    const folder = withTitleAddOnly();
    expect(loadDirectory(join(folder, 'directory.json')).app.mappings.find((m) => m.target === 'title')).toMatchObject({ apply: 'when the app has no value' });
    const file = join(folder, 'synchronization-schema.json');
    const schema = readJson(file);
    schema.synchronizationRules[0].objectMappings[1].attributeMappings[TITLE].flowType = 'ValueAddOnly';
    writeFileSync(file, JSON.stringify(schema));
    expect(() => loadDirectory(join(folder, 'directory.json'))).toThrow(/synchronization-schema\.json#\/synchronizationRules\/0\/objectMappings\/1\/attributeMappings\/3\/flowType: flowType ValueAddOnly is not modelled by the mock IdP: Graph says .* but not whether a changed value \(a Replace\) flows/);
  });
  it('an Okta mapping cannot ask for it', () => {
    const folder = fileURLToPath(new URL('../../fixtures/directories/', import.meta.url));
    const doc = readJson(join(folder, 'fabrikam-okta.json'));
    doc.app.mappings[1].apply = 'when the app has no value';
    const dir = copy();
    writeFileSync(join(dir, 'okta.json'), JSON.stringify(doc));
    expect(() => loadDirectory(join(dir, 'okta.json'))).toThrow(/okta\.json#\/app\/mappings\/1\/apply: "when the app has no value" is Entra's flowType AttributeAddOnly; an Okta mapping is sent always, on create only, or never/);
  });
});
