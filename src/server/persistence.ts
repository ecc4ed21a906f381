// `--data FILE`: the store is loaded from a JSON snapshot at start and written back atomically (temporary
// file + rename) shortly after every change and once more on close, so an interrupted server loses nothing
// it has acknowledged for longer than the debounce interval. A temporary file a crash left behind (killed
// between write and rename) is removed at the next start; a write that fails removes its own.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Store } from './store.ts';

export class DataFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFileError';
  }
}

const tempPrefix = (file: string): string => `.${basename(file)}.`;

/** Removes temporary snapshot files of `file` that a crashed server left behind. */
export function removeStaleTempFiles(file: string): string[] {
  const dir = dirname(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => {
    const pid = n.startsWith(tempPrefix(file)) ? /\.(\d+)\.\d+\.tmp$/.exec(n)?.[1] : undefined;
    return pid !== undefined && !alive(Number(pid));
  });
  for (const name of stale) {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Another process's file in use, or already gone: not ours to insist on.
    }
  }
  return stale;
}

/** Whether a process with this id runs (a server still writing its own temporary file). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Loads `file` into `store` when it exists. Returns false when there was no file yet. */
export function loadDataFile(store: Store, file: string): boolean {
  removeStaleTempFiles(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new DataFileError(`cannot read data file ${file}: ${(error as Error).message}`);
  }
  if (text.trim() === '') return false;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataFileError(`data file ${file} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    store.load(json);
  } catch (error) {
    throw new DataFileError(`data file ${file} is not a scimproof snapshot: ${(error as Error).message.split('\n')[0]}`);
  }
  return true;
}

export interface Persister {
  /** Writes now if anything changed since the last write. */
  flush(): Promise<void>;
  /** Stops listening and writes a final snapshot. */
  close(): Promise<void>;
}

export function persist(store: Store, file: string, debounceMs = 200, onError: (error: unknown) => void = () => {}): Persister {
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let counter = 0;

  const write = async () => {
    if (!dirty) return;
    dirty = false;
    const tmp = join(dirname(file), `${tempPrefix(file)}${process.pid}.${counter++}.tmp`);
    try {
      await writeFile(tmp, `${JSON.stringify(store.snapshot())}\n`, 'utf8');
      await rename(tmp, file);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing = writing.then(write).catch((error) => {
      dirty = true;
      onError(error);
    });
    return writing;
  };
  const unsubscribe = store.onChange(() => {
    dirty = true;
    if (!timer) {
      timer = setTimeout(() => void flush(), debounceMs);
      timer.unref();
    }
  });
  return {
    flush,
    close: async () => {
      unsubscribe();
      await flush();
    },
  };
}
