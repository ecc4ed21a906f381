// Vitest global set-up: every temporary file or folder the tests make (mkdtempSync(tmpdir()), the
// CLI's child processes, Chromium's profiles, the packed tarball's test project) goes under one
// folder of this run, removed when the run ends. Tests that forgot their own cleanup used to leave
// hundreds of folders in /tmp per run on a developer's machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set while this run's folder exists. */
const MADE = 'SCIMPROOF_TESTS_TMPDIR';

export default function setup(): () => void {
  // Every vitest project runs the global set-up (vitest.config.ts has two): the first makes the
  // folder and the others use it. Each making its own inside the last nested them, and Chromium
  // refused its socket path in the third ("Socket path too long").
  if (process.env[MADE]) return () => {};
  const root = mkdtempSync(join(tmpdir(), 'scimproof-tests-'));
  const previous = process.env.TMPDIR;
  // Read by os.tmpdir() in the test workers (forked after this) and by every process they start.
  process.env.TMPDIR = root;
  process.env[MADE] = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    delete process.env[MADE];
    rmSync(root, { recursive: true, force: true });
  };
}
