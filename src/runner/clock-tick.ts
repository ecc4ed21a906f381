// How long one tick of a server's clock is, judged from a timestamp it wrote: the fractional
// digits of a dateTime show the resolution. Whole seconds (or a fraction of zeros,
// which is what padding a whole-second clock looks like) mean a tick of one second.
export function clockTickMs(stamp: unknown): number {
  if (typeof stamp !== 'string') return 1000;
  const fraction = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(stamp)?.[1];
  if (!fraction || /^0+$/.test(fraction)) return 1000;
  return Math.max(1, 10 ** (3 - Math.min(fraction.length, 3)));
}
