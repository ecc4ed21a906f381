// The checks a run can produce, known before it starts: every expectation of the loaded suites
// (with its dialect variants), the run-wide audits and the fuzz properties. `--only`/`--skip`
// patterns are checked against it, so a typo is an error (like vitest's "no test found"), never
// a run that silently judges nothing or skips nothing.
import { auditResponses } from '../checks/audit.ts';
import { PROPERTY_IDS } from '../fuzz/properties/index.ts';
import type { LoadedSuite } from '../suite/types.ts';
import { matches } from './select.ts';
import { OPTION_NAMES, type OptionNames } from '../util/option-names.ts';

interface Entry {
  /** The id as far as it is known: `users.create.status`, `entra.create.status[entra]`. */
  id: string;
  /** A `foreach` step adds `[item]` at run time, from discovered or run values. */
  perItem: boolean;
}

/** `extra`: ids a run makes outside suite files (the interop profile's claim and TLS checks). */
export function checkCatalogue(suites: readonly LoadedSuite[], options: { audits: boolean; fuzz: boolean; extra?: readonly string[] }): Entry[] {
  const entries: Entry[] = [];
  for (const suite of suites) {
    for (const scenario of suite.scenarios) {
      const variants = scenario.dialects?.length ? scenario.dialects.map((d) => `[${d}]`) : [''];
      for (const step of scenario.steps) {
        for (const e of step.expect ?? []) for (const v of variants) entries.push({ id: `${e.id}${v}`, perItem: step.foreach !== undefined });
      }
    }
  }
  if (options.audits) for (const r of auditResponses([])) entries.push({ id: r.checkId, perItem: false });
  if (options.fuzz) for (const id of PROPERTY_IDS) entries.push({ id: `fuzz.${id}`, perItem: false });
  for (const id of options.extra ?? []) entries.push({ id, perItem: false });
  return entries;
}

/** The patterns that can match no check of the catalogue. */
export function unmatchedPatterns(patterns: readonly string[], catalogue: readonly Entry[]): string[] {
  return patterns.filter((pattern) => !catalogue.some((entry) => canMatch(pattern, entry)));
}

function canMatch(pattern: string, entry: Entry): boolean {
  if (matches(pattern, entry.id)) return true;
  // `users.required.rejected[userName]` or `users.required.rejected[user*`: the item is only known at run time.
  return entry.perItem && pattern.startsWith(`${entry.id}[`);
}

/** The --only/--skip patterns that match nothing, as one line naming them (and a likely fix). */
export class SelectionError extends Error {
  constructor(unmatched: readonly { flag: string; pattern: string }[], suites: readonly string[], catalogue: readonly Entry[]) {
    const hints = unmatched.map(({ flag, pattern }) => {
      const near = closestCheck(pattern, catalogue);
      return `${flag} "${pattern}"${near ? ` (did you mean ${near}?)` : ''}`;
    });
    super(`${hints.join(', ')} ${unmatched.length === 1 ? 'matches' : 'match'} no check of the suites ${suites.join(', ')}`);
    this.name = 'SelectionError';
  }
}

/** Checks --only and --skip against the catalogue; throws a SelectionError naming every pattern that matches nothing. */
export function checkSelection(only: readonly string[], skip: readonly string[], suites: readonly string[], catalogue: readonly Entry[], names: OptionNames = OPTION_NAMES.cli): void {
  const unmatched = [
    ...unmatchedPatterns(only, catalogue).map((pattern) => ({ flag: names.only, pattern })),
    ...unmatchedPatterns(skip, catalogue).map((pattern) => ({ flag: names.skip, pattern })),
  ];
  if (unmatched.length > 0) throw new SelectionError(unmatched, suites, catalogue);
}

/** A check id (or, for a `*` pattern, a prefix) that looks like the mistyped pattern. */
function closestCheck(pattern: string, catalogue: readonly Entry[]): string | undefined {
  const prefix = pattern.endsWith('*');
  const stem = prefix ? pattern.slice(0, -1) : pattern;
  let best: { text: string; distance: number } | undefined;
  for (const { id } of catalogue) {
    const distance = editDistance(stem, id.slice(0, Math.max(stem.length, 1)));
    if (!best || distance < best.distance) best = { text: prefix ? `${cutLike(id, stem)}*` : id, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(stem.length / 4)) ? best.text : undefined;
}

/** `id` cut where `stem` ends: after as many dots (`filtr.` → `filter.`), or at its length. */
function cutLike(id: string, stem: string): string {
  if (!stem.endsWith('.')) return id.slice(0, stem.length);
  const dots = stem.split('.').length - 1;
  return `${id.split('.').slice(0, dots).join('.')}.`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
