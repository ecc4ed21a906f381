// An Entra directory exported for one department names managers who are not in the file. The job
// loads it (it used to refuse the whole directory), provisions everyone in it, and says on the
// user's manager line why the reference is not written, once; on demand, the same in its step.
import { describe, expect, it } from 'vitest';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { ENTRA_FIXTURE, fixture, harness, user, usersByName } from './helpers.ts';

describe.each(REFERENCE_AND_SCIMMY)('an Entra manager outside the directory file, against %s', (_name, start) => {
  it('the user is provisioned, the manager line says the file has no such user, and the next cycle says nothing again', async () => {
    const app = await start();
    try {
      const doc = fixture(ENTRA_FIXTURE);
      user(doc, 'u-adele').manager = 'u-outside-export';
      const h = harness(app.url, app.token, 'entra');
      const first = await h.cycle(doc);
      expect((await usersByName(app.url, app.token)).has('adele.vance@contoso.example')).toBe(true);
      const line = first.result.results.find((r) => r.objectType === 'manager' && r.id === 'u-adele');
      expect(line?.outcome).toBe('skipped');
      expect(line?.reason).toBe('manager "u-outside-export" is not in the directory file, so this job never provisions them and the reference is not written');
      const second = await h.cycle(doc);
      expect(second.result.results.filter((r) => r.objectType === 'manager' && r.id === 'u-adele')).toEqual([]);

      const pod = await harness(app.url, app.token, 'entra').onDemand(doc, 'adele.vance@contoso.example');
      expect(pod.result.steps!.find((s) => s.name === 'Perform action')!.reason).toMatch(/the manager "u-outside-export" \(no user in the directory file has that id\) is not provisioned/);
    } finally {
      await app.close();
    }
  });
});
