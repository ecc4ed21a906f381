// Directory users who share a matching value. The match query cannot tell them apart: the first
// would be created and every other one linked to that same app account (and its updates pushed
// over it), or, sent at once, the others refused with a 409 that reads as the app's fault. Entra
// fails them instead ("DuplicateSourceEntries: more than one user was found with the configured
// matching attributes. Remove the duplicate user, or reconfigure your attribute mappings", the
// provisioning logs' error codes); the mock IdP does so for both dialects.
import { ENTRA_CODES } from './error-codes.ts';
import { loginOf, type Entitlements } from './scope.ts';
import { mappedValue, MappingEvaluationError, type MappingPlan } from './mapping.ts';
import type { Directory, DirectoryUserRecord, ObjectError } from './types.ts';

/** The users a user shares its matching value with, and that value as the match query would send it (none: an empty list, and no value). */
export type DuplicateFinder = (user: DirectoryUserRecord) => { attribute: string; value: string; others: DirectoryUserRecord[] };

/**
 * Built on first use, so a cycle in which no user needs matching (every later cycle of a stable
 * directory) never evaluates the matching mapping for its users.
 */
export function duplicateFinder(dir: Directory, plan: MappingPlan, ent: Entitlements): DuplicateFinder {
  let byValue: Map<string, DirectoryUserRecord[]> | undefined;
  /** The users whose matching value no other user has (nearly all): answered without evaluating it again. */
  const alone = new Set<DirectoryUserRecord>();
  const matchOf = (u: DirectoryUserRecord): { attribute: string; value: string } | undefined => {
    for (const m of plan.matching) {
      let v;
      try {
        v = mappedValue(m, u, { softDeleted: false }, plan.schemaTypes);
      } catch (error) {
        if (error instanceof MappingEvaluationError) return undefined;
        throw error;
      }
      if (v !== undefined) return { attribute: m.path.text, value: String(v) };
    }
    return undefined;
  };
  // userName, emails and displayName compare case-insensitively (caseExact false, RFC 7643 §4.1).
  // Compared in NFC too: "é" typed as one code point or as e + U+0301 looks the same to a person
  // and to an app that normalises (PRECIS, RFC 8265, does for usernames); created as two accounts,
  // they would be a pair nobody can tell apart, or the second linked to the first.
  const key = (match: { attribute: string; value: string }): string => `${match.attribute}\u0000${match.value.normalize('NFC').toLowerCase()}`;
  const build = (): Map<string, DirectoryUserRecord[]> => {
    const map = new Map<string, DirectoryUserRecord[]>();
    for (const u of dir.users) {
      const intent = ent.intent(u);
      if (!intent.entitled || !intent.enabled || intent.hold) continue;
      const match = matchOf(u);
      if (!match) continue;
      const k = key(match);
      const list = map.get(k);
      if (list) list.push(u);
      else map.set(k, [u]);
    }
    for (const list of map.values()) if (list.length === 1) alone.add(list[0]!);
    return map;
  };
  return (user) => {
    byValue ??= build();
    if (alone.has(user)) return { attribute: '', value: '', others: [] };
    const match = matchOf(user);
    if (!match) return { attribute: '', value: '', others: [] };
    const others = (byValue.get(key(match)) ?? []).filter((u) => u !== user);
    return { ...match, others };
  };
}

/** The failure of a user whose matching value others share, or undefined when it is its own. */
export function duplicateError(dir: Directory, family: 'entra' | 'okta', twins: ReturnType<DuplicateFinder>): ObjectError | undefined {
  const { others } = twins;
  if (others.length === 0) return undefined;
  const names = others.slice(0, 3).map((o) => loginOf(dir, o)).join(', ') + (others.length > 3 ? `, and ${others.length - 3} more` : '');
  // Two spellings that print alike: say how they differ, or the line reads as naming the same user twice.
  const spelled = [twins.value, ...others.map((o) => loginOf(dir, o))].some((v) => v !== v.normalize('NFC'))
    ? ' (the same text in another Unicode form: one writes an accented letter as one character, the other as a letter and a combining accent)'
    : '';
  const message = `${twins.attribute} "${twins.value}" is also the matching value of ${names}${spelled}: more than one directory user has it, so the match query cannot tell which of them an app user is, and the IdP neither creates nor links ${others.length === 1 ? 'either' : 'any'} of them; remove the duplicate, or change the mappings so that each user's ${twins.attribute} is its own`;
  return { message, ...(family === 'entra' ? { code: ENTRA_CODES.duplicateSource } : {}) };
}
