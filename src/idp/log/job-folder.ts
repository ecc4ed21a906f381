// Which folder a job's provisioning log goes to. The state is kept per job (directory file, dialect,
// URL); a log folder holds one job's cycles, numbered from the job's state. A second job writing
// into the same folder numbered its cycles from 1 in the same files and replaced the first job's
// cycle pages. The default folder belongs to the first job that writes there; another job's log goes
// to a folder of its own under it, named as its state file is. A folder named with --out that holds
// another job's log is refused, with one line.
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { logPaths } from './entries.ts';
import { LogFolderError } from './writer.ts';

export interface LogJob {
  dialect: string;
  /** The directory file (as the log names it). */
  directory: string;
  /** The SCIM base URL. */
  target: string;
}

/** The job whose cycles a log folder holds (its first cycle-start line), or undefined for a new folder. */
export function jobOfLogFolder(dir: string): LogJob | undefined {
  let fd: number;
  try {
    fd = openSync(logPaths(dir).jsonl, 'r');
  } catch {
    return undefined;
  }
  try {
    // The first line is the first cycle's start: a few hundred bytes.
    const buffer = Buffer.alloc(16_384);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const first = buffer.toString('utf8', 0, read).split('\n')[0]!;
    const entry = JSON.parse(first) as Partial<LogJob> & { type?: string };
    if (entry.type !== 'cycle-start' || typeof entry.dialect !== 'string' || typeof entry.directory !== 'string' || typeof entry.target !== 'string') return undefined;
    return { dialect: entry.dialect, directory: entry.directory, target: entry.target };
  } catch {
    // A log this cannot read is not claimed by anyone: it is written to as before.
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** One job, as the state file names it: the directory file's name (not where it was run from), dialect, URL. */
export const sameJob = (a: LogJob, b: LogJob): boolean => a.dialect === b.dialect && a.target === b.target && basename(a.directory) === basename(b.directory);

/** `fabrikam-okta.json, okta → https://…`: a job as one line names it. */
export const describeJob = (j: LogJob): string => `${basename(j.directory)}, ${j.dialect} → ${j.target}`;

/**
 * The log folder for `job`. `out` given: that folder, refused when another job's log is in it.
 * Else `defaultDir`, or, when another job's log is there, `defaultDir/<jobName>` with a note saying so.
 */
export function chooseLogFolder(job: LogJob, out: string | undefined, defaultDir: string, jobName: string): { dir: string; note?: string } {
  if (out !== undefined) {
    const owner = jobOfLogFolder(out);
    if (owner && !sameJob(owner, job)) {
      throw new LogFolderError(`${out} holds the provisioning log of another job (${describeJob(owner)}); this job (${describeJob(job)}) would number its cycles from 1 in the same files and replace its cycle pages: give it a log folder of its own with --out, or delete ${out}`);
    }
    return { dir: out };
  }
  const owner = jobOfLogFolder(defaultDir);
  if (!owner || sameJob(owner, job)) return { dir: defaultDir };
  const dir = join(defaultDir, jobName);
  return { dir, note: `${defaultDir} holds the log of another job (${describeJob(owner)}); this job's log goes to ${dir} (--out chooses the folder; \`idp log --out ${dir}\` reads it)` };
}

/** The other jobs' log folders under a default log folder (chooseLogFolder's subfolders), each with its job. */
export function jobFoldersUnder(dir: string): { dir: string; job: LogJob }[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const found: { dir: string; job: LogJob }[] = [];
  for (const name of names.sort()) {
    const sub = join(dir, name);
    if (!existsSync(logPaths(sub).jsonl)) continue;
    const job = jobOfLogFolder(sub);
    if (job) found.push({ dir: sub, job });
  }
  return found;
}
