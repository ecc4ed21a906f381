// Dev tool (not a test): runs the default data suites against each defect and writes what fails,
// warns or informs (with the message and the cause) to a JSON file, to write or update the
// expectations of test/support/defect-cases.ts.
// Usage: npx tsx test/support/explore-defects.ts OUT.json [defect…]
import { writeFileSync } from 'node:fs';
import { runConformance } from '../../src/runner/run.ts';
import { DEFECT_NAMES, startFaultyServer, type DefectName } from './faulty-server.ts';
import { DEFAULT_SUITES, notPassing } from './defect-run.ts';

const [out, ...names] = process.argv.slice(2);
const found: Record<string, unknown> = {};
for (const defect of (names.length ? names : DEFECT_NAMES) as DefectName[]) {
  const server = await startFaultyServer(defect);
  try {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: [...DEFAULT_SUITES], seed: 7 });
    found[defect] = {
      runError: record.meta.runError,
      results: notPassing(record).map((r) => ({ id: r.checkId, status: r.status, message: r.message, causedBy: r.causedBy?.checkId })),
      verdicts: Object.fromEntries((record.idpVerdicts ?? []).map((v) => [v.dialect, v.works])),
    };
    process.stderr.write(`${defect}: ${notPassing(record).length}\n`);
  } finally {
    await server.close();
  }
  if (out) writeFileSync(out, JSON.stringify(found, null, 1));
}
