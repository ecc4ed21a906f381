// `mkdir -p` that always ends. Node's recursive mkdir loops forever, at full CPU, where creating a
// folder fails with ENOENT although its parent exists (under /proc or /sys, where no folder can be
// made): it takes the ENOENT for a missing parent, finds the parent, and tries again. A user's
// `--out` or `--state` pointing there hung the run after it finished, with nothing printed. Here
// each missing level is made once, and an error is thrown as the file system gives it.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Creates `dir` and any missing parents; throws the file system's error (ENOENT, EACCES, ENOTDIR…). */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let path = resolve(dir); !isDirectory(path); path = dirname(path)) {
    missing.push(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Made meanwhile by another process (two shards writing into one folder) is fine; a file is not.
      if (!isDirectory(path)) throw Object.assign(new Error(`${path} is a file, not a folder`), { code: 'ENOTDIR', path });
    }
  }
}
