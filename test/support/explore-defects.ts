// Dev tool (not a test): prints which checks fail for each defect. Usage: npx tsx test/support/explore-defects.ts [suite] [defect…]
import { runConformance } from '../../src/runner/run.ts';
import { DEFECT_NAMES, startFaultyServer, type DefectName } from './faulty-server.ts';

const [suiteArg, ...names] = process.argv.slice(2);
const suites = (suiteArg ?? 'core').split(',');
for (const defect of (names.length ? names : DEFECT_NAMES) as DefectName[]) {
  const server = await startFaultyServer(defect);
  try {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites, seed: 1 });
    const failed = record.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.checkId);
    const warned = record.results.filter((r) => r.status === 'warn').map((r) => r.checkId);
    // A failed MAY-level check is reported as info, not fail or warn.
    const info = record.results.filter((r) => r.status === 'info').map((r) => r.checkId);
    console.log(`${defect}${record.meta.runError ? ` RUNERROR(${record.meta.runError})` : ''}: FAIL ${failed.join(' ')}${warned.length ? ` | WARN ${warned.join(' ')}` : ''}${info.length ? ` | INFO ${info.join(' ')}` : ''}`);
  } finally {
    await server.close();
  }
}
