// A customer's Entra tenant as it exports itself: the provisioning job's synchronization schema
// (GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/schema) as the mapping, and Microsoft
// Graph's GET /users answer as the users (fixtures/directories/contoso-entra-exported/). Synced by
// `idp sync` into the reference server and SCIMMY: what the schema maps arrives as mapped (flowType,
// defaultValue with no source, Constant, Function, matchingPriority, the scoping filter, the
// manager), and what the export holds that the IdP does not read is one line each. Then the lines a
// schema the mock IdP cannot follow gets: one, naming the schema's own JSON pointer.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { DirectorySource } from '../../src/console/directory-source.ts';
import { DirectoryError, loadDirectory } from '../../src/idp/directory.ts';
import { startServer } from '../../src/server/index.ts';
import { startCli } from '../support/cli.ts';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { runIdpCliWithStderr } from './cli-in-process.ts';
import { closeAfterEach, fixtureFolderCopies, ENT, until, usersByName, type Json } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/directories/contoso-entra-exported/', import.meta.url));
const closing = closeAfterEach();
const copy = fixtureFolderCopies(FIXTURE);

const sync = runIdpCliWithStderr;

describe.each(REFERENCE_AND_SCIMMY)('an exported Entra synchronization schema and Graph user list, against %s', (name, start) => {
  it('provisions what the schema maps, keeps the scoping filter, and says once what it left out', async () => {
    const app = closing(await start());
    const folder = copy();
    const args = ['idp', 'sync', '--directory', join(folder, 'directory.json'), '--url', app.url, '--token', app.token, '--dialect', 'entra', '--state', join(folder, 'state.json'), '--out', join(folder, 'out'), '--no-html'];
    const run = await sync(args);
    // SCIMMY refuses Entra's manager reference (a bare id string; scimmy-deviations.md): each says so.
    const failed = run.out.split('\n').filter((l) => l.startsWith('  ✗ '));
    expect(failed.length > 0, run.out + run.err).toBe(name === 'SCIMMY');
    expect(failed.every((l) => /^ {2}✗ set-manager manager of .*: HTTP 400 invalidValue: Complex attribute 'manager' expected complex value/.test(l)), run.out).toBe(true);
    expect(run.code, run.out + run.err).toBe(name === 'SCIMMY' ? 1 : 0);
    // What Graph's export holds that the IdP does not read: one line per user left out, one for the properties.
    expect(run.err).toContain('users.json#/value/5: user left out: no "userPrincipalName" (id 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b06)');
    expect(run.err).toMatch(/users\.json: Graph properties that are not Entra provisioning source attributes, left out: officeLocation \(1 user\), createdDateTime \(5 users\)\n/);
    // The scoping filter (NOT EQUALS) and accountEnabled keep two users out, each with its line.
    expect(run.out).toMatch(/· skip user johanna\.lorenz@contoso\.example: .*out of scope \(Employees only: department NOT EQUALS "Contractors" is false\)/);
    expect(run.out).toMatch(/· skip user grady\.archie@contoso\.example: .*accountEnabled is false/);

    const users = await usersByName(app.url, app.token);
    expect([...users.keys()].sort()).toEqual(['adele.vance@contoso.example', 'alex.wilber@contoso.example', 'megan.bowen@contoso.example']);
    const megan = users.get('megan.bowen@contoso.example')!;
    const phones = (megan.phoneNumbers as Json[]).map((p) => `${p.type}:${p.value}`).sort();
    // businessPhones → telephoneNumber, mobilePhone → mobile, as the schema maps them.
    expect(phones).toEqual(['mobile:+1 425 555 0110', 'work:+1 425 555 0100']);
    expect(megan[ENT]).toMatchObject({ employeeNumber: 'E1000', department: 'Executive', division: 'Corporate', costCenter: 'CC-100', organization: 'Contoso' });
    // A mapping with no source and a defaultValue goes out on create; a Function is evaluated.
    expect(megan.userType).toBe('Employee');
    expect(megan.name).toMatchObject({ formatted: 'Megan Bowen', givenName: 'Megan', familyName: 'Bowen' });
    expect(megan.externalId).toBe('megan.bowen');
    // Graph's expanded manager is the manager's id.
    if (name !== 'SCIMMY') expect(users.get('adele.vance@contoso.example')![ENT].manager.value).toBe(megan.id);
    // Several businessPhones: Graph lets one be set, the first.
    expect((users.get('alex.wilber@contoso.example')!.phoneNumbers as Json[]).map((p) => p.value)).toEqual(['+1 425 555 0102']);

    // The schema's ObjectAddOnly (employeeNumber) is sent on create only: a changed one is not sent.
    const exported = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8')) as Json;
    exported.value[0].employeeId = 'E9999';
    exported.value[0].jobTitle = 'Chair';
    writeFileSync(join(folder, 'users.json'), JSON.stringify(exported));
    const again = await sync(args);
    expect(again.out).toMatch(/✓ update user megan\.bowen@contoso\.example/);
    const after = (await usersByName(app.url, app.token)).get('megan.bowen@contoso.example')!;
    expect(after.title).toBe('Chair');
    expect(after[ENT].employeeNumber).toBe('E1000');
  }, 60_000);
});

