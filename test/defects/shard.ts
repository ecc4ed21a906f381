// The defect cases split across a few test files, so vitest runs them on every core.
import { describe, it } from 'vitest';
import { DEFECT_CASES } from '../support/defect-cases.ts';
import type { DefectName } from '../support/faulty-server.ts';
import { assertCase, runDefect } from './support.ts';

export const SHARDS = 4;

export function defectShard(index: number): void {
  const names = (Object.keys(DEFECT_CASES) as DefectName[]).filter((_, i) => i % SHARDS === index);
  describe(`defects (shard ${index + 1} of ${SHARDS}): each check fails for its own bug, and nothing unrelated fails`, () => {
    for (const defect of names) {
      it(defect, async () => {
        assertCase(defect, DEFECT_CASES[defect]!, await runDefect(defect));
      }, 120_000);
    }
  });
}
