// What a user reads of a cycle keeps its shape while the engine's bookkeeping is made cheaper:
// the keys of each object's line in provisioning.jsonl and of each user in the state file, in
// their order, after an initial Entra cycle with managers and a group (real HTTP to the reference
// server). The ledger and the manager phase copy results and states without V8's rest pattern.
// The requests' keys changed on purpose in session 23: the curl line left the log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { IdpEngine } from '../../src/idp/engine.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';

let server: RunningServer;
let dir: string;

beforeAll(async () => {
  server = await startServer({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-record-shapes-'));
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const person = (i: number, manager?: number): Record<string, unknown> => ({
  id: `u${i}`,
  userPrincipalName: `shape${i}@contoso.example`,
  mail: `shape${i}@contoso.example`,
  mailNickname: `shape${i}`,
  displayName: `Shape ${i}`,
  givenName: `Given${i}`,
  surname: `Family${i}`,
  ...(manager !== undefined ? { manager: `u${manager}` } : {}),
});

describe('log lines and state after an initial cycle', () => {
  it('keep their keys in their order: created users, manager links, a group, the probe', async () => {
    const doc = { source: 'entra', users: [person(0), person(1, 0), person(2, 0)], groups: [{ id: 'g0', displayName: 'Shape Group', members: ['u0', 'u1'] }], app: { scope: 'all', provisionGroups: true } };
    const directory = parseDirectory(JSON.stringify(doc), 'shapes.json');
    const statePath = join(dir, 'state.json');
    const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'entra', directory, statePath, logDir: join(dir, 'log') });
    try {
      const result = await engine.runCycleNow('test');
      expect(result.status).toBe('ok');
    } finally {
      await engine.close();
    }
    const lines = readFileSync(join(dir, 'log', 'provisioning.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const objects = lines.filter((l) => l.type === 'object');
    const keysOf = (kind: string, action: string): string[][] => objects.filter((o) => o.objectType === kind && o.action === action).map((o) => Object.keys(o));
    expect(keysOf('job', 'test-connection')).toEqual([['type', 'cycle', 'objectType', 'id', 'display', 'action', 'reason', 'outcome', 'startedAt', 'finishedAt', 'requests']]);
    const created = ['type', 'cycle', 'objectType', 'id', 'display', 'action', 'outcome', 'reason', 'targetId', 'changes', 'startedAt', 'finishedAt', 'requests'];
    expect(keysOf('user', 'create')).toEqual([created, created, created]);
    const linked = ['type', 'cycle', 'objectType', 'id', 'display', 'action', 'outcome', 'reason', 'targetId', 'changes', 'startedAt', 'finishedAt', 'requests'];
    expect(keysOf('manager', 'set-manager')).toEqual([linked, linked]);
    const groups = objects.filter((o) => o.objectType === 'group').map((o) => [o.action, ...Object.keys(o)]);
    expect(groups).toEqual([
      ['create-group', 'type', 'cycle', 'objectType', 'id', 'display', 'action', 'outcome', 'reason', 'targetId', 'startedAt', 'finishedAt', 'requests'],
      ['update-members', 'type', 'cycle', 'objectType', 'id', 'display', 'targetId', 'action', 'outcome', 'reason', 'changes', 'startedAt', 'finishedAt', 'requests'],
    ]);
    // Each request as logged: no curl line since session 23 (readers rebuild it: curlOf), a body
    // when one was sent, and the answer. (test/idp/curl-lines.test.ts: the requests that keep theirs.)
    const requestKeys = (kind: string, action: string): string[][] => objects.filter((o) => o.objectType === kind && o.action === action).flatMap((o) => (o.requests as Record<string, unknown>[]).map((r) => [r.method as string, ...Object.keys(r)]));
    const read = ['GET', 'id', 'method', 'url', 'headers', 'status', 'response', 'startedAt', 'ms'];
    const write = (method: string): string[] => [method, 'id', 'method', 'url', 'headers', 'body', 'status', 'response', 'startedAt', 'ms'];
    expect(requestKeys('job', 'test-connection')).toEqual([read]);
    expect(requestKeys('user', 'create')).toEqual([read, write('POST'), read, write('POST'), read, write('POST')]);
    expect(requestKeys('manager', 'set-manager')).toEqual([write('PATCH'), write('PATCH')]);
    expect(requestKeys('group', 'create-group')).toEqual([read, write('POST')]);
    expect(requestKeys('group', 'update-members')).toEqual([write('PATCH')]);
    // The state file (written when the engine closed): a managed user's keys, the manager last.
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { users: Record<string, Record<string, unknown>> };
    expect(Object.keys(state.users.u0!)).toEqual(['targetId', 'active', 'values']);
    expect(Object.keys(state.users.u1!)).toEqual(['targetId', 'active', 'values', 'manager', 'managerTargetId']);
  });
});
