// A target object action (Entra) or To App feature (Okta) turned off leaves a user as it is, and the
// line that says so is said once: the next cycle, with nothing changed, has nothing new to say (Entra's
// incremental cycles process only changed objects; Okta says nothing). Found by the property test
// (test/idp/property-convergence.test.ts) once it generated app.actions.
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
import { closeAfterEach, ENTRA_FIXTURE, fixture, harness, OKTA_FIXTURE, user, type Json } from './helpers.ts';

const track = closeAfterEach();

const userLines = (results: readonly { objectType: string }[]) => results.filter((r) => r.objectType === 'user');

describe('an action turned off is said once, not every cycle', () => {
  it('Entra, create off: each user and group not created is said in the first cycle only, and again once it changes', async () => {
    const server = track(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    doc.app.actions = { create: false };
    const first = await h.cycle(doc);
    expect(userLines(first.result.results).filter((r) => (r as Json).reason === "create is turned off in the app's actions").length).toBeGreaterThan(0);
    expect(first.result.results.filter((r) => r.objectType === 'group' && r.reason === "create is turned off in the app's actions").length).toBeGreaterThan(0);
    const again = await h.cycle(doc);
    expect(userLines(again.result.results)).toEqual([]);
    expect(again.result.results.filter((r) => r.objectType === 'group').map((r) => `${r.display}: ${r.reason}`)).toEqual([]);
    expect(again.exchanges.filter((x) => x.request.method === 'POST')).toEqual([]);
    user(doc, 'u-megan').department = 'Finance';
    const changed = await h.cycle(doc);
    expect(userLines(changed.result.results).map((r) => (r as Json).id)).toEqual(['u-megan']);
  });

  it('Entra, update off: a change not sent is said once', async () => {
    const server = track(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    await h.cycle(doc);
    doc.app.actions = { update: false };
    user(doc, 'u-megan').department = 'Finance';
    const first = await h.cycle(doc);
    expect(userLines(first.result.results)).toMatchObject([{ id: 'u-megan', outcome: 'skipped', reason: "update is turned off in the app's actions" }]);
    const again = await h.cycle(doc);
    expect(userLines(again.result.results)).toEqual([]);
    expect(again.exchanges.filter((x) => x.request.method !== 'GET')).toEqual([]);
  });

  it('Okta, "Deactivate Users" off: a deactivation not sent is said once', async () => {
    const server = track(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const lee = (doc.users as Json[]).find((u) => String(u.login).startsWith('lee.gu'))!;
    lee.status = 'DEPROVISIONED';
    doc.app.actions = { disable: false };
    const first = await h.cycle(doc);
    expect(userLines(first.result.results)).toMatchObject([{ id: lee.id, outcome: 'skipped' }]);
    const again = await h.cycle(doc);
    expect(userLines(again.result.results)).toEqual([]);
  });
});

describe('Entra, update turned off', () => {
  it('a manager provisioned after the user is not written to it later (that is an update)', async () => {
    const server = track(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    doc.app.actions = { update: false };
    const behaviour = { relinkReferences: 'at-once' as const };
    user(doc, 'u-lynne').manager = 'u-johanna'; // Johanna is out of scope (the department filter)
    await h.cycle(doc, { behaviour });
    user(doc, 'u-johanna').department = 'Engineering';
    const later = await h.cycle(doc, { behaviour });
    expect(later.exchanges.filter((x) => x.request.method === 'POST' && x.request.url.endsWith('/Users'))).toHaveLength(1);
    expect(later.exchanges.filter((x) => x.request.method === 'PATCH' && x.request.url.endsWith(`/Users/${h.state.user('u-lynne')!.targetId}`))).toEqual([]);
  });
});
