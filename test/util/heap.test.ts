// The CLI's IdP commands keep V8's heap growing factor tight only while the heap is large: below
// that the extra full collections cost CPU (a tenth of a 10,000-user cycle's) and save memory
// nobody needs back. The directory loads with the factor tight (a large one must not overshoot).
// No timing here: fake timers stand in for the periodic look at the heap's size.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const heap = { used: 0 };
const flags: string[] = [];
vi.mock('node:v8', async (original) => {
  const real = await original<typeof import('node:v8')>();
  return {
    ...real,
    getHeapStatistics: () => ({ ...real.getHeapStatistics(), used_heap_size: heap.used }),
    setFlagsFromString: (flag: string) => {
      flags.push(flag);
    },
  };
});

beforeEach(() => {
  vi.useFakeTimers();
  vi.resetModules();
  flags.length = 0;
});

afterEach(() => {
  vi.useRealTimers();
});

const TIGHT = '--heap-growing-percent=50';
const V8_OWN = '--heap-growing-percent=0';

describe('keepHeapNearLiveSize', () => {
  it("is tight while the directory loads, V8's own once the heap turns out small, tight again when it grows large", async () => {
    const { keepHeapNearLiveSize, LARGE_HEAP_BYTES } = await import('../../src/util/heap.ts');
    heap.used = 30 * 1024 * 1024;
    keepHeapNearLiveSize();
    // Set at once: loading happens synchronously right after the call.
    expect(flags).toEqual([TIGHT]);
    vi.advanceTimersByTime(0);
    expect(flags).toEqual([TIGHT, V8_OWN]);
    vi.advanceTimersByTime(10_000);
    expect(flags).toEqual([TIGHT, V8_OWN]);
    heap.used = LARGE_HEAP_BYTES;
    vi.advanceTimersByTime(1_000);
    expect(flags).toEqual([TIGHT, V8_OWN, TIGHT]);
    // Between the two marks it stays as it is.
    heap.used = LARGE_HEAP_BYTES * 0.75;
    vi.advanceTimersByTime(10_000);
    expect(flags).toEqual([TIGHT, V8_OWN, TIGHT]);
  });

  it('stays tight when the loaded directory makes the heap large (a 100,000-user cycle), and is set once per process', async () => {
    const { keepHeapNearLiveSize, LARGE_HEAP_BYTES } = await import('../../src/util/heap.ts');
    heap.used = LARGE_HEAP_BYTES * 2;
    keepHeapNearLiveSize();
    keepHeapNearLiveSize();
    vi.advanceTimersByTime(60_000);
    expect(flags).toEqual([TIGHT]);
  });
});
