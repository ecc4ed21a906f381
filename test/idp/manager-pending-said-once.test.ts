// Entra with references linked at once (relink at-once): a user whose manager is not provisioned
// gets one line saying so, not one every cycle, and the link is written as soon as the manager
// exists. Found by the property test (test/idp/property-convergence.test.ts, its "said once" invariant).
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
import { closeAfterEach, ENTRA_FIXTURE, fixture, harness, user } from './helpers.ts';

const track = closeAfterEach();

describe('a manager reference still waiting for its manager (relink at-once)', () => {
  it('is said once, and written once the manager is provisioned', async () => {
    const server = track(await startServer({ port: 0 }));
    const h = harness(server.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    const behaviour = { relinkReferences: 'at-once' as const };
    user(doc, 'u-lynne').manager = 'u-johanna'; // Johanna is out of scope (the department filter)
    const first = await h.cycle(doc, { behaviour });
    expect(first.result.results.filter((r) => r.objectType === 'manager' && r.id === 'u-lynne')).toMatchObject([{ outcome: 'skipped', reason: expect.stringMatching(/johanna.*not provisioned.*once the manager exists/) }]);
    const again = await h.cycle(doc, { behaviour });
    expect(again.result.results.filter((r) => r.objectType === 'manager')).toEqual([]);
    user(doc, 'u-johanna').department = 'Engineering';
    const linked = await h.cycle(doc, { behaviour });
    expect(linked.result.results.find((r) => r.id === 'u-lynne' && r.objectType === 'manager')).toMatchObject({ action: 'set-manager', outcome: 'success' });
  });
});