describe('a synchronization schema the mock IdP cannot follow is one line at its own pointer', () => {
  const schemaFile = (): string => join(copy(), 'synchronization-schema.json');
  /** Changes the User object mapping (objectMappings/1) and loads the directory. */
  const load = (change: (user: Json, schema: Json) => void): string => {
    const file = schemaFile();
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Json;
    change(schema.synchronizationRules[0].objectMappings[1], schema);
    writeFileSync(file, JSON.stringify(schema));
    try {
      loadDirectory(join(dirname(file), 'directory.json'));
    } catch (error) {
      expect(error).toBeInstanceOf(DirectoryError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      return message.slice(message.indexOf('synchronization-schema.json'));
    }
    throw new Error('the directory loaded');
  };
  const USER = 'synchronization-schema.json#/synchronizationRules/0/objectMappings/1';

  it('an unknown function, as the expression parser refuses it', () => {
    expect(load((u) => (u.attributeMappings[3].source = { expression: 'Frobnicate([jobTitle])', name: 'Frobnicate', parameters: [], type: 'Function' }))).toMatch(new RegExp(`^${USER}/attributeMappings/3/source/expression: .*Frobnicate`));
  });
  it('an attribute Entra does not have, at the source name', () => {
    expect(load((u) => (u.attributeMappings[3].source.name = 'jobTitel'))).toMatch(new RegExp(`^${USER}/attributeMappings/3/source/name: unknown entra attribute "jobTitel"`));
  });
  it('flowType and flowBehavior the IdP does not model', () => {
    expect(load((u) => (u.attributeMappings[3].flowType = 'ValueAddOnly'))).toMatch(new RegExp(`^${USER}/attributeMappings/3/flowType: flowType ValueAddOnly is not modelled`));
    expect(load((u) => (u.attributeMappings[3].flowType = 'MultiValueAddOnly'))).toMatch(new RegExp(`^${USER}/attributeMappings/3/flowType: flowType MultiValueAddOnly is not modelled`));
    expect(load((u) => (u.attributeMappings[3].flowBehavior = 'FlowAlways'))).toMatch(new RegExp(`^${USER}/attributeMappings/3/flowBehavior: flowBehavior FlowAlways is not modelled`));
  });
  it('MultiValueAddOnly is read for AppRoleAssignmentsComplex (it only ever adds roles), and for nothing else', () => {
    const file = schemaFile();
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Json;
    schema.synchronizationRules[0].objectMappings[1].attributeMappings.push({ flowType: 'MultiValueAddOnly', matchingPriority: 0, targetAttributeName: 'roles', source: { expression: 'AppRoleAssignmentsComplex([appRoleAssignments])', name: 'AppRoleAssignmentsComplex', parameters: [], type: 'Function' } });
    writeFileSync(file, JSON.stringify(schema));
    const roles = loadDirectory(join(dirname(file), 'directory.json')).app.mappings.find((m) => m.target === 'roles');
    expect(roles).toMatchObject({ expression: 'AppRoleAssignmentsComplex([appRoleAssignments])', apply: 'always' });
  });
  it('a scoping operator it does not know, or a clause with several values', () => {
    expect(load((u) => (u.scope.groups[0].clauses[0].operatorName = 'STARTS_WITH'))).toMatch(new RegExp(`^${USER}/scope/groups/0/clauses/0/operatorName: unknown scoping operator "STARTS_WITH"`));
    expect(load((u) => (u.scope.groups[0].clauses[0].targetOperand.values = ['A', 'B']))).toMatch(new RegExp(`^${USER}/scope/groups/0/clauses/0/targetOperand/values: 2 values`));
    expect(load((u) => (u.scope.groups[0].clauses[0].sourceOperandName = 'proxyAddresses'))).toMatch(new RegExp(`^${USER}/scope/groups/0/clauses/0/sourceOperandName: proxyAddresses is multi-valued`));
  });
  it('two matching attributes of one priority, the disabled user mapping, a group mapping the IdP does not send', () => {
    expect(load((u) => (u.attributeMappings[4].matchingPriority = 1))).toMatch(new RegExp(`^${USER}/attributeMappings/4/matchingPriority: precedence 1 is already used by /synchronizationRules/0/objectMappings/1/attributeMappings/0`));
    expect(load((u) => (u.enabled = false))).toMatch(new RegExp(`^${USER}/enabled: the User object mapping is disabled`));
    expect(load((_u, s) => (s.synchronizationRules[0].objectMappings[0].attributeMappings[1].source.name = 'mailNickname'))).toMatch(/^synchronization-schema\.json#\/synchronizationRules\/0\/objectMappings\/0\/attributeMappings\/1: group mapping "externalId" from \[mailNickname\] is not modelled/);
  });
  it('the flow types become the target object actions; a disabled group mapping provisions no groups', () => {
    const file = schemaFile();
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Json;
    schema.synchronizationRules[0].objectMappings[1].flowTypes = 'Add, Update';
    schema.synchronizationRules[0].objectMappings[0].enabled = false;
    writeFileSync(file, JSON.stringify(schema));
    const directory = loadDirectory(join(dirname(file), 'directory.json'));
    expect(directory.app.actions).toEqual({ create: true, update: true, disable: false, delete: false });
    expect(directory.app.provisionGroups).toBe(false);
  });
  it('a user the export lists twice: the same record is left out with a line; two different users of one id are refused at their places', () => {
    const folder = copy();
    const file = join(folder, 'users.json');
    const exported = JSON.parse(readFileSync(file, 'utf8')) as Json;
    exported.value.push(structuredClone(exported.value[0]));
    writeFileSync(file, JSON.stringify(exported));
    const loaded = loadDirectory(join(folder, 'directory.json'));
    expect(loaded.users).toHaveLength(5);
    expect(loaded.warnings).toContain(`${file}#/value/6: user left out: the same user as /value/0 again (id 3f8e2d1c-7a6b-4c5d-8e9f-0a1b2c3d4e01; pages that overlap?)`);
    exported.value[6].jobTitle = 'Someone else';
    writeFileSync(file, JSON.stringify(exported));
    expect(() => loadDirectory(join(folder, 'directory.json'))).toThrow(`${file}#/value/6/id: duplicate user id "3f8e2d1c-7a6b-4c5d-8e9f-0a1b2c3d4e01" (also /value/0)`);
  });

  it('the schema and the file\'s own mappings at once are refused; so is a schema that cannot be read', () => {
    const folder = copy();
    const doc = JSON.parse(readFileSync(join(folder, 'directory.json'), 'utf8')) as Json;
    doc.app.mappings = [{ source: 'userPrincipalName', target: 'userName' }];
    writeFileSync(join(folder, 'directory.json'), JSON.stringify(doc));
    expect(() => loadDirectory(join(folder, 'directory.json'))).toThrow(/directory\.json#\/app\/mappings: app\.synchronizationSchema holds this already/);
    delete doc.app.mappings;
    doc.app.synchronizationSchema = './missing.json';
    writeFileSync(join(folder, 'directory.json'), JSON.stringify(doc));
    expect(() => loadDirectory(join(folder, 'directory.json'))).toThrow(/directory\.json#\/app\/synchronizationSchema: cannot read "\.\/missing\.json" \(ENOENT/);
    doc.app.synchronizationSchema = { value: [] };
    writeFileSync(join(folder, 'directory.json'), JSON.stringify(doc));
    expect(() => loadDirectory(join(folder, 'directory.json'))).toThrow(/directory\.json#\/app\/synchronizationSchema: not an Entra synchronization schema/);
  });
});


describe('a change to an export file is a change to the directory', () => {
  it('idp sync --watch runs a cycle when the Graph export the directory names is saved', async () => {
    const server = closing(await startServer({ port: 0 }));
    const folder = copy();
    const running = startCli(['idp', 'sync', '--watch', '--directory', join(folder, 'directory.json'), '--url', server.url, '--token', server.token, '--state', join(folder, 'w.state.json'), '--out', join(folder, 'w-reports'), '--no-html', '--quiet']);
    // A test that times out never reaches its finally: the watching child is stopped when the test ends, however it ends.
    onTestFinished(() => {
      if (running.child.exitCode === null) running.child.kill('SIGKILL');
    });
    try {
      await until(running.child, () => running.stdout, /watching .* for changes/);
      const before = running.stdout.length;
      const exported = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8')) as Json;
      exported.value[0].jobTitle = 'Product Lead';
      writeFileSync(join(folder, 'users.json'), JSON.stringify(exported));
      await until(running.child, () => running.stdout.slice(before), /updated 1\b[\s\S]*watching .* for changes/);
      expect((await usersByName(server.url, server.token)).get('megan.bowen@contoso.example')!.title).toBe('Product Lead');
    } finally {
      running.child.kill('SIGINT');
      await running.done;
    }
  }, 60_000);

  it('the console adopts a saved export before its next edit, and says which file changed', async () => {
    const folder = copy();
    const file = join(folder, 'directory.json');
    const source = new DirectorySource({ path: file, directory: loadDirectory(file), write: true });
    const changes: string[] = [];
    source.on('change', (change) => changes.push(change.message));
    const exported = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8')) as Json;
    exported.value[0].jobTitle = 'Product Lead';
    writeFileSync(join(folder, 'users.json'), `${JSON.stringify(exported)}\n`);
    await source.edit({ op: 'unassign-group', group: '7b1c4a2e-0f36-4a8e-9b1e-6a3f0d1c2b02' });
    expect(source.directory.users.find((u) => u.id === '3f8e2d1c-7a6b-4c5d-8e9f-0a1b2c3d4e01')!.jobTitle).toBe('Product Lead');
    expect(changes[0]).toMatch(/^an export .*directory\.json names changed on disk; the console uses the new version$/);
    // The edit kept the export a file name: the directory file still names it.
    expect(JSON.parse(readFileSync(file, 'utf8')).users).toBe('./users.json');
  });
});
