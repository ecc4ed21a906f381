// `--watch`: a callback whenever the directory file changes, debounced (editors that save by
// rename are handled by watching the folder). The cycle schedule itself (interval, quarantine
// slow-down) is the engine's; this only notices edits.
import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface WatchOptions {
  file: string;
  debounceMs?: number;
  signal: AbortSignal;
  onChange(): void;
}

/** Watches until the signal aborts. */
export function watchDirectoryFile(options: WatchOptions): void {
  const target = resolve(options.file);
  let debounce: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(target), { persistent: true }, (_event, name) => {
    if (name !== null && name.toString() !== basename(target)) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => options.onChange(), options.debounceMs ?? 150);
  });
  options.signal.addEventListener('abort', () => {
    clearTimeout(debounce);
    watcher.close();
  });
}
