// Vitest global set-up: every temporary file or folder the tests make (mkdtempSync(tmpdir()), the
// CLI's child processes, Chromium's profiles, the packed tarball's test project) goes under one
// folder of this run, removed when the run ends. Tests that forgot their own cleanup used to leave
// hundreds of folders in /tmp per run on a developer's machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'scimproof-tests-'));
  const previous = process.env.TMPDIR;
  // Read by os.tmpdir() in the test workers (forked after this) and by every process they start.
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
