// The standard-profile verdict, beside the IdP verdicts: does the server meet the profile (no MUST
// check of the profile failed), what the run could not judge, whether the server's own claim
// (`interopProfileConformant`) holds, and every place where meeting the profile breaks an IdP — or
// serving the IdP misses the profile — named with the side this server took.
import type { CheckResult, ConflictEffect, ConflictReport, Exchange, ProfileVerdict, VerdictItem } from '../record/types.ts';
import { getDialect } from '../dialects/index.ts';
import { loadConflicts, type ProfileConflict } from '../suite/conflicts.ts';
import { baseIdOf } from '../record/display-id.ts';
import type { Profile } from '../suite/profiles.ts';

const item = (r: CheckResult): VerdictItem => ({ checkId: r.checkId, title: r.title, refs: r.refs, ...(r.message ? { message: r.message } : {}) });

export const inProfile = (profile: Profile, checkId: string): boolean => profile.checks.some((prefix) => checkId.startsWith(prefix)) || profile.reliesOn.includes(checkId);

/** Checks a profile run makes outside its suite files: the claim (below) and the TLS probe (tls-probe.ts). */
export const PROFILE_RUN_CHECKS: readonly string[] = ['interop.claim', 'interop.tls'];

/** The claim check of a profile: `interop.claim` for `interopProfileConformant`. */
export const claimCheckId = (profile: Profile): string => `${profile.checks[0] ?? `${profile.name}.`}claim`;

export function profileVerdict(profile: Profile, results: readonly CheckResult[], trigger: ProfileVerdict['trigger'], conflicts: readonly ProfileConflict[]): ProfileVerdict {
  const claimId = claimCheckId(profile);
  const own = results.filter((r) => inProfile(profile, r.checkId) && r.checkId !== claimId);
  const counts = { pass: 0, fail: 0, warn: 0, skip: 0, total: own.length };
  for (const r of own) {
    if (r.status === 'pass' || r.status === 'info') counts.pass++;
    else if (r.status === 'fail') counts.fail++;
    else if (r.status === 'warn') counts.warn++;
    else counts.skip++;
  }
  const failing = own.filter((r) => r.status === 'fail').map(item);
  const notJudged = [
    ...own.filter((r) => r.status === 'skip' || r.status === 'error').map((r) => ({ what: r.checkId, reason: r.reason ?? r.message ?? 'not judged' })),
    ...profile.reliesOn.filter((id) => !results.some((r) => r.checkId === id)).map((id) => ({ what: id, reason: 'not run (it belongs to the core suite)' })),
    ...profile.notChecked.map((what) => ({ what, reason: 'no check in this pack judges it' })),
  ];
  const state: ProfileVerdict['state'] = failing.length > 0 ? 'fails' : counts.pass === 0 ? 'not-judged' : 'meets';
  return {
    profile: profile.name,
    title: profile.title,
    ...(profile.version ? { version: profile.version } : {}),
    trigger,
    state,
    counts,
    failing,
    warnings: own.filter((r) => r.status === 'warn').map(item),
    notJudged,
    conflicts: conflicts.filter((c) => results.some((r) => r.checkId === c.requirement)).map((c) => conflictReport(c, results)),
  };
}

const matches = (pattern: string, id: string): boolean => (pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern);

/** The status a result had for the IdP (before a standard profile re-levelled it). */
const idpStatus = (r: CheckResult) => r.before?.status ?? r.status;

export function conflictReport(conflict: ProfileConflict, results: readonly CheckResult[]): ConflictReport {
  const requirement = results.find((r) => r.checkId === conflict.requirement);
  const side: ConflictReport['side'] = requirement?.status === 'pass' ? 'strict' : requirement?.status === 'fail' || requirement?.status === 'warn' ? 'tolerant' : 'unknown';
  const effects: ConflictEffect[] = [];
  for (const effect of conflict.breaks) {
    for (const dialect of effect.dialects) {
      const label = getDialect(dialect)?.label ?? dialect;
      const replay = results.filter((r) => r.variant === dialect && effect.checks.some((p) => matches(p, baseIdOf(r))));
      const judged = replay.filter((r) => idpStatus(r) !== 'skip' && idpStatus(r) !== 'error');
      const broken = judged.filter((r) => idpStatus(r) === 'fail');
      const state: ConflictEffect['state'] = judged.length === 0 ? 'not-run' : broken.length > 0 ? 'breaks' : 'works';
      effects.push({ dialect, label, behaviour: effect.behaviour, state, checkIds: broken.map((r) => r.checkId), sentence: sentence(conflict, side, state, effect.behaviour, label, broken) });
    }
  }
  return {
    id: conflict.id,
    requirement: { checkId: conflict.requirement, title: requirement?.title ?? conflict.requirement, status: requirement?.status ?? 'not-run', ref: conflict.profileRef },
    side,
    effects,
  };
}

