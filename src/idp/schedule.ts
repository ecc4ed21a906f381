// The local development loop: run a cycle, then another whenever the directory file changes
// (`--watch`, debounced; editors that save by rename are handled by watching the folder) and/or on
// a schedule (`--interval`). Cycles never overlap; a change during a cycle queues one more cycle.
// Stopping lets the running cycle finish, as Entra does (ENTRA-3).
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface LoopOptions {
  file: string;
  watch: boolean;
  /** Seconds between cycles; absent: only on change. */
  intervalSeconds?: number;
  debounceMs?: number;
  signal: AbortSignal;
  /** Runs one cycle; `trigger` says what started it. */
  cycle(trigger: 'start' | 'change' | 'interval'): Promise<void>;
}

export async function runLoop(options: LoopOptions): Promise<void> {
  const { signal } = options;
  const debounceMs = options.debounceMs ?? 150;
  const target = resolve(options.file);
  let pending: 'change' | 'interval' | undefined;
  let wake: (() => void) | undefined;
  const poke = (why: 'change' | 'interval'): void => {
    pending = pending === 'change' ? 'change' : why;
    wake?.();
  };

  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  if (options.watch) {
    watcher = watch(dirname(target), { persistent: true }, (_event, name) => {
      if (name !== null && name.toString() !== basename(target)) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => poke('change'), debounceMs);
    });
  }
  const interval = options.intervalSeconds ? setInterval(() => poke('interval'), options.intervalSeconds * 1000) : undefined;
  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    await options.cycle('start');
    while (!signal.aborted && (watcher || interval)) {
      if (!pending) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      if (signal.aborted) break;
      const trigger = pending;
      pending = undefined;
      if (trigger) await options.cycle(trigger);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    watcher?.close();
    clearTimeout(debounce);
    if (interval) clearInterval(interval);
  }
}
