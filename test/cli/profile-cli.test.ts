// The standards flags as a person types them: `run --profile interop` against the embedded server
// (which then meets the profile) prints the profile verdict; bad values are one-line usage errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { cli, tempDir } from '../support/cli.ts';

describe('standards on the command line', () => {
  it('run --profile interop: the embedded server meets the profile and the verdict says so', async () => {
    const out = tempDir();
    const r = await cli(['run', '--profile', 'interop', '--suite', 'core', '--only', 'interop.*,discovery.*', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Profile verdict:\n  ✓ SCIM 2.0 Interoperability Profile (draft-zollner-scim-interop-profile-01, 2026-04-15) — meets the profile');
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunRecord;
    expect(record.meta.profile).toBe('interop');
    expect(record.profileVerdict?.claim?.holds).toBe(true);
  }, 60_000);

  it('refuses two standard profiles, and bad serve values, in one line with exit 2', async () => {
    const cases = [['run', '--profile', 'interop,ipsie-al1'], ['serve', '--pagination', 'sideways']];
    const results = await Promise.all(cases.map((args) => cli(args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), cases[i]!.join(' ')).toHaveLength(1);
    });
  }, 60_000);
});
