// Shard 3 of the defect cases (test/support/defect-cases.ts); see test/defects/support.ts.
import { defectShard } from './shard.ts';

defectShard(2);
