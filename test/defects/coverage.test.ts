// Every check has a primary defect: the bug it exists for, named in test/support/defect-cases.ts
// with a fragment of the message it must give. A crash on every read (a generic defect) is no
// check's primary: failing against it shows only that a check can fail, not that it fails for its
// bug. Every defect of the catalogue has a case, so none is left untested for specificity.
import { describe, expect, it } from 'vitest';
import { loadSuites } from '../../src/suite/load.ts';
import { displayId } from '../../src/record/display-id.ts';
import { DEFECT_CASES, GENERIC_DEFECTS, PROVEN_BY_CERTIFICATION, PROVEN_BY_PROFILE_TESTS } from '../support/defect-cases.ts';
import { DEFECT_NAMES, type DefectName } from '../support/faulty-server.ts';
import { DEFAULT_SUITES } from '../support/defect-run.ts';

/**
 * Every display id a default run against the reference server produces (its foreach run list
 * holds userName alone), and the foreach checks, whose other items a defect's /Schemas can add.
 */
function allCheckIds(): { ids: string[]; foreach: string[] } {
  const ids = ['responses.schema', 'responses.content-type', 'responses.no-bom'];
  const foreach: string[] = [];
  for (const suite of loadSuites(['discovery', ...DEFAULT_SUITES])) {
    for (const scenario of suite.scenarios) {
      for (const variant of scenario.dialects ?? [undefined]) {
        for (const step of scenario.steps) {
          for (const e of step.expect ?? []) {
            ids.push(displayId({ baseId: e.id, ...(variant ? { variant } : {}), ...(step.foreach ? { item: 'userName' } : {}) }));
            if (step.foreach) foreach.push(displayId({ baseId: e.id, ...(variant ? { variant } : {}) }));
          }
        }
      }
    }
  }
  return { ids, foreach };
}

describe('primary defects', () => {
  const primaries = new Map<string, DefectName[]>();
  for (const [defect, c] of Object.entries(DEFECT_CASES) as [DefectName, NonNullable<(typeof DEFECT_CASES)[DefectName]>][]) {
    for (const id of Object.keys(c.primary)) primaries.set(id, [...(primaries.get(id) ?? []), defect]);
  }

  it('every check of the default suites names exactly one primary defect', () => {
    const { ids, foreach } = allCheckIds();
    expect(ids.filter((id) => (primaries.get(id) ?? []).length !== 1).map((id) => `${id}: ${(primaries.get(id) ?? []).join(', ') || 'none'}`)).toEqual([]);
    // A primary is a check of the suites: one the default run produces, or a foreach check for another item.
    const known = (id: string): boolean => ids.includes(id) || foreach.some((f) => id.startsWith(`${f}[`) && !id.slice(f.length + 1).includes('['));
    expect([...primaries.keys()].filter((id) => !known(id))).toEqual([]);
  });

  it('no generic defect is a primary, and every primary gives a message fragment to look for', () => {
    for (const defect of GENERIC_DEFECTS) expect(Object.keys(DEFECT_CASES[defect]?.primary ?? {}), defect).toEqual([]);
    const blank = Object.entries(DEFECT_CASES).flatMap(([defect, c]) => Object.entries(c!.primary).filter(([, fragment]) => fragment.trim().length < 6).map(([id]) => `${defect} → ${id}`));
    expect(blank).toEqual([]);
  });

  it('every defect of the catalogue has a case (or is a certification pre-flight or standard profile defect, proven there)', () => {
    const elsewhere = [...PROVEN_BY_CERTIFICATION, ...PROVEN_BY_PROFILE_TESTS];
    expect(DEFECT_NAMES.filter((d) => !(d in DEFECT_CASES) && !elsewhere.includes(d))).toEqual([]);
    // Proven in one place: a defect with a case here is not also listed as proven elsewhere.
    expect(elsewhere.filter((d) => d in DEFECT_CASES)).toEqual([]);
  });
});