function sentence(conflict: ProfileConflict, side: ConflictReport['side'], state: ConflictEffect['state'], behaviour: string, label: string, broken: CheckResult[]): string {
  const failed = broken.length > 0 ? `: ${broken.slice(0, 3).map((r) => r.checkId).join(', ')} failed` : '';
  if (side === 'strict') {
    if (state === 'breaks') return `${conflict.strict} meets the ${conflict.profileRef} but breaks ${behaviour} for ${label}${failed}.`;
    if (state === 'works') return `${conflict.strict} meets the ${conflict.profileRef}; ${label}'s replay of ${behaviour} still passed here.`;
    return `${conflict.strict} meets the ${conflict.profileRef} but would break ${behaviour} (the ${label} replay was not run).`;
  }
  if (side === 'tolerant') {
    if (state === 'breaks') return `${conflict.tolerant} misses the ${conflict.profileRef}, and ${behaviour} fails for ${label} here anyway${failed}.`;
    if (state === 'works') return `${conflict.tolerant} keeps ${behaviour} working for ${label} but misses the ${conflict.profileRef}.`;
    return `${conflict.tolerant} misses the ${conflict.profileRef}; it is what ${behaviour} needs.`;
  }
  return `${conflict.strict} would meet the ${conflict.profileRef} but break ${behaviour}; this run could not tell which side the server takes.`;
}

/**
 * The claim check: a server that declares the profile (`interopProfileConformant: true`) must
 * meet it; a server that does not meet it must leave the attribute out or set it false.
 */
export function claimResult(profile: Profile, verdict: ProfileVerdict, spc: unknown, spcExchange: Exchange | undefined): CheckResult | undefined {
  if (!profile.claim) return undefined;
  const attribute = profile.claim;
  const present = spc !== null && typeof spc === 'object' && attribute in (spc as object);
  const value = present ? (spc as Record<string, unknown>)[attribute] : undefined;
  const base = {
    checkId: claimCheckId(profile),
    title: `The server's ${attribute} claim in /ServiceProviderConfig is true only if it meets the profile`,
    area: 'interop profile: claim',
    suite: 'interop',
    level: 'MUST' as const,
    refs: ['INTEROP-4'],
    exchangeIds: spcExchange ? [spcExchange.id] : [],
  };
  let holds: boolean | null;
  let message: string;
  let status: CheckResult['status'];
  if (!present || value === false) {
    holds = null;
    status = 'pass';
    message = !present ? `the server does not claim the profile (no ${attribute}); a server that does not conform must leave it out or set it false` : `the server declares ${attribute}: false`;
  } else if (typeof value !== 'boolean') {
    holds = false;
    status = 'fail';
    message = `${attribute} must be a boolean, got ${JSON.stringify(value)}`;
  } else if (verdict.state === 'fails') {
    holds = false;
    status = 'fail';
    message = `the server claims ${attribute}: true, but ${verdict.failing.length} of the profile's MUST checks fail: ${verdict.failing.slice(0, 5).map((f) => f.checkId).join(', ')}${verdict.failing.length > 5 ? ' …' : ''}`;
  } else {
    holds = verdict.state === 'meets' ? true : null;
    status = 'pass';
    message = verdict.state === 'meets' ? `the claim holds: ${verdict.counts.pass} profile checks passed${verdict.notJudged.length > 0 ? ` (${verdict.notJudged.length} item(s) not judged)` : ''}` : 'the claim could not be judged: no profile check ran';
  }
  verdict.claim = { attribute, value: present ? value : null, holds, message };
  return { ...base, status, message, ...(status === 'fail' ? { expected: `${attribute} only when every MUST holds`, actual: value } : {}) };
}

/** The profile verdict with its claim (from the claim check's result) and its conflicts. */
export function finalProfileVerdict(profile: Profile, results: readonly CheckResult[], trigger: ProfileVerdict['trigger'], spc: unknown): ProfileVerdict {
  const verdict = profileVerdict(profile, results, trigger, loadConflicts());
  if (profile.claim) claimResult(profile, verdict, spc, undefined);
  return verdict;
}
