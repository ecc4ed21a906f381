// Profiles, as data (suites/profiles.json). An app profile is one SaaS app's provisioning
// requirements — the attributes a create must carry, the attribute the IdP matches users by, and
// checks re-levelled for that app, each with its reason; `--profile`, `--require` and `--matching`
// feed the same run options, so a vendor without a built-in profile gets the same means. A
// standard profile is a published SCIM profile (the interoperability profile, IPSIE): the suites
// that add its checks, the checks its verdict is made of, and the RFC-level checks it re-levels.
import { fileURLToPath } from 'node:url';
import { readDataFile } from './read-data.ts';
import type { CheckResult, Level } from '../record/types.ts';
import { baseIdOf } from '../record/display-id.ts';

export interface SeverityOverride {
  /** A check id, or a prefix ending in `*` (`entra.group.*`); variant and item suffixes are ignored. */
  check: string;
  level: Level;
  reason: string;
}

export interface Profile {
  name: string;
  kind: 'app' | 'standard';
  title: string;
  /** The revision of the published profile the checks were written against. */
  version?: string;
  sources: string[];
  requiredAttributes: string[];
  matchingAttribute: string;
  severity: SeverityOverride[];
  /** Standard profiles: suites (names or files under suites/) that add the profile's checks. */
  suites: string[];
  /** Standard profiles: check-id prefixes whose results make up the profile verdict. */
  checks: string[];
  /** Standard profiles: other check ids the verdict counts (`responses.content-type`). */
  reliesOn: string[];
  /** Standard profiles: requirements no check judges; the verdict names them. */
  notChecked: string[];
  /** The /ServiceProviderConfig attribute with which a server claims the profile. */
  claim?: string;
}

export const PROFILES_FILE = fileURLToPath(new URL('../../suites/profiles.json', import.meta.url));

/** Matching attributes Entra and Okta can be configured with (ENTRA-1.1, OKTA-2.4). */
export const MATCHING_ATTRIBUTES = ['userName', 'externalId', 'emails[type eq "work"].value'];

export class ProfileError extends Error {}

const LEVELS: Level[] = ['MUST', 'SHOULD', 'MAY'];

export function loadProfiles(file = PROFILES_FILE): Map<string, Profile> {
  const data = readDataFile(file, 'profiles', (message) => new ProfileError(message));
  const profiles = (data as { profiles?: unknown }).profiles;
  if (!profiles || typeof profiles !== 'object') throw new ProfileError(`${file}#/profiles: missing`);
  const out = new Map<string, Profile>();
  for (const [name, raw] of Object.entries(profiles as Record<string, Record<string, unknown>>)) {
    const at = `${file}#/profiles/${name}`;
    const list = (key: string): string[] => {
      const v = raw[key] ?? [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ProfileError(`${at}/${key}: must be a list of strings`);
      return v as string[];
    };
    const severity = (Array.isArray(raw.severity) ? raw.severity : []).map((s: unknown, i: number) => {
      const o = s as Partial<SeverityOverride>;
      if (typeof o.check !== 'string' || !LEVELS.includes(o.level as Level) || typeof o.reason !== 'string' || o.reason === '') {
        throw new ProfileError(`${at}/severity/${i}: needs "check", "level" (MUST, SHOULD or MAY) and a "reason"`);
      }
      return { check: o.check, level: o.level as Level, reason: o.reason };
    });
    if (raw.kind !== undefined && raw.kind !== 'app' && raw.kind !== 'standard') throw new ProfileError(`${at}/kind: must be "app" or "standard"`);
    const kind = raw.kind === 'standard' ? 'standard' : 'app';
    if (kind === 'standard' && list('checks').length === 0) throw new ProfileError(`${at}/checks: a standard profile names the check-id prefixes of its verdict`);
    out.set(name, {
      name,
      kind,
      title: typeof raw.title === 'string' ? raw.title : name,
      ...(typeof raw.version === 'string' ? { version: raw.version } : {}),
      sources: list('sources'),
      requiredAttributes: list('requiredAttributes'),
      matchingAttribute: typeof raw.matchingAttribute === 'string' ? raw.matchingAttribute : 'userName',
      severity,
      suites: list('suites'),
      checks: list('checks'),
      reliesOn: list('reliesOn'),
      notChecked: list('notChecked'),
      ...(typeof raw.claim === 'string' ? { claim: raw.claim } : {}),
    });
  }
  return out;
}

export function getProfile(name: string, file?: string): Profile {
  const profiles = loadProfiles(file);
  const profile = profiles.get(name);
  if (!profile) throw new ProfileError(`no profile "${name}" (known: ${[...profiles.keys()].join(', ')})`);
  return profile;
}

/** Profile names (`--profile prodpad,interop`) as at most one app profile and one standard profile. */
export function chooseProfiles(names: readonly string[]): { app?: Profile; standard?: Profile } {
  const chosen: { app?: Profile; standard?: Profile } = {};
  for (const name of names) {
    const found = getProfile(name);
    const slot = found.kind === 'standard' ? 'standard' : 'app';
    const taken = chosen[slot];
    if (taken) throw new ProfileError(`give at most one ${slot === 'standard' ? 'standard' : 'app'} profile (${taken.name} and ${found.name})`);
    chosen[slot] = found;
  }
  return chosen;
}

/** What a chosen pair of profiles adds to a run's options (the CLI's --profile, the library's `profiles`). */
export function profileRunOptions(chosen: { app?: Profile; standard?: Profile }): { profile?: string; severity?: SeverityOverride[]; standard?: Profile; requireAttributes: string[]; matchingAttribute?: string } {
  const { app, standard } = chosen;
  return {
    requireAttributes: [...(app?.requiredAttributes ?? [])],
    ...(app || standard ? { profile: [app?.name, standard?.name].filter(Boolean).join(',') } : {}),
    ...(app ? { severity: app.severity } : {}),
    ...(standard ? { standard } : {}),
    ...(app?.matchingAttribute ? { matchingAttribute: app.matchingAttribute } : {}),
  };
}


function matches(pattern: string, id: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/**
 * Re-levels a result by the first override that matches it; the reason joins the message.
 * `keepBefore` (standard profiles) records the level and status it had, so the IdP verdicts keep
 * judging what each IdP needs, not what the profile asks.
 */
export function applySeverity(result: CheckResult, overrides: SeverityOverride[], options: { keepBefore?: boolean } = {}): CheckResult {
  const override = overrides.find((o) => matches(o.check, baseIdOf(result)));
  if (!override || override.level === result.level) return override ? { ...result, message: joinReason(result.message, override.reason, result.status) } : result;
  const judged = ['fail', 'warn', 'info'].includes(result.status);
  const status = judged ? (override.level === 'MUST' ? 'fail' : override.level === 'SHOULD' ? 'warn' : 'info') : result.status;
  const before = options.keepBefore ? { before: { level: result.level, status: result.status } } : {};
  return { ...result, level: override.level, status, message: joinReason(result.message, override.reason, status), ...before };
}

function joinReason(message: string | undefined, reason: string, status: CheckResult['status']): string | undefined {
  if (status === 'pass' || status === 'skip') return message;
  return message ? `${message} — profile: ${reason}` : `profile: ${reason}`;
}
