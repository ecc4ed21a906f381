// The library API (src/index.ts) as a program calls it: what it does with options a vendor's code
// passes through from the environment.
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/index.ts';

describe('runConformance', () => {
  it('an explicit url that is undefined or empty (an unset variable) is a run error, never a run of the embedded server', async () => {
    // `url: process.env.SCIM_BASE_URL` with the variable unset ran the embedded reference server and passed.
    const unset: { SCIM_BASE_URL?: string } = {};
    for (const url of [unset.SCIM_BASE_URL, '', '  ']) {
      const record = await runConformance({ url, token: 'a-token', suites: ['core'], seed: 1 });
      expect(record.meta.runError).toMatch(/^the target URL is empty \(is the variable it comes from, e\.g\. SCIM_BASE_URL, set\?\); leave the URL out/);
      expect(record.meta.embedded).toBe(false);
      expect(record.exchanges).toEqual([]);
      expect(record.results).toEqual([]);
    }
  });
});
