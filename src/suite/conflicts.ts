// The conflicts between standard profiles and what IdPs really send (suites/conflicts.json), as data:
// which profile check enforces the strict behaviour, and which IdP replay checks break under it.
import { fileURLToPath } from 'node:url';
import { readDataFile } from './read-data.ts';

export interface ConflictEffect {
  dialects: string[];
  /** Replay check ids or prefixes ending in `*`, without the variant suffix. */
  checks: string[];
  behaviour: string;
}

export interface ProfileConflict {
  id: string;
  requirement: string;
  profileRef: string;
  strict: string;
  tolerant: string;
  breaks: ConflictEffect[];
}

export const CONFLICTS_FILE = fileURLToPath(new URL('../../suites/conflicts.json', import.meta.url));

export class ConflictsError extends Error {}

const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

export function loadConflicts(file = CONFLICTS_FILE): ProfileConflict[] {
  const data = readDataFile(file, 'conflicts', (message) => new ConflictsError(message));
  const list = (data as { conflicts?: unknown }).conflicts;
  if (!Array.isArray(list)) throw new ConflictsError(`${file}#/conflicts: missing`);
  return list.map((raw: unknown, i) => {
    const c = raw as Partial<ProfileConflict>;
    const at = `${file}#/conflicts/${i}`;
    for (const key of ['id', 'requirement', 'profileRef', 'strict', 'tolerant'] as const) if (typeof c[key] !== 'string' || c[key] === '') throw new ConflictsError(`${at}/${key}: must be a non-empty string`);
    if (!Array.isArray(c.breaks) || c.breaks.length === 0) throw new ConflictsError(`${at}/breaks: must list at least one IdP behaviour`);
    c.breaks.forEach((b, j) => {
      if (!strings(b.dialects) || !strings(b.checks) || typeof b.behaviour !== 'string') throw new ConflictsError(`${at}/breaks/${j}: needs "dialects", "checks" and "behaviour"`);
    });
    return c as ProfileConflict;
  });
}
