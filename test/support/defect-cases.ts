import type { DefectName } from './faulty-server.ts';
export interface DefectCase {
  primary: Record<string, string>;
  consequences?: string[];
  verdicts?: { fail?: string[]; work?: string[] };
  crashedReads?: RegExp;
}
export const DEFECT_CASES: Partial<Record<DefectName, DefectCase>> = {};
