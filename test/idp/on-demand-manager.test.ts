// Provision on demand and the manager reference, for a user the app already holds: the step says
// when the manager cannot be linked (never "the app already holds the mapped values"), and the
// app's own manager value, not an empty cache, decides whether a PATCH is needed.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { ENT, ENTRA_FIXTURE, fixture, harness, user, usersByName } from './helpers.ts';

let server: RunningServer;
beforeEach(async () => {
  server = await startServer({ port: 0 });
});
afterEach(async () => {
  await server.close();
});

const MANAGER = `${ENT}:manager`;

it('a manager this job has not provisioned is reported as not written, and the app keeps its old manager', async () => {
  const doc = fixture(ENTRA_FIXTURE);
  await harness(server.url, server.token, 'entra').cycle(doc); // the app holds everyone; Adele's manager is Megan
  const before = (await usersByName(server.url, server.token)).get('adele.vance@contoso.example')!;

  // A new job (no cache) provisions Adele on demand after her manager became Isaiah.
  user(doc, 'u-adele').manager = 'u-isaiah';
  const pod = await harness(server.url, server.token, 'entra').onDemand(doc, 'adele.vance@contoso.example');
  const action = pod.result.steps!.find((s) => s.name === 'Perform action')!;
  expect(action.reason).not.toMatch(/already holds/);
  expect(action.reason).toMatch(/manager isaiah\.langer@contoso\.example is not provisioned/);
  expect(pod.result.changes).toContainEqual(expect.objectContaining({ path: MANAGER, old: before[ENT].manager.value, sent: false }));
  expect(pod.all.filter((x) => x.request.method === 'PATCH')).toHaveLength(0);
});

it('a manager the app already holds is not written again, and old → new is not invented', async () => {
  const doc = fixture(ENTRA_FIXTURE);
  await harness(server.url, server.token, 'entra').cycle(doc);
  const fresh = harness(server.url, server.token, 'entra');
  await fresh.onDemand(doc, 'adele.vance@contoso.example'); // the manager's link is cached by this job
  const pod = await fresh.onDemand(doc, 'alex.wilber@contoso.example'); // the app already has Adele as Alex's manager
  expect(pod.all.filter((x) => x.request.method === 'PATCH')).toHaveLength(0);
  expect(pod.result.changes ?? []).not.toContainEqual(expect.objectContaining({ path: MANAGER }));
  expect(pod.result.steps!.find((s) => s.name === 'Perform action')!.reason).toMatch(/already holds the mapped values/);
});
