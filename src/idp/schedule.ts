// `--watch`: a callback whenever the directory file (or an export file it names) changes,
// debounced (editors that save by rename are handled by watching the folder). The cycle schedule itself (interval, quarantine
// slow-down) is the engine's; this only notices edits.
import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface WatchOptions {
  file: string;
  /** Files the directory file names (its exports): a change to one is a change too. */
  files?: readonly string[];
  debounceMs?: number;
  signal: AbortSignal;
  onChange(): void;
}

/** Watches until the signal aborts. */
export function watchDirectoryFile(options: WatchOptions): void {
  // One watcher per folder, each for the names in it that matter.
  const folders = new Map<string, Set<string>>();
  for (const file of [options.file, ...(options.files ?? [])]) {
    const target = resolve(file);
    const names = folders.get(dirname(target)) ?? new Set<string>();
    names.add(basename(target));
    folders.set(dirname(target), names);
  }
  let debounce: NodeJS.Timeout | undefined;
  const watchers = [...folders].map(([folder, names]) =>
    watch(folder, { persistent: true }, (_event, name) => {
      if (name !== null && !names.has(name.toString())) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => options.onChange(), options.debounceMs ?? 150);
    }),
  );
  options.signal.addEventListener('abort', () => {
    clearTimeout(debounce);
    for (const watcher of watchers) watcher.close();
  });
}
