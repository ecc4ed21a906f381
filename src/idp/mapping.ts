// Attribute mappings: directory user → SCIM attribute values, which of them to send on create and
// on update, and reading the same paths back out of a SCIM resource to see what changed.
import type { Directory, DirectoryUserRecord, Mapping } from './types.ts';
import { attributeValue } from './scope.ts';
import { CREATE_ARG, ENTERPRISE, MANAGER_TARGET, WORK_EMAIL } from './vocabulary.ts';

/** SCIM path → value (absent: the source is empty, so nothing is sent; ENTRA-1.1 no nulls). */
export type ScimValues = Record<string, string>;

function valueOf(user: DirectoryUserRecord, m: Mapping): string | undefined {
  if (m.constant !== undefined) return m.constant;
  const v = attributeValue(user, m.source!);
  if (v === undefined) return m.default;
  return String(v);
}

const attributeMappings = (directory: Directory): Mapping[] => directory.app.mappings.filter((m) => m.apply !== 'never' && m.target !== MANAGER_TARGET);

/** Everything sent when the user is created (always + on create only). */
export function createValues(directory: Directory, user: DirectoryUserRecord): ScimValues {
  const out: ScimValues = {};
  for (const m of attributeMappings(directory)) {
    const v = valueOf(user, m);
    if (v !== undefined) out[m.target] = v;
  }
  return out;
}

/** The paths kept in step on later cycles ("always" mappings). */
export function updatePaths(directory: Directory): string[] {
  return attributeMappings(directory).filter((m) => m.apply === 'always').map((m) => m.target);
}

export function matchingMapping(directory: Directory): Mapping {
  return directory.app.mappings.find((m) => m.matching)!;
}

export function managerMapping(directory: Directory): Mapping | undefined {
  return directory.app.mappings.find((m) => m.target === MANAGER_TARGET && m.apply !== 'never');
}

/** Arguments for the dialects' createUser builders. */
export function createArgs(values: ScimValues): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    const arg = CREATE_ARG[path];
    if (arg) args[arg] = value;
  }
  return args;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function child(node: unknown, key: string): unknown {
  if (!isRecord(node)) return undefined;
  const found = Object.keys(node).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : node[found];
}

/** Reads one of the mappable SCIM paths from a resource as the server returned it. */
export function readPath(resource: unknown, path: string): string | undefined {
  let v: unknown;
  if (path === WORK_EMAIL) {
    const emails = child(resource, 'emails');
    if (Array.isArray(emails)) {
      const work = emails.find((e) => isRecord(e) && String(child(e, 'type') ?? '').toLowerCase() === 'work') ?? emails.find((e) => isRecord(e) && child(e, 'primary') === true);
      v = child(work, 'value');
    }
  } else if (path.startsWith(`${ENTERPRISE}:`)) {
    v = child(child(resource, ENTERPRISE), path.slice(ENTERPRISE.length + 1));
    if (isRecord(v)) v = child(v, 'value');
  } else {
    v = path.split('.').reduce<unknown>((node, key) => child(node, key), resource);
  }
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** Entra: the changed attributes only, compared with the app's copy; empty sources are skipped. */
export function entraChanges(desired: ScimValues, paths: string[], resource: unknown): { changes: Record<string, string>; added: string[] } {
  const changes: Record<string, string> = {};
  const added: string[] = [];
  for (const path of paths) {
    const want = desired[path];
    if (want === undefined) continue;
    const have = readPath(resource, path);
    if (have === want) continue;
    changes[path] = want;
    // Entra sets an attribute the app holds no value for with Add (ENTRA-1.4).
    if (have === undefined) added.push(path);
  }
  return { changes, added };
}

/**
 * Okta pushes the whole app profile in its PUT. The builders' `applyChange` sets plain and URN
 * paths, so the work email travels as the `emails` list Okta sends on create; an empty source
 * removes the attribute (null).
 */
export function oktaProfile(desired: ScimValues, paths: string[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const path of paths) {
    const want = desired[path];
    if (path === WORK_EMAIL) changes.emails = want === undefined ? null : [{ primary: true, value: want, type: 'work' }];
    else changes[path] = want ?? null;
  }
  return changes;
}

/** Which update paths differ between two snapshots of mapped values (the directory-side delta). */
export function changedPaths(before: ScimValues | undefined, after: ScimValues, paths: string[]): string[] {
  return paths.filter((p) => (before?.[p] ?? undefined) !== (after[p] ?? undefined));
}
