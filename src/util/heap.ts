// V8 lets the old generation grow to about four times what survived the last full collection
// before it collects again, when collecting looks cheap. For the mock IdP's largest cycles that
// is most of the footprint: a 100,000-user cycle holds about 110 MB but its heap reached 400 MB,
// and its RSS 500 MiB. Collecting at 1.5 × instead kept the peak RSS near 300 MiB. Set only by
// the CLI's long-running commands, never by the library: a host process owns its own heap.
//
// Only while the heap is large, though: each full collection marks everything the process holds
// (on helper threads, which the process pays for too), and at 1.5 × a 10,000-user cycle (25 MB
// live) ran twelve of them where V8's own factor ran three: about a tenth of the IdP's CPU for
// memory nobody needed back. So the factor is tight while the directory loads (synchronously,
// right after this is called: a large one must not overshoot), then follows the heap: V8's own
// below SMALL_HEAP_BYTES in use, tight again from LARGE_HEAP_BYTES.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** The old generation grows by at most this share of what the last full collection kept. */
const HEAP_GROWING_PERCENT = 50;

/** Heap in use from which the growing factor is tight (a 10,000-user cycle peaks near 100 MB with V8's own). */
export const LARGE_HEAP_BYTES = 128 * 1024 * 1024;
/** Heap in use under which V8's own factor is back (apart from the large mark, so it does not flip to and fro). */
export const SMALL_HEAP_BYTES = 64 * 1024 * 1024;

/** How often the heap's size is looked at (getHeapStatistics costs microseconds). */
const CHECK_MS = 500;

let applied = false;

/** Keeps this process's heap close to what it really holds (V8's heap growing factor) while it is large. */
export function keepHeapNearLiveSize(): void {
  if (applied) return;
  applied = true;
  let tight = true;
  growBy(HEAP_GROWING_PERCENT);
  const follow = (): void => {
    const used = getHeapStatistics().used_heap_size;
    if (tight && used < SMALL_HEAP_BYTES) {
      tight = false;
      growBy(0);
    } else if (!tight && used >= LARGE_HEAP_BYTES) {
      tight = true;
      growBy(HEAP_GROWING_PERCENT);
    }
  };
  // First once the caller's synchronous work (loading the directory) is done, then periodically.
  setImmediate(follow).unref();
  setInterval(follow, CHECK_MS).unref();
}

/** Read by V8 at every full collection, so it takes effect after start-up too; 0 is V8's own factor. */
function growBy(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
