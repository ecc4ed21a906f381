// Runs one defect case: the default data suites once against the reference server with exactly
// that defect, then three things are asserted:
//   - each primary check fails (or warns, at SHOULD) for its bug: its message holds the fragment;
//   - specificity: what fails, warns or informs is exactly the primary checks and the declared
//     consequences, nothing else (an unrelated check that fails would blame the wrong thing);
//   - for a crash on reads: no check judged on a crashed read passes.
import { expect } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';
import { DEFAULT_SUITES, notPassing } from '../support/defect-run.ts';
import type { DefectCase } from '../support/defect-cases.ts';

export async function runDefect(defect: DefectName): Promise<RunRecord> {
  const server = await startFaultyServer(defect);
  try {
    return await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: [...DEFAULT_SUITES], seed: 7 });
  } finally {
    await server.close();
  }
}

export function assertCase(defect: DefectName, c: DefectCase, record: RunRecord): void {
  expect(record.meta.runError, `the run against ${defect} could be made`).toBeUndefined();
  const byId = new Map(record.results.map((r) => [r.checkId, r]));
  const wrong: string[] = [];
  for (const [id, fragment] of Object.entries(c.primary)) {
    const r = byId.get(id);
    if (!r || !['fail', 'warn', 'info'].includes(r.status)) wrong.push(`${id} should fail for its bug, got ${r?.status ?? 'no result'}${r?.reason ? ` (${r.reason})` : ''}`);
    else if (!(r.message ?? '').includes(fragment)) wrong.push(`${id} should say "${fragment}", said "${r.message ?? ''}"`);
    else if (r.exchangeIds.length === 0) wrong.push(`${id} names no exchange`);
  }
  expect(wrong, `primary checks against ${defect}`).toEqual([]);

  const declared = new Set([...Object.keys(c.primary), ...(c.consequences ?? [])]);
  const shown = notPassing(record);
  const unexpected = shown.filter((r) => !declared.has(r.checkId)).map((r) => `${r.checkId} (${r.status}): ${r.message ?? ''}`.slice(0, 240));
  const missing = [...declared].filter((id) => !shown.some((r) => r.checkId === id)).map((id) => `${id}: ${byId.get(id)?.status ?? 'no result'}`);
  expect({ unexpected, missing }, `only the declared checks fail against ${defect}`).toEqual({ unexpected: [], missing: [] });

  if (c.verdicts) {
    const works = Object.fromEntries((record.idpVerdicts ?? []).map((v) => [v.dialect, v.works]));
    for (const v of c.verdicts.fail ?? []) expect(works[v], `${v} verdict against ${defect}`).toBe(false);
    for (const v of c.verdicts.work ?? []) expect(works[v], `${v} verdict against ${defect}`).toBe(true);
  }

  if (c.crashedReads) {
    const crashed = new Set(record.exchanges.filter((x) => x.request.method === 'GET' && c.crashedReads!.test(new URL(x.request.url).pathname) && (x.response?.status ?? 0) >= 500).map((x) => x.id));
    expect(crashed.size, 'the defect crashed some reads').toBeGreaterThan(0);
    const passed = record.results.filter((r) => r.status === 'pass' && crashed.has(r.exchangeIds[r.exchangeIds.length - 1] ?? '')).map((r) => r.checkId);
    expect(passed, `no check passes a read that answered a 500 (${defect})`).toEqual([]);
  }
}
