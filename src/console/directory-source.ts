// The directory the console shows and edits. Edits are made one at a time on the file's own JSON,
// checked by the same loader every command uses (a bad edit is refused and nothing changes), then
// written back atomically (temp file + rename, so `idp sync --watch` and editors never see half a
// file) — or only kept in memory with --no-write. Edits made to the file by hand while the console
// runs are picked up; one that breaks the file is reported and the last good directory stays.
import { EventEmitter } from 'node:events';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DirectoryError, parseDirectory } from '../idp/directory.ts';
import { watchDirectoryFile } from '../idp/schedule.ts';
import type { Directory } from '../idp/types.ts';
import { applyEdit, type DirectoryEdit, type RawDirectory } from './directory-edits.ts';
import { ConsoleError } from './errors.ts';

export interface DirectoryChange {
  message: string;
  directory: Directory;
  /** Where the change came from: the console (an edit) or the file (changed on disk). */
  origin: 'edit' | 'file';
}

export interface DirectorySourceEvents {
  change: [DirectoryChange];
  /** The file on disk was changed into something that is not a valid directory. */
  problem: [string];
}

export interface DirectorySourceOptions {
  /** The path to read and write. */
  path: string;
  /** The directory as loaded from `path` (its `file` is the name shown in messages). */
  directory: Directory;
  /** Write edits back to the file (default); false keeps them in memory. */
  write: boolean;
}

/** How the file indents its JSON, so a written file differs from the original only where edited. */
function indentOf(text: string): string | number {
  const m = /^([ \t]+)"/m.exec(text);
  return m ? m[1]! : 2;
}

let tempCounter = 0;

/** What the export files the directory names look like on disk (size and time of each): a change to one is a change to the directory. */
function exportStamp(directory: Directory): string {
  return (directory.exportFiles ?? [])
    .map((file) => {
      try {
        const st = statSync(file);
        return `${file}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${file}:missing`;
      }
    })
    .join('|');
}

export class DirectorySource extends EventEmitter<DirectorySourceEvents> {
  readonly path: string;
  readonly write: boolean;
  private current: Directory;
  private raw: RawDirectory;
  private text: string;
  private indent: string | number;
  private queue: Promise<unknown> = Promise.resolve();
  private problemText: string | undefined;
  private exports: string;

  constructor(options: DirectorySourceOptions) {
    super();
    this.path = options.path;
    this.write = options.write;
    this.current = options.directory;
    this.exports = exportStamp(options.directory);
    this.text = readFileSync(options.path, 'utf8');
    this.raw = JSON.parse(this.text) as RawDirectory;
    this.indent = indentOf(this.text);
  }

  get directory(): Directory {
    return this.current;
  }

  /** The name of the file in messages (as given on the command line). */
  get file(): string {
    return this.current.file;
  }

  /** Why the file on disk is not used right now (a broken hand edit), if it is not. */
  get problem(): string | undefined {
    return this.problemText;
  }

  /** Applies one edit (after any still running); rejects with a ConsoleError and changes nothing when it cannot be made. */
  edit(edit: DirectoryEdit): Promise<DirectoryChange> {
    const run = this.queue.then(() => this.applyNow(edit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private applyNow(edit: DirectoryEdit): DirectoryChange {
    if (this.write) this.adoptDiskChanges(true);
    const next = structuredClone(this.raw);
    const message = applyEdit(next, edit);
    const text = `${JSON.stringify(next, null, this.indent)}\n`;
    let directory: Directory;
    try {
      directory = parseDirectory(text, this.current.file, this.path);
    } catch (error) {
      if (error instanceof DirectoryError) throw new ConsoleError(400, `refused: the directory would not be valid (${error.message}); nothing was changed`);
      throw error;
    }
    if (this.write) this.writeFile(text);
    this.raw = next;
    this.text = text;
    this.exports = exportStamp(directory);
    this.current = directory;
    this.problemText = undefined;
    const change: DirectoryChange = { message, directory, origin: 'edit' };
    this.emit('change', change);
    return change;
  }

  private writeFile(text: string): void {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.${tempCounter++}.tmp`);
    try {
      writeFileSync(tmp, text, 'utf8');
      renameSync(tmp, this.path);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw new ConsoleError(409, `cannot write ${this.current.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was changed`);
    }
  }

  /**
   * Reads the file; when someone changed it by hand, that version becomes the directory.
   * `strict`: a broken file refuses the edit about to be made (it would overwrite the hand edit).
   */
  private adoptDiskChanges(strict: boolean): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const message = `cannot read ${this.current.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      if (strict) throw new ConsoleError(409, `${message}; nothing was changed`);
      this.reportProblem(message);
      return;
    }
    const exports = exportStamp(this.current);
    if (text === this.text && exports === this.exports) {
      if (strict && this.problemText !== undefined) throw new ConsoleError(409, `the file on disk is not a valid directory (${this.problemText}): fix the file first, nothing was changed`);
      return;
    }
    let directory: Directory;
    let raw: RawDirectory;
    try {
      directory = parseDirectory(text, this.current.file, this.path);
      raw = JSON.parse(text) as RawDirectory;
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      this.text = text;
      this.exports = exports;
      this.reportProblem(error.message);
      if (strict) throw new ConsoleError(409, `the file on disk was changed and is not a valid directory now (${error.message}): fix the file first, nothing was changed`);
      return;
    }
    const what = text === this.text ? `an export ${this.current.file} names` : this.current.file;
    this.text = text;
    this.exports = exportStamp(directory);
    this.raw = raw;
    this.indent = indentOf(text);
    this.current = directory;
    this.problemText = undefined;
    this.emit('change', { message: `${what} changed on disk; the console uses the new version`, directory, origin: 'file' });
  }

  private reportProblem(message: string): void {
    this.problemText = message;
    this.emit('problem', message);
  }

  /** Follows hand edits of the file until the signal aborts (only when edits are written back). */
  watch(signal: AbortSignal): void {
    if (!this.write) return;
    watchDirectoryFile({
      file: this.path,
      files: this.current.exportFiles ?? [],
      signal,
      onChange: () => {
        this.queue = this.queue.then(() => this.adoptDiskChanges(false)).catch(() => undefined);
      },
    });
  }
}
