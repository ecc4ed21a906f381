// Sharding, the way Playwright and vitest shard: `--shard i/n` runs every n-th unit of work
// starting at the i-th, so n parallel CI jobs together run exactly what one job would.
// A unit is one scenario (per dialect variant) of the data suites, or one fuzz property.
// Discovery runs in every shard (every capability decision depends on it) and so do the
// run-wide audits over that shard's own responses; merging keeps one verdict per check id.

export interface Shard {
  /** 1-based: shard 1 of 3 is `{ index: 1, total: 3 }`. */
  index: number;
  total: number;
}

/** Parses `2/3`; the message of a thrown Error is fit for a one-line usage error. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`--shard must look like 1/3 (this job's number / the number of jobs), got "${text}"`);
  const index = Number(match[1]);
  const total = Number(match[2]);
  if (total < 1) throw new Error(`--shard ${text}: the number of jobs must be at least 1`);
  if (index < 1 || index > total) throw new Error(`--shard ${text}: the job number must be between 1 and ${total}`);
  return { index, total };
}

/** Says, unit by unit in run order, whether a unit belongs to this shard (round-robin). */
export function shardCounter(shard: Shard | undefined): () => boolean {
  let unit = 0;
  return () => {
    const mine = !shard || unit % shard.total === shard.index - 1;
    unit++;
    return mine;
  };
}
