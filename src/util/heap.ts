// V8 lets the old generation grow to about four times what survived the last full collection
// before it collects again, when collecting looks cheap. For the mock IdP's largest cycles that
// is most of the footprint: a 100,000-user cycle holds about 110 MB but its heap reached 400 MB,
// and its RSS 500 MiB. Collecting at 1.5 × instead kept the peak RSS near 300 MiB at no CPU cost
// we could measure (the marking is incremental and concurrent). Set only by the CLI's
// long-running commands, never by the library: a host process owns its own heap.
import { setFlagsFromString } from 'node:v8';

/** The old generation grows by at most this share of what the last full collection kept. */
const HEAP_GROWING_PERCENT = 50;

let applied = false;

/** Keeps this process's heap close to what it really holds (V8's heap growing factor). */
export function keepHeapNearLiveSize(): void {
  if (applied) return;
  applied = true;
  // Read by V8 at every full collection, so it takes effect after start-up too.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
