// Profiles: one SaaS app's provisioning requirements as data (suites/profiles.json) — the
// attributes a create must carry, the attribute the IdP matches users by, and checks re-levelled
// for that app, each with its reason. `--profile`, `--require` and `--matching` feed the same
// run options, so a vendor without a built-in profile gets the same means.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
  title: string;
  sources: string[];
  requiredAttributes: string[];
  matchingAttribute: string;
  severity: SeverityOverride[];
}

export const PROFILES_FILE = fileURLToPath(new URL('../../suites/profiles.json', import.meta.url));

/** Matching attributes Entra and Okta can be configured with (ENTRA-1.1, OKTA-2.4). */
export const MATCHING_ATTRIBUTES = ['userName', 'externalId', 'emails[type eq "work"].value'];

export class ProfileError extends Error {}

const LEVELS: Level[] = ['MUST', 'SHOULD', 'MAY'];

export function loadProfiles(file = PROFILES_FILE): Map<string, Profile> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProfileError(`${file}: cannot read profiles (${error instanceof Error ? error.message : String(error)})`);
  }
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
    out.set(name, {
      name,
      title: typeof raw.title === 'string' ? raw.title : name,
      sources: list('sources'),
      requiredAttributes: list('requiredAttributes'),
      matchingAttribute: typeof raw.matchingAttribute === 'string' ? raw.matchingAttribute : 'userName',
      severity,
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


function matches(pattern: string, id: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/** Re-levels a result by the first override that matches it; the reason joins the message. */
export function applySeverity(result: CheckResult, overrides: SeverityOverride[]): CheckResult {
  const override = overrides.find((o) => matches(o.check, baseIdOf(result)));
  if (!override || override.level === result.level) return override ? { ...result, message: joinReason(result.message, override.reason, result.status) } : result;
  const judged = ['fail', 'warn', 'info'].includes(result.status);
  const status = judged ? (override.level === 'MUST' ? 'fail' : override.level === 'SHOULD' ? 'warn' : 'info') : result.status;
  return { ...result, level: override.level, status, message: joinReason(result.message, override.reason, status) };
}

function joinReason(message: string | undefined, reason: string, status: CheckResult['status']): string | undefined {
  if (status === 'pass' || status === 'skip') return message;
  return message ? `${message} — profile: ${reason}` : `profile: ${reason}`;
}
