// Test files start longest first, so that the last files to finish are short ones and no worker
// sits idle while another works through a long file at the end. Vitest orders by the durations of
// the previous run, kept in node_modules/.vite; a fresh clone (CI) has none, and vitest then runs
// the largest files first, which put the four defect files (a few lines each, about 50 s each)
// at the very end of the run. The durations of a whole run are committed beside this file
// (test/support/file-durations.json, refreshed by `npx tsx test/support/file-durations.ts`):
// a file's own cached duration wins when there is one, the committed one stands in when not.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds per test file (path from the repository root), as of the last refresh. */
export const DURATIONS_FILE = new URL('./file-durations.json', import.meta.url);

function committedDurations(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, 'utf8')) as Record<string, number>;
  } catch {
    // No table (or a broken one): every file is new, and the order is vitest's own below.
    return {};
  }
}

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Vitest's own order first (failed first, then longest first by its cache, or largest first):
    // the stable sort below keeps it among files of equal (unknown) duration.
    const base = await super.sort(files);
    const committed = committedDurations();
    const root = this.ctx.config.root;
    const ms = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId).split('\\').join('/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      if (cached?.failed) return Number.POSITIVE_INFINITY;
      // A file the table has never seen is new: it runs first, since it may well be long.
      return cached?.duration ?? (path in committed ? committed[path]! * 1000 : Number.MAX_SAFE_INTEGER);
    };
    const duration = new Map(base.map((spec) => [spec, ms(spec)]));
    return base.sort((a, b) => duration.get(b)! - duration.get(a)!);
  }
}
